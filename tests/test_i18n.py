"""Both languages have every message, with the same placeholders, and every key used exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.i18n import LANGUAGES, Translator, catalog
from bot.sandbox.errors import ApiError
from bot.sandbox.html import parse_formatted

ROOT = Path(__file__).resolve().parents[1]
KEY_USE = re.compile(r"""\btr\(\s*["']([a-z0-9_]+)["']""")
RAISED_KEY = re.compile(r"""(?:Error|Refusal)\(\s*["']([a-z0-9_]+)["']""")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    ru, en = catalog("ru"), catalog("en")
    assert ru.keys() == en.keys(), sorted(ru.keys() ^ en.keys())
    for key in ru:
        assert placeholders(ru[key]) == placeholders(en[key]), key


def test_every_key_the_code_uses_exists_in_every_language() -> None:
    used: set[str] = set()
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "i18n.py":
                continue
            text = path.read_text(encoding="utf-8")
            used |= set(KEY_USE.findall(text)) | set(RAISED_KEY.findall(text))
    assert used, "no tr() calls found: the scan is broken"
    prefixes = {k for k in used if k.endswith("_")}  # tr("cmd_" + name): checked below
    for language in LANGUAGES:
        missing = sorted(k for k in used - prefixes if k not in catalog(language))
        assert not missing, (language, missing)


def test_every_command_is_described_in_both_languages() -> None:
    from bot.telegram.commands import COMMANDS

    for language in LANGUAGES:
        assert all(f"cmd_{c.name}" in catalog(language) for c in COMMANDS), language


# Messages that read the same in both languages: a bare format, a brand name, a file type.
SAME_IN_BOTH = {"month_year", "kind_telegram", "audit_error", "post_kind_animation"}


def test_every_message_renders_in_both_languages_as_telegram_html() -> None:
    """Every message, filled in, shows each value it was given, no leftover ``{placeholder}``,
    and passes Telegram's HTML parser (the sandbox's: unbalanced tags and bare ``&`` fail)."""
    for language in LANGUAGES:
        tr = Translator(language)
        for key, template in catalog(language).items():
            params = {name: f"§{name}§" for name in placeholders(template)}
            text = tr(key, **params)
            assert text.strip(), (language, key)
            assert not re.search(r"[{}]", text), (language, key, text)
            assert all(value in text for value in params.values()), (language, key, text)
            try:
                parse_formatted(text, "HTML", None, strict_ampersand=True)
            except ApiError as exc:
                raise AssertionError(f"{language}/{key}: {exc.description}: {text!r}") from None


def test_english_messages_are_translated() -> None:
    ru, en = catalog("ru"), catalog("en")
    untranslated = {key for key in ru if ru[key] == en[key]}
    assert untranslated == SAME_IN_BOTH
    cyrillic = sorted(key for key, text in en.items()
                      if re.search("[а-яё]", text.replace("NOWости", ""), re.I))  # the channel's name stays
    assert cyrillic == [], cyrillic


def test_english_is_chosen_by_language_code() -> None:
    assert Translator.for_code("en-GB").language == "en"
    assert Translator.for_code("kk").language == "ru"
    assert Translator.for_code(None).language == "ru"
