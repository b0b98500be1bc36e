"""Core: join the event bus, webhook, outbound call log and sync histories.

Revision ID: hub_0006
Revises: hub_0002, hub_0003, hub_0004, hub_0005
Create Date: 2026-11-25
"""

revision = "hub_0006"
down_revision = ("hub_0002", "hub_0003", "hub_0004", "hub_0005")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: this revision only gives the core one head again."""


def downgrade() -> None:
    """Nothing to change."""
