"""What counts as a loopback address: where ``jobzone serve`` may run without reviewers' tokens,
and the only names a page served there answers to."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback IP address (any of 127.0.0.0/8, or ::1). Other names are not:
    a name that resolves to 127.0.0.1 may be a web page's own (DNS rebinding)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
