"""SSRF guard: which addresses the bot may connect to, enforced where sockets are opened.

Sources are added by admins as arbitrary URLs and followed through redirects, so every hop
could point at the host itself, the LAN or a cloud metadata service.  Two layers:

* ``check_url`` runs on every hop before a request is built: scheme allow-list and
  literal IP hosts.  It needs no DNS and also applies when a custom transport is injected.
* ``GuardedNetworkBackend`` is the httpcore network backend of the default transport.  It
  resolves the host name itself, refuses the connection if *any* resolved address is not
  allowed, and then connects to the very address it checked.  Resolving and connecting in
  one place pins the connection and closes the DNS-rebinding window (resolve-to-public,
  then connect-to-private) that a "resolve first, let the client resolve again" check has.
  TLS still verifies the certificate against the host name: httpcore passes the origin
  host as ``server_hostname`` independently of the address we connect to.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from bot.net.errors import BlockedAddressError, FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})

# Refused even with allow_private: nothing legitimate lives there and they are the classic
# SSRF targets (instance metadata, link-local services, "this host" 0.0.0.0/8).
_ALWAYS_BLOCKED_NETS = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",
        "169.254.0.0/16",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "255.255.255.255/32",
        "100.100.100.200/32",  # Alibaba Cloud metadata
        "192.0.0.0/24",  # IETF protocol assignments (incl. some vendor metadata endpoints)
        "::/128",
        "fe80::/10",
        "ff00::/8",
        "fd00:ec2::254/128",  # AWS IMDS over IPv6
    )
)
_METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})
# Reachable only from inside the deployment: allowed for tests/local mirrors via allow_private.
_PRIVATE_NETS = tuple(
    ipaddress.ip_network(net)
    for net in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                "198.18.0.0/15", "::1/128", "fc00::/7", "fec0::/10")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """IPv4 address tunnelled inside an IPv6 one (mapped, 6to4, Teredo, NAT64)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_problem(ip: IPAddress, *, allow_private: bool) -> str | None:
    """Return why ``ip`` may not be contacted, or ``None`` when it is fine."""
    inner = _embedded_ipv4(ip)
    if inner is not None:
        return address_problem(inner, allow_private=allow_private)
    refused = f"address {ip} is not allowed"
    if any(ip in net for net in _ALWAYS_BLOCKED_NETS) or ip.is_multicast or ip.is_link_local \
            or ip.is_unspecified:
        return refused
    # Loopback before "reserved": Python counts ::1 inside the reserved ::/8.
    if any(ip in net for net in _PRIVATE_NETS) or ip.is_loopback:
        return None if allow_private else refused
    if ip.is_reserved:
        return refused
    if ip.is_private or not ip.is_global:
        return None if allow_private else refused
    return None


def check_address(ip: str | IPAddress, *, allow_private: bool) -> None:
    """Raise ``BlockedAddressError`` unless ``ip`` may be contacted."""
    parsed = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    problem = address_problem(parsed, allow_private=allow_private)
    if problem:
        raise BlockedAddressError(problem)


def literal_ip(host: str) -> IPAddress | None:
    """The host as an IP address if it is written as one (``[::1]`` included)."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def check_url(url: httpx.URL, *, allow_private: bool) -> None:
    """Per-hop checks that need no DNS: scheme, host present, literal IPs, metadata names."""
    if url.scheme not in ALLOWED_SCHEMES:
        raise FetchError(f"unsupported URL scheme '{url.scheme}'", url=str(url))
    host = url.host
    if not host:
        raise FetchError("URL has no host", url=str(url))
    if host.lower().rstrip(".") in _METADATA_HOSTS:
        raise BlockedAddressError(f"host {host} is not allowed", url=str(url))
    ip = literal_ip(host)
    if ip is not None:
        check_address(ip, allow_private=allow_private)


async def resolve_checked(host: str, port: int, *, allow_private: bool) -> list[str]:
    """Resolve ``host`` and return its addresses, refusing if any of them is blocked.

    Refusing on *any* blocked address (not only the first) keeps a name that mixes a
    public and a private record from being used as a coin toss.
    """
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve host {host}") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = str(sockaddr[0]).split("%", 1)[0]
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"cannot resolve host {host}")
    for address in addresses:
        check_address(address, allow_private=allow_private)
    return addresses


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore backend that resolves, checks and connects to the checked address."""

    def __init__(self, *, allow_private: bool, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._allow_private = allow_private
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await resolve_checked(host, port, allow_private=self._allow_private)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        raise BlockedAddressError("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with the connection pool rebuilt on ``GuardedNetworkBackend``.

    httpx does not expose ``network_backend``; we replace the pool it built.  ``pinned``
    tells the fetcher whether that worked, so that a future httpx without ``_pool`` falls
    back to resolving in ``check_url`` time instead of silently losing the guard.
    """

    def __init__(self, *, allow_private: bool) -> None:
        super().__init__(trust_env=False)  # proxies from the environment would bypass the guard
        self.pinned = False
        if isinstance(getattr(self, "_pool", None), httpcore.AsyncConnectionPool):
            self._pool = httpcore.AsyncConnectionPool(
                ssl_context=httpx.create_ssl_context(trust_env=False),
                max_connections=100,
                max_keepalive_connections=20,
                keepalive_expiry=5.0,
                network_backend=GuardedNetworkBackend(allow_private=allow_private),
            )
            self.pinned = True
