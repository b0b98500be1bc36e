"""An order-independent checksum of rows, so remote and local sides can be compared
without sorting either.
"""

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

_MASK = (1 << 64) - 1


def row_digest(row: Sequence[Any]) -> int:
    encoded = json.dumps(list(row), default=str, separators=(",", ":"), ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(encoded.encode()).digest()[:8], "big")


def checksum(rows: Iterable[Sequence[Any]]) -> str:
    """`count:sum` of a 64-bit hash per row; equal for the same rows in any order.

    Compute both sides from the same columns with the same Python types (for
    example the id and a version number or an ISO timestamp string).
    """
    total = 0
    count = 0
    for row in rows:
        total = (total + row_digest(row)) & _MASK
        count += 1
    return f"{count}:{total:016x}"
