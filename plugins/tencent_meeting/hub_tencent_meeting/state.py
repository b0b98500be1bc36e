"""Run-time state of the plugin that every client of a process shares.

Clients are made per use and know only the process's outbound layer
(`ctx.http`), so what they share is kept per outbound layer: one entry per
running hub (or test), gone with it.
"""

import asyncio
import weakref
from dataclasses import dataclass, field

from hub.http import OutboundHTTP


@dataclass
class ProcessState:
    locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    """Per config: serializes this process's OAuth code exchanges and refreshes."""
    issued: dict[str, str] = field(default_factory=dict)
    """Per config: fingerprint of the access token last handed to the token cache."""
    open_ids: dict[str, str] = field(default_factory=dict)
    """Per config: the open_id of the user whose token the cache holds."""
    quota_until: dict[str, float] = field(default_factory=dict)
    """Per config: UNIX time until which the daily quota is known to be used up."""


_STATES: "weakref.WeakKeyDictionary[OutboundHTTP, ProcessState]" = weakref.WeakKeyDictionary()


def process_state(http: OutboundHTTP) -> ProcessState:
    state = _STATES.get(http)
    if state is None:
        state = _STATES[http] = ProcessState()
    return state
