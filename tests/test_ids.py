import time
import uuid

from hub.ids import is_id, new_id


def test_ids_are_uuid7_and_sort_by_creation_time() -> None:
    first = new_id()
    time.sleep(0.002)
    later = [new_id() for _ in range(50)]
    assert uuid.UUID(first).version == 7
    assert all(first < other for other in later)
    assert len(set(later)) == 50


def test_is_id() -> None:
    assert is_id(new_id())
    assert not is_id("acme")
    assert not is_id("")
