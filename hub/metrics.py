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
        self.webhooks_received = Counter(
            "hub_webhooks_received_total",
            "Webhook requests by provider and outcome (stored, duplicate, handshake, rejected, "
            "forbidden, not_found, too_large, error).",
            ["provider", "outcome"],
            registry=self.registry,
        )
        self.webhook_ack_seconds = Histogram(
            "hub_webhook_ack_seconds",
            "Time from receiving a webhook to having its reply ready (stored durably).",
            ["provider"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=self.registry,
        )
        self.webhooks_processed = Counter(
            "hub_webhooks_processed_total",
            "Stored webhooks turned into events, by provider and outcome (processed, retry, "
            "failed).",
            ["provider", "outcome"],
            registry=self.registry,
        )

        self.outbound_requests = Counter(
            "hub_outbound_requests_total",
            "Outbound HTTP attempts by provider and outcome (ok, timeout, transport_error, "
            "server_error, rate_limited, provider_retryable, token_expired, auth_error, "
            "provider_error, http_error).",
            ["provider", "outcome"],
            registry=self.registry,
        )
        self.outbound_duration = Histogram(
            "hub_outbound_request_duration_seconds",
            "Time of one outbound HTTP attempt, until its body was read.",
            ["provider"],
            registry=self.registry,
        )

        self.sync_runs = Counter(
            "hub_sync_runs_total",
            "Finished sync runs by provider, entity, mode and status.",
            ["provider", "entity", "mode", "status"],
            registry=self.registry,
        )
        self.sync_items = Counter(
            "hub_sync_items_total",
            "Items written by sync runs, by outcome (inserted, updated, deleted, failed).",
            ["provider", "entity", "outcome"],
            registry=self.registry,
        )
        self.sync_run_seconds = Histogram(
            "hub_sync_run_duration_seconds",
            "Wall time of a sync run, lock to record.",
            ["provider", "entity"],
            buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600),
            registry=self.registry,
        )

    def hook_error(self, plugin: str, hook: str) -> None:
        self.plugin_hook_errors.labels(plugin=plugin, hook=hook).inc()
