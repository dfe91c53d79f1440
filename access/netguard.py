"""URL safety for site audits: only public http(s) addresses, unless the operator allows more.

The API audits URLs that strangers submit, from inside the operator's network. Without a guard a
URL such as ``http://169.254.169.254/latest/meta-data/`` or ``http://0x7f000001/admin`` would make
the service fetch internal resources for them (SSRF). :func:`check_url` refuses non-http(s) URLs
and every host that is, or resolves to, a loopback, private, link-local, multicast, reserved,
unspecified or cloud-metadata address — IPv4, IPv6, IPv4-mapped/compatible/NAT64/6to4 IPv6, and
the integer host spellings browsers accept (``2130706433``, ``0x7f.1``, ``0177.0.0.1``).
``settings.allow_private_networks`` (CIDR blocks) or ``allow_private=True`` (the local CLI, which
audits the user's own machine) lift the refusal.

:func:`check_redirect` re-checks every redirect hop; the web auditor also routes the browser
through a guarding proxy (``auditors.web.guard_proxy``) that applies :func:`check_host` to every
request the page makes and connects to the address it checked (no DNS-rebinding gap).

Every other request the service makes from a URL a user gave (webhooks, robots.txt, sitemaps,
linked documents) goes through :func:`guarded_client`: an httpx client whose connections resolve
the host once, check every address, and connect to the checked address (pinning), keeping the
URL's host name for the ``Host`` header and TLS SNI/certificate check. A DNS answer that changes
between a check and the connect (rebinding) therefore cannot reach a private address.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from access.errors import UrlForbidden

if TYPE_CHECKING:
    from access.config import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

ALLOWED_SCHEMES = ("http", "https")
# Addresses that cloud providers serve instance metadata (and credentials) on.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "169.254.169.123", "100.100.100.200", "192.0.0.192",
    "fd00:ec2::254", "fd00:ec2::23",
))
METADATA_HOSTS = frozenset({
    "metadata", "metadata.google.internal", "metadata.goog", "instance-data",
    "instance-data.ec2.internal", "metadata.azure.internal",
})
# Ranges the ipaddress module does not flag but that are not the public internet.
EXTRA_BLOCKED = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "240.0.0.0/4",
    "64:ff9b:1::/48", "fc00::/7", "fec0::/10",
))
_INT_PART = re.compile(r"^(0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$", re.I)


def parse_host_address(host: str) -> IPAddress | None:
    """The IP address a URL host denotes, including the legacy integer forms browsers accept
    (``2130706433``, ``0x7f000001``, ``0177.1``, ``127.1``); None for a DNS name."""
    host = host.strip().rstrip(".").strip("[]")
    if not host:
        return None
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_INT_PART.match(p) for p in parts):
        return None
    values = []
    for p in parts:
        if p.lower().startswith("0x"):
            values.append(int(p[2:] or "0", 16))
        elif len(p) > 1 and p.startswith("0"):
            values.append(int(p, 8))
        else:
            values.append(int(p))
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(values)):
        return None
    number = 0
    for v in head:
        number = number * 256 + v
    number = number * 256 ** (5 - len(values)) + last
    return ipaddress.IPv4Address(number)


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    packed = address.packed
    if packed[:12] == bytes(12) and int(address) > 1:             # ::a.b.c.d (deprecated)
        return ipaddress.IPv4Address(packed[12:])
    if address in ipaddress.ip_network("64:ff9b::/96"):           # NAT64
        return ipaddress.IPv4Address(packed[12:])
    return None


def address_problem(address: IPAddress) -> str | None:
    """Why an address is not public (None when it is)."""
    inner = embedded_ipv4(address)
    if inner is not None:
        problem = address_problem(inner)
        return f"{problem} (inside {address})" if problem else None
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    for label, flag in (("loopback", address.is_loopback), ("link-local", address.is_link_local),
                        ("multicast", address.is_multicast), ("unspecified", address.is_unspecified),
                        ("private", address.is_private), ("reserved", address.is_reserved)):
        if flag:
            return f"a {label} address"
    if any(address in net for net in EXTRA_BLOCKED if net.version == address.version):
        return "a non-public address"
    if not address.is_global:
        return "a non-public address"
    return None


def allowed_networks(settings: Settings | None) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    nets = settings.allow_private_networks if settings is not None else []
    return [ipaddress.ip_network(n, strict=False) for n in nets]


def _allowed(address: IPAddress, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    candidates = [address]
    inner = embedded_ipv4(address)
    if inner is not None:
        candidates.append(inner)
    return any(a in net for a in candidates for net in networks if net.version == a.version)


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        from access.errors import UrlUnreachable
        raise UrlUnreachable(f"The host {host!r} could not be resolved.") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_host(host: str, port: int, settings: Settings | None, *, allow_private: bool = False,
               resolver: Resolver = system_resolver) -> list[IPAddress]:
    """Resolve ``host`` and return its addresses when every one may be reached; raise
    :class:`UrlForbidden` otherwise. Callers should connect to one of the returned addresses."""
    bare = host.strip().rstrip(".").strip("[]").lower()
    if not bare:
        raise UrlForbidden("The URL has no host.")
    networks = allowed_networks(settings)
    if bare in METADATA_HOSTS and not allow_private:
        raise UrlForbidden(f"{host} is a cloud metadata host; only public addresses can be audited.")
    literal = parse_host_address(bare)
    addresses = [literal] if literal is not None else [
        ipaddress.ip_address(a.split("%")[0]) for a in resolver(bare, port)]
    if not addresses:
        from access.errors import UrlUnreachable
        raise UrlUnreachable(f"The host {host!r} has no address.")
    if allow_private:
        return addresses
    for address in addresses:
        problem = address_problem(address)
        if problem and not _allowed(address, networks):
            shown = host if literal is not None else f"{host} ({address})"
            raise UrlForbidden(f"{shown} is {problem}; only public addresses can be audited.")
    return addresses


def url_target(url: str) -> tuple[str, int]:
    """(host, port) of an http(s) URL, without resolving anything; :class:`UrlForbidden` for
    another scheme, a user name or password in the URL, or a malformed URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UrlForbidden(f"{url!r} is not a valid URL.") from exc
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UrlForbidden(f"Only http and https URLs can be audited, not {parts.scheme or 'no scheme'!r}.")
    if parts.username or parts.password:
        raise UrlForbidden("URLs with a user name or password cannot be audited.")
    return parts.hostname or "", port or (443 if parts.scheme.lower() == "https" else 80)


