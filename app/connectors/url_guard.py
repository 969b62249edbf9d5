"""Fetching a user-supplied URL without letting a tenant reach internal services.

Any connector whose settings hold a URL fetches it through `UrlGuard.get`. In production every
address the host resolves to must be public (no loopback, private, link-local, shared, multicast
or reserved space), checked again before every request and every redirect hop; redirects are
followed here, never by the HTTP client, so no hop escapes the check. Outside production nothing
is checked, so a developer can point a connector at a local server.

Not done here: the resolved address is not pinned for the connection, so a host whose DNS answer
changes between the check and the connect (DNS rebinding) is not caught; the network's egress
policy is the backstop for that.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from app.connectors.base import SourceContext
from app.connectors.http import SourceResponse, request_with_retries
from app.errors import Invalid, SourceRejected, SourceUnavailable

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

Resolver = Callable[[str, int], Awaitable[list[str]]]


async def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the default resolver; tests inject their own)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_internal_address(address: str) -> bool:
    """True for any address a tenant must not reach through us (loopback, private, metadata...),
    and for anything that is not an address at all."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = embedded_ipv4(ip)
        if embedded is not None:
            ip = embedded  # ::ffff:127.0.0.1, 64:ff9b::7f00:1 and 2002:7f00:1:: reach loopback
    # is_global also catches shared (100.64/10) space, which the named flags miss; multicast is
    # "global" to the ipaddress module, hence listed.
    return (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified or not ip.is_global)


NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, when it is a translation: IPv4-mapped,
    NAT64 (RFC 6052 well-known prefix) or 6to4 (RFC 3056). It is what the packets reach, so it
    is what must be judged; Python rates the IPv6 form global."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


@dataclass(frozen=True)
class HttpTarget:
    """An http(s) URL checked for shape. `label` is host (and explicit port) + path: no query
    string, no credentials, so it can name an account or appear in a message."""

    url: str
    host: str
    port: int
    label: str


def parse_http_target(url: str) -> HttpTarget:
    """The URL checked for shape only (no network); raises `Invalid` without a field, which the
    caller adds because only it knows which setting the URL came from."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Invalid("The URL must start with http:// or https://.")
    try:
        host, explicit_port = parts.hostname, parts.port
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        raise Invalid("This is not a valid URL.") from None
    if not host:
        raise Invalid("The URL has no host name.")
    shown_host = f"[{host}]" if ":" in host else host
    label = f"{shown_host}:{explicit_port}" if explicit_port else shown_host
    return HttpTarget(url, host, explicit_port or (443 if scheme == "https" else 80), label + parts.path)


class UrlGuard:
    """Fetches user-supplied URLs; see the module docstring for what it refuses and when."""

    def __init__(self, resolver: Resolver = resolve_host) -> None:
        self._resolve = resolver

    async def get(self, context: SourceContext, url: str,
                  headers: Mapping[str, str]) -> tuple[HttpTarget, SourceResponse]:
        """GETs `url` with retries, following at most `MAX_REDIRECTS` redirects, each checked.

        Returns the final target and its response, whatever its status (a 304 included).
        Raises `SourceRejected` for an internal address, an unusable redirect or too many hops.
        """
        target = parse_http_target(url)
        for _ in range(MAX_REDIRECTS + 1):
            await self.check_public(target, context)
            response = await request_with_retries(context, "GET", target.url, headers=dict(headers))
            if response.status_code not in REDIRECT_STATUSES or "Location" not in response.headers:
                return target, response
            target = redirect_target(target, response.headers["Location"])
        raise SourceRejected(f"The URL redirected more than {MAX_REDIRECTS} times.")

    async def check_public(self, target: HttpTarget, context: SourceContext) -> None:
        """In production, refuses a host any of whose addresses is not public."""
        if not context.production:
            return
        try:
            addresses = await self._resolve(target.host, target.port)
        except (OSError, UnicodeError) as exc:
            raise SourceUnavailable(f"The host {target.host} could not be resolved.") from exc
        internal = [address for address in addresses if is_internal_address(address)]
        if internal or not addresses:
            shown = internal[0] if internal else "no address"
            raise SourceRejected(f"The URL points to a private or local address ({target.host} "
                                 f"is {shown}); only public addresses are fetched.")


def redirect_target(origin: HttpTarget, location_header: str) -> HttpTarget:
    """Where a redirect leads, resolved against `origin`; only http(s) targets are followed."""
    url = urljoin(origin.url, location_header)
    if urlsplit(url).scheme.lower() == "file":
        raise SourceRejected("The URL redirected to a local file, which is not followed.")
    try:
        return parse_http_target(url)
    except Invalid as exc:
        raise SourceRejected(f"The URL redirected to an unusable address: {exc.message}") from None
