"""`hub tencent-meeting meeting ...` against the fake, through the real CLI."""

import time
from datetime import datetime

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting, join
from ..fake_server.users import add_user
from .conftest import ACME, ADMIN, Invoke, as_json, fields, tm

START = int(time.time()) + 86_400 - int(time.time()) % 3600  # tomorrow, on the hour


def local(seconds: int) -> str:
    """How the commands show a time (the tests run in Asia/Shanghai)."""
    return datetime.fromtimestamp(seconds).astimezone().isoformat(sep=" ")


def test_create_then_list_round_trips(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str
) -> None:
    add_user(fake, "bob", "Bob", phone="13900000002")
    iso = datetime.fromtimestamp(START).astimezone().isoformat()  # with +08:00
    created = as_json(tm(
        hub, "meeting", "create", *ACME, "--subject", "Weekly sync", "--start", iso,
        "--duration", "1h30m", "--invitee", "bob", "--password", "1234",
        "--mute-on-join", "--no-allow-unmute", "--waiting-room", "--who-can-join", "enterprise",
        "--auto-record", "cloud", "--location", "Room 5", "--json",
    ))  # fmt: skip
    meeting_id = created["meeting_id"]
    assert created["subject"] == "Weekly sync"
    assert (created["start_time"], created["end_time"]) == (str(START), str(START + 5400))
    assert created["password"] == "***"

    stored = fake.state.meetings[meeting_id]
    assert stored["password"] == "1234" and stored["location"] == "Room 5"
    assert stored["_invitees"] == ["bob"] and stored["_creator"] == ADMIN
    assert stored["settings"] == {
        "mute_enable_join": True, "allow_unmute_self": False, "auto_in_waiting_room": True,
        "only_user_join_type": 3, "auto_record_type": "cloud",
    }  # fmt: skip
    (sent,) = [s for s in fake.hits("/v1/meetings") if s.method == "POST"]
    assert b'"userid":"admin01"' in sent.body and b'"instanceid":1' in sent.body

    listed = as_json(tm(hub, "meeting", "list", *ACME, "--json"))
    assert [(m["meeting_id"], m["subject"], m["join_meeting_role"]) for m in listed] == [
        (meeting_id, "Weekly sync", "creator")
    ]
    assert listed[0]["password"] == "***"
    table = tm(hub, "meeting", "list", "--config-id", config_id).stdout
    assert table.splitlines()[0].split() == [
        "MEETING_ID", "MEETING_CODE", "SUBJECT", "STATUS", "START", "END", "ROLE",
    ]  # fmt: skip
    assert "Weekly sync" in table and local(START) in table and "init" in table
    assert "1234" not in table
    invited = as_json(tm(hub, "meeting", "list", *ACME, "--user", "bob", "--json"))
    assert [m["join_meeting_role"] for m in invited] == ["invitee"]


def test_create_defaults_and_instant(hub: Invoke, fake: FakeTencentMeeting, config_id: str) -> None:
    before = int(time.time())
    created = as_json(tm(
        hub, "meeting", "create", *ACME, "--subject", "Now", "--type", "instant", "--json"
    ))  # fmt: skip
    start = int(created["start_time"])
    assert before <= start <= int(time.time()) and int(created["end_time"]) == start + 3600
    assert created["type"] == 1
    text = tm(hub, "meeting", "create", *ACME, "--subject", "Plain", "--start", str(START),
              "--end", str(START + 600)).stdout  # fmt: skip
    shown = fields(text)
    assert (shown["subject"], shown["start"], shown["end"]) == (
        "Plain", local(START), local(START + 600),
    )  # fmt: skip
    assert (shown["password"], shown["type"], shown["hosts"]) == ("no", "scheduled", ADMIN)


def test_show_update_cancel(hub: Invoke, fake: FakeTencentMeeting, config_id: str) -> None:
    found = add_meeting(fake, ADMIN, "Planning", START, START + 3600, password="9876")
    meeting_id, code = found["meeting_id"], found["meeting_code"]

    text = tm(hub, "meeting", "show", *ACME, meeting_id).stdout
    shown = fields(text)
    assert (shown["meeting_code"], shown["password"], shown["type"]) == (code, "***", "scheduled")
    assert "9876" not in text
    assert as_json(tm(hub, "meeting", "show", *ACME, meeting_id, "--json"))["subject"] == (
        "Planning"
    )
    by_code = as_json(tm(hub, "meeting", "show", *ACME, code, "--by-code", "--json"))
    assert [m["meeting_id"] for m in by_code] == [meeting_id]
    assert "Planning" in tm(hub, "meeting", "show", *ACME, code, "--by-code").stdout

    moved = as_json(tm(
        hub, "meeting", "update", *ACME, meeting_id, "--subject", "Planning (moved)",
        "--start", str(START + 7200), "--json",
    ))  # fmt: skip
    assert moved["subject"] == "Planning (moved)"
    assert (moved["start_time"], moved["end_time"]) == (str(START + 7200), str(START + 10800))
    longer = as_json(tm(hub, "meeting", "update", *ACME, meeting_id, "--duration", "120",
                        "--no-mute-on-join", "--json"))  # fmt: skip
    assert longer["end_time"] == str(START + 7200 + 7200)
    assert fake.state.meetings[meeting_id]["settings"] == {"mute_enable_join": False}
    shorter = as_json(tm(hub, "meeting", "update", *ACME, meeting_id, "--end",
                         str(START + 9000), "--json"))  # fmt: skip
    assert (shorter["start_time"], shorter["end_time"]) == (str(START + 7200), str(START + 9000))
    both = tm(hub, "meeting", "update", *ACME, meeting_id, "--end", "1", "--duration", "1",
              ok=False)  # fmt: skip
    assert both.exit_code == 2 and "not both" in both.stderr
    nothing = tm(hub, "meeting", "update", *ACME, meeting_id, ok=False)
    assert nothing.exit_code == 2 and "nothing to change" in nothing.stderr

    refused = tm(hub, "meeting", "cancel", *ACME, meeting_id, ok=False)
    assert refused.exit_code == 1 and "pass --yes" in refused.stderr
    assert fake.state.meetings[meeting_id]["status"] == "MEETING_STATE_INIT"
    out = tm(hub, "meeting", "cancel", *ACME, meeting_id, "--reason", "moved", "--yes").stdout
    assert out.strip() == f"cancelled meeting {meeting_id}"
    assert fake.state.meetings[meeting_id]["status"] == "MEETING_STATE_CANCELLED"
    again = tm(hub, "meeting", "cancel", *ACME, meeting_id, "--yes", ok=False)
    assert again.exit_code == 1
    assert "only meetings that have not started can be cancelled" in again.stderr


