"""The event envelope every publisher and subscriber shares, and the STOP signal.

An event is a fact about one tenant's provider config ("a meeting started"),
named `<provider>.<entity>.<action>`. The envelope is the same for every type;
only `payload` differs, and a type may register a pydantic model for it.
"""

import re
from datetime import datetime
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, PrivateAttr

TYPE_PATTERN: Final = r"^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$"
TYPE_RULE: Final = (
    "use dot-separated lower-case words of letters, digits, underscores and dashes, "
    "like 'provider.entity.action'"
)
_TYPE_RE = re.compile(TYPE_PATTERN)


def valid_type(event_type: str) -> bool:
    return len(event_type) <= 200 and _TYPE_RE.match(event_type) is not None


_set = object.__setattr__


class _Stop:
    """Returned by a handler so lower-priority handlers do not run for this event."""

    _instance: "_Stop | None" = None

    def __new__(cls) -> "_Stop":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "STOP"

    def __reduce__(self) -> str:
        return "STOP"


STOP: Final = _Stop()


class Event(BaseModel):
    """One published event. Handlers receive it; `model()` gives the typed payload."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    tenant_id: str | None = None
    config_id: str | None = None
    source: str
    occurred_at: datetime
    received_at: datetime
    payload: dict[str, Any]
    ordering_key: str | None = None
    idempotency_key: str | None = None

    _payload_model: type[BaseModel] | None = PrivateAttr(default=None)

    @classmethod
    def trusted(
        cls, fields: dict[str, Any], payload_model: type[BaseModel] | None = None
    ) -> "Event":
        """Build from values the bus has already checked (all ten fields), skipping validation.

        Publishing is on the hot path of `durable=False` events; pydantic's
        `model_construct` costs several times more than this.
        """
        event = cls.__new__(cls)
        _set(event, "__dict__", fields)
        _set(event, "__pydantic_fields_set__", set(_FIELDS))
        _set(event, "__pydantic_extra__", None)
        _set(event, "__pydantic_private__", {"_payload_model": payload_model})
        return event

    def model(self) -> BaseModel:
        """The payload as an instance of the model registered for this event's type."""
        if self._payload_model is None:
            raise LookupError(f"no payload model is registered for event type {self.type!r}")
        return self._payload_model.model_validate(self.payload)


_FIELDS = frozenset(Event.model_fields)
