"""The event bus: typed events between plugins, durable by default. See docs/events.md.

from hub.bus import Bus, Event, STOP
"""

from hub.bus.bus import Bus
from hub.bus.envelope import STOP, Event

__all__ = ["STOP", "Bus", "Event"]
