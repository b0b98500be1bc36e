"""Importing enterprise users from a CSV file: validate everything, then create in batches.

Every row is checked with the request model (`UserCreate`) before the first
call, and a file with invalid rows is refused as a whole unless the caller
asks to skip them, so a typo never leaves half a department imported. The
valid rows are then created in batches (at least 100 rows each); the rows of
a batch run concurrently, paced by the client's rate limits (Tencent allows
100 account calls a minute). A refusal of one row (an existing userid, a bad
phone number, an unknown department) fails that row only; a failure that
would fail every row (credentials refused, permission missing, the daily
quota used up, Tencent unreachable) stops the import after the batch in
flight, and the rows not sent are reported as such. Every row ends with an
outcome, also when the import is interrupted.

Row numbers are those a spreadsheet shows: the header is row 1.
"""

import asyncio
import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from hub.errors import HubError
from hub.errors import ValidationFailed as HubValidationFailed
from hub.http import OutboundError, ServerError, TransportError
from pydantic import ValidationError as PydanticValidationError

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.errors import AuthError, ClockSkewError, ForbiddenError, RateLimitedError
from hub_tencent_meeting.models.users import UserCreate

CREATED, FAILED, INVALID, NOT_ATTEMPTED, UNKNOWN = (
    "created", "failed", "invalid", "not_attempted", "unknown",
)  # fmt: skip
FIELDS = (
    "userid", "username", "phone", "email", "area", "staff_id", "job_title", "entry_time",
    "department_ids", "user_account_type", "avatar_url", "auto_invite", "add_on_largemeeting",
    "add_on_webinar", "is_voov",
)  # fmt: skip
"""Columns an import takes (`department_ids`: ids separated by `;` or `|`)."""
EXPORT_ONLY = ("uuid", "status", "role_code", "role_name", "department_names", "update_time")
"""Columns an export adds; an import ignores them, so an export can be imported elsewhere."""
REQUIRED = ("userid", "username", "phone")
ALIASES = {"department_id": "department_ids", "departments": "department_ids"}
REPORT_COLUMNS = ("row", "userid", "outcome", "error")
FATAL = (AuthError, ForbiddenError, RateLimitedError, ClockSkewError, TransportError,
         HubValidationFailed)  # fmt: skip
"""Failures that would fail every further row: the import stops instead of trying them."""


@dataclass
class RowResult:
    row: int
    userid: str | None
    outcome: str = NOT_ATTEMPTED
    error: str | None = None


@dataclass
class ParsedFile:
    valid: list[tuple[RowResult, UserCreate]] = field(default_factory=list)
    invalid: list[RowResult] = field(default_factory=list)


class CsvRefused(HubError):
    """The file as a whole cannot be imported (no header, unknown or missing columns)."""

    status = 422
    code = "csv_refused"


def _department_list(cell: str) -> list[dict[str, str]]:
    ids = [part.strip() for part in cell.replace("|", ";").split(";")]
    return [{"department_id": d} for d in ids if d]


def _header(names: Sequence[str] | None) -> list[str]:
    if not names:
        raise CsvRefused("the file is empty; the first row must name the columns")
    header = [ALIASES.get(n.strip().lower(), n.strip().lower()) for n in names]
    unknown = [n for n in header if n not in FIELDS and n not in EXPORT_ONLY]
    if unknown:
        raise CsvRefused(
            f"unknown column(s) {', '.join(repr(n) for n in unknown)}; "
            f"the columns are {', '.join(FIELDS)}"
        )
    missing = [n for n in REQUIRED if n not in header]
    if missing:
        raise CsvRefused(f"missing column(s) {', '.join(missing)}")
    return header


