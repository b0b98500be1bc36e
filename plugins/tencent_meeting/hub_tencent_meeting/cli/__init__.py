"""`hub tencent-meeting ...`: one module per command group."""

import click

from hub_tencent_meeting.cli.config import config
from hub_tencent_meeting.cli.meetings import meeting
from hub_tencent_meeting.cli.recordings import recording
from hub_tencent_meeting.cli.users import user
from hub_tencent_meeting.cli.webhooks import webhook


@click.group("tencent-meeting")
def group() -> None:
    """Tencent Meeting (腾讯会议): configs, meetings, users, recordings, webhooks."""


for _command in (config, meeting, user, recording, webhook):
    group.add_command(_command)
