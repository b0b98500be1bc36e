"""Cloud recordings: list, addresses, sharing, access, statistics, transcripts, uploads.

`GET /v1/records` answers only for a window of at most 31 days with pages of
at most 20; `iter_records` refuses a larger window before calling, and
`iter_records_windowed` walks a long period window by window.
"""

import hashlib
import secrets
from collections.abc import AsyncIterator, Sequence
from typing import Any

from hub.http import Outgoing

from hub_tencent_meeting.client.base import TencentMeetingClient
from hub_tencent_meeting.client.common import (
    DAY,
    ApiModule,
    ParameterError,
    Time,
    check_page_size,
    check_window,
    compact,
    dump,
    models_of,
    quoted,
    seconds,
)
from hub_tencent_meeting.client.paging import pages_by_number, pages_by_pid
from hub_tencent_meeting.models.common import JobResult
from hub_tencent_meeting.models.records import (
    AccessMember,
    AccessResult,
    RecordAddress,
    RecordAddressPage,
    RecordEvent,
    RecordEventPage,
    RecordFileDetail,
    RecordMeeting,
    RecordMetrics,
    RecordPage,
    RecordSettings,
    SharingConfig,
    TranscriptPage,
    TranscriptParagraph,
    TranscriptParagraphs,
    TranscriptSearch,
    UploadPrepared,
    ViewDetail,
    ViewDetailPage,
)

RECORDS_MAX_DAYS = 31
RECORDS_MAX_PAGE_SIZE = 20
EVENTS_MAX_PAGE_SIZE = 50


