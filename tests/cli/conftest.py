"""The `invoke` fixture and `as_json` come from hub.testing; re-exported for the tests here."""

from hub.testing import Invoke, as_json

__all__ = ["Invoke", "as_json"]
