"""The bus's Prometheus counters, kept as plain integers and read when /metrics is scraped.

Non-durable events are published at tens of thousands per second; a
`prometheus_client.Counter` takes a lock on every increment, which would cost
more than the rest of delivering such an event.
"""

from collections import defaultdict
from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector


class BusCounters(Collector):
    def __init__(self, registry: CollectorRegistry) -> None:
        self.published: dict[str, int] = defaultdict(int)  # path -> count
        self.deliveries: dict[tuple[str, str], int] = defaultdict(int)  # (subscriber, outcome)
        self.dead_letters: dict[str, int] = defaultdict(int)  # subscriber -> count
        registry.register(self)

    def collect(self) -> Iterator[CounterMetricFamily]:
        published = CounterMetricFamily(
            "hub_bus_events_published",
            "Events published, by path (outbox: durable; memory: durable=False).",
            labels=["path"],
        )
        for path, count in sorted(self.published.items()):
            published.add_metric([path], count)
        deliveries = CounterMetricFamily(
            "hub_bus_deliveries",
            "Event handler runs by subscriber and outcome (done, skipped, retry, dead, failed).",
            labels=["subscriber", "outcome"],
        )
        for (subscriber, outcome), count in sorted(self.deliveries.items()):
            deliveries.add_metric([subscriber, outcome], count)
        dead = CounterMetricFamily(
            "hub_bus_dead_letters",
            "Deliveries given up after the last attempt, by subscriber.",
            labels=["subscriber"],
        )
        for subscriber, count in sorted(self.dead_letters.items()):
            dead.add_metric([subscriber], count)
        yield from (published, deliveries, dead)
