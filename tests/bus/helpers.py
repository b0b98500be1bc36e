"""Reading the outbox tables directly, to check what was (not) stored."""

from typing import Any

from sqlalchemy import func, select

from hub.bus.models import DeliveryRow, EventRow
from hub.context import HubContext


async def event_count(ctx: HubContext) -> int:
    async with ctx.db.session() as s:
        return int((await s.execute(select(func.count()).select_from(EventRow))).scalar_one())


async def deliveries(ctx: HubContext, event_id: str) -> dict[str, Any]:
    """subscriber -> delivery row of one event."""
    async with ctx.db.session() as s:
        rows = await s.execute(select(DeliveryRow).where(DeliveryRow.event_id == event_id))
        return {r.subscriber: r for r in rows.scalars()}


async def statuses(ctx: HubContext, event_id: str) -> dict[str, str]:
    return {name: row.status for name, row in (await deliveries(ctx, event_id)).items()}


def sample(ctx: HubContext, name: str, **labels: str) -> float:
    return ctx.metrics.registry.get_sample_value(name, labels) or 0.0
