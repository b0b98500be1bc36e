from prometheus_client import generate_latest

from hub.context import HubContext
from tests.bus.helpers import sample
from tests.helpers.bus_plugin import ITEM_CREATED, ITEM_DELETED, Recorder, item


async def test_counters_appear_in_the_metrics_text(ctx: HubContext, recorder: Recorder) -> None:
    recorder.fail("demo.index")
    await ctx.bus.publish(ITEM_CREATED, item(), source="t")
    await ctx.bus.publish(ITEM_DELETED, {"id": "x"}, source="t", durable=False)
    await ctx.bus.drain(wait=5)
    text = generate_latest(ctx.metrics.registry).decode()
    assert 'hub_bus_events_published_total{path="outbox"} 1.0' in text
    assert 'hub_bus_events_published_total{path="memory"} 1.0' in text
    assert 'hub_bus_deliveries_total{outcome="done",subscriber="demo.audit"} 2.0' in text
    assert 'hub_bus_deliveries_total{outcome="retry",subscriber="demo.index"} 2.0' in text
    assert 'hub_bus_dead_letters_total{subscriber="demo.index"} 1.0' in text
    assert "# TYPE hub_bus_deliveries_total counter" in text
    assert sample(ctx, "hub_bus_deliveries_total", subscriber="demo.cleanup", outcome="done") == 1
