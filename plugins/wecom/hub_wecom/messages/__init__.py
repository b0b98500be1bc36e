"""The messages the hub sends through WeCom: content checks, sending, status tracking."""
