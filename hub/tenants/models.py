"""Tables for tenants and their provider configurations."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db.base import Base, UTCDateTime, utcnow
from hub.ids import new_id

CONFIG_STATES = ("unknown", "ok", "error", "needs_reauth", "disabled")


class Tenant(Base):
    __tablename__ = "hub_tenants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    configs: Mapped[list["ProviderConfig"]] = relationship(back_populates="tenant")


class ProviderConfig(Base):
    __tablename__ = "hub_provider_configs"
    __table_args__ = (UniqueConstraint("tenant_id", "provider", "name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("hub_tenants.id", ondelete="RESTRICT"), index=True
    )
    provider: Mapped[str] = mapped_column(String(63), index=True)
    kind: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(20), default="unknown")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    secret_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    secrets_ciphertext: Mapped[str | None] = mapped_column(Text, nullable=True)
    secrets_key_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    tenant: Mapped[Tenant] = relationship(back_populates="configs", lazy="joined")
