"""Enterprise-wide recordings (`GET /v1/corp/records`) [unverified]: same shape as /v1/records."""

from hub_tencent_meeting.models.records import RecordMeeting, RecordPage

__all__ = ["RecordMeeting", "RecordPage"]
