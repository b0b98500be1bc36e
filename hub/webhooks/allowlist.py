"""The optional `ip_allowlist` field of a provider config: who may call its webhook URL."""

import ipaddress
from collections.abc import Sequence
from typing import Annotated, Any

import structlog
from pydantic import AfterValidator

log = structlog.get_logger("hub.webhooks")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Any, config_id: str) -> tuple[Network, ...] | None:
    """The config's `ip_allowlist` field as networks; None when absent or empty.

    Entries that are not CIDRs (plugins should validate with
    `hub.webhooks.IpAllowlist`) are skipped; a list with no valid entry allows
    nobody, so a typo never opens the config to everyone.
    """
    entries = getattr(values, "ip_allowlist", None)
    if not entries:
        return None
    if isinstance(entries, str):
        entries = [entries]
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            log.warning("ignoring invalid ip_allowlist entry", config_id=config_id, entry=entry)
    return tuple(networks)


def validate_cidrs(entries: Sequence[str]) -> list[str]:
    """Pydantic validator for an `ip_allowlist` field: every entry must be an IP or a CIDR."""
    out = []
    for entry in entries:
        try:
            out.append(str(ipaddress.ip_network(entry.strip(), strict=False)))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or CIDR network") from None
    return out


IpAllowlist = Annotated[list[str], AfterValidator(validate_cidrs)]
"""Use as `ip_allowlist: IpAllowlist = []` in a config model; empty allows every address."""
