"""Decrypted callbacks → typed payloads, bus types, dedup keys (no hub needed)."""

from datetime import UTC, datetime

import pytest
from hub.bus import Bus
from hub.db.engine import Database
from hub.metrics import Metrics
from hub.settings import Settings

from hub_wecom import callback_xml, events
from hub_wecom.events import (
    BatchJobResult,
    ChangeContact,
    LocationMessage,
    LocationReport,
    PicturesSent,
    TemplateCardEvent,
    TextMessage,
    UnknownCallback,
)

from . import wecom_sender as ws

T = 1700000000


def test_every_type_has_a_model_and_a_sample() -> None:
    assert set(ws.samples()) | {events.UNKNOWN} == set(events.MODELS)


@pytest.mark.parametrize("event_type", sorted(ws.samples(T)))
def test_every_sample_becomes_its_typed_payload(event_type: str) -> None:
    kind, payload = events.payload_of(ws.samples(T)[event_type])
    assert kind == event_type
    assert type(payload) is events.MODELS[event_type]
    assert payload.create_time == T
    assert payload.to_user_name == ws.CORP_ID
    assert payload.raw["CreateTime"] == str(T)
    if event_type == "wecom.event.change_contact":
        assert payload.from_user_name == "sys" and payload.agent_id is None
    else:
        assert payload.from_user_name == "zhangsan" and payload.agent_id == str(ws.AGENT_ID)
    draft = events.draft(ws.samples(T)[event_type], "cfg-1")
    assert draft.type == event_type
    assert draft.occurred_at == datetime.fromtimestamp(T, UTC)
    assert draft.ordering_key == f"wecom:cfg-1:{payload.from_user_name}"


def test_message_fields() -> None:
    _, text = events.payload_of(ws.samples(T)["wecom.message.text"])
    assert isinstance(text, TextMessage)
    assert (text.content, text.msg_id, text.msg_type) == ("hello", "7000000000000000001", "text")
    _, where = events.payload_of(ws.samples(T)["wecom.message.location"])
    assert isinstance(where, LocationMessage)
    assert (where.location_x, where.location_y, where.scale) == (23.134521, 113.358803, 20)
    assert (where.label, where.app_type) == ("Guangzhou Tower", "wxwork")
    kind, v2 = events.payload_of(ws.V2_PLAINTEXT)
    assert kind == "wecom.message.text"
    assert v2.model_dump(exclude={"raw"}) == {
        "to_user_name": "wx5823bf96d3bd56c7", "from_user_name": "mycreate",
        "create_time": 1409659813, "msg_type": "text", "agent_id": "218",
        "msg_id": "4561255354251345929", "content": "hello",
    }  # fmt: skip


def test_event_fields() -> None:
    samples = ws.samples(T)
    _, location = events.payload_of(samples["wecom.event.location"])
    assert isinstance(location, LocationReport)
    assert location.event == "LOCATION"  # as sent; the bus type is lower case
    assert (location.latitude, location.longitude, location.precision) == (
        23.104105, 113.320107, 65.0
    )  # fmt: skip
    _, card = events.payload_of(samples["wecom.event.template_card_event"])
    assert isinstance(card, TemplateCardEvent)
    assert (card.event_key, card.task_id, card.card_type, card.response_code) == (
        "approve", "task-1", "vote_interaction", "rc-123"
    )  # fmt: skip
    assert [(i.question_key, i.option_ids) for i in card.selected_items] == [
        ("q1", ["o1", "o2"]), ("q2", ["o3"])
    ]  # fmt: skip
    assert card.raw["SelectedItems"].startswith("<SelectedItems>")
    _, pics = events.payload_of(samples["wecom.event.pic_photo_or_album"])
    assert isinstance(pics, PicturesSent)
    assert (pics.pic_count, pics.pic_md5_sums) == (2, ["aa", "bb"])
    _, one_pic = events.payload_of(samples["wecom.event.pic_sysphoto"])
    assert one_pic.pic_md5_sums == ["1b5f7c23b5bf75682a53e7b6d163e185"]  # type: ignore[attr-defined]
    _, scan = events.payload_of(samples["wecom.event.scancode_waitmsg"])
    assert (scan.scan_type, scan.scan_result) == ("barcode", "6901234567892")  # type: ignore[attr-defined]
    _, picked = events.payload_of(samples["wecom.event.location_select"])
    assert (picked.label, picked.poiname, picked.scale) == ("Office", "HQ", 15)  # type: ignore[attr-defined]
    _, job = events.payload_of(samples["wecom.event.batch_job_result"])
    assert isinstance(job, BatchJobResult)
    assert (job.job_id, job.job_type, job.err_code, job.err_msg) == ("job-9", "sync_user", 0, "ok")
    _, approval = events.payload_of(samples["wecom.event.open_approval_change"])
    assert approval.approval_info["ThirdNo"] == "201806010001"  # type: ignore[attr-defined]
    _, enter = events.payload_of(samples["wecom.event.enter_agent"])
    assert enter.event_key == ""  # type: ignore[attr-defined]


