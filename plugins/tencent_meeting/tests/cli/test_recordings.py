"""`hub tencent-meeting recording ...`: listing, resumable downloads, delete, share, stats."""

import hashlib
import os
import time
from pathlib import Path
from typing import Any

import pytest

from ..fake_server import FakeTencentMeeting
from ..fake_server.files import files, serve_file, signed_link
from ..fake_server.meetings import add_meeting
from ..fake_server.records import add_record
from .conftest import ACME, ADMIN, Invoke, as_json, fields, tm

NOW = int(time.time())
CONTENT = os.urandom(700_000)


@pytest.fixture
def record(fake: FakeTencentMeeting) -> dict[str, Any]:
    """A recording of two files made an hour ago; the first file's bytes are served."""
    meeting = add_meeting(fake, ADMIN, "Quarterly review", NOW - 7200, NOW - 3600)
    stored = add_record(fake, meeting, start=NOW - 3600, files=2)
    serve_file(fake, stored["record_files"][0], CONTENT)
    return stored


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Where downloads go (the test's database lives in tmp_path itself)."""
    path = tmp_path / "recordings"
    path.mkdir()
    return path


def first_file(record: dict[str, Any]) -> str:
    return str(record["record_files"][0]["record_file_id"])


def test_list(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str, record: dict[str, Any]
) -> None:
    older = add_meeting(fake, ADMIN, "Old one", NOW - 50 * 86_400, NOW - 50 * 86_400 + 60)
    add_record(fake, older, start=NOW - 50 * 86_400)

    listed = as_json(tm(hub, "recording", "list", *ACME, "--json"))
    assert [r["meeting_record_id"] for r in listed] == [record["meeting_record_id"]]
    assert [f["record_file_id"] for f in listed[0]["record_files"]] == [
        f["record_file_id"] for f in record["record_files"]
    ]
    table = tm(hub, "recording", "list", *ACME).stdout.splitlines()
    assert table[0].split() == [
        "MEETING_RECORD_ID", "MEETING_ID", "SUBJECT", "STARTED", "FILES", "SIZE", "STATE",
    ]  # fmt: skip
    assert "Quarterly review" in table[1] and "2.7 MiB" in table[1] and "ready" in table[1]

    # More than 31 days are asked for window by window.
    both = as_json(tm(hub, "recording", "list", *ACME, "--since", str(NOW - 60 * 86_400),
                      "--json"))  # fmt: skip
    assert len(both) == 2
    assert len(fake.hits("/v1/records")) == 2 + 2  # two listings above, then two windows
    by_meeting = as_json(tm(hub, "recording", "list", *ACME, "--meeting-id",
                            record["meeting_id"], "--json"))  # fmt: skip
    assert len(by_meeting) == 1
    too_long = tm(hub, "recording", "list", *ACME, "--meeting-id", "1", "--since",
                  str(NOW - 40 * 86_400), ok=False)  # fmt: skip
    assert too_long.exit_code == 2 and "at most 31 days" in too_long.stderr


def test_download_streams_the_file(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str, record: dict[str, Any],
    out: Path,
) -> None:  # fmt: skip
    file_id = first_file(record)
    result = as_json(tm(hub, "recording", "download", *ACME, record["meeting_record_id"],
                        "--file", file_id, "--dir", str(out), "--json"))  # fmt: skip
    target = out / f"{file_id}.mp4"
    assert result == [{
        "record_file_id": file_id, "path": str(target), "outcome": "downloaded",
        "size": len(CONTENT), "resumed_from": 0, "attempts": 1,
    }]  # fmt: skip
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(CONTENT).digest()
    assert sorted(p.name for p in out.iterdir()) == [target.name]
    assert "Range" not in files(fake).served[0]

    again = tm(hub, "recording", "download", *ACME, record["meeting_record_id"], "--file",
               file_id, "--dir", str(out)).stdout  # fmt: skip
    assert again.strip() == f"{target}: exists already, skipped (--force downloads it again)"
    forced = tm(hub, "recording", "download", *ACME, record["meeting_record_id"], "--file",
                file_id, "--dir", str(out), "--force").stdout  # fmt: skip
    assert forced.strip() == f"{target}: 683.6 KiB"
    assert len(files(fake).served) == 2

    unknown = tm(hub, "recording", "download", *ACME, record["meeting_record_id"], "--file",
                 "nope", ok=False)  # fmt: skip
    assert unknown.exit_code == 2 and "has no file nope" in unknown.stderr


def test_an_interrupted_download_is_resumed_by_the_next_run(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str, record: dict[str, Any],
    out: Path,
) -> None:  # fmt: skip
    file_id = first_file(record)
    target = out / f"{file_id}.mp4"
    part = out / f"{file_id}.mp4.part"
    # The connection breaks after 300,000 bytes, then brings nothing three times.
    files(fake).cut_after = [300_000, 0, 0, 0]
    failed = tm(hub, "recording", "download", *ACME, record["meeting_record_id"], "--file",
                file_id, "--dir", str(out), ok=False)  # fmt: skip
    assert failed.exit_code == 1
    assert "download" in failed.stderr and "sign=***" in failed.stderr
    assert "sign=" + record["record_files"][0]["_download_address"].split("sign=")[1] not in (
        failed.output
    )
    # What arrived before the break is kept (aiohttp may drop what it had not handed over).
    kept = part.read_bytes()
    assert 0 < len(kept) <= 300_000 and kept == CONTENT[: len(kept)] and not target.exists()

    resumed = as_json(tm(hub, "recording", "download", *ACME, record["meeting_record_id"],
                         "--file", file_id, "--dir", str(out), "--json"))  # fmt: skip
    assert (resumed[0]["resumed_from"], resumed[0]["size"]) == (len(kept), len(CONTENT))
    assert files(fake).served[-1]["Range"] == f"bytes={len(kept)}-"
    assert files(fake).served[-1]["If-Range"].startswith('"')
    assert target.read_bytes() == CONTENT and not part.exists()


def test_a_host_without_ranges_sends_the_file_again(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str, record: dict[str, Any],
    out: Path,
) -> None:  # fmt: skip
    file_id = first_file(record)
    (out / f"{file_id}.mp4.part").write_bytes(CONTENT[:1000])
    files(fake).ranges = False
    result = as_json(tm(hub, "recording", "download", *ACME, record["meeting_record_id"],
                        "--file", file_id, "--dir", str(out), "--json"))  # fmt: skip
    assert (result[0]["resumed_from"], result[0]["size"]) == (0, len(CONTENT))
    assert (out / f"{file_id}.mp4").read_bytes() == CONTENT


def test_download_problems(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str, record: dict[str, Any],
    out: Path,
) -> None:  # fmt: skip
    file_id = first_file(record)
    file = record["record_files"][0]
    # A link that expired (its signature is right, its time is over): refused, not retried.
    file["_download_address"] = signed_link(fake, file_id, NOW - 60)
    gone = tm(hub, "recording", "download", *ACME, record["meeting_record_id"], "--file",
              file_id, "--dir", str(out), ok=False)  # fmt: skip
    assert gone.exit_code == 1 and "HTTP 403" in gone.stderr and "t=***" in gone.stderr
    assert len(files(fake).served) == 1

    # The storage host has no bytes for the second file.
    second = record["record_files"][1]
    second["_download_address"] = signed_link(fake, second["record_file_id"], NOW + 600)
    missing = tm(hub, "recording", "download", *ACME, record["meeting_record_id"], "--file",
                 str(second["record_file_id"]), "--dir", str(out), ok=False)  # fmt: skip
    assert missing.exit_code == 1 and "HTTP 404" in missing.stderr

    empty = add_record(fake, add_meeting(fake, ADMIN, "Nothing", NOW, NOW + 60), start=NOW,
                       files=0)  # fmt: skip
    none = tm(hub, "recording", "download", *ACME, empty["meeting_record_id"], "--dir",
              str(out)).stdout  # fmt: skip
    assert none.strip() == f"recording {empty['meeting_record_id']} has no files to download"


def test_delete(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str, record: dict[str, Any]
) -> None:
    record_id = record["meeting_record_id"]
    second = str(record["record_files"][1]["record_file_id"])
    refused = tm(hub, "recording", "delete", *ACME, record_id, ok=False)
    assert "pass --yes" in refused.stderr
    out = tm(hub, "recording", "delete", *ACME, record_id, "--file", second, "--yes").stdout
    assert out.strip() == f"deleted file {second} of recording {record_id}"
    assert [f["record_file_id"] for f in record["record_files"]] == [first_file(record)]
    out = tm(hub, "recording", "delete", *ACME, record_id, "--yes").stdout
    assert out.strip() == f"deleted recording {record_id} with all its files"
    assert record_id not in fake.state.records
    again = tm(hub, "recording", "delete", *ACME, record_id, "--yes", ok=False)
    assert again.exit_code == 1 and "meeting record not exist" in again.stderr


def test_share(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str, record: dict[str, Any]
) -> None:
    record_id = record["meeting_record_id"]
    before = fields(tm(hub, "recording", "share", *ACME, record_id).stdout)
    assert (before["sharing"], before["scope"], before["password"]) == ("yes", "enterprise", "no")
    assert fake.hits(f"/v1/records/settings/{record_id}")[0].method == "GET"

    expires = NOW + 7 * 86_400
    after = fields(tm(
        hub, "recording", "share", *ACME, record_id, "--scope", "anyone", "--password", "abc123",
        "--expires", str(expires), "--no-allow-download", "--transcripts",
    ).stdout)  # fmt: skip
    stored = record["_sharing"]
    assert (stored["share_scope"], stored["enable_password"], stored["password"]) == (
        0, True, "abc123",
    )  # fmt: skip
    assert stored["sharing_expire"] == expires * 1000 and stored["allow_download"] is False
    assert (after["scope"], after["password"], after["download"], after["transcripts"]) == (
        "anyone", "***", "no", "yes",
    )  # fmt: skip
    assert after["expires"].startswith(time.strftime("%Y-%m-%d", time.localtime(expires)))
    shown = as_json(tm(hub, "recording", "share", *ACME, record_id, "--json"))
    assert shown["sharing_config"]["password"] == "***"
    assert "abc123" not in tm(hub, "recording", "share", *ACME, record_id).stdout

    opened = fields(tm(hub, "recording", "share", *ACME, record_id, "--no-password",
                       "--expires", "never", "--disable").stdout)  # fmt: skip
    assert (opened["sharing"], opened["password"], opened["expires"]) == ("no", "no", "never")
    assert stored["enable_sharing"] is False and stored["enable_sharing_expire"] is False
    both = tm(hub, "recording", "share", *ACME, record_id, "--password", "x1234",
              "--no-password", ok=False)  # fmt: skip
    assert both.exit_code == 2
    refused = tm(hub, "recording", "share", *ACME, record_id, "--enable", "--password", ok=False)
    assert refused.exit_code == 2


def test_stats(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str, record: dict[str, Any]
) -> None:
    day = time.strftime("%Y-%m-%d", time.localtime(NOW))
    record["_events"] += [
        {"event_type": 2, "operate_time": NOW * 1000, "userid": ADMIN, "_date": day},
        {"event_type": 2, "operate_time": NOW * 1000, "userid": "bob", "_date": day},
        {"event_type": 1, "operate_time": NOW * 1000, "userid": "bob", "_date": day},
    ]
    out = tm(hub, "recording", "stats", *ACME, record["meeting_record_id"]).stdout.splitlines()
    assert out[0].split() == ["DATE", "VIEWS", "DOWNLOADS"]
    assert out[1].split() == [day, "2", "1"]
    assert out[-1] == "total: 2 views, 1 downloads"
    data = as_json(tm(hub, "recording", "stats", *ACME, record["meeting_record_id"], "--json"))
    assert (data["total_views"], data["total_downloads"]) == (2, 1)
    too_long = tm(hub, "recording", "stats", *ACME, record["meeting_record_id"], "--since",
                  str(NOW - 40 * 86_400), ok=False)  # fmt: skip
    assert too_long.exit_code == 2
