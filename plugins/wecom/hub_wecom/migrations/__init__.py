"""The plugin's alembic branch `wecom` (revisions `wecom_0001`, ...); alembic ignores this file."""
