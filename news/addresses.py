"""Which IP addresses a feed may live at. Pure: web/guard.py does the name resolution.

A bot that fetches any URL an admin pastes can be steered at the machine's own services or a
cloud's metadata endpoint (server-side request forgery); only public addresses are fetched unless
the operator allows private ones (ALLOW_PRIVATE_FEEDS).
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address

# Instance metadata services: AWS/GCP/Azure/OpenStack (and ECS task metadata), AWS over IPv6,
# Alibaba Cloud. Named on their own because leaking them leaks the host's cloud credentials.
_METADATA = frozenset(
    ip_address(address)
    for address in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)


def refusal(address: str) -> str | None:
    """Why a feed must not be fetched from this address (a short phrase), or None if public."""
    try:
        ip = ip_address(address.split("%", 1)[0])  # an IPv6 scope ("%eth0") is not part of it
    except ValueError:
        return "not an IP address"
    if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1 (Python 3.11 does not unwrap it)
    return _kind(ip)


def _kind(ip: IPv4Address | IPv6Address) -> str | None:
    if ip in _METADATA:
        return "a cloud metadata address"
    if ip.is_loopback or ip.is_unspecified:  # 0.0.0.0 and :: reach this machine too
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global or ip.is_multicast:  # shared (100.64/10), reserved, multicast
        return "not a public address"
    return None
