"""`/webhooks/{provider}/{config_id}`: the one route every provider calls back.

In this order: find the config (404, or 403 when disabled), check its IP
allowlist (403), enforce the body limit (413), let the plugin verify the
request (401 on a bad signature, with an audit row and nothing stored), store
the raw request under a unique (config, dedup key) through the group-commit
writer, and answer exactly what the provider expects. A redelivery gets the
same answer and is not processed again. Turning the stored request into bus
events happens afterwards, in `hub.webhooks.processor`.
"""

import hashlib
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import structlog
from aiohttp import web

from hub.bus.outbox import MonotonicIds
from hub.context import HubContext
from hub.errors import Forbidden, HubError, NotFound, PayloadTooLarge
from hub.webhooks.handler import InboundRequest, Reply, Verified, WebhookRejected
from hub.webhooks.models import DEDUP_KEY_MAX, PENDING, REASON_MAX
from hub.webhooks.targets import Target, Targets
from hub.webhooks.writer import GroupWriter, StoreFailed

log = structlog.get_logger("hub.webhooks")

# Credentials of the caller never reach the database, whatever the provider sends.
_NEVER_STORED = ("authorization", "proxy-authorization", "cookie", "set-cookie")
_SENSITIVE_PARTS = ("token", "secret", "password", "api-key", "apikey")
READ_CHUNK = 256 * 1024
QUIET_SECONDS = 0.02
_OUTCOMES = {403: "forbidden", 404: "not_found", 413: "too_large"}


def _kept(name: str) -> bool:
    lower = name.lower()
    return lower not in _NEVER_STORED and not any(part in lower for part in _SENSITIVE_PARTS)


_KEPT: dict[str, bool] = {}


def stored_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The request headers kept with a webhook: all but credentials."""
    out: dict[str, str] = {}
    for name, value in headers.items():
        kept = _KEPT.get(name)
        if kept is None:
            kept = _kept(name)
            if len(_KEPT) < 10_000:  # names come from callers: bound the memo
                _KEPT[name] = kept
        if kept:
            out[name] = value if name not in out else f"{out[name]}, {value}"
    return out


def dedup_key(value: str | None) -> str | None:
    """The provider's id as stored; ids longer than the column are replaced by their hash."""
    if value is None:
        return None
    value = str(value)
    if len(value) <= DEDUP_KEY_MAX:
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()


def remote_address(request: web.Request, trust_forwarded_for: bool) -> str:
    """The caller's IP: the peer, or the last X-Forwarded-For hop when a trusted proxy sets it.

    The last entry is the one the proxy appended; earlier ones come from the
    client and can be forged.
    """
    if trust_forwarded_for:
        forwarded = request.headers.getall("X-Forwarded-For", [])
        hops = [hop.strip() for line in forwarded for hop in line.split(",") if hop.strip()]
        if hops:
            return hops[-1][:64]
    return (request.remote or "")[:64]


