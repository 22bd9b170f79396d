"""Search terms that find a name in every case form ("Токаева", "Токаеву" → "Токаев").

The index holds each word's lemma (bot.text.lang). pymorphy3 guesses unknown surnames badly and
inconsistently ("Токаев" → "токай", "Токаева" → "токаева", "Токаевым" → "токаев"), so lemmas
alone cannot match a name across cases. Names (capitalised words) are therefore indexed under
several keys — the form itself, every normal form pymorphy3 offers, and the form without its
case ending — and a query word matches any of its own keys. Two forms of one name always share
one of them (the bare stem at worst), while ordinary words keep their lemma.
"""

from __future__ import annotations

import re

from bot.text.lang import lemma
from bot.text.models import MORPH

_TOKEN = re.compile(r"[0-9A-Za-zА-Яа-яЁё]+(?:-[0-9A-Za-zА-Яа-яЁё]+)*")
_CYRILLIC = re.compile(r"[а-яё]")
# Case endings of nouns, adjectives and Russian surnames, longest first.
_ENDINGS = ("ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "ой", "ей", "ом", "ем", "ым", "им", "ую", "юю",
            "ая", "яя", "ах", "ях", "ам", "ям", "а", "я", "у", "ю", "е", "ы", "и")
MIN_STEM = 4
INDEX_VERSION = 1  # articles indexed with name keys (storage.articles.search_version)


def _normal(word: str) -> str:
    return word.lower().replace("ё", "е")


def word_keys(word: str) -> set[str]:
    """Every key a form of this word is indexed or looked up under."""
    low = _normal(word)
    keys = {low, lemma(word)}
    if _CYRILLIC.search(low):
        keys |= {_normal(p.normal_form) for p in MORPH.get().parse(low)}
        for ending in _ENDINGS:
            if low.endswith(ending) and len(low) - len(ending) >= MIN_STEM:
                keys.add(low[: -len(ending)])
                break
    return {k for k in keys if k}


def name_terms(text: str) -> list[str]:
    """Extra index terms for the names in a text (capitalised words), beyond their lemmas."""
    terms: dict[str, None] = {}
    for match in _TOKEN.finditer(text):
        token = match.group()
        if not token[:1].isupper():
            continue
        for part in token.split("-"):
            for key in word_keys(part):
                terms[key] = None
    return list(terms)


def match_query(query: str) -> str | None:
    """An FTS5 query: every word must match (AND), through any of its keys (OR), as a prefix."""
    groups = []
    for match in _TOKEN.finditer(query):
        for part in match.group().split("-"):
            keys = sorted(word_keys(part))
            if keys:
                groups.append("(" + " OR ".join(f'"{k}"*' for k in keys) + ")")
    return " AND ".join(dict.fromkeys(groups)) or None
