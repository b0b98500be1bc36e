"""The SQL that decides which deliveries may run now.

A delivery may run when it is pending and due, no earlier event with the same
ordering key still has an unfinished delivery for the same subscriber, and
every higher-priority delivery of its event that is still unfinished could run
now as well (it then runs first, in the same batch). So a higher-priority
delivery waiting for a retry, or running elsewhere, holds the lower ones back,
and `STOP` keeps its meaning across retries.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, literal_column, not_, or_, select
from sqlalchemy.sql.selectable import NamedFromClause

from hub.bus.models import PENDING, RUNNING, UNFINISHED, DeliveryRow, status_is

DELIVERIES = DeliveryRow.__table__


# Written out as literals, so the planner can use the partial index on unfinished rows
# (bound parameters would hide that the query only wants those).
_UNFINISHED = [literal_column(f"'{status}'") for status in UNFINISHED]


def ordering_blocked(x: NamedFromClause) -> ColumnElement[bool]:
    earlier = DELIVERIES.alias("earlier")
    return and_(
        x.c.ordering_key.is_not(None),
        exists().where(
            earlier.c.subscriber == x.c.subscriber,
            earlier.c.ordering_key == x.c.ordering_key,
            earlier.c.ordering_key.is_not(None),
            earlier.c.event_id < x.c.event_id,
            earlier.c.status.in_(_UNFINISHED),
        ),
    )


def runnable(x: NamedFromClause, names: Sequence[str], now: datetime) -> ColumnElement[bool]:
    return and_(
        status_is(x.c.status, PENDING),
        x.c.subscriber.in_(names),
        x.c.next_attempt_at <= now,
        not_(ordering_blocked(x)),
    )


def claimable(d: NamedFromClause, names: Sequence[str], now: datetime) -> ColumnElement[bool]:
    higher = DELIVERIES.alias("higher")
    waiting_higher = exists().where(
        higher.c.event_id == d.c.event_id,
        higher.c.priority > d.c.priority,
        higher.c.subscriber.in_(names),
        higher.c.status.in_(UNFINISHED),
        or_(
            higher.c.status == RUNNING,
            higher.c.next_attempt_at > now,
            ordering_blocked(higher),
        ),
    )
    return and_(runnable(d, names, now), not_(waiting_higher))


def candidate_events(names: Sequence[str], now: datetime, limit: int) -> Select[tuple[str]]:
    """Ids of the oldest events with at least one delivery that may run now."""
    d = DELIVERIES.alias("d")
    return (
        select(d.c.event_id)
        .where(claimable(d, names, now))
        .distinct()
        .order_by(d.c.event_id)
        .limit(limit)
    )


def claimable_deliveries(
    names: Sequence[str],
    now: datetime,
    *,
    event_ids: Sequence[str] | None = None,
    limit: int | None = None,
) -> Select[tuple[str, str, str, int, int]]:
    """Deliveries that may run now, by event and then priority (higher first).

    A limit may cut an event's deliveries short; only lower-priority ones are
    left out, and they become claimable once the ones taken have finished.
    """
    d = DELIVERIES.alias("d")
    query = (
        select(d.c.id, d.c.event_id, d.c.subscriber, d.c.priority, d.c.attempts)
        .where(claimable(d, names, now))
        .order_by(d.c.event_id, d.c.priority.desc())
    )
    if event_ids is not None:
        query = query.where(d.c.event_id.in_(event_ids))
    if limit is not None:
        query = query.limit(limit)
    return query
