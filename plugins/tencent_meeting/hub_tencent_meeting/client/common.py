"""What every API module shares: the operator fields, path quoting, local rule checks.

Tencent refuses some requests only after counting them against the rate
limits (a records window over 31 days, a page size over 20, ...). The rules
the reference documents are checked here first, so a caller learns about
them at once and no call is spent.
"""

import time
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from hub.errors import HubError, ValidationFailed
from pydantic import BaseModel

if TYPE_CHECKING:
    from hub_tencent_meeting.client.base import TencentMeetingClient

DAY = 86_400
Time = int | str | datetime
"""A UNIX time in seconds (number or numeric text) or an aware datetime."""
M = TypeVar("M", bound=BaseModel)


class ParameterError(ValidationFailed, ValueError):
    """A documented parameter rule is broken; refused before any request is sent."""

    code = "tencent_meeting_bad_parameter"


class UnverifiedApiDisabled(HubError):
    """The API is not in SDK 1.0.10 and its use was not switched on for this client."""

    status = 409
    code = "tencent_meeting_unverified_api"


def quoted(value: object) -> str:
    """A path parameter, quoted so that ids with `/` or `$` stay one segment."""
    return quote(str(value), safe="")


def compact(**fields: Any) -> dict[str, Any]:
    """The fields that were given (None means "leave out", as the SDK does)."""
    return {k: v for k, v in fields.items() if v is not None}


def dump(model: BaseModel | Mapping[str, Any] | None) -> dict[str, Any]:
    """A request model as the JSON object Tencent expects (None fields left out)."""
    if model is None:
        return {}
    if isinstance(model, BaseModel):
        return model.model_dump(mode="json", exclude_none=True)
    return {k: v for k, v in model.items() if v is not None}


def seconds(value: int | str | datetime | None) -> int | None:
    """UNIX seconds from an int, a numeric string or an aware datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ParameterError("give times with a time zone (naive datetimes are ambiguous)")
        return int(value.timestamp())
    try:
        return int(value)
    except ValueError:
        raise ParameterError(f"not a UNIX time in seconds: {value!r}") from None


def check_window(
    start: int | None,
    end: int | None,
    *,
    max_days: int,
    what: str,
    required: bool = False,
) -> None:
    """Refuse a time window the endpoint would refuse (reference §5)."""
    if required and (start is None or end is None):
        raise ParameterError(f"{what} needs both start_time and end_time")
    if start is not None and end is not None:
        if end < start:
            raise ParameterError(f"{what}: end_time is before start_time")
        if end - start > max_days * DAY:
            raise ParameterError(
                f"{what}: the window may span at most {max_days} days "
                f"(asked for {(end - start) / DAY:.1f}); split it into smaller windows"
            )


def check_page_size(page_size: int | None, maximum: int, what: str) -> None:
    if page_size is not None and not 1 <= page_size <= maximum:
        raise ParameterError(f"{what}: page_size must be between 1 and {maximum}")


def with_total_page(data: dict[str, Any], page_size: int) -> dict[str, Any]:
    """Fill `total_page` (and `current_page`) where an endpoint reports only counts.

    `/v1/users/list` answers `total_count` and `page_size` without
    `total_page`, and the ASR export names its counters `curr_page`/`curr_size`.
    """
    if "current_page" not in data and "curr_page" in data:
        data["current_page"] = data["curr_page"]
    if "current_size" not in data and "curr_size" in data:
        data["current_size"] = data["curr_size"]
    if data.get("total_page") is None and isinstance(data.get("total_count"), int):
        size = data.get("page_size") or page_size
        data["total_page"] = max(1, -(-data["total_count"] // max(1, int(size))))
    return data


async def models_of(pages: AsyncIterator[dict[str, Any]], model: type[M]) -> AsyncIterator[M]:
    """Wrap a paging iterator's raw items into models."""
    async for item in pages:
        yield model.model_validate(item)


def now() -> int:
    return int(time.time())


class ApiModule:
    """Base of every API module: holds the client and builds operator fields."""

    def __init__(self, client: "TencentMeetingClient") -> None:
        self.client = client

    def _op_query(self, operator_id: str | None) -> dict[str, str]:
        """The operator pair as query parameters."""
        return dict(self.client.operator(operator_id))

    def _op_body(self, operator_id: str | None) -> dict[str, Any]:
        """The operator pair for a JSON body: Tencent's models type the id type as int."""
        op = self.client.operator(operator_id)
        return {"operator_id": op["operator_id"], "operator_id_type": int(op["operator_id_type"])}

    def _userid(self, operator_id: str | None) -> str:
        """The acting user for the older endpoints that take `userid` (+ `instanceid`).

        With OAuth2 this is the authorized user's open_id, as Tencent asks.
        """
        return str(self.client.operator(operator_id)["operator_id"])


class UnverifiedModule(ApiModule):
    """Base of the modules SDK 1.0.10 does not cover (reference §6, last part).

    Their REST paths come from Tencent's public docs and could not be checked
    against the SDK; calls to them are refused unless the facade was built
    with `unverified=True` (or the config has `enable_unverified_api`).
    Views derived from verified endpoints work either way.
    """

    title = "this API"

    def __init__(self, client: "TencentMeetingClient", *, enabled: bool = False) -> None:
        super().__init__(client)
        self.enabled = enabled

    def _require_enabled(self, operation: str) -> None:
        if not self.enabled:
            raise UnverifiedApiDisabled(
                f"Tencent Meeting {self.title} ({operation}) is not part of the verified API "
                "(SDK 1.0.10); its path and fields come from Tencent's public docs and are "
                "unverified. Check them against your account, then enable them with "
                "TencentMeeting(client, unverified=True)."
            )
