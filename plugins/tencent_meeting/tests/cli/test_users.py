"""`hub tencent-meeting user ...`: single users, and CSV import/export, against the fake."""

import csv
import io
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hub.http import RateLimit

from hub_tencent_meeting.cli import user_import
from hub_tencent_meeting.client import base

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting
from ..fake_server.users import add_department, add_user
from .conftest import ACME, ADMIN, Invoke, as_json, fields, tm

HEADER = "userid,username,phone,email,staff_id,job_title,department_ids,user_account_type\n"


@pytest.fixture
def departments(fake: FakeTencentMeeting) -> None:
    add_department(fake, "d1", "Sales")
    add_department(fake, "d2", "East", parent="d1")


@pytest.fixture
def unthrottled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lift the client's rate limits for a bulk test.

    With Tencent's 100 account calls a minute a 1,000-row import takes ten
    minutes; the limiter itself is tested elsewhere. This widens the declared
    windows only: every call still passes through the core's limiter.
    """
    monkeypatch.setitem(base.LIMITS, "users", (RateLimit(100_000, per=60, name="users"),))
    monkeypatch.setattr(
        base.TencentMeetingClient, "rate_limits", (RateLimit(100_000, per=60, name="default"),)
    )


def test_user_lifecycle(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str, departments: None
) -> None:
    out = tm(hub, "user", "create", *ACME, "--userid", "zhang", "--username", "张三",
             "--phone", "13900000001", "--email", "zhang@example.com", "--department", "d2",
             "--department", "d1", "--job-title", "Sales rep", "--entry-time", "2024-03-01",
             "--no-auto-invite").stdout  # fmt: skip
    assert out.strip() == "created user zhang (张三)"
    stored = fake.state.users["zhang"]
    assert [d["department_id"] for d in stored["department_list"]] == ["d2", "d1"]
    (sent,) = [s for s in fake.hits("/v1/users") if s.method == "POST"]
    assert b'"auto_invite":false' in sent.body and '"张三"'.encode() in sent.body

    shown = fields(tm(hub, "user", "show", *ACME, "zhang").stdout)
    assert (shown["username"], shown["status"], shown["departments"]) == (
        "张三", "inactive", "Sales/East, Sales",
    )  # fmt: skip
    assert shown["entry_time"].startswith("2024-03-01 00:00:00")
    detail = as_json(tm(hub, "user", "show", *ACME, "zhang", "--json"))
    assert detail["email"] == "zhang@example.com"

    changed = as_json(tm(hub, "user", "update", *ACME, "zhang", "--job-title", "Lead",
                         "--enable", "--json"))  # fmt: skip
    assert (changed["job_title"], changed["status"]) == ("Lead", "1")
    disabled = fields(tm(hub, "user", "update", *ACME, "zhang", "--disable").stdout)
    assert disabled["status"] == "disabled"
    assert tm(hub, "user", "update", *ACME, "zhang", ok=False).exit_code == 2

    table = tm(hub, "user", "list", *ACME).stdout.splitlines()
    assert table[0].split() == ["USERID", "USERNAME", "STATUS", "EMAIL", "PHONE", "DEPARTMENTS"]
    assert [line.split()[0] for line in table[1:]] == [ADMIN, "zhang"]
    only = as_json(tm(hub, "user", "list", *ACME, "--status", "disabled", "--json"))
    assert [u["userid"] for u in only] == ["zhang"]
    in_sales = as_json(tm(hub, "user", "list", *ACME, "--department-id", "d1", "--json"))
    assert [u["userid"] for u in in_sales] == ["zhang"]
    assert len(as_json(tm(hub, "user", "list", *ACME, "--limit", "1", "--json"))) == 1

    refused = tm(hub, "user", "delete", *ACME, "zhang", ok=False)
    assert "pass --yes" in refused.stderr and "zhang" in fake.state.users
    assert tm(hub, "user", "delete", *ACME, "zhang", "--yes").stdout.strip() == (
        "deleted user zhang"
    )
    assert "zhang" not in fake.state.users
    gone = tm(hub, "user", "show", *ACME, "zhang", ok=False)
    assert gone.exit_code == 1 and "user zhang not registered" in gone.stderr


def test_delete_with_transfer(hub: Invoke, fake: FakeTencentMeeting, config_id: str) -> None:
    add_user(fake, "leaver", "Leaver", phone="13900000003")
    meeting = add_meeting(fake, "leaver", "Handover", 1_900_000_000, 1_900_003_600)
    out = tm(hub, "user", "delete", *ACME, "leaver", "--transfer-to", ADMIN, "--yes").stdout
    assert out.strip() == f"deleted user leaver; meetings and recordings went to {ADMIN}"
    assert meeting["_creator"] == ADMIN and "leaver" not in fake.state.users


def thousand_rows(fake: FakeTencentMeeting) -> tuple[str, dict[str, set[int]]]:
    """A 1,000-row file: some rows invalid, some the fake refuses, the rest good.

    Returns the file and the spreadsheet row numbers of each kind of row.
    """
    kinds: dict[str, set[int]] = {"missing_phone": set(), "bad_type": set(), "duplicate": set(),
                                  "bad_phone": set(), "exists": set()}  # fmt: skip
    lines = [HEADER]
    for i in range(1, 1001):
        row = i + 1
        userid, phone, account_type = f"u{i:04d}", f"139{i:08d}", "1"
        if i % 100 == 7:
            phone = ""
            kinds["missing_phone"].add(row)
        elif i % 100 == 13:
            account_type = "paid"
            kinds["bad_type"].add(row)
        elif i % 200 == 50:
            userid = f"u{i - 1:04d}"
            kinds["duplicate"].add(row)
        elif i % 100 == 21:
            phone = "139-0000"
            kinds["bad_phone"].add(row)
        elif i % 100 == 33:
            add_user(fake, userid, "Already here", phone=phone)
            kinds["exists"].add(row)
        departments = "d1" if i % 2 else "d2;d1"
        lines.append(
            f'{userid},"User {i}, Sales",{phone},{userid}@example.com,S{i},Rep,{departments},'
            f"{account_type}\n"
        )
    return "".join(lines), kinds


def test_import_of_a_thousand_rows(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str, departments: None,
    unthrottled: None, tmp_path: Path,
) -> None:  # fmt: skip
    text, kinds = thousand_rows(fake)
    source = tmp_path / "users.csv"
    source.write_text(text, "utf-8")
    existing = set(fake.state.users)

    # Invalid rows refuse the whole file unless asked otherwise: nothing is sent.
    refused = tm(hub, "user", "import", *ACME, str(source), ok=False)
    assert refused.exit_code == 1
    assert "nothing imported" in refused.stderr
    assert "975 valid, 25 invalid" in refused.stdout
    assert "row 8 (u0007): invalid: phone: Field required" in refused.stdout
    assert "row 14 (u0013): invalid: user_account_type: Input should be a valid integer" in (
        refused.stdout
    )
    assert "row 51 (u0049): invalid: userid u0049 is on row 50 already" in refused.stdout
    assert [s for s in fake.seen if s.method == "POST"] == []

    report = tmp_path / "report.csv"
    result = tm(hub, "user", "import", *ACME, str(source), "--skip-invalid", "--report",
                str(report), ok=False)  # fmt: skip
    assert result.exit_code == 1

    created = set(fake.state.users) - existing
    assert len(created) == 955
    assert result.stdout.splitlines()[-1] == "955 created, 45 failed (25 invalid)"
    batches = [line for line in result.stderr.splitlines() if line.startswith("batch ")]
    assert len(batches) == 10 and batches[0].startswith("batch 1/10 (rows 2-")
    assert batches[-1].startswith("batch 10/10")
    posts = [s for s in fake.seen if s.method == "POST" and s.path == "/v1/users"]
    assert len(posts) == 975

    rows = {int(r["row"]): r for r in csv.DictReader(report.open(encoding="utf-8"))}
    assert len(rows) == 1000
    by_outcome: dict[str, set[int]] = {}
    for number, row in rows.items():
        by_outcome.setdefault(row["outcome"], set()).add(number)
    assert by_outcome["invalid"] == kinds["missing_phone"] | kinds["bad_type"] | kinds["duplicate"]
    assert by_outcome["failed"] == kinds["bad_phone"] | kinds["exists"]
    assert len(by_outcome["created"]) == 955
    assert rows[22]["error"] == "param phone is not a phone number (190004)"
    assert rows[34]["error"] == "user u0033 already exists (190004)"
    assert "row 22 (u0021): failed: param phone is not a phone number (190004)" in result.stdout
    assert "created" not in result.stdout.split("\n")[0]
    u2 = fake.state.users["u0002"]
    assert (u2["username"], u2["email"], u2["staff_id"]) == ("User 2, Sales", "u0002@example.com",
                                                             "S2")  # fmt: skip
    assert [d["department_id"] for d in u2["department_list"]] == ["d2", "d1"]


def test_import_dry_run_json_and_verbose(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str, tmp_path: Path
) -> None:
    source = tmp_path / "few.csv"
    source.write_text(
        "\ufeffUserID,username,phone,department_id,status\n"
        "a1,Alice,13900000011,,1\n"
        "a2,Bob,,,\n"
        "\n",
        "utf-8",
    )
    dry = tm(hub, "user", "import", str(source), "--dry-run", ok=False)
    assert dry.exit_code == 1
    assert dry.stdout.splitlines() == [
        "row 3 (a2): invalid: phone: Field required", "1 valid, 1 invalid",
    ]  # fmt: skip
    report = tmp_path / "dry.csv"
    tm(hub, "user", "import", "-", "--dry-run", "--report", str(report),
       input="userid,username,phone\na1,Alice,13900000011\n")  # fmt: skip
    assert report.read_text() == "row,userid,outcome,error\n2,a1,not_attempted,\n"
    assert fake.seen == []

    done = as_json(tm(hub, "user", "import", *ACME, "--json", "-", input="userid,username,phone\n"
                      "a1,Alice,13900000011\na2,Bob,13900000012\n"))  # fmt: skip
    assert (done["created"], done["failed"], done["stopped"]) == (2, 0, None)
    assert [(r["row"], r["userid"], r["outcome"]) for r in done["rows"]] == [
        (2, "a1", "created"), (3, "a2", "created"),
    ]  # fmt: skip
    verbose = tm(hub, "user", "import", *ACME, "-v", "-", input="userid,username,phone\n"
                 "a3,Carol,13900000013\n")  # fmt: skip
    assert verbose.stdout.splitlines() == ["row 2 (a3): created", "1 created, 0 failed"]
    invalid_json = as_json(tm(hub, "user", "import", "--dry-run", "--json", "-", ok=False,
                              input="userid,username,phone\nx,,1\n"))  # fmt: skip
    assert invalid_json["invalid"] == 1 and invalid_json["rows"][0]["row"] == 2


def test_an_unusable_file_is_refused(hub: Invoke, config_id: str, tmp_path: Path) -> None:
    unknown = tm(hub, "user", "import", *ACME, "-", ok=False, input="userid,name,phone\n")
    assert unknown.exit_code == 1 and "unknown column(s) 'name'" in unknown.stderr
    missing = tm(hub, "user", "import", *ACME, "-", ok=False, input="userid,username\n")
    assert "missing column(s) phone" in missing.stderr
    empty = tm(hub, "user", "import", *ACME, "-", ok=False, input="")
    assert "the file is empty" in empty.stderr
    wide = tm(hub, "user", "import", *ACME, "-", "--dry-run", ok=False,
              input="userid,username,phone\na,b,1,extra\n")  # fmt: skip
    assert "row 2 (no userid): invalid: 4 cells, the header has 3" in wide.stdout
    latin = tmp_path / "latin.csv"
    latin.write_bytes("userid,username,phone\nz,Zoë,1\n".encode("latin-1"))
    assert "not UTF-8" in tm(hub, "user", "import", *ACME, str(latin), ok=False).stderr
    assert tm(hub, "user", "import", "-", ok=False, input="").exit_code == 2


def test_an_import_stops_when_every_row_would_fail(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str, tmp_path: Path
) -> None:
    text = "userid,username,phone\n" + "".join(f"s{i},S {i},1390000{i:04d}\n" for i in range(5))
    fake.fail_next("/v1/users", (400, 200003, "signature verification failed"))
    report = tmp_path / "report.csv"
    result = tm(hub, "user", "import", *ACME, "--concurrency", "1", "--report", str(report), "-",
                input=text, ok=False)  # fmt: skip
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "row 2 (s0): failed: signature verification failed (200003)"
    )
    assert "row 3 (s1): not_attempted: not sent: stopped at row 2" in result.stdout
    assert result.stdout.splitlines()[-1] == "0 created, 1 failed (4 not attempted)"
    assert "stopped at row 2" in result.stderr
    outcomes = [r["outcome"] for r in csv.DictReader(report.open(encoding="utf-8"))]
    assert outcomes == ["failed"] + ["not_attempted"] * 4
    assert not any(u.startswith("s") for u in fake.state.users)


def test_an_import_stops_when_rate_limited(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str, unthrottled: None
) -> None:
    """Another client used up the account-API quota: the import stops instead of hammering."""
    fake.rate_limit("users", 3, per=3600)
    text = "userid,username,phone\n" + "".join(f"r{i},R {i},1390000{i:04d}\n" for i in range(8))
    result = as_json(tm(hub, "user", "import", *ACME, "--concurrency", "1", "--json", "-",
                        input=text, ok=False))  # fmt: skip
    assert (result["created"], result["failed"], result["not_attempted"]) == (3, 1, 4)
    assert "stopped at row 5" in result["stopped"]
    assert result["rows"][3]["error"] == "too many requests (190313)"
    assert sorted(u for u in fake.state.users if u.startswith("r")) == ["r0", "r1", "r2"]


def test_export_streams_csv_and_json(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str, departments: None, tmp_path: Path
) -> None:
    for i in range(150):  # more than one page of 100
        add_user(fake, f"e{i:03d}", f"Export {i}", phone=f"1380000{i:04d}", departments=["d2"],
                 staff_id=f"S{i}")  # fmt: skip
    exported = tm(hub, "user", "export", *ACME)
    assert exported.stderr.strip() == "exported 151 users"
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert len(rows) == 151 and rows[0]["userid"] == ADMIN
    first = rows[1]
    assert (first["userid"], first["username"], first["department_ids"],
            first["department_names"], first["status"]) == (
        "e000", "Export 0", "d2", "Sales/East", "1",
    )  # fmt: skip
    pages = [parse_qs(urlsplit(s.raw_path).query) for s in fake.hits("/v1/users/advance/list")]
    assert [(p["pos"], p["size"]) for p in pages] == [(["0"], ["100"]), (["100"], ["100"])]
    # What an export writes, an import takes (the read-only columns are ignored).
    parsed = user_import.parse(exported.stdout)
    assert (len(parsed.valid), parsed.invalid) == (151, [])
    assert parsed.valid[1][1].department_list[0].department_id == "d2"

    target = tmp_path / "users.json"
    out = tm(hub, "user", "export", *ACME, "--format", "json", "--output", str(target),
             "--status", "normal", "--department-id", "d2")  # fmt: skip
    assert out.stdout == ""
    data = json.loads(target.read_text("utf-8"))
    assert len(data) == 150 and data[0]["userid"] == "e000"
    assert not target.with_name("users.json.part").exists()
    none = tm(hub, "user", "export", *ACME, "--format", "json", "--department-id", "d404")
    assert json.loads(none.stdout) == []


def test_a_lost_answer_is_reported_as_unknown(
    hub: Invoke, fake: FakeTencentMeeting, config_id: str
) -> None:
    """A create is never repeated: without Tencent's answer the row's fate is unknown."""
    fake.fail_next("/v1/users", (502, 0, "bad gateway"))
    text = "userid,username,phone\nk0,K 0,13900000020\nk1,K 1,13900000021\nk2,K 2,13900000022\n"
    result = tm(hub, "user", "import", *ACME, "--concurrency", "1", "-", input=text, ok=False)
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("row 2 (k0): unknown: tencent_meeting POST ")
    assert first.endswith("HTTP 502; it may have been created: check with `user show`")
    assert result.stdout.splitlines()[-1] == "2 created, 0 failed (1 unknown)"
    assert {"k1", "k2"} <= set(fake.state.users)
