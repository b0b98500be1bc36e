"""A provider that signs its webhooks with HMAC-SHA256, for the hub's webhook tests and bench."""
