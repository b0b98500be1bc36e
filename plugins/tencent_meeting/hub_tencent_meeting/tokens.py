"""The OAuth2 grant of each oauth config, encrypted in `tencent_meeting_oauth_tokens`.

Tencent invalidates an access token as soon as a new one is issued, so the pair
is stored atomically and every process reads it from here rather than keeping
its own: a process whose cached token is refused first looks whether another
process has already stored a newer one, and refreshes only if not. On
PostgreSQL a refresh holds the row lock, so two processes never refresh the
same grant at once; SQLite deployments run one hub process, whose refreshes the
core's token cache already serializes.

The tokens are encrypted with the hub's key ring (the same keys as config
secrets); `open_id`, expiry and scopes are not secret and stay readable.
"""

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from hub.db.base import Base, UTCDateTime, utcnow
from hub.db.engine import Database
from hub.errors import SecretsUnreadable
from hub.http import OutboundHTTP
from hub.tenants.crypto import KeyRing
from sqlalchemy import JSON, ForeignKey, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from hub_tencent_meeting.auth import OAuthGrant
from hub_tencent_meeting.state import process_state

REFRESH_MARGIN_FRACTION = 0.2
REFRESH_MARGIN_SECONDS = 300.0


class OAuthTokenRow(Base):
    __tablename__ = "tencent_meeting_oauth_tokens"

    config_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("hub_provider_configs.id", ondelete="CASCADE"), primary_key=True
    )
    open_id: Mapped[str] = mapped_column(String(128))
    key_id: Mapped[str] = mapped_column(String(32))
    ciphertext: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def fingerprint(token: str) -> str:
    """A token's identity in memory without keeping the token itself around."""
    return hashlib.sha256(token.encode()).hexdigest()


def needs_refresh(grant: OAuthGrant, now: float | None = None) -> bool:
    """Refresh ahead of expiry: with less than 20 % of the lifetime (at most 5 min) left."""
    margin = REFRESH_MARGIN_SECONDS
    if grant.lifetime:
        margin = min(margin, grant.lifetime * REFRESH_MARGIN_FRACTION)
    return grant.expires_in(now) <= margin


Refresh = Callable[[OAuthGrant], Awaitable[OAuthGrant]]


