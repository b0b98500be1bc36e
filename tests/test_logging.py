import json
import logging

import structlog

from hub.logging import MASK, Redactor
from tests.helpers.logcapture import captured_logs


def redact(redactor: Redactor, **event: object) -> dict:
    return redactor(None, "info", {"event": "something happened", **event})


def test_sensitive_keys_are_masked() -> None:
    out = redact(
        Redactor(),
        api_key="k-123",
        password="hunter2",
        token="t-1",
        signature="sig",
        Authorization="Bearer abc",
        client_secret="s",
        refresh_token="r",
        cookie="c=1",
        credentials="u:p",
        provider="example",
        count=3,
    )
    for key in (
        "api_key",
        "password",
        "token",
        "signature",
        "Authorization",
        "client_secret",
        "refresh_token",
        "cookie",
        "credentials",
    ):
        assert out[key] == MASK, key
    assert out["provider"] == "example"
    assert out["count"] == 3
    assert out["event"] == "something happened"


def test_empty_sensitive_values_are_left_alone() -> None:
    out = redact(Redactor(), token=None, api_key="", secrets=[])
    assert out["token"] is None
    assert out["api_key"] == ""
    assert out["secrets"] == []


def test_nested_dicts_and_lists_are_masked() -> None:
    out = redact(
        Redactor(),
        request={
            "headers": {"Authorization": "Bearer abc", "Accept": "json"},
            "body": {"app_secret": "s1", "items": [{"password": "p"}, {"name": "n"}]},
        },
    )
    assert out["request"]["headers"] == {"Authorization": MASK, "Accept": "json"}
    assert out["request"]["body"]["app_secret"] == MASK
    assert out["request"]["body"]["items"] == [{"password": MASK}, {"name": "n"}]


def test_registered_values_are_scrubbed_from_text() -> None:
    redactor = Redactor(["Vq8sTn4Lk2Xw"])
    redactor.add("Hj5Dm1Pz7Rc3")
    redactor.add("abc")  # too short to scrub safely
    redactor.add(None)
    out = redact(
        redactor,
        error="login failed with Vq8sTn4Lk2Xw",
        detail={"note": "hook Hj5Dm1Pz7Rc3 rejected"},
        attempts=["Vq8sTn4Lk2Xw", "other"],
        short="abc stays",
    )
    assert out["error"] == f"login failed with {MASK}"
    assert out["detail"] == {"note": f"hook {MASK} rejected"}
    assert out["attempts"] == [MASK, "other"]
    assert out["short"] == "abc stays"
    event = redactor(None, "info", {"event": "using Vq8sTn4Lk2Xw now"})
    assert event["event"] == f"using {MASK} now"


def test_json_log_lines_from_structlog_and_stdlib_are_redacted() -> None:
    with captured_logs("info", secrets=["Qm7Yt2Wd9Ks4"]) as logs:
        structlog.get_logger("hub.test").info(
            "calling provider", api_key="plain-key", url="https://x/?q=Qm7Yt2Wd9Ks4"
        )
        logging.getLogger("some.library").warning("retrying with %s", "Qm7Yt2Wd9Ks4")
        logging.getLogger("some.library").debug("below the level")
    lines = [json.loads(line) for line in logs.text.splitlines()]
    assert [line["event"] for line in lines] == [
        "calling provider",
        f"retrying with {MASK}",
    ]
    first = lines[0]
    assert first["api_key"] == MASK
    assert first["url"] == f"https://x/?q={MASK}"
    assert first["logger"] == "hub.test"
    assert first["level"] == "info"
    assert first["timestamp"]
    assert lines[1]["logger"] == "some.library"
    assert "Qm7Yt2Wd9Ks4" not in logs.text
    assert "plain-key" not in logs.text


def test_exception_text_is_scrubbed() -> None:
    with captured_logs("info", secrets=["Zr3Nc8Hv1Gp6"]) as logs:
        try:
            raise RuntimeError("provider said no to Zr3Nc8Hv1Gp6")
        except RuntimeError:
            structlog.get_logger("hub.test").exception("call failed")
    (line,) = [json.loads(x) for x in logs.text.splitlines()]
    assert "RuntimeError" in line["exception"]
    assert "Zr3Nc8Hv1Gp6" not in logs.text


def test_bound_context_appears_in_lines() -> None:
    with captured_logs("info") as logs:
        structlog.contextvars.bind_contextvars(request_id="r-77")
        try:
            structlog.get_logger("hub.test").info("inside")
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        structlog.get_logger("hub.test").info("outside")
    inside, outside = (json.loads(x) for x in logs.text.splitlines())
    assert inside["request_id"] == "r-77"
    assert "request_id" not in outside
