"""Webhook intake: one route for every provider callback, verified, stored, acknowledged fast.

Plugins implement `WebhookHandler` and attach it to a config kind
(`ConfigKind(model, webhook=handler)`); see docs/webhooks.md.
"""

from hub.webhooks.allowlist import IpAllowlist
from hub.webhooks.handler import (
    EventDraft,
    InboundRequest,
    Reply,
    StoredWebhook,
    Verified,
    WebhookHandler,
    WebhookRejected,
)

__all__ = [
    "EventDraft",
    "InboundRequest",
    "IpAllowlist",
    "Reply",
    "StoredWebhook",
    "Verified",
    "WebhookHandler",
    "WebhookRejected",
]
