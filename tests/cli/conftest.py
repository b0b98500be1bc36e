import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner, Result

from hub.cli import make_cli
from hub.cli.common import CliState
from hub.plugins import Plugins
from hub.settings import Settings

Invoke = Callable[..., Result]


@pytest.fixture
def invoke(settings: Settings, plugins: Plugins) -> Invoke:
    """Run `hub ARGS...` in-process against the test database."""
    cli = make_cli()
    plugins.call("hub_commands", cli=cli)
    state = CliState(settings, plugins)

    def run(*args: str, input: str | None = None, ok: bool = True) -> Result:
        result = CliRunner().invoke(cli, list(args), obj=state, input=input)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result

    return run


def as_json(result: Result) -> Any:
    return json.loads(result.stdout)
