"""Strip credentials from URLs and texts before they reach a log, an error or the call log.

Providers put tokens, keys and signatures in query strings
(`?access_token=...`, `?key=...`, `&sign=...`); those values are replaced by
`***`, as is any user:password part and any known secret value found anywhere
else in the text (a token in a path segment, a key echoed in an error message).
"""

import re
from collections.abc import Iterable

from yarl import URL

MASK = "***"

SENSITIVE_PARAM = re.compile(
    r"token|secret|passw|sign|key|credential|auth|ticket|session|cookie", re.IGNORECASE
)
SENSITIVE_EXACT = frozenset({"code", "sig", "ak", "sk", "pwd", "ticket"})
MIN_SECRET_LENGTH = 4


def is_sensitive_param(name: str, extra: Iterable[str] = ()) -> bool:
    lowered = name.lower()
    return (
        lowered in SENSITIVE_EXACT
        or bool(SENSITIVE_PARAM.search(name))
        or lowered in {e.lower() for e in extra}
    )


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Replace every known secret value (longest first, so prefixes do not leak the rest)."""
    for value in sorted({s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len,
                        reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    return text


def mask_url(
    url: str | URL, secrets: Iterable[str] = (), sensitive_params: Iterable[str] = ()
) -> str:
    """The URL as it may be shown: sensitive query values and user info masked."""
    parsed = url if isinstance(url, URL) else URL(str(url))
    extra = tuple(sensitive_params)
    if parsed.user is not None or parsed.password is not None:
        parsed = parsed.with_user(None)
    if parsed.query:
        masked = [
            (name, MASK if is_sensitive_param(name, extra) else value)
            for name, value in parsed.query.items()
        ]
        parsed = parsed.with_query(masked)
    # yarl encodes "*"; keep the mask readable.
    text = str(parsed).replace("%2A%2A%2A", MASK)
    return scrub(text, secrets)
