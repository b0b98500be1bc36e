from pathlib import Path

from click.testing import CliRunner
from cryptography.fernet import Fernet
from pydantic import SecretStr

from hub.cli import make_cli
from hub.cli.common import CliState
from hub.plugins import Plugins
from hub.settings import Settings
from tests.cli.conftest import Invoke, as_json


def _invoker(settings: Settings, plugins: Plugins) -> Invoke:
    cli = make_cli()
    state = CliState(settings, plugins)

    def run(*args: str, ok: bool = True):  # type: ignore[no-untyped-def]
        result = CliRunner().invoke(cli, list(args), obj=state)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result

    return run


def test_rotate_to_a_new_key_then_drop_the_old_one(
    invoke: Invoke, settings: Settings, plugins: Plugins, secret_key: str
) -> None:
    invoke("tenants", "create", "acme", "--name", "Acme")
    ids = [
        as_json(invoke("configs", "create", "--tenant", "acme", "--provider", "example",
                       "--name", f"c{i}", "--secret", f"api_key=good-key-{i}-abcdef",
                       "--json"))["id"]
        for i in range(3)
    ]
    new_key = Fernet.generate_key().decode()
    keys = [SecretStr(new_key), SecretStr(secret_key)]
    both = _invoker(settings.model_copy(update={"secret_keys": keys}), plugins)
    first = as_json(both("secrets", "rotate", "--json"))
    assert first["rotated"] == 3 and first["failed"] == []
    again = as_json(both("secrets", "rotate", "--json"))
    assert again["rotated"] == 0 and again["already_current"] == 3
    status = as_json(both("secrets", "status", "--json"))
    assert [(s["primary"], s["configs"]) for s in status] == [(True, 3), (False, 0)]

    only_new = _invoker(settings.model_copy(update={"secret_keys": [SecretStr(new_key)]}), plugins)
    for config_id in ids:
        assert as_json(only_new("configs", "test", config_id, "--json"))["ok"] is True
    only_old = _invoker(settings, plugins)
    failed = only_old("configs", "test", ids[0], ok=False)
    assert failed.exit_code == 1
    assert "cannot be decrypted" in failed.stderr
    assert "Traceback" not in failed.output


def test_add_key_refuses_keys_from_the_environment(invoke: Invoke) -> None:
    result = invoke("secrets", "add-key", ok=False)
    assert "HUB_SECRET_KEYS" in result.stderr


def test_add_key_with_the_generated_key_file(
    settings: Settings, plugins: Plugins, tmp_path: Path
) -> None:
    file_settings = settings.model_copy(update={"secret_keys": []})
    run = _invoker(file_settings, plugins)
    run("tenants", "create", "acme", "--name", "Acme")
    config_id = as_json(run("configs", "create", "--tenant", "acme", "--provider", "example",
                            "--secret", "api_key=good-key-file-01", "--json"))["id"]
    key_file = file_settings.data_dir / "secret_keys"
    old_key = key_file.read_text().split()
    assert len(old_key) == 1
    out = run("secrets", "add-key").stdout
    assert str(key_file) in out and old_key[0] not in out
    keys = key_file.read_text().split()
    assert keys[1:] == old_key and len(keys) == 2
    assert (key_file.stat().st_mode & 0o777) == 0o600
    assert as_json(run("secrets", "rotate", "--json"))["rotated"] == 1
    key_file.write_text(keys[0] + "\n")
    assert as_json(run("configs", "test", config_id, "--json"))["ok"] is True
