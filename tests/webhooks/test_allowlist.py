"""The `ip_allowlist` config field: validation when saved, matching when called."""

import pytest
from pydantic import BaseModel, SecretStr, ValidationError

from hub.webhooks import IpAllowlist
from hub.webhooks.allowlist import parse_networks
from hub.webhooks.targets import Target


class Config(BaseModel):
    secret: SecretStr = SecretStr("s")
    ip_allowlist: IpAllowlist = []


def target(entries: list[str] | str | None) -> Target:
    values = type("Values", (), {"ip_allowlist": entries})()
    return Target(None, None, None, parse_networks(values, "c"), 1)  # type: ignore[arg-type]


def test_entries_are_validated_and_normalized() -> None:
    config = Config(ip_allowlist=[" 10.1.2.3/8 ", "192.0.2.7", "2001:db8::/32"])
    assert config.ip_allowlist == ["10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"]
    with pytest.raises(ValidationError, match="not an IP address or CIDR"):
        Config(ip_allowlist=["10.0.0.0/33"])
    with pytest.raises(ValidationError):
        Config(ip_allowlist=["example.com"])


def test_empty_or_missing_allows_everyone() -> None:
    assert target(None).allows("198.51.100.1")
    assert target([]).allows("198.51.100.1")
    assert target(None).allows("not-an-address")


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("10.20.30.40", True),
        ("192.0.2.7", True),
        ("192.0.2.8", False),
        ("::ffff:10.0.0.1", True),  # IPv4 seen through an IPv6 socket
        ("2001:db8::1", True),
        ("2001:db9::1", False),
        ("fe80::1%eth0", False),
        ("", False),
        ("garbage", False),
    ],
)
def test_addresses_are_matched_against_networks(address: str, allowed: bool) -> None:
    networks = target(["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"])
    assert networks.allows(address) is allowed


def test_a_list_without_a_valid_entry_allows_nobody() -> None:
    assert not target(["nonsense"]).allows("127.0.0.1")
    assert target(["nonsense", "127.0.0.1"]).allows("127.0.0.1")
    assert target("127.0.0.1").allows("127.0.0.1")
