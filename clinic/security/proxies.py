"""The client's address: ``X-Forwarded-For`` is believed only when a trusted proxy sent it.

One function for every place that needs the address: DRF's throttles
(``clinic.throttling``), django-axes' lockout (``AXES_CLIENT_IP_CALLABLE``), the login
pages' rate limit and the audit trail (``clinic.audit``).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks: list[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the client, as the nearest untrusted hop saw it.

    The peer (``REMOTE_ADDR``) is the truth unless it is one of ``TRUSTED_PROXIES``
    (``DJANGO_TRUSTED_PROXIES``). Only then is ``X-Forwarded-For`` read, from the right:
    each entry a trusted proxy appended is skipped, and the first one that is not a trusted
    proxy is the client. Entries left of it were written by the client and may be forged,
    so a client that reaches the application directly cannot choose its address.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    networks = settings.TRUSTED_PROXIES
    if not networks or not _trusted(_address(peer), networks):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    client = peer
    for hop in reversed([hop for hop in hops if hop]):
        address = _address(hop)
        if address is None:
            # Garbage in the header: stop at the last address a trusted proxy vouched for.
            break
        client = str(address)
        if not _trusted(address, networks):
            break
    return client
