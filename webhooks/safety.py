"""Where a webhook may be sent: guarding the portal's network against its own requests
(server-side request forgery).

A URL must be https (http only where ``WEBHOOK_ALLOW_HTTP`` says so, for tests and local
receivers), name a host, and carry no user name or password. Its host is resolved and
*every* address it resolves to must be a public one: private, loopback, link-local,
multicast, reserved, unspecified and other non-global addresses are refused, unless they
lie in ``WEBHOOK_ALLOWED_NETWORKS``. ``WEBHOOK_ONLY_NETWORKS``, when set, limits deliveries
to those networks (the test settings keep them on this machine). The check runs when a
subscription is saved and again at every attempt, whose request then goes to the very
address checked (``sending``), so a name that changes its answer in between (DNS
rebinding) gains nothing.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from .choices import URL_MAX_LENGTH


class UnsafeUrl(ValueError):
    """A URL the portal refuses to call; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with its query


def parse_url(url: str) -> Target:
    """The parts of a URL the portal may call (before any address is looked at)."""
    if not isinstance(url, str) or not url.strip():
        raise UnsafeUrl("Give the URL to send the events to.")
    if len(url) > URL_MAX_LENGTH:
        raise UnsafeUrl(f"The URL is longer than {URL_MAX_LENGTH} characters.")
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise UnsafeUrl("The URL contains spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"The URL cannot be read: {exc}.") from None
    scheme = parts.scheme.lower()
    allowed = ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)
    if scheme not in allowed:
        raise UnsafeUrl(
            f"Use an {' or '.join(allowed)} URL"
            + (f", not {scheme}." if scheme else ".")
            + ("" if scheme != "http" else " Plain http would expose the events on the way.")
        )
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeUrl("The URL must not contain a user name or password.")
    if not parts.hostname:
        raise UnsafeUrl("The URL names no host.")
    if parts.fragment:
        raise UnsafeUrl("The URL must not have a fragment (#…).")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, parts.hostname, port or (443 if scheme == "https" else 80), path)


def _networks(name: str) -> list:
    return [ipaddress.ip_network(n, strict=False) for n in getattr(settings, name, []) or []]


def refusal(address) -> str | None:
    """Why an address may not be called, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    only = _networks("WEBHOOK_ONLY_NETWORKS")
    if only and not any(address in n for n in only):
        return f"{address} is outside the networks deliveries may reach"
    if any(address in n for n in _networks("WEBHOOK_ALLOWED_NETWORKS")):
        return None
    for kind, flag in (
        ("a loopback", address.is_loopback),
        ("a link-local", address.is_link_local),
        ("a multicast", address.is_multicast),
        ("an unspecified", address.is_unspecified),
        ("a reserved", address.is_reserved),
        ("a private", address.is_private),
    ):
        if flag:
            return f"{address} is {kind} address"
    if not address.is_global:
        return f"{address} is not a public address"
    return None


def lookup(host: str, port: int) -> list:
    """The system resolver's answer (its own function, so tests can stand in for DNS)."""
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def resolve(host: str, port: int) -> list:
    """Every address ``host`` resolves to (an address literal is itself)."""
    try:
        infos = lookup(host, port)
    except (socket.gaierror, UnicodeError, OSError):
        raise UnsafeUrl(f"The host {host} cannot be resolved.") from None
    addresses = []
    for *_rest, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeUrl(f"The host {host} resolves to no address.")
    return addresses


def check_url(url: str) -> tuple[Target, list]:
    """The URL's parts and its addresses, every one of them allowed; ``UnsafeUrl``
    otherwise, naming the first address refused."""
    target = parse_url(url)
    addresses = resolve(target.host, target.port)
    for address in addresses:
        reason = refusal(address)
        if reason:
            raise UnsafeUrl(f"Refused: {target.host} resolves to {reason}.")
    return target, addresses