def test_change_contact_fields() -> None:
    _, user = events.payload_of(ws.samples(T)["wecom.event.change_contact"])
    assert isinstance(user, ChangeContact)
    assert (user.change_type, user.user_id, user.new_user_id, user.name) == (
        "update_user", "zhangsan", "zhangsan2", "Zhang San"
    )  # fmt: skip
    assert (user.department, user.is_leader_in_dept, user.main_department) == (
        ["1", "2", "3"], ["1", "0", "0"], "1"
    )  # fmt: skip
    assert (user.status, user.gender, user.mobile) == ("1", "1", "13800000000")
    assert user.ext_attr == [{"Name": "floor", "Type": "0", "Text": {"Value": "8"}}]
    kind, party = events.payload_of(ws.party_change(create_time=T))
    assert kind == "wecom.event.change_contact"
    assert (party.change_type, party.id, party.name, party.parent_id) == (  # type: ignore[attr-defined]
        "create_party", "2", "R&D", "1"
    )  # fmt: skip
    _, tag = events.payload_of(ws.tag_change(create_time=T))
    assert isinstance(tag, ChangeContact)
    assert (tag.tag_id, tag.add_user_items, tag.del_user_items) == (
        "1", ["zhangsan", "lisi"], ["wangwu"]
    )  # fmt: skip
    assert (tag.add_party_items, tag.del_party_items) == (["1", "2"], [])


def test_unknown_callbacks_keep_every_field() -> None:
    kind, payload = events.payload_of(ws.event("brand_new_event", EventKey="k", Extra="e"))
    assert kind == events.UNKNOWN
    assert isinstance(payload, UnknownCallback)
    assert (payload.event, payload.problem) == ("brand_new_event", None)
    assert payload.raw["Extra"] == "e" and payload.raw["EventKey"] == "k"
    kind, mixed = events.payload_of(ws.callback("mixed", MsgId=1, Items="x"))
    assert kind == events.UNKNOWN and mixed.msg_type == "mixed"


def test_a_callback_that_does_not_fit_its_model_is_published_as_unknown() -> None:
    xml = ws.callback("location", Location_X="north", MsgId=5, create_time=T)
    kind, payload = events.payload_of(xml)
    assert kind == events.UNKNOWN
    assert isinstance(payload, UnknownCallback)
    assert payload.problem == "the callback does not fit its model: location_x"
    assert (payload.msg_type, payload.create_time, payload.raw["Location_X"]) == (
        "location", T, "north"
    )  # fmt: skip
    kind, broken = events.payload_of(ws.callback("text", Content="x", create_time=0, MsgId=1))
    assert kind == "wecom.message.text" and broken.create_time == 0
    kind, no_time = events.payload_of(
        "<xml><MsgType>text</MsgType><CreateTime>soon</CreateTime></xml>"
    )
    assert kind == events.UNKNOWN and no_time.create_time == 0
    assert events.draft(ws.callback("text", create_time=0, Content="x"), "c").occurred_at is None