def test_end_participants_and_ended_list(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str
) -> None:
    now = int(time.time())
    found = add_meeting(fake, ADMIN, "Standup", now - 600, now + 600)
    meeting_id = found["meeting_id"]
    join(fake, meeting_id, ADMIN, join_time=now - 500, user_name="Admin")
    join(fake, meeting_id, "guest-1", join_time=now - 400, left_time=now - 100, instanceid=4)

    live = as_json(tm(hub, "meeting", "participants", *ACME, meeting_id, "--live", "--json"))
    assert [p["userid"] for p in live] == [ADMIN]
    records = tm(hub, "meeting", "participants", *ACME, meeting_id).stdout.splitlines()
    assert records[0].split() == ["USERID", "USER_NAME", "DEVICE", "ROLE", "JOINED", "LEFT"]
    assert records[1].split()[:4] == [ADMIN, "Admin", "PC", "creator"]
    assert records[2].split()[:4] == ["guest-1", "guest-1", "iOS", "member"]
    assert local(now - 100) in records[2]
    window = as_json(tm(hub, "meeting", "participants", *ACME, meeting_id, "--since",
                        str(now - 450), "--until", str(now), "--json"))  # fmt: skip
    assert [p["userid"] for p in window] == ["guest-1"]
    too_long = tm(hub, "meeting", "participants", *ACME, meeting_id, "--since",
                  str(now - 40 * 86_400), ok=False)  # fmt: skip
    assert too_long.exit_code == 1 and "at most 31 days" in too_long.stderr

    out = tm(hub, "meeting", "end", *ACME, meeting_id, "--yes").stdout
    assert out.strip() == f"ended meeting {meeting_id}"
    assert fake.state.meetings[meeting_id]["status"] == "MEETING_STATE_ENDED"
    (dismissed,) = fake.hits(f"/v1/meetings/{meeting_id}/dismiss")
    assert b'"operator_id":"admin01","operator_id_type":1' in dismissed.body
    not_running = tm(hub, "meeting", "end", *ACME, meeting_id, "--yes", ok=False)
    assert "the meeting is not in progress" in not_running.stderr

    ended = as_json(tm(hub, "meeting", "list", *ACME, "--ended", "--json"))
    assert [m["meeting_id"] for m in ended] == [meeting_id]
    table = tm(hub, "meeting", "list", *ACME, "--ended", "--since", str(now - 3600)).stdout
    assert "Standup" in table and local(now - 600) in table
    assert as_json(tm(hub, "meeting", "list", *ACME, "--json")) == []


def test_mistakes_are_reported_clearly(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str
) -> None:
    no_config = tm(hub, "meeting", "list", ok=False)
    assert no_config.exit_code == 2 and "give --tenant" in no_config.stderr
    unknown_tenant = tm(hub, "meeting", "list", "--tenant", "nobody", ok=False)
    assert unknown_tenant.exit_code == 1
    bad_time = tm(hub, "meeting", "create", *ACME, "--subject", "x", "--start", "tomorrow",
                  ok=False)  # fmt: skip
    assert bad_time.exit_code == 2 and "ISO date/time" in bad_time.stderr
    backwards = tm(hub, "meeting", "create", *ACME, "--subject", "x", "--start", str(START),
                   "--end", str(START - 60), ok=False)  # fmt: skip
    assert backwards.exit_code == 2 and "end after it starts" in backwards.stderr
    both = tm(hub, "meeting", "create", *ACME, "--subject", "x", "--end", str(START),
              "--duration", "30", ok=False)  # fmt: skip
    assert both.exit_code == 2
    bad_duration = tm(hub, "meeting", "create", *ACME, "--subject", "x", "--duration", "soon",
                      ok=False)  # fmt: skip
    assert bad_duration.exit_code == 2 and "1h30m" in bad_duration.stderr
    missing = tm(hub, "meeting", "show", *ACME, "7000000000000000999", ok=False)
    assert missing.exit_code == 1 and "meeting not exist" in missing.stderr
    assert fake.secret_key not in missing.output
    since_without_ended = tm(hub, "meeting", "list", *ACME, "--since", "now", ok=False)
    assert since_without_ended.exit_code == 2
