"""`hub tencent-meeting config ...`: the core's config commands preset, and the OAuth steps."""

from urllib.parse import parse_qs, urlsplit

from ..fake_server import OPEN_ID, FakeTencentMeeting
from .conftest import ACME, Invoke, as_json, tm


def test_config_lifecycle(hub: Invoke, fake: FakeTencentMeeting, config_id: str) -> None:
    listed = as_json(tm(hub, "config", "list", "--json"))
    assert [(c["id"], c["provider"], c["name"]) for c in listed] == [
        (config_id, "tencent_meeting", "default")
    ]
    shown = tm(hub, "config", "show", config_id).stdout
    assert "secret_key" in shown and "***" in shown
    assert fake.secret_key not in shown

    tested = tm(hub, "config", "test", config_id)
    assert tested.stdout.strip() == f"ok: connected to AppId {fake.app_id} as Admin"

    tm(hub, "config", "update", config_id, "--secret", "secret_key=wrong-key-0123")
    refused = tm(hub, "config", "test", config_id, ok=False)
    assert refused.exit_code == 1
    assert refused.stdout.startswith("failed (needs_reauth): Tencent Meeting refused")
    assert "wrong-key-0123" not in refused.output

    tm(hub, "config", "disable", config_id)
    disabled = tm(hub, "meeting", "list", *ACME, ok=False)
    assert disabled.exit_code == 1 and "disabled" in disabled.stderr
    tm(hub, "config", "enable", config_id)
    tm(hub, "config", "delete", config_id, "--yes")
    assert as_json(tm(hub, "config", "list", "--json")) == []


def test_oauth_authorization(hub: Invoke, fake: FakeTencentMeeting, config_id: str) -> None:
    created = tm(
        hub, "config", "create", *ACME, "--name", "isv",
        "--set", "auth_mode=oauth", "--set", f"app_id={fake.app_id}",
        "--set", f"sdk_id={fake.oauth_sdk_id}", "--set", f"base_url={fake.base_url}",
        "--set", f"oauth_base_url={fake.oauth_base_url}",
        "--secret", f"secret_key={fake.oauth_secret}", "--json",
    )  # fmt: skip
    oauth_id = as_json(created)["id"]
    not_yet = tm(hub, "config", "test", oauth_id, ok=False)
    assert "failed (needs_reauth): no OAuth authorization stored" in not_yet.stdout

    url = tm(
        hub, "config", "authorize-url", oauth_id, "--redirect-uri", "https://hub.example/cb",
        "--state", "s42",
    )  # fmt: skip
    query = parse_qs(urlsplit(url.stdout.strip()).query)
    assert query == {
        "corp_id": [fake.app_id], "sdk_id": [fake.oauth_sdk_id],
        "redirect_uri": ["https://hub.example/cb"], "state": ["s42"],
    }  # fmt: skip
    assert url.stderr.strip() == "state: s42"
    random_state = tm(hub, "config", "authorize-url", oauth_id, "--redirect-uri", "https://h/cb")
    assert len(random_state.stderr.strip().removeprefix("state: ")) == 32

    code = fake.issue_code()
    text = tm(hub, "config", "authorize", oauth_id, input=code + "\n").stdout
    assert text.strip() == f"config {oauth_id} authorized by open_id {OPEN_ID}"
    code = fake.issue_code()
    done = as_json(tm(hub, "config", "authorize", oauth_id, "--code", code, "--json"))
    assert done["open_id"] == OPEN_ID and done["config_id"] == oauth_id
    assert "VIEW_USER_INFO" in done["scopes"]
    assert tm(hub, "config", "test", oauth_id).stdout.strip() == (
        f"ok: authorized as open_id {OPEN_ID}"
    )
    # The code is spent: a second exchange is refused with Tencent's message.
    again = tm(hub, "config", "authorize", oauth_id, input=code + "\n", ok=False)
    assert again.exit_code == 1 and "invalid or expired auth_code" in again.stderr

    wrong_kind = tm(
        hub, "config", "authorize-url", config_id, "--redirect-uri", "https://h/cb", ok=False
    )
    assert "only oauth configs" in wrong_kind.stderr
    bad_state = tm(
        hub, "config", "authorize-url", oauth_id, "--redirect-uri", "https://h/cb",
        "--state", "not valid!", ok=False,
    )  # fmt: skip
    assert "state must be" in bad_state.stderr
    other = tm(hub, "config", "authorize", "no-such-config", "--code", "x", ok=False)
    assert other.exit_code == 1