def test_empty_numbers_and_odd_nesting_are_tolerated() -> None:
    _, where = events.payload_of(
        ws.callback("location", Location_X="", Location_Y="1.5", Scale="", Label="", MsgId=3)
    )
    assert isinstance(where, LocationMessage)
    assert (where.location_x, where.location_y, where.scale, where.label) == (None, 1.5, None, "")
    text_job = ws.event("batch_job_result", BatchJob="job-as-text", create_time=T)
    kind, job = events.payload_of(text_job)
    assert kind == "wecom.event.batch_job_result"
    assert isinstance(job, BatchJobResult) and job.job_id is None
    fields = callback_xml.fields(callback_xml.parse(text_job.encode(), limit=10_000))
    assert events.dedup_key(fields) == f"event:zhangsan|{T}|batch_job_result"
    cdata_job = ws.event("batch_job_result", BatchJob="<JobId>x</JobId>", create_time=T)
    assert events.payload_of(cdata_job)[1].job_id is None  # type: ignore[attr-defined]
    three = ws.event(
        "template_card_event", TaskId="t", create_time=T,
        SelectedItems=[("SelectedItem", {
            "QuestionKey": "q", "OptionIds": [("OptionId", o) for o in ("a", "b", "c")],
        })],
    )  # fmt: skip
    _, card = events.payload_of(three)
    assert card.selected_items[0].option_ids == ["a", "b", "c"]  # type: ignore[attr-defined]


def test_dedup_keys() -> None:
    fields = {"MsgType": "text", "MsgId": "42", "FromUserName": "u", "CreateTime": "1"}
    assert events.dedup_key(fields) == "msg:42"
    click = {"MsgType": "event", "FromUserName": "u", "CreateTime": "9", "Event": "click"}
    assert events.dedup_key({**click, "EventKey": "a"}) == "event:u|9|click|EventKey=a"
    assert events.dedup_key({**click, "EventKey": "a"}) != events.dedup_key(
        {**click, "EventKey": "b"}
    )
    card = {**click, "Event": "template_card_event", "EventKey": "ok", "TaskId": "t1"}
    assert events.dedup_key(card) == "event:u|9|template_card_event|EventKey=ok|TaskId=t1"
    contact = {
        "MsgType": "event", "FromUserName": "sys", "CreateTime": "9", "Event": "change_contact",
        "ChangeType": "delete_user", "UserID": "zs",
    }  # fmt: skip
    expected = "event:sys|9|change_contact|ChangeType=delete_user|UserID=zs"
    assert events.dedup_key(contact) == expected
    job = ws.samples(T)["wecom.event.batch_job_result"]
    job_fields = callback_xml.fields(callback_xml.parse(job.encode(), limit=10_000))
    assert events.dedup_key(job_fields) == f"event:zhangsan|{T}|batch_job_result|JobId=job-9"
    assert events.dedup_key({"MsgType": "text"}) is None
    # A message without MsgId falls back to the event-style key.
    assert events.dedup_key({"MsgType": "text", "FromUserName": "u", "CreateTime": "3"}) == (
        "event:u|3|"
    )


def test_snake_case_names() -> None:
    assert [events.snake(t) for t in ("FromUserName", "AgentID", "Location_X", "MsgId")] == [
        "from_user_name", "agent_id", "location_x", "msg_id"
    ]  # fmt: skip


def test_register_types(tmp_path: object) -> None:
    bus = Bus(Database("sqlite+aiosqlite:///:memory:"), Settings(_env_file=None), Metrics())
    events.register_types(bus)
    assert {t: m for t, m in bus.types.items() if t.startswith("wecom.")} == dict(events.MODELS)
