"""`hub wecom messages list|show|recall`."""

from ..fake_wecom import FakeWeCom
from .conftest import Invoke, as_json, wecom

ROBOT = ("--tenant", "acme", "--config", "robot")
APP = ("--tenant", "acme", "--config", "app")


def test_list_show_recall(hub: Invoke, fake: FakeWeCom, configs: dict[str, str]) -> None:
    wecom(hub, "send", "robot", "text", *ROBOT, "--content", "from the robot")
    app = as_json(wecom(hub, "send", "app", "text", *APP, "--to-user", "zhangsan|ghost",
                        "--content", "from the app", "--json"))  # fmt: skip

    table = wecom(hub, "messages", "list")
    header, *rows = table.output.splitlines()
    assert header.split() == ["ID", "CHANNEL", "MSG_TYPE", "STATUS", "PREVIEW", "CREATED_AT"]
    assert [r.split()[1] for r in rows] == ["app", "robot"]
    listed = as_json(wecom(hub, "messages", "list", "--channel", "robot", "--json"))
    assert [m["preview"] for m in listed] == ["from the robot"]
    assert as_json(wecom(hub, "messages", "list", "--since", "1h", "--status", "sent",
                         "--type", "text", "--config-id", configs["app"], "--json"))[0]["id"] \
        == app["id"]  # fmt: skip
    assert wecom(hub, "messages", "list", "--status", "failed").output == "(none)\n"

    shown = wecom(hub, "messages", "show", app["id"])
    assert "recipients:" in shown.output and "history:" in shown.output
    lines = [line.split() for line in shown.output.splitlines()]
    assert ["user", "ghost", "invalid"] in lines
    assert ["user", "zhangsan", "ok"] in lines
    assert "queued sent WeCom accepted it; refused: user ghost (invalid)" in " ".join(
        shown.output.split()
    )

    recalled = as_json(wecom(hub, "messages", "recall", app["id"], "--json"))
    assert recalled["status"] == "recalled"
    assert [h["to_status"] for h in recalled["history"]] == ["queued", "sent", "recalled"]
    detail = as_json(wecom(hub, "messages", "show", app["id"], "--json"))
    assert detail["status"] == "recalled"

    robot = as_json(wecom(hub, "messages", "list", "--channel", "robot", "--json"))[0]
    refused = wecom(hub, "messages", "recall", robot["id"], ok=False)
    assert refused.exit_code == 1 and "robot messages cannot be recalled" in refused.output
    unknown = wecom(hub, "messages", "show", "nope", ok=False)
    assert unknown.exit_code == 1 and "no WeCom message 'nope'" in unknown.output
