"""Event bus cost per event, delivered to 3 subscribers.

    .venv/bin/python bench/bus_dispatch.py [--events N] [--durable-events N]

Prints microseconds per event for:
- non-durable: `publish(..., durable=False)`, handlers called in the publisher's task;
- durable: publish plus dispatch until every delivery is `done`, on SQLite (the
  default store) in a temporary directory; publishing one event at a time
  (a commit each), all at once from concurrent tasks (they share commits), and
  100 events per caller transaction.
Target: non-durable below 30 µs/event.
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from hub.bus import Event
from hub.context import HubContext, open_context
from hub.logging import configure_logging
from hub.plugins import Plugins
from hub.settings import Settings

EVENT_TYPE = "bench.item.created"


class Created(BaseModel):
    item_id: str
    title: str


def context(directory: Path) -> HubContext:
    settings = Settings(
        _env_file=None,
        data_dir=directory,
        database_url=f"sqlite+aiosqlite:///{directory}/hub.db",
        secret_keys="",
        log_level="warning",
    )
    ctx = open_context(settings, Plugins())
    handled = ctx.extras.setdefault("handled", [0])

    async def handler(event: Event) -> None:
        handled[0] += 1

    for name, priority in (("bench.first", 10), ("bench.second", 5), ("bench.third", 0)):
        ctx.bus.subscribe("bench.item.*", handler, name=name, priority=priority)
    return ctx


async def non_durable(ctx: HubContext, count: int, typed: bool, rounds: int = 5) -> list[float]:
    """µs/event of each round (other work on the machine shows up as slower rounds)."""
    if typed:
        ctx.bus.register_type(EVENT_TYPE, Created)
    payload: Any = {"item_id": "i-1", "title": "Chair"}
    publish = ctx.bus.publish
    for _ in range(min(count, 1000)):  # warm-up
        await publish(EVENT_TYPE, payload, source="bench", durable=False)
    results = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(count):
            await publish(EVENT_TYPE, payload, source="bench", durable=False)
        results.append((time.perf_counter() - start) / count * 1e6)
    ctx.bus.types.pop(EVENT_TYPE, None)
    return results


async def durable(ctx: HubContext, count: int, per_transaction: int) -> tuple[float, float]:
    """(µs/event to publish, µs/event to dispatch to done)."""
    payload = {"item_id": "i-1", "title": "Chair"}
    start = time.perf_counter()
    if per_transaction == 0:  # concurrent publishers, each committing on its own
        await asyncio.gather(
            *(ctx.bus.publish(EVENT_TYPE, payload, source="bench") for _ in range(count))
        )
    elif per_transaction == 1:
        for _ in range(count):
            await ctx.bus.publish(EVENT_TYPE, payload, source="bench")
    else:
        for offset in range(0, count, per_transaction):
            async with ctx.db.transaction() as session:
                for _ in range(min(per_transaction, count - offset)):
                    await ctx.bus.publish(EVENT_TYPE, payload, source="bench", session=session)
    published = time.perf_counter()
    ran = await ctx.bus.drain()
    finished = time.perf_counter()
    if ran != count * 3:
        raise SystemExit(f"expected {count * 3} deliveries, ran {ran}")
    return (published - start) / count * 1e6, (finished - published) / count * 1e6


async def main(events: int, durable_events: int) -> None:
    configure_logging("console", "warning")
    with tempfile.TemporaryDirectory() as tmp:
        ctx = context(Path(tmp))
        try:
            plain = await non_durable(ctx, events, typed=False)
            typed = await non_durable(ctx, events, typed=True)
        finally:
            await ctx.close()
    print(f"non-durable, 3 subscribers ({events} events x {len(plain)} rounds)")
    print(
        f"  dict payload               best {min(plain):6.1f}  median "
        f"{statistics.median(plain):6.1f} µs/event   (target < 30)"
    )
    print(
        f"  registered payload model   best {min(typed):6.1f}  median "
        f"{statistics.median(typed):6.1f} µs/event"
    )
    print(f"durable on SQLite, 3 subscribers ({durable_events} events, a fresh database each)")
    for per_tx, label in (
        (1, "one publish at a time"),
        (0, "all publishing at once"),
        (100, "100 per transaction"),
    ):
        with tempfile.TemporaryDirectory() as tmp:
            ctx = context(Path(tmp))
            try:
                await ctx.migrate()
                pub, disp = await durable(ctx, durable_events, per_tx)
            finally:
                await ctx.close()
        total = pub + disp
        print(
            f"  {label:<26} publish {pub:7.1f} + dispatch {disp:7.1f}"
            f" = {total:7.1f} µs/event  ({1e6 / total:,.0f} events/s)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="non-durable events/round")
    parser.add_argument("--durable-events", type=int, default=2_000, help="durable events")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.durable_events))
