"""Errors raised by the HTTP layer.

Kept in their own module so that the guard (which raises them from deep inside the
connection pool) and the fetcher share one exception type without importing each other.
"""

from __future__ import annotations


class FetchError(Exception):
    """A fetch failed; ``str(error)`` is a one-line reason an admin can read.

    ``status`` is the HTTP status when the server answered, ``url`` the public URL the
    failure happened on (after redirects), so callers can tell "HTTP 404" from a network
    problem without parsing the message.
    """

    def __init__(self, message: str, *, status: int | None = None, url: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.url = url


class BlockedAddressError(FetchError):
    """The URL resolves to an address the SSRF guard refuses (see ``bot.net.guard``)."""


def human_size(num_bytes: int) -> str:
    """Render a byte count the way admins read it ("5 MB", "512 kB", "100 bytes")."""
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if num_bytes >= scale:
            value = num_bytes / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{num_bytes} bytes"


def human_seconds(seconds: float) -> str:
    """Render a timeout without noise ("10 s", "0.5 s")."""
    return f"{seconds:g} s"
