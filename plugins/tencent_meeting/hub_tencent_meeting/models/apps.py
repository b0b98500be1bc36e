"""Applications: extension apps (toolkit) shown in a meeting."""


from hub_tencent_meeting.models.common import TencentModel


class VisibleTo(TencentModel):
    visible_userid: str | None = None
    visible_openid: str | None = None
    visible_appid: str | None = None


class Tool(TencentModel):
    """An extension app to bind; `tool_appid` and `tool_sdkid` are required."""

    tool_appid: str
    tool_sdkid: str
    unique_code: str | None = None
    visible_type: int | None = None
    visible_list: list[VisibleTo] | None = None
    enable_add_robot: int | None = None
    enable_customer_data: int | None = None
    is_shield_creator: bool | None = None
