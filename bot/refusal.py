"""Refusals a user should read: an i18n key plus the values for its placeholders.

Services raise them; handlers let them propagate, and the Dispatcher's one refusal handler
(`handlers/errors.py`) answers in the user's language — so no handler writes a refusal by hand.
"""

from __future__ import annotations

from html import escape

from bot.i18n import Translator
from bot.sources.reasons import describe


class Refusal(Exception):
    """Raised by services for bad input or a state that forbids the action; the reader sees
    `exc.text(tr)`. Parameter values are user-supplied, so they are escaped for Telegram HTML."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def text(self, tr: Translator) -> str:
        return tr(self.key, **{k: escape(str(v), quote=False) for k, v in self.params.items()})


class FetchRefused(Refusal):
    """A URL a user gave could not be read: the reason (``bot.sources.reasons``) in the reader's
    language. ``str(exc)`` stays the one-line English reason of the fetch, for logs and the audit."""

    def __init__(self, error: BaseException) -> None:
        super().__init__("fetch_failed")
        self.reason_key, self.reason_params = describe(error)
        self.reason = str(error)

    def __str__(self) -> str:
        return self.reason

    def text(self, tr: Translator) -> str:
        return tr(self.key, reason=escape(tr(self.reason_key, **self.reason_params), quote=False))
