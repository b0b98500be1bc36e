import pytest

from hub.bus.subscriptions import Subscriptions


async def noop(event: object) -> None:
    return None


def test_exact_type_matches_only_itself() -> None:
    subs = Subscriptions()
    subs.add("demo.item.created", noop, name="exact")
    assert [s.name for s in subs.for_type("demo.item.created")] == ["exact"]
    assert subs.for_type("demo.item.created.v2") == ()
    assert subs.for_type("demo.item.create") == ()


def test_glob_patterns_match_by_fnmatch_rules() -> None:
    subs = Subscriptions()
    subs.add("demo.item.*", noop, name="items")
    subs.add("*.deleted", noop, name="deletions")
    subs.add("demo.?tem.created", noop, name="one-char")
    subs.add("demo.[ab]*.created", noop, name="class")
    assert {s.name for s in subs.for_type("demo.item.created")} == {"items", "one-char"}
    assert {s.name for s in subs.for_type("demo.item.deleted")} == {"items", "deletions"}
    assert {s.name for s in subs.for_type("demo.album.created")} == {"class"}
    assert subs.for_type("other.item.created") == ()
    # Matching is case-sensitive, whatever the platform.
    assert subs.for_type("DEMO.ITEM.CREATED") == ()


def test_higher_priority_first_then_registration_order() -> None:
    subs = Subscriptions()
    subs.add("demo.*", noop, name="low", priority=-5)
    subs.add("demo.*", noop, name="first-default")
    subs.add("demo.*", noop, name="high", priority=100)
    subs.add("demo.*", noop, name="second-default")
    assert [s.name for s in subs.for_type("demo.x")] == [
        "high", "first-default", "second-default", "low",
    ]  # fmt: skip


def test_cache_is_refreshed_when_a_subscription_is_added() -> None:
    subs = Subscriptions()
    subs.add("demo.*", noop, name="a")
    assert len(subs.for_type("demo.x")) == 1
    subs.add("demo.x", noop, name="b", priority=1)
    assert [s.name for s in subs.for_type("demo.x")] == ["b", "a"]


@pytest.mark.parametrize(
    ("pattern", "name", "priority", "error"),
    [
        ("", "n", 0, ValueError),
        ("demo.*", "", 0, ValueError),
        ("demo.*", "has space", 0, ValueError),
        ("demo.*", "n", "high", TypeError),
        ("demo.*", "n", True, TypeError),
    ],
)
def test_bad_subscriptions_are_refused(
    pattern: str, name: str, priority: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        Subscriptions().add(pattern, noop, name=name, priority=priority)  # type: ignore[arg-type]


def test_names_are_unique() -> None:
    subs = Subscriptions()
    subs.add("demo.*", noop, name="same")
    with pytest.raises(ValueError, match="already taken"):
        subs.add("other.*", noop, name="same")
    assert subs.names == ["same"]


def test_handler_must_be_callable() -> None:
    with pytest.raises(TypeError):
        Subscriptions().add("demo.*", "not a function", name="n")  # type: ignore[arg-type]
