"""Tencent Meeting (腾讯会议) provider for Integration Hub; the entry point is `.plugin`."""

PROVIDER = "tencent_meeting"
