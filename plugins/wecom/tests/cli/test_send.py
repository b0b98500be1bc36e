"""`hub wecom send robot|app TYPE ...` against the fake WeCom."""

import json
from pathlib import Path

from ..fake_wecom import ROBOT_KEY, FakeWeCom, Fault
from ..support import IMAGE, IMAGE_BASE64, IMAGE_MD5, PDF
from .conftest import Invoke, as_json, wecom

ROBOT = ("--tenant", "acme", "--config", "robot")
APP = ("--tenant", "acme", "--config", "app")


def test_robot_text_with_mentions(hub: Invoke, fake: FakeWeCom, configs: dict[str, str]) -> None:
    mentions = ("--mention", "zhangsan", "--mention-mobile", "13800001111")
    result = wecom(hub, "send", "robot", "text", *ROBOT, "--content", "deploy done", *mentions,
                   "--json")  # fmt: skip
    sent = as_json(result)
    assert (sent["status"], sent["channel"], sent["config_id"]) == ("sent", "robot",
                                                                    configs["robot"])  # fmt: skip
    assert [h["to_status"] for h in sent["history"]] == ["queued", "sent"]
    assert fake.robot_messages == [(ROBOT_KEY, {"msgtype": "text", "text": {
        "content": "deploy done", "mentioned_list": ["zhangsan"],
        "mentioned_mobile_list": ["13800001111"]}})]  # fmt: skip
    assert ROBOT_KEY not in result.output


def test_robot_image_and_file_from_files(
    hub: Invoke, fake: FakeWeCom, configs: dict[str, str], tmp_path: Path
) -> None:
    image = tmp_path / "chart.png"
    image.write_bytes(IMAGE)
    report = tmp_path / "report.pdf"
    report.write_bytes(PDF)
    shown = wecom(hub, "send", "robot", "image", "--config-id", configs["robot"], "--file",
                  str(image))  # fmt: skip
    assert ["status", "sent"] in [line.split() for line in shown.output.splitlines()]
    wecom(hub, "send", "robot", "file", *ROBOT, "--file", str(report))
    (_, image_body), (_, file_body) = fake.robot_messages
    assert image_body["image"] == {"base64": IMAGE_BASE64, "md5": IMAGE_MD5}
    media_id = file_body["file"]["media_id"]
    assert fake.media[media_id].filename == "report.pdf"
    wecom(hub, "send", "robot", "file", *ROBOT, "--media-id", media_id)  # within three days
    assert fake.robot_messages[-1][1] == {"msgtype": "file", "file": {"media_id": media_id}}


def test_robot_news_markdown_and_card(
    hub: Invoke, fake: FakeWeCom, configs: dict[str, str], tmp_path: Path
) -> None:
    article = ("--title", "Release", "--url", "https://example.com", "--description", "notes",
               "--picurl", "https://example.com/p")  # fmt: skip
    wecom(hub, "send", "robot", "news", *ROBOT, *article)
    wecom(hub, "send", "robot", "markdown", *ROBOT, "--content", "-", input="# from stdin\n")
    card = {"card_type": "text_notice", "main_title": {"title": "Build"},
            "card_action": {"type": 1, "url": "https://example.com"}}  # fmt: skip
    body = tmp_path / "card.json"
    body.write_text(json.dumps(card))
    wecom(hub, "send", "robot", "template_card", *ROBOT, "--body", f"@{body}")
    news, markdown, sent_card = (b for _, b in fake.robot_messages)
    assert news["news"]["articles"] == [{"title": "Release", "description": "notes",
        "url": "https://example.com", "picurl": "https://example.com/p"}]  # fmt: skip
    assert markdown["markdown"] == {"content": "# from stdin\n"}
    assert sent_card["template_card"] == card


def test_app_messages(
    hub: Invoke, fake: FakeWeCom, configs: dict[str, str], tmp_path: Path
) -> None:
    image = tmp_path / "logo.png"
    image.write_bytes(IMAGE)
    wecom(hub, "send", "app", "text", *APP, "--to-user", "zhangsan|lisi", "--to-party", "1",
          "--content", "hello", "--safe")  # fmt: skip
    wecom(hub, "send", "app", "image", *APP, "--to-user", "zhangsan", "--file", str(image))
    card = ("--title", "Leave", "--description", "approved", "--url", "https://example.com",
            "--btntxt", "More")  # fmt: skip
    wecom(hub, "send", "app", "textcard", *APP, "--to-tag", "1", *card)
    text, sent_image, textcard = fake.sent()
    assert (text["touser"], text["toparty"], text["safe"]) == ("zhangsan|lisi", "1", 1)
    assert fake.media[sent_image["image"]["media_id"]].filename == "logo.png"
    assert textcard["textcard"] == {"title": "Leave", "description": "approved",
                                    "url": "https://example.com", "btntxt": "More"}  # fmt: skip


def test_app_refused_recipients_are_shown(
    hub: Invoke, fake: FakeWeCom, configs: dict[str, str]
) -> None:
    result = wecom(hub, "send", "app", "text", *APP, "--to-user", "zhangsan",
                   "--to-user", "ghost", "--content", "x")  # fmt: skip
    assert "user ghost: invalid" in result.output
    users = [f"user{n:04d}" for n in range(1001)]
    fake.users.update(users)
    batch = wecom(hub, "send", "app", "text", *APP, "--to-user", "|".join(users),
                  "--to-user", "ghost", "--content", "x", "--batch")  # fmt: skip
    assert batch.output.startswith("batch ") and "2 message(s)" in batch.output
    assert "user ghost: invalid" in batch.output


def test_errors(hub: Invoke, fake: FakeWeCom, configs: dict[str, str], tmp_path: Path) -> None:
    missing = wecom(hub, "send", "robot", "text", "--content", "x", ok=False)
    assert missing.exit_code == 2 and "give --tenant" in missing.output
    too_long = wecom(hub, "send", "robot", "text", *ROBOT, "--content", "x" * 2049, ok=False)
    assert too_long.exit_code == 1
    assert "WeCom allows at most 2048" in too_long.output
    not_json = wecom(hub, "send", "robot", "template_card", *ROBOT, "--body", "{x", ok=False)
    assert not_json.exit_code == 2 and "not JSON" in not_json.output
    a_list = wecom(hub, "send", "robot", "news", *ROBOT, "--body", "[]", ok=False)
    assert a_list.exit_code == 2 and "JSON object" in a_list.output
    no_file = tmp_path / "notes.txt"
    no_file.write_text("x")
    stray = wecom(hub, "send", "robot", "text", *ROBOT, "--file", str(no_file), ok=False)
    assert stray.exit_code == 2 and "take no file" in stray.output

    fake.fail_next("/cgi-bin/webhook/send", Fault(40058))
    refused = wecom(hub, "send", "robot", "text", *ROBOT, "--content", "x", ok=False)
    assert refused.exit_code == 1
    assert "provider error 40058" in refused.output
    assert "recorded as failed message " in refused.output
    assert ROBOT_KEY not in refused.output
    assert fake.robot_messages == []
