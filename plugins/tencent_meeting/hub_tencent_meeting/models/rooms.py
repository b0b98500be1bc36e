"""Meeting rooms (Tencent Rooms), their devices, controllers and room calls."""

from pydantic import Field

from hub_tencent_meeting.models.common import NumberPage, TencentModel, TimeValue


class MeetingRoom(TencentModel):
    """A room in `GET /v1/meeting-rooms` (`meeting_room_list[]`)."""

    meeting_room_id: str | None = None
    meeting_room_name: str | None = None
    meeting_room_location: str | None = None
    meeting_room_status: int | None = None
    scheduled_status: int | None = None
    is_allow_call: bool | None = None
    participant_number: int | None = None
    account_type: int | None = None
    account_new_type: int | None = None
    active_code: str | None = None


class MeetingRoomPage(NumberPage):
    meeting_room_list: list[MeetingRoom] = Field(default_factory=list)


class RoomAccountInfo(TencentModel):
    account_type: int | None = None
    account_new_type: int | None = None
    valid_period: str | None = None


class RoomBasicInfo(TencentModel):
    meeting_room_name: str | None = None
    city: str | None = None
    building: str | None = None
    floor: str | None = None
    participant_number: int | None = None
    device: str | None = None
    desc: str | None = None
    admin_password: str | None = None
    admin_password_enabled: bool | None = None
    rooms_id_list: list[str] = Field(default_factory=list)


class RoomHardwareInfo(TencentModel):
    device_model: str | None = None
    rooms_version: str | None = None
    system_type: str | None = None
    firmware_version: str | None = None
    factory: str | None = None
    sn: str | None = None
    ip: str | None = None
    mac: str | None = None
    net_type: str | None = None
    active_time: TimeValue | None = None
    health_status: str | None = None
    meeting_room_status: int | None = None
    cpu_info: str | None = None
    cpu_usage: str | None = None
    gpu_info: str | None = None
    memory_info: str | None = None
    camera_model: str | None = None
    microphone_info: str | None = None
    speaker_info: str | None = None
    enable_video_mirror: bool | None = None
    monitor_frequency: int | None = None


class RoomPmiInfo(TencentModel):
    pmi_code: str | None = None
    pmi_pwd: str | None = None


class MeetingRoomDetail(TencentModel):
    """`GET /v1/meeting-rooms/{meeting_room_id}`."""

    account_info: RoomAccountInfo | None = None
    basic_info: RoomBasicInfo | None = None
    hardware_info: RoomHardwareInfo | None = None
    pmi_info: RoomPmiInfo | None = None
    is_allow_call: bool | None = None
    monitor_status: int | None = None
    scheduled_status: int | None = None


class RoomMeeting(TencentModel):
    """A meeting booked on a room; times are integers here."""

    meeting_id: str | None = None
    meeting_code: str | None = None
    subject: str | None = None
    meeting_type: int | None = None
    status: str | None = None
    start_time: TimeValue | None = None
    end_time: TimeValue | None = None


class RoomMeetingPage(NumberPage):
    meeting_info_list: list[RoomMeeting] = Field(default_factory=list)


class DeviceMonitorInfo(TencentModel):
    camera_status: bool | None = None
    microphone_status: bool | None = None
    speaker_status: bool | None = None


class Device(TencentModel):
    """A Rooms device (`GET /v1/devices`)."""

    rooms_id: str | None = None
    meeting_room_id: str | None = None
    meeting_room_name: str | None = None
    meeting_room_location: str | None = None
    meeting_room_status: int | None = None
    device_model: str | None = None
    app_version: str | None = None
    device_monitor_info: DeviceMonitorInfo | None = None


class DevicePage(NumberPage):
    device_info_list: list[Device] = Field(default_factory=list)


class Controller(TencentModel):
    """A room controller (`GET /v1/meeting-rooms-monitor/device-controller-info`)."""

    controller_name: str | None = None
    controller_model: str | None = None
    rooms_id: str | None = None
    meeting_room_name: str | None = None
    meeting_room_location: str | None = None
    status: str | None = None
    app_version: str | None = None
    framework_version: str | None = None
    manufacture_name: str | None = None
    ip_address: str | None = None
    mac_address: str | None = None
    network_type: str | None = None
    cpu_type: str | None = None
    cpu_usage: str | None = None
    mem_usage: str | None = None


class ControllerPage(NumberPage):
    controller_info_list: list[Controller] = Field(default_factory=list)


class ActiveCode(TencentModel):
    active_code: str | None = None


class RoomBackground(TencentModel):
    background_image: str | None = None


class MraAddress(TencentModel):
    """Where to call a SIP (1) or H.323 (2) room."""

    protocol: int
    dial_string: str


class RoomInfo(TencentModel):
    """`meeting_room_info` of `PUT /v1/meeting-rooms/modify`."""

    meeting_room_name: str
    meeting_room_type: int = 0
    city: str | None = None
    building: str | None = None
    floor: str | None = None
    participant_number: int | None = None
    device: list[str] | None = None
    desc: str | None = None
    label: list[str] | None = None
    admin_password: str | None = None
    admin_password_enabled: bool | None = None
    mra_address: str | None = None
    mra_register_account: str | None = None


class RoomPmiSettings(TencentModel):
    room_pmi_psw: str | None = None
    hosts: list[str] | None = None
    allow_in_before_host: bool | None = None
    waiting_room: bool | None = None
    mute_enable_type_join: int | None = None
    only_enterprise_user_allowed: bool | None = None


class RoomMeetingSettings(TencentModel):
    auto_response: int | None = None
    caption: bool | None = None
    room_notification: bool | None = None
    room_pmi: bool | None = None
    room_pmi_settings: RoomPmiSettings | None = None
    water_mark: int | None = None


class RoomRecordSettings(TencentModel):
    download_record: bool | None = None
    share_record: int | None = None


class RoomConfig(TencentModel):
    meeting_settings: RoomMeetingSettings | None = None
    record_settings: RoomRecordSettings | None = None


class RoomCall(TencentModel):
    invite_id: str | None = None
    status: int | None = None


class RoomCallState(TencentModel):
    """Answer state of a room call (0 no answer ... 6 left), see the room-call-info docs."""

    status: int | None = None
    response_time: str | None = None


class ScreencastRoom(TencentModel):
    meeting_room_id: str | None = None
    rooms_id: str | None = None
    rooms_ip_list: list[str] = Field(default_factory=list)
    cs_api_enable: bool | None = None
    api_password: str | None = None


class BookedRoom(TencentModel):
    meeting_room_id: str | None = None
    meeting_room_name: str | None = None
    meeting_room_location: str | None = None


class BookedRooms(TencentModel):
    meeting_room_number: int | None = None
    meeting_room_list: list[BookedRoom] = Field(default_factory=list)


class RoomsInventory(TencentModel):
    normal_count: int | None = None
    normal_used_count: int | None = None
    normal_expired_count: int | None = None
    special_count: int | None = None
    special_used_count: int | None = None
    special_expired_count: int | None = None


class RoomsAccountStatistics(TencentModel):
    pro_count: int | None = None
    pro_used_count: int | None = None
    custom_used_count: int | None = None
