"""Which addresses a webhook may be sent to when private networks are not allowed: the rule is
written out here, not left to the interpreter's tables alone (they differ between Python patch
releases, and 3.11's count the NAT64 prefix 64:ff9b::/96, IPv4-compatible ::/96 and site-local
fec0::/10 as global).

An IPv4 address is public when it is in none of the special-purpose blocks below (RFC 6890 and
its successors, multicast and the reserved 240/4) and Python counts it global too.

An IPv6 address that carries an IPv4 address is judged by what it carries, since a translator
or relay on the way (a DNS64/NAT64 gateway, a 6to4 relay) delivers it there: IPv4-mapped
::ffff:0:0/96, IPv4-translated ::ffff:0:0:0/96, IPv4-compatible ::/96 (:: and ::1 included),
the NAT64 well-known prefix 64:ff9b::/96 (the last 32 bits), 6to4 2002::/16 (bits 16 to 48)
and Teredo 2001::/32 (its server and its client, both public). The local-use NAT64 prefix
64:ff9b:1::/48 is never public: it names a translator of the site's own. Any other IPv6
address is public only inside global unicast 2000::/3 (so never fec0::/10, fc00::/7, fe80::/10,
ff00::/8 or the rest of ::/8), outside the blocks below, and when Python counts it global too.
"""

from __future__ import annotations

import ipaddress

_V4_SPECIAL = tuple(ipaddress.IPv4Network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4"))
_V6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_V6_SPECIAL = tuple(ipaddress.IPv6Network(n) for n in (
    "2001::/23",  # IETF protocol assignments (Teredo, within it, is judged by what it carries)
    "2001:db8::/32", "3fff::/20"))  # documentation
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


def is_public(address: str) -> bool:
    """Whether `address` (an IPv4 or IPv6 address as a resolver answers it, an IPv6 zone after
    `%` ignored) is public by the module's rule; a text that is no address is not."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv4Address):
        return _public_v4(ip)
    carried = embedded_ipv4(ip)
    if carried is not None:
        return bool(carried) and all(_public_v4(v4) for v4 in carried)
    return ip in _V6_GLOBAL_UNICAST and not any(ip in n for n in _V6_SPECIAL) and ip.is_global


def embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...] | None:
    """The IPv4 addresses an IPv6 address of a form that carries them leads to; None for any
    other form; () for the local-use NAT64 prefix, whose embedding its site chooses."""
    low = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _MAPPED or ip in _TRANSLATED or ip in _COMPATIBLE or ip in _NAT64:
        return (low,)
    if ip in _NAT64_LOCAL:
        return ()
    if ip.sixtofour is not None:  # 2002::/16
        return (ip.sixtofour,)
    if ip.teredo is not None:  # 2001::/32: the client's address is kept inverted; undone here
        return ip.teredo
    return None


def _public_v4(ip: ipaddress.IPv4Address) -> bool:
    return not any(ip in n for n in _V4_SPECIAL) and ip.is_global
