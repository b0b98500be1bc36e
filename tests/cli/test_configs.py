import click
import pytest
from click.testing import CliRunner, Result

from hub.cli import make_cli
from hub.cli.common import CliState
from hub.cli.configs import config_group
from hub.plugins import Plugins
from hub.settings import Settings
from tests.cli.conftest import Invoke, as_json

SECRET = "cli-secret-value-7f3a9c"


@pytest.fixture
def tenant(invoke: Invoke) -> str:
    return as_json(invoke("tenants", "create", "acme", "--name", "Acme", "--json"))["id"]


def test_create_with_secret_option_masks_it(invoke: Invoke, tenant: str) -> None:
    result = invoke(
        "configs", "create", "--tenant", "acme", "--provider", "example", "--name", "main",
        "--set", "retries=5", "--set", "region=intl", "--secret", f"api_key={SECRET}", "--json",
    )
    config = as_json(result)
    assert config["config"] == {
        "endpoint": "https://example.invalid",
        "api_key": "***",
        "region": "intl",
        "retries": 5,
        "webhook_secret": None,
    }
    assert SECRET not in result.output
    shown = invoke("configs", "show", config["id"])
    assert "api_key: ***" in shown.stdout
    assert SECRET not in shown.output


def test_secret_from_stdin(invoke: Invoke, tenant: str) -> None:
    result = invoke(
        "configs", "create", "--tenant", "acme", "--provider", "example",
        "--secret-stdin", "api_key", "--secret-stdin", "webhook_secret", "--json",
        input=f"{SECRET}\nhook-secret-99\n",
    )
    config = as_json(result)
    assert config["config"]["api_key"] == "***"
    assert config["config"]["webhook_secret"] == "***"
    assert SECRET not in result.output
    test = invoke("configs", "test", config["id"], "--json")
    assert as_json(test) == {"ok": True, "state": "ok", "message": "connected"}


def test_missing_secret_without_terminal_is_a_clear_error(invoke: Invoke, tenant: str) -> None:
    result = invoke("configs", "create", "--tenant", "acme", "--provider", "example", ok=False)
    assert result.exit_code == 1
    assert "secret api_key is needed" in result.stderr
    assert as_json(invoke("configs", "list", "--json")) == []


def test_secret_given_as_setting_is_refused(invoke: Invoke, tenant: str) -> None:
    result = invoke("configs", "create", "--tenant", "acme", "--provider", "example",
                    "--set", f"api_key={SECRET}", ok=False)
    assert "is a secret" in result.stderr
    assert SECRET not in result.output


def test_validation_errors_name_the_field(invoke: Invoke, tenant: str) -> None:
    result = invoke("configs", "create", "--tenant", "acme", "--provider", "example",
                    "--secret", "api_key=abcdef", "--set", "retries=99", ok=False)
    assert result.stderr.startswith("error: config is invalid (config.retries:")
    unknown = invoke("configs", "create", "--tenant", "acme", "--provider", "example",
                     "--secret", "api_key=abcdef", "--set", "colour=red", ok=False)
    assert "unknown config field(s): colour" in unknown.stderr


def test_multi_kind_provider_needs_kind(invoke: Invoke, tenant: str) -> None:
    result = invoke("configs", "create", "--tenant", "acme", "--provider", "multi", ok=False)
    assert "several config kinds" in result.stderr
    robot = invoke("configs", "create", "--tenant", "acme", "--provider", "multi", "--kind",
                   "robot", "--name", "ops", "--secret", "webhook_key=robot-key-1", "--json")
    assert as_json(robot)["kind"] == "robot"


def test_update_enable_disable_test_delete(invoke: Invoke, tenant: str) -> None:
    config = as_json(invoke("configs", "create", "--tenant", "acme", "--provider", "example",
                            "--secret", f"api_key={SECRET}", "--json"))
    cid = config["id"]
    updated = as_json(invoke("configs", "update", cid, "--set", "retries=1", "--json"))
    assert updated["config"]["retries"] == 1
    assert updated["version"] == 2
    assert "is now disabled" in invoke("configs", "disable", cid).stdout
    refused = invoke("configs", "test", cid, ok=False)
    assert "disabled" in refused.stderr
    assert "is now unknown" in invoke("configs", "enable", cid).stdout
    invoke("configs", "update", cid, "--secret", "api_key=bad-key-123456")
    failed = invoke("configs", "test", cid, ok=False)
    assert failed.exit_code == 1
    assert failed.stdout.startswith("failed (error): provider rejected key ***")
    assert "bad-key-123456" not in failed.output
    shown = as_json(invoke("configs", "show", cid, "--json"))
    assert shown["state"] == "error"
    invoke("configs", "delete", cid, "--yes")
    assert invoke("configs", "show", cid, ok=False).stderr.startswith("error: config ")


def test_list_filters(invoke: Invoke, tenant: str) -> None:
    invoke("tenants", "create", "beta", "--name", "Beta")
    for slug in ("acme", "beta"):
        invoke("configs", "create", "--tenant", slug, "--provider", "example",
               "--secret", "api_key=abcdef")
    assert len(as_json(invoke("configs", "list", "--json"))) == 2
    only = as_json(invoke("configs", "list", "--tenant", "beta", "--json"))
    assert [c["tenant"] for c in only] == ["beta"]
    assert as_json(invoke("configs", "list", "--provider", "multi", "--json")) == []


def test_secret_not_in_database_file(invoke: Invoke, tenant: str, settings: Settings) -> None:
    if not settings.effective_database_url.startswith("sqlite"):
        pytest.skip("raw file check is for SQLite; tests/tenants cover PostgreSQL columns")
    invoke("configs", "create", "--tenant", "acme", "--provider", "example",
           "--secret", f"api_key={SECRET}")
    db_file = settings.effective_database_url.split("///", 1)[1]
    raw = b"".join(
        open(path, "rb").read()  # noqa: SIM115
        for path in (db_file, db_file + "-wal")
        if __import__("os").path.exists(path)
    )
    assert SECRET.encode() not in raw


def test_a_provider_preset_implies_the_provider_and_refuses_other_configs(
    settings: Settings, plugins: Plugins, invoke: Invoke, tenant: str
) -> None:
    cli = make_cli()
    for provider in ("example", "other"):
        preset = click.Group(f"{provider}-tools")
        preset.add_command(config_group("config", provider, provider.title()))
        cli.add_command(preset)
    state = CliState(settings, plugins)

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), obj=state)

    created = run("example-tools", "config", "create", "--tenant", "acme",
                  "--secret", f"api_key={SECRET}", "--json")  # fmt: skip
    assert created.exit_code == 0, created.output
    config_id = as_json(created)["id"]
    assert "--provider" not in run("example-tools", "config", "create", "--help").output

    listed = as_json(run("example-tools", "config", "list", "--json"))
    assert [c["id"] for c in listed] == [config_id]
    assert as_json(run("other-tools", "config", "list", "--json")) == []
    for command in ("show", "test", "disable"):
        refused = run("other-tools", "config", command, config_id)
        assert refused.exit_code == 1
        assert f"config '{config_id}' is a example config, not other" in refused.stderr
    assert as_json(invoke("configs", "show", config_id, "--json"))["enabled"] is True
    assert run("example-tools", "config", "test", config_id).stdout == "ok: connected\n"