class OAuthTokens:
    """Load, store and refresh the grant of oauth configs; cheap, make one per use."""

    def __init__(
        self, db: Database, keyring: KeyRing, http: OutboundHTTP, configs: Any = None
    ) -> None:
        self.db = db
        self.keyring = keyring
        self.http = http
        self.configs = configs  # a ConfigStore, to mark a config whose grant is gone
        self._state = process_state(http)

    @classmethod
    def of(cls, ctx: Any) -> "OAuthTokens":
        """The store of a `HubContext`."""
        return cls(ctx.db, ctx.keyring, ctx.http, ctx.configs)

    def lock(self, config_id: str) -> asyncio.Lock:
        """Serializes this process's exchanges and refreshes of one config's grant."""
        return self._state.locks.setdefault(config_id, asyncio.Lock())

    def _grant(self, row: OAuthTokenRow) -> OAuthGrant:
        data = self.keyring.decrypt(row.ciphertext, what=f"OAuth tokens of config {row.config_id}")
        return OAuthGrant(
            open_id=row.open_id,
            access_token=str(data["access_token"]),
            refresh_token=str(data["refresh_token"]),
            expires_at=row.expires_at.timestamp(),
            scopes=tuple(row.scopes or ()),
            open_corp_id=data.get("open_corp_id"),
            issued_at=row.updated_at.timestamp(),
        )

    def _write(self, row: OAuthTokenRow, grant: OAuthGrant) -> None:
        row.open_id = grant.open_id
        row.key_id, row.ciphertext = self.keyring.encrypt(
            {
                "access_token": grant.access_token,
                "refresh_token": grant.refresh_token,
                "open_corp_id": grant.open_corp_id,
            }
        )
        row.expires_at = datetime.fromtimestamp(grant.expires_at, UTC)
        row.scopes = list(grant.scopes)
        row.updated_at = (
            datetime.fromtimestamp(grant.issued_at, UTC) if grant.issued_at else utcnow()
        )

    async def load(self, config_id: str) -> OAuthGrant | None:
        async with self.db.session() as s:
            row = await s.get(OAuthTokenRow, config_id)
            return None if row is None else self._grant(row)

    async def open_id(self, config_id: str) -> str | None:
        """The authorized user's open_id (not secret; no decryption)."""
        async with self.db.session() as s:
            result: str | None = await s.scalar(
                select(OAuthTokenRow.open_id).where(OAuthTokenRow.config_id == config_id)
            )
            return result

    async def save(self, config_id: str, grant: OAuthGrant) -> None:
        """Store a grant from a code exchange, replacing any earlier one."""
        async with self.db.transaction() as s:
            row = await s.get(OAuthTokenRow, config_id, with_for_update=True)
            if row is None:
                row = OAuthTokenRow(config_id=config_id, generation=0, created_at=utcnow())
                s.add(row)
            row.generation = (row.generation or 0) + 1
            self._write(row, grant)
        self._state.issued.pop(config_id, None)
        self._state.open_ids[config_id] = grant.open_id

    async def mark_reauth(self, config_id: str, reason: str) -> None:
        """Show administrators that a user has to authorize the app again."""
        if self.configs is not None:
            await self.configs.set_state(config_id, "needs_reauth", reason)

    async def delete(self, config_id: str) -> bool:
        """Forget a config's authorization; True if there was one."""
        async with self.db.transaction() as s:
            result = await s.execute(
                delete(OAuthTokenRow).where(OAuthTokenRow.config_id == config_id)
            )
        self._state.issued.pop(config_id, None)
        self._state.open_ids.pop(config_id, None)
        return bool(getattr(result, "rowcount", 0))

    async def current(self, config_id: str, refresh: Refresh) -> OAuthGrant | None:
        """A grant whose access token is worth handing out; None if the config has none.

        The stored token is handed out unless it is close to expiry or is the
        very token this process handed out before: the core's token cache asks
        again only when that one went stale or Tencent refused it, and then it
        has to be replaced. A token stored by another process meanwhile is new
        here and is used as it is.
        """
        async with self.lock(config_id):
            grant = await self.load(config_id)
            if grant is None:
                return None
            if not self._spent(config_id, grant):
                return self._issue(config_id, grant)
            if self.db.dialect == "postgresql":
                grant = await self._refresh_locked(config_id, grant, refresh)
            else:
                grant = await self._store_refreshed(config_id, await refresh(grant))
            return self._issue(config_id, grant)

    def _spent(self, config_id: str, grant: OAuthGrant) -> bool:
        if needs_refresh(grant):
            return True
        return self._state.issued.get(config_id) == fingerprint(grant.access_token)

    def _issue(self, config_id: str, grant: OAuthGrant) -> OAuthGrant:
        self._state.issued[config_id] = fingerprint(grant.access_token)
        self._state.open_ids[config_id] = grant.open_id
        return grant

    async def _refresh_locked(
        self, config_id: str, seen: OAuthGrant, refresh: Refresh
    ) -> OAuthGrant:
        """Refresh while holding the row lock (PostgreSQL): one process at a time."""
        async with self.db.transaction() as s:
            row = await s.get(OAuthTokenRow, config_id, with_for_update=True)
            if row is None:
                return seen
            stored = self._grant(row)
            if stored.access_token != seen.access_token:
                return stored  # another process refreshed while we waited for the lock
            fresh = await refresh(stored)
            row.generation = (row.generation or 0) + 1
            self._write(row, fresh)
        return fresh

    async def _store_refreshed(self, config_id: str, fresh: OAuthGrant) -> OAuthGrant:
        async with self.db.transaction() as s:
            row = await s.get(OAuthTokenRow, config_id)
            if row is None:
                return fresh
            row.generation = (row.generation or 0) + 1
            self._write(row, fresh)
        return fresh

    async def rotate(self, batch_size: int = 100) -> int:
        """Re-encrypt every stored grant with the primary key (after `hub secrets rotate`).

        Grants are re-encrypted anyway at each refresh (every few hours); this is
        for retiring an old key sooner. Returns how many rows were rewritten.
        """
        rotated = 0
        last = ""
        for _ in range(1_000_000):
            async with self.db.transaction() as s:
                rows = list(
                    (
                        await s.execute(
                            select(OAuthTokenRow)
                            .where(
                                OAuthTokenRow.config_id > last,
                                OAuthTokenRow.key_id != self.keyring.primary_id,
                            )
                            .order_by(OAuthTokenRow.config_id)
                            .limit(batch_size)
                            .with_for_update(skip_locked=True)
                        )
                    ).scalars()
                )
                if not rows:
                    return rotated
                for row in rows:
                    last = row.config_id
                    try:
                        row.key_id, row.ciphertext = self.keyring.rotate(
                            row.ciphertext, what=f"OAuth tokens of config {row.config_id}"
                        )
                    except SecretsUnreadable:
                        continue
                    rotated += 1
        return rotated


def describe(grant: OAuthGrant, now: float | None = None) -> dict[str, Any]:
    """What may be shown of a grant: never the tokens."""
    return {
        "open_id": grant.open_id,
        "expires_in_seconds": round(grant.expires_in(time.time() if now is None else now)),
        "scopes": list(grant.scopes),
    }
