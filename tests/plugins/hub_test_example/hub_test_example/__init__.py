"""A third-party plugin for the Integration Hub, used by the hub's own tests."""
