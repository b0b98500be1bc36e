"""Re-encrypt every config's secrets with the primary key.

Rows are taken in id order in small batches, each batch committed on its own,
and only rows not yet under the primary key are touched: the command is
idempotent and can be interrupted and run again.
"""

from dataclasses import dataclass, field

from sqlalchemy import or_, select

from hub.db.engine import Database
from hub.errors import SecretsUnreadable
from hub.tenants.crypto import KeyRing
from hub.tenants.models import ProviderConfig


@dataclass
class RotationReport:
    rotated: int = 0
    already_current: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


async def rotate_secrets(db: Database, keyring: KeyRing, batch_size: int = 100) -> RotationReport:
    report = RotationReport()
    async with db.session() as s:
        total = select(ProviderConfig.id).where(
            ProviderConfig.secrets_key_id == keyring.primary_id
        )
        report.already_current = len((await s.execute(total)).all())
    last_id = ""
    while True:
        async with db.transaction() as s:
            query = (
                select(ProviderConfig)
                .where(
                    ProviderConfig.secrets_ciphertext.is_not(None),
                    or_(
                        ProviderConfig.secrets_key_id.is_(None),
                        ProviderConfig.secrets_key_id != keyring.primary_id,
                    ),
                    ProviderConfig.id > last_id,
                )
                .order_by(ProviderConfig.id)
                .limit(batch_size)
                .with_for_update(skip_locked=True, of=ProviderConfig)
            )
            rows = list((await s.execute(query)).unique().scalars())
            if not rows:
                return report
            for row in rows:
                last_id = row.id
                try:
                    row.secrets_key_id, row.secrets_ciphertext = keyring.rotate(
                        row.secrets_ciphertext or "", what=f"secrets of config {row.id}"
                    )
                except SecretsUnreadable as exc:
                    report.failed.append((row.id, exc.message))
                    continue
                report.rotated += 1


async def key_usage(db: Database) -> dict[str, int]:
    """How many configs each key id encrypts (configs without secrets are not counted)."""
    async with db.session() as s:
        rows = await s.execute(
            select(ProviderConfig.secrets_key_id).where(ProviderConfig.secrets_key_id.is_not(None))
        )
        usage: dict[str, int] = {}
        for (kid,) in rows:
            usage[kid] = usage.get(kid, 0) + 1
        return usage
