"""Meeting layouts: pages of seats that show chosen members."""

from pydantic import Field

from hub_tencent_meeting.models.common import TencentModel


class SeatUser(TencentModel):
    userid: str | None = None
    ms_open_id: str | None = None
    username: str | None = None


class Seat(TencentModel):
    """One grid of a layout page; `user_list` (advanced layouts) or one user's ids."""

    grid_id: str | None = None
    grid_type: int | None = None
    video_type: int | None = None
    userid: str | None = None
    ms_open_id: str | None = None
    username: str | None = None
    uuid: str | None = None
    tool_sdkid: str | None = None
    user_list: list[SeatUser] | None = None


class PollingSetting(TencentModel):
    ignore_user_absence: bool = False
    ignore_user_novideo: bool = False
    polling_interval: int = 10
    polling_interval_unit: int = 1


class LayoutPage(TencentModel):
    layout_template_id: str | None = None
    user_seat_list: list[Seat] = Field(default_factory=list)
    enable_polling: bool | None = None
    polling_setting: PollingSetting | None = None


class Layout(TencentModel):
    layout_id: str | None = None
    layout_name: str | None = None
    page_list: list[LayoutPage] = Field(default_factory=list)


class Layouts(TencentModel):
    """Answer of the two "add layouts" calls."""

    layout_number: int | None = None
    selected_layout_id: str | None = None
    layout_list: list[Layout] = Field(default_factory=list)


class LayoutTarget(TencentModel):
    """A member a layout is applied to."""

    ms_open_id: str
    instanceid: int = 1