def check_url(url: str, settings: Settings | None, *, allow_private: bool = False,
              resolver: Resolver = system_resolver) -> str:
    """Return ``url`` when it is an http(s) URL whose host may be reached; raise
    :class:`UrlForbidden` (or UrlUnreachable when the name does not resolve) otherwise."""
    host, port = url_target(url)
    check_host(host, port, settings, allow_private=allow_private, resolver=resolver)
    return url.strip()


def check_redirect(current_url: str, location: str, settings: Settings | None, *,
                   allow_private: bool = False, resolver: Resolver = system_resolver) -> str:
    """The absolute URL a redirect leads to, after checking it like the first URL."""
    return check_url(urljoin(current_url, location), settings, allow_private=allow_private,
                     resolver=resolver)


def host_checker(settings: Settings | None, *, allow_private: bool = False,
                 resolver: Resolver = system_resolver) -> Callable[[str, int], list[IPAddress]]:
    """A ``(host, port) -> addresses`` function for code that checks every request host
    (the browser's guarding proxy, the crawler's HTTP client)."""

    def check(host: str, port: int) -> list[IPAddress]:
        return check_host(host, port, settings, allow_private=allow_private, resolver=resolver)

    return check


# ----------------------------------------------------------------------------- pinned connections


class PinnedBackend(httpcore.NetworkBackend):
    """An httpcore network backend that resolves each host once through ``check`` (which raises
    :class:`UrlForbidden` for a refused address) and connects to the addresses it returned, never to
    a name: what was checked is what is connected to. TLS still uses the URL's host name (httpcore
    passes the origin host as SNI and for the certificate check)."""

    def __init__(self, check: Callable[[str, int], list[IPAddress]]) -> None:
        self._check = check
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addresses = self._check(host, port)
        failure: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(str(address), port, timeout=timeout, local_address=local_address,
                                               socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise UrlForbidden("Unix sockets cannot be reached from a URL.")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def guarded_client(settings: Settings | None, *, allow_private: bool = False,
                   resolver: Resolver = system_resolver, **options: Any) -> httpx.Client:
    """An httpx client for URLs that users give: every connection it opens (first request,
    redirect hops, keep-alive reconnects) is resolved once, checked by :func:`check_host`, and made
    to the checked address. Environment proxies are ignored (``trust_env=False``): a proxy would
    resolve the name again, out of our sight. ``verify`` goes to the transport (the TLS check),
    the other ``options`` to :class:`httpx.Client`."""
    transport = httpx.HTTPTransport(verify=options.pop("verify", True))
    pool = transport._pool
    if not isinstance(pool, httpcore.ConnectionPool) or not hasattr(pool, "_network_backend"):
        raise RuntimeError("httpx/httpcore changed: cannot pin connections")       # caught by the tests
    pool._network_backend = PinnedBackend(host_checker(settings, allow_private=allow_private, resolver=resolver))
    return httpx.Client(transport=transport, trust_env=False, **options)