def _message(error: PydanticValidationError) -> str:
    """Field errors of one row, without the values (they may be personal data)."""
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "row"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def parse(text: str) -> ParsedFile:
    """Every row of the CSV `text`, validated; raises `CsvRefused` for an unusable file."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = _header(next(reader, None))
    parsed = ParsedFile()
    first_row: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            parsed.invalid.append(
                RowResult(number, None, INVALID, f"{len(cells)} cells, the header has "
                          f"{len(header)}")
            )  # fmt: skip
            continue
        values: dict[str, Any] = {}
        for name, cell in zip(header, cells, strict=False):
            cell = cell.strip()
            if not cell or name in EXPORT_ONLY:
                continue
            if name == "department_ids":
                values["department_list"] = _department_list(cell)
            else:
                values[name] = cell
        result = RowResult(number, values.get("userid"))
        try:
            model = UserCreate.model_validate(values)
        except PydanticValidationError as exc:
            result.outcome, result.error = INVALID, _message(exc)
            parsed.invalid.append(result)
            continue
        if model.userid in first_row:
            result.outcome = INVALID
            result.error = f"userid {model.userid} is on row {first_row[model.userid]} already"
            parsed.invalid.append(result)
            continue
        first_row[model.userid] = number
        parsed.valid.append((result, model))
    return parsed


def batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def failure(exc: Exception) -> str:
    """The provider's message (and code) of a failed call, else the hub's message."""
    if isinstance(exc, OutboundError) and exc.provider_message:
        code = f" ({exc.provider_code})" if exc.provider_code else ""
        return f"{exc.provider_message}{code}"
    return exc.message if isinstance(exc, HubError) else f"{type(exc).__name__}: {exc}"


class Importer:
    """Creates the valid rows batch by batch; `results` holds every row's outcome."""

    def __init__(
        self,
        api: TencentMeeting,
        rows: Sequence[tuple[RowResult, UserCreate]],
        *,
        batch_size: int,
        concurrency: int,
        operator_id: str | None = None,
    ) -> None:
        self.api = api
        self.rows = rows
        self.batch_size = batch_size
        self.gate = asyncio.Semaphore(concurrency)
        self.operator_id = operator_id
        self.stopped: str | None = None
        self.in_flight: set[int] = set()

    async def run(self, on_batch: Any = None) -> None:
        """Create every row (or stop early); unfinished rows keep `not_attempted`/`unknown`."""
        total = -(-len(self.rows) // self.batch_size)
        try:
            for number, batch in enumerate(batches(self.rows, self.batch_size), start=1):
                if self.stopped:
                    break
                await asyncio.gather(*(self._one(result, model) for result, model in batch))
                if on_batch is not None:
                    on_batch(number, total, [r for r, _ in batch])
        finally:
            for result, _ in self.rows:
                if result.row in self.in_flight:
                    result.outcome = UNKNOWN
                    result.error = "interrupted while being created; check with `user show`"

    async def _one(self, result: RowResult, model: UserCreate) -> None:
        async with self.gate:
            if self.stopped:
                result.error = f"not sent: {self.stopped}"
                return
            self.in_flight.add(result.row)
            try:
                await self.api.users.create(model, operator_id=self.operator_id)
            except (OutboundError, HubError) as exc:
                result.outcome, result.error = FAILED, failure(exc)
                if _unanswered(exc):
                    result.outcome = UNKNOWN
                    result.error += "; it may have been created: check with `user show`"
                if isinstance(exc, FATAL):
                    self.stopped = self.stopped or f"stopped at row {result.row}: {exc.message}"
            else:
                result.outcome = CREATED
            # Not in a `finally`: a row whose call was cancelled stays in flight (unknown).
            self.in_flight.discard(result.row)


def _unanswered(exc: Exception) -> bool:
    """No answer says whether Tencent acted: the request was sent but the reply was lost,
    or a bare 5xx without Tencent's error code (a create is never repeated by the client)."""
    if isinstance(exc, TransportError):
        return True
    return isinstance(exc, ServerError) and not exc.provider_code


def count(results: Iterable[RowResult]) -> dict[str, int]:
    totals = dict.fromkeys((CREATED, FAILED, INVALID, NOT_ATTEMPTED, UNKNOWN), 0)
    for result in results:
        totals[result.outcome] += 1
    return totals


def report_csv(results: Iterable[RowResult]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    for r in sorted(results, key=lambda r: r.row):
        writer.writerow([r.row, r.userid or "", r.outcome, r.error or ""])
    return out.getvalue()
