"""Pydantic request and response models, one module per API module of the client.

All models accept fields they do not declare, keep ids as strings and take
times as text or integers (see `common`).
"""

from hub_tencent_meeting.models.common import NumberPage, PosPage, TencentModel, TimeValue

__all__ = ["NumberPage", "PosPage", "TencentModel", "TimeValue"]
