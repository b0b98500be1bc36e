"""`hub wecom ...`: one module per command group."""

import click
from hub.cli.configs import config_group

from hub_wecom import PROVIDER
from hub_wecom.cli.callback import callback
from hub_wecom.cli.messages import messages
from hub_wecom.cli.send import send
from hub_wecom.cli.token import token


@click.group("wecom")
def group() -> None:
    """WeCom (企业微信): configs, callbacks, sending and tracked messages."""


group.add_command(config_group("config", PROVIDER, "WeCom"))
group.add_command(callback)
for _command in (send, messages, token):
    group.add_command(_command)
