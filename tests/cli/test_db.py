from sqlalchemy import create_engine, inspect

from hub.settings import Settings
from tests.cli.conftest import Invoke, as_json


def test_upgrade_then_current(invoke: Invoke, settings: Settings) -> None:
    out = invoke("db", "upgrade").stdout
    assert out.strip() == "hub: hub_0006"
    current = as_json(invoke("db", "current", "--json"))
    assert current == {"current": {"hub": ["hub_0006"]}, "pending": []}


def test_current_on_an_empty_database_shows_pending(
    invoke: Invoke, settings: Settings
) -> None:
    text = invoke("db", "current").stdout
    assert "hub: (not created)" in text
    assert "pending: hub_0006" in text
    if settings.effective_database_url.startswith("sqlite"):
        path = settings.effective_database_url.split("///", 1)[1]
        engine = create_engine(f"sqlite:///{path}")
        assert "hub_tenants" not in inspect(engine).get_table_names()
        engine.dispose()
