"""Refusals a user should read: an i18n key plus the values for its placeholders."""

from __future__ import annotations

from html import escape

from bot.i18n import Translator


class Refusal(Exception):
    """Raised by services for bad input or a state that forbids the action; handlers show
    `exc.text(tr)`. Parameter values are user-supplied, so they are escaped for Telegram HTML."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def text(self, tr: Translator) -> str:
        return tr(self.key, **{k: escape(str(v), quote=False) for k, v in self.params.items()})
