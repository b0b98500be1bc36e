"""The plugin's alembic branch `tencent_meeting`; this file only puts the revisions in the wheel."""