async def read_body(request: web.Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed `limit`."""
    too_large = PayloadTooLarge(f"request body is larger than {limit} bytes")
    declared = request.content_length
    if declared is not None:
        if declared > limit:
            raise too_large
        if not request.client_max_size or declared <= request.client_max_size:
            return await request.read()
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await request.content.read(READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)


class NotStored(HubError):
    status = 503
    code = "webhook_not_stored"


def _response(reply: Reply) -> web.Response:
    headers = {**reply.headers, "Content-Type": reply.content_type}
    return web.Response(status=reply.status, body=reply.body, headers=headers)


def _error(exc: HubError) -> web.Response:
    return web.json_response(exc.to_dict(), status=exc.status)


class Intake:
    """The ack path: everything between a provider's request and its reply."""

    def __init__(self, ctx: HubContext, writer: GroupWriter, targets: Targets) -> None:
        self.ctx = ctx
        self.writer = writer
        self.targets = targets
        self.trust_forwarded_for = ctx.settings.webhook_trust_forwarded_for
        self.providers = frozenset(ctx.providers.names())
        # Ids sort in arrival order, also within one millisecond (listing, pruning).
        self.new_id = MonotonicIds()
        self.active = 0
        self.last_active = -float("inf")
        self.received = ctx.metrics.webhooks_received
        self.ack_seconds = ctx.metrics.webhook_ack_seconds
        self._children: dict[tuple[str, str], tuple[Any, Any]] = {}

    def idle(self, quiet: float = QUIET_SECONDS) -> bool:
        """No request is being handled, and none started or ended within `quiet` seconds.

        Callers answered a moment ago are likely about to send the next one.
        """
        return self.active == 0 and time.monotonic() - self.last_active >= quiet

    def _count(self, provider: str, outcome: str, started: float) -> None:
        metrics = self._children.get((provider, outcome))
        if metrics is None:
            metrics = self._children[(provider, outcome)] = (
                self.received.labels(provider, outcome),
                self.ack_seconds.labels(provider),
            )
        metrics[0].inc()
        metrics[1].observe(time.perf_counter() - started)

    async def receive(self, request: web.Request) -> web.Response:
        self.active += 1
        self.last_active = time.monotonic()
        try:
            return await self._receive(request)
        finally:
            self.active -= 1
            self.last_active = time.monotonic()

    async def _receive(self, request: web.Request) -> web.Response:
        started = time.perf_counter()
        provider = request.match_info["provider"]
        if provider not in self.providers:
            self._count("unknown", "not_found", started)
            return _error(NotFound(f"unknown provider {provider!r}", code="unknown_provider"))
        try:
            target = await self.targets.get(provider, request.match_info["config_id"])
            address = remote_address(request, self.trust_forwarded_for)
            if not target.allows(address):
                log.warning(
                    "webhook from address not allowed",
                    provider=provider, config_id=target.record.id, remote_ip=address,
                )
                raise Forbidden(
                    f"address {address} may not call this webhook", code="ip_not_allowed"
                )
            body = await read_body(request, target.max_body_bytes)
        except HubError as exc:
            self._count(provider, _OUTCOMES.get(exc.status, "error"), started)
            return _error(exc)
        inbound = InboundRequest(
            method=request.method,
            path=request.path,
            query=request.query,
            raw_query=request.rel_url.raw_query_string,
            headers=request.headers,
            body=body,
            remote_ip=address,
            received_at=datetime.now(UTC),
        )
        try:
            verified = await target.handler.verify(inbound, target.values)
            if not isinstance(verified, Verified):
                raise TypeError(f"verify returned {type(verified).__name__}, not Verified")
        except WebhookRejected as exc:
            return self._rejected(provider, target, inbound, exc, started)
        except Exception as exc:
            self.ctx.plugins.record_error(
                self.ctx.providers.plugin_of(provider), "webhook.verify", exc
            )
            self._count(provider, "error", started)
            return _error(HubError("the webhook handler failed", code="webhook_handler_error"))
        if verified.handshake:
            self._count(provider, "handshake", started)
            return _response(verified.reply)
        try:
            stored = await self.writer.store(self._row(target, inbound, request, verified))
        except StoreFailed:
            self._count(provider, "error", started)
            return _error(NotStored("the webhook could not be stored; retry later"))
        self._count(provider, "duplicate" if stored.duplicate else "stored", started)
        return _response(verified.reply)

    def _row(
        self, target: Target, inbound: InboundRequest, request: web.Request, verified: Verified
    ) -> dict[str, Any]:
        record = target.record
        return {
            "id": self.new_id(),
            "config_id": record.id,
            "tenant_id": record.tenant_id,
            "provider": record.provider,
            "dedup_key": dedup_key(verified.dedup_key),
            "method": inbound.method,
            "path": request.rel_url.raw_path,
            "query": inbound.raw_query,
            "headers": stored_headers(inbound.headers),
            "body": inbound.body,
            "remote_ip": inbound.remote_ip,
            "received_at": inbound.received_at,
            "messages": list(verified.messages),
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": None,
            "error": None,
            "processed_at": None,
            "event_count": 0,
            "duplicates": 0,
        }

    def _rejected(
        self,
        provider: str,
        target: Target,
        inbound: InboundRequest,
        exc: WebhookRejected,
        started: float,
    ) -> web.Response:
        log.warning(
            "webhook rejected",
            provider=provider,
            config_id=target.record.id,
            remote_ip=inbound.remote_ip,
            code=exc.code,
            reason=exc.reason,
        )
        self.writer.reject(
            {
                "id": self.new_id(),
                "config_id": target.record.id,
                "provider": provider,
                "remote_ip": inbound.remote_ip,
                "code": exc.code[:63],
                "reason": exc.reason[:REASON_MAX],
                "at": inbound.received_at,
            }
        )
        self._count(provider, "rejected", started)
        return web.json_response({"code": exc.code, "message": exc.reason}, status=exc.status)
