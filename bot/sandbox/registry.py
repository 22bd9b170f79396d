"""Name → implementation table of the emulated Bot API methods.

Telegram matches method names case-insensitively, so the table is keyed by the lower-cased
name and remembers the canonical spelling for call records and the event log.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .core import Core
    from .params import Params

Handler = Callable[["Core", "Params"], Awaitable[Any]]

METHODS: dict[str, tuple[str, Handler]] = {}


def api_method(name: str) -> Callable[[Handler], Handler]:
    """Register ``func`` as the implementation of Bot API method ``name``."""

    def register(func: Handler) -> Handler:
        METHODS[name.lower()] = (name, func)
        return func

    return register


def lookup(name: str) -> tuple[str, Handler] | None:
    """(canonical name, handler) for a requested method name, or None (→ 404)."""
    return METHODS.get(name.lower())
