"""User-facing strings from per-language JSON catalogs, chosen by Telegram's `language_code`.

JSON catalogs instead of gettext: no compile step, and a test can check that every language has
every key with the same placeholders.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

DEFAULT_LANGUAGE = "ru"
LANGUAGES = ("ru", "en")


@lru_cache(maxsize=None)
def catalog(language: str) -> dict[str, str]:
    """All `bot/data/i18n/<language>/*.json` files merged: one file per feature, no edit clashes."""
    merged: dict[str, str] = {}
    folder = resources.files("bot.data.i18n").joinpath(language)
    for part in sorted(folder.iterdir(), key=lambda p: p.name):
        if part.name.endswith(".json"):
            merged.update(json.loads(part.read_text(encoding="utf-8")))
    return merged


def pick_language(language_code: str | None) -> str:
    """English for `en*` users, Russian for everybody else (PRODUCT.md)."""
    if language_code and language_code.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


class Translator:
    """Bound to one language; `tr("key", name=...)` formats with str.format placeholders."""

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self._messages = catalog(self.language)

    def __call__(self, key: str, **params: Any) -> str:
        template = self._messages.get(key)
        if template is None:
            template = catalog(DEFAULT_LANGUAGE)[key]
        return template.format(**params) if params else template

    def has(self, key: str) -> bool:
        return key in self._messages or key in catalog(DEFAULT_LANGUAGE)

    @classmethod
    def for_code(cls, language_code: str | None) -> "Translator":
        return cls(pick_language(language_code))