def encode_multipart(
    fields: dict[str, Any], file_field: str, file_name: str, content: bytes
) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type, built once so it can be signed.

    The official SDK sends uploads as multipart forms; which bytes Tencent
    hashes for the signature of such a request is not documented [unverified],
    so the client signs the exact body it sends, as for JSON.
    """
    boundary = f"----HubTencentMeeting{secrets.token_hex(12)}"
    out = bytearray()
    for name, value in fields.items():
        out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n".encode()
        out += str(value).encode() + b"\r\n"
    safe_name = file_name.replace('"', "'").replace("\r", "").replace("\n", "")
    out += (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; "
        f"filename=\"{safe_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    ).encode()
    out += content + f"\r\n--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


class RecordsApi(ApiModule):
    """Cloud recordings of meetings ("meeting records", each with its files)."""

    # ---- listing -----------------------------------------------------------------------------

    def _records_query(
        self,
        start_time: Time,
        end_time: Time,
        page_size: int,
        meeting_id: str | None,
        meeting_code: str | None,
        media_set_type: int | None,
        query_record_type: int | None,
        operator_id: str | None,
    ) -> dict[str, Any]:
        start, end = seconds(start_time), seconds(end_time)
        check_window(start, end, max_days=RECORDS_MAX_DAYS, what="recordings", required=True)
        check_page_size(page_size, RECORDS_MAX_PAGE_SIZE, "recordings")
        return compact(
            **self._op_query(operator_id),
            start_time=start,
            end_time=end,
            page_size=page_size,
            meeting_id=meeting_id,
            meeting_code=meeting_code,
            media_set_type=media_set_type,
            query_record_type=query_record_type,
        )

    async def list_page(
        self,
        *,
        start_time: Time,
        end_time: Time,
        page: int = 1,
        page_size: int = RECORDS_MAX_PAGE_SIZE,
        meeting_id: str | None = None,
        meeting_code: str | None = None,
        media_set_type: int | None = None,
        query_record_type: int | None = None,
        operator_id: str | None = None,
    ) -> RecordPage:
        query = self._records_query(
            start_time, end_time, page_size, meeting_id, meeting_code, media_set_type,
            query_record_type, operator_id,
        )
        data = await self.client.call("GET", "/v1/records", query={**query, "page": page})
        return RecordPage.model_validate(data)

    def iter_records(
        self,
        *,
        start_time: Time,
        end_time: Time,
        page_size: int = RECORDS_MAX_PAGE_SIZE,
        meeting_id: str | None = None,
        meeting_code: str | None = None,
        media_set_type: int | None = None,
        query_record_type: int | None = None,
        operator_id: str | None = None,
    ) -> AsyncIterator[RecordMeeting]:
        """Meeting records started in the window (at most 31 days), all pages."""
        query = self._records_query(
            start_time, end_time, page_size, meeting_id, meeting_code, media_set_type,
            query_record_type, operator_id,
        )

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", "/v1/records", query={**query, **paging})

        return models_of(
            pages_by_number(fetch, "record_meetings", page_size=page_size), RecordMeeting
        )

    async def iter_records_windowed(
        self,
        *,
        start_time: Time,
        end_time: Time,
        window_days: int = RECORDS_MAX_DAYS,
        query_record_type: int | None = None,
        operator_id: str | None = None,
    ) -> AsyncIterator[RecordMeeting]:
        """Meeting records of any period, asked for in windows Tencent accepts.

        A record is yielded once even if it shows up in two neighbouring windows.
        """
        start, end = seconds(start_time), seconds(end_time)
        if start is None or end is None or end < start:
            raise ParameterError("recordings: give start_time before end_time")
        if not 1 <= window_days <= RECORDS_MAX_DAYS:
            raise ParameterError(f"recordings: window_days must be 1..{RECORDS_MAX_DAYS}")
        seen: set[str] = set()
        cursor = start
        while cursor <= end:
            upper = min(end, cursor + window_days * DAY)
            async for record in self.iter_records(
                start_time=cursor,
                end_time=upper,
                query_record_type=query_record_type,
                operator_id=operator_id,
            ):
                key = record.meeting_record_id or ""
                if key and key in seen:
                    continue
                seen.add(key)
                yield record
            cursor = upper + 1

    # ---- addresses and files -----------------------------------------------------------------

    async def addresses_page(
        self,
        meeting_record_id: str,
        *,
        page: int = 1,
        page_size: int = 20,
        operator_id: str | None = None,
    ) -> RecordAddressPage:
        query = {
            "meeting_record_id": meeting_record_id,
            **self._op_query(operator_id),
            "page": page,
            "page_size": page_size,
        }
        data = await self.client.call("GET", "/v1/addresses", query=query)
        return RecordAddressPage.model_validate(data)

    def iter_addresses(
        self, meeting_record_id: str, *, page_size: int = 20, operator_id: str | None = None
    ) -> AsyncIterator[RecordAddress]:
        """View and download addresses of every file of a meeting record (links expire)."""
        base = {"meeting_record_id": meeting_record_id, **self._op_query(operator_id)}

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", "/v1/addresses", query={**base, **paging})

        return models_of(pages_by_number(fetch, "record_files", page_size=page_size),
                         RecordAddress)

    async def file_detail(
        self, record_file_id: str, *, operator_id: str | None = None
    ) -> RecordFileDetail:
        """One file's addresses plus its AI minutes, transcripts and summaries."""
        path = f"/v1/addresses/{quoted(record_file_id)}"
        data = await self.client.call("GET", path, query=self._op_query(operator_id))
        return RecordFileDetail.model_validate(data)

    async def delete_record(
        self,
        meeting_record_id: str,
        *,
        meeting_id: str | None = None,
        operator_id: str | None = None,
    ) -> None:
        """Delete a whole meeting record with all its files."""
        query = compact(
            meeting_record_id=meeting_record_id,
            meeting_id=meeting_id,
            **self._op_query(operator_id),
        )
        await self.client.call("DELETE", "/v1/records", query=query)

    async def delete_file(
        self,
        record_file_id: str,
        *,
        meeting_id: str | None = None,
        operator_id: str | None = None,
    ) -> None:
        query = compact(meeting_id=meeting_id, **self._op_query(operator_id))
        await self.client.call("DELETE", f"/v1/records/{quoted(record_file_id)}", query=query)

    async def transfer_recording(
        self,
        meeting_id: str,
        meeting_record_id: str,
        *,
        delete_recording_after_transfer: bool | None = None,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        """Move a recording to the enterprise's private storage (private deployments)."""
        query = {"meeting_id": meeting_id, "meeting_record_id": meeting_record_id}
        body = compact(
            **self._op_body(operator_id),
            instanceid=instanceid,
            delete_recording_after_transfer=delete_recording_after_transfer,
        )
        await self.client.call("PUT", "/v1/records/transfer-recording", query=query, body=body)

    # ---- sharing and access ------------------------------------------------------------------

    async def settings(
        self, meeting_record_id: str, *, operator_id: str | None = None
    ) -> RecordSettings:
        path = f"/v1/records/settings/{quoted(meeting_record_id)}"
        data = await self.client.call("GET", path, query=self._op_query(operator_id))
        return RecordSettings.model_validate(data)

    async def update_settings(
        self,
        meeting_record_id: str,
        sharing_config: SharingConfig,
        *,
        meeting_id: str | None = None,
        operator_id: str | None = None,
    ) -> None:
        """Change sharing: on/off, scope, password, expiry, download and transcript rights."""
        body = compact(
            **self._op_body(operator_id),
            meeting_id=meeting_id,
            sharing_config=dump(sharing_config),
        )
        path = f"/v1/records/settings/{quoted(meeting_record_id)}"
        await self.client.call("PUT", path, body=body)

    async def add_access(
        self,
        meeting_record_id: str,
        members: Sequence[AccessMember],
        *,
        operator_id: str | None = None,
    ) -> AccessResult:
        body = {**self._op_body(operator_id), "access_members": [dump(m) for m in members]}
        path = f"/v1/records/access/{quoted(meeting_record_id)}"
        return AccessResult.model_validate(await self.client.call("POST", path, body=body))

    async def remove_access(
        self,
        meeting_record_id: str,
        members: Sequence[AccessMember],
        *,
        operator_id: str | None = None,
    ) -> None:
        body = {
            **self._op_body(operator_id),
            "access_members": [
                {"to_operator_id": m.to_operator_id, "to_operator_id_type": m.to_operator_id_type}
                for m in members
            ],
        }
        path = f"/v1/records/access/{quoted(meeting_record_id)}"
        await self.client.call("DELETE", path, body=body)

    async def approve_requests(
        self,
        meeting_record_id: str,
        apply_ids: Sequence[str],
        *,
        action: int,
        operator_id: str | None = None,
    ) -> None:
        """Answer requests to view a recording (action 1 approve, 2 reject)."""
        body = {**self._op_body(operator_id), "action": action, "apply_id_list": list(apply_ids)}
        path = f"/v1/records/approvals/{quoted(meeting_record_id)}"
        await self.client.call("PUT", path, body=body)

    # ---- statistics --------------------------------------------------------------------------

    async def metrics(
        self,
        meeting_record_id: str,
        *,
        start_time: Time | None = None,
        end_time: Time | None = None,
    ) -> RecordMetrics:
        """Views and downloads per day (a window of at most 31 days)."""
        start, end = seconds(start_time), seconds(end_time)
        check_window(start, end, max_days=RECORDS_MAX_DAYS, what="recording statistics")
        query = compact(meeting_record_id=meeting_record_id, start_time=start, end_time=end)
        data = await self.client.call("GET", "/v1/metrics/records", query=query)
        return RecordMetrics.model_validate(data)

    def _events_query(
        self, meeting_record_id: str, event_type: int, start_time: Time | None,
        end_time: Time | None, page_size: int,
    ) -> dict[str, Any]:
        start, end = seconds(start_time), seconds(end_time)
        check_window(start, end, max_days=RECORDS_MAX_DAYS, what="recording events")
        check_page_size(page_size, EVENTS_MAX_PAGE_SIZE, "recording events")
        return compact(
            meeting_record_id=meeting_record_id,
            event_type=event_type,
            start_time=start,
            end_time=end,
        )

    async def events_page(
        self,
        meeting_record_id: str,
        *,
        event_type: int,
        page: int = 1,
        page_size: int = 20,
        start_time: Time | None = None,
        end_time: Time | None = None,
    ) -> RecordEventPage:
        query = self._events_query(
            meeting_record_id, event_type, start_time, end_time, page_size
        )
        data = await self.client.call(
            "GET", "/v1/records/events", query={**query, "page": page, "page_size": page_size}
        )
        return RecordEventPage.model_validate(data)

    def iter_events(
        self,
        meeting_record_id: str,
        *,
        event_type: int,
        page_size: int = 20,
        start_time: Time | None = None,
        end_time: Time | None = None,
    ) -> AsyncIterator[RecordEvent]:
        """Who downloaded (event_type 1) or viewed (2) a record, and when."""
        query = self._events_query(
            meeting_record_id, event_type, start_time, end_time, page_size
        )

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", "/v1/records/events", query={**query, **paging})

        return models_of(pages_by_number(fetch, "events", page_size=page_size), RecordEvent)

    def _views_query(
        self, record_file_id: str, start_time: Time | None, end_time: Time | None,
        operator_id: str | None,
    ) -> dict[str, Any]:
        return compact(
            record_file_id=record_file_id,
            **self._op_query(operator_id),
            start_time=seconds(start_time),
            end_time=seconds(end_time),
        )

    async def view_details_page(
        self,
        record_file_id: str,
        *,
        page: int = 1,
        page_size: int = 20,
        start_time: Time | None = None,
        end_time: Time | None = None,
        operator_id: str | None = None,
    ) -> ViewDetailPage:
        query = self._views_query(record_file_id, start_time, end_time, operator_id)
        data = await self.client.call(
            "GET",
            "/v1/records/view-details",
            query={**query, "page": page, "page_size": page_size},
        )
        return ViewDetailPage.model_validate(data)

    def iter_view_details(
        self,
        record_file_id: str,
        *,
        page_size: int = 20,
        start_time: Time | None = None,
        end_time: Time | None = None,
        operator_id: str | None = None,
    ) -> AsyncIterator[ViewDetail]:
        """Who watched a recording file, for how long and how far."""
        query = self._views_query(record_file_id, start_time, end_time, operator_id)

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call(
                "GET", "/v1/records/view-details", query={**query, **paging}
            )

        return models_of(pages_by_number(fetch, "view_details", page_size=page_size), ViewDetail)

    # ---- transcripts -------------------------------------------------------------------------

    async def transcript_page(
        self,
        record_file_id: str,
        *,
        pid: str | int | None = None,
        limit: int | None = None,
        meeting_id: str | None = None,
        transcripts_type: int | None = None,
        operator_id: str | None = None,
    ) -> TranscriptPage:
        query = compact(
            meeting_id=meeting_id,
            record_file_id=record_file_id,
            pid=pid,
            limit=limit,
            **self._op_query(operator_id),
            transcripts_type=transcripts_type,
        )
        data = await self.client.call("GET", "/v1/records/transcripts/details", query=query)
        return TranscriptPage.model_validate(data)

    def iter_transcript(
        self,
        record_file_id: str,
        *,
        limit: int = 100,
        meeting_id: str | None = None,
        transcripts_type: int | None = None,
        operator_id: str | None = None,
    ) -> AsyncIterator[TranscriptParagraph]:
        """A recording's transcript paragraph by paragraph (pid/limit paging, `more`)."""
        base = compact(
            meeting_id=meeting_id,
            record_file_id=record_file_id,
            **self._op_query(operator_id),
            transcripts_type=transcripts_type,
        )

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            data = await self.client.call(
                "GET", "/v1/records/transcripts/details", query={**base, **paging}
            )
            minutes = data.get("minutes") if isinstance(data.get("minutes"), dict) else {}
            return {**data, "paragraphs": (minutes or {}).get("paragraphs") or []}

        return models_of(pages_by_pid(fetch, "paragraphs", limit=limit), TranscriptParagraph)

    async def transcript_paragraphs(
        self,
        record_file_id: str,
        *,
        meeting_id: str | None = None,
        operator_id: str | None = None,
    ) -> TranscriptParagraphs:
        """The paragraph ids of a transcript with their times."""
        query = compact(
            meeting_id=meeting_id, record_file_id=record_file_id, **self._op_query(operator_id)
        )
        data = await self.client.call("GET", "/v1/records/transcripts/paragraphs", query=query)
        return TranscriptParagraphs.model_validate(data)

    async def search_transcript(
        self,
        record_file_id: str,
        text: str,
        *,
        meeting_id: str | None = None,
        transcripts_type: int | None = None,
        operator_id: str | None = None,
    ) -> TranscriptSearch:
        query = compact(
            meeting_id=meeting_id,
            record_file_id=record_file_id,
            **self._op_query(operator_id),
            text=text,
            transcripts_type=transcripts_type,
        )
        data = await self.client.call("GET", "/v1/records/transcripts/search", query=query)
        return TranscriptSearch.model_validate(data)

    # ---- uploads -----------------------------------------------------------------------------

    async def upload_all(
        self,
        file_name: str,
        content: bytes,
        *,
        file_type: str,
        speak_number: int,
        ai_record: int | None = None,
        operator_id: str | None = None,
    ) -> JobResult:
        """Upload a recording file in one request (small files; large: `upload_prepare`).

        `file_checksum` is the content's MD5 in hex, as the SDK documents it for
        the chunked upload; that the one-request upload uses the same is
        [unverified].
        """
        fields = compact(
            **self._op_query(operator_id),
            file_name=file_name,
            file_type=file_type,
            file_size=len(content),
            file_checksum=hashlib.md5(content).hexdigest(),
            speak_number=speak_number,
            ai_record=ai_record,
        )
        data = await self._send_form("/v1/files/records/upload-all", fields, file_name, content)
        return JobResult.model_validate(data)

    async def upload_prepare(
        self,
        file_name: str,
        file_size: int,
        *,
        file_type: str,
        operator_id: str | None = None,
    ) -> UploadPrepared:
        """Start a chunked upload; the answer says how many blocks of which size to send."""
        body = {
            **self._op_body(operator_id),
            "file_name": file_name,
            "file_size": file_size,
            "file_type": file_type,
        }
        data = await self.client.call("POST", "/v1/files/records/upload-prepare", body=body)
        return UploadPrepared.model_validate(data)

    async def upload_part(
        self,
        upload_id: str,
        file_seq: int,
        content: bytes,
        *,
        operator_id: str | None = None,
    ) -> None:
        """Send block `file_seq` (from 1) of a chunked upload; its checksum is its MD5 hex."""
        fields = {
            **self._op_query(operator_id),
            "upload_id": upload_id,
            "file_size": len(content),
            "file_seq": file_seq,
            "file_checksum": hashlib.md5(content).hexdigest(),
        }
        await self._send_form("/v1/files/records/upload-part", fields, f"part-{file_seq}", content)

    async def upload_finish(
        self,
        upload_id: str,
        *,
        speak_number: int,
        ai_record: int | None = None,
        operator_id: str | None = None,
    ) -> JobResult:
        body = compact(
            **self._op_body(operator_id),
            upload_id=upload_id,
            speak_number=speak_number,
            ai_record=ai_record,
        )
        data = await self.client.call("POST", "/v1/files/records/upload-finish", body=body)
        return JobResult.model_validate(data)

    async def _send_form(
        self, path: str, fields: dict[str, Any], file_name: str, content: bytes
    ) -> dict[str, Any]:
        body, content_type = encode_multipart(fields, "file_content", file_name, content)
        client = self.client
        form = _FormClient(
            client.http,
            client.config_id,
            client.config,
            tokens=client.tokens,
            open_id=client.open_id,
            base_url=client.base_url,
            max_attempts=client.max_attempts,
            timeout_seconds=client.timeout_seconds,
            backoff=client.backoff,
        )
        form.form_content_type = content_type
        return await form._roundtrip("POST", path, data=body, auth=client.oauth)


class _FormClient(TencentMeetingClient):
    """The config's client for one multipart upload.

    `TencentMeetingClient.call` only sends JSON and labels every body as JSON;
    an upload keeps its signature (which covers the body bytes, not the
    headers) and gets the form's content type back after signing.
    """

    form_content_type = ""

    async def prepare(self, request: Outgoing) -> None:
        await super().prepare(request)
        request.headers["Content-Type"] = self.form_content_type
