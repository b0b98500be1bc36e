"""Prometheus metrics, one registry per process context (no global collectors)."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.http_requests = Counter(
            "hub_http_requests_total",
            "HTTP requests handled, by route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_duration = Histogram(
            "hub_http_request_duration_seconds",
            "HTTP request handling time.",
            ["method", "route"],
            registry=self.registry,
        )
        self.plugin_status = Gauge(
            "hub_plugin_status",
            "1 for the status each plugin is in (loaded, failed, disabled, degraded).",
            ["plugin", "status"],
            registry=self.registry,
        )
        self.plugin_hook_errors = Counter(
            "hub_plugin_hook_errors_total",
            "Plugin hook implementations that raised.",
            ["plugin", "hook"],
            registry=self.registry,
        )
        self.configs = Gauge(
            "hub_configs",
            "Provider configs by provider and state.",
            ["provider", "state"],
            registry=self.registry,
        )

    def hook_error(self, plugin: str, hook: str) -> None:
        self.plugin_hook_errors.labels(plugin=plugin, hook=hook).inc()
