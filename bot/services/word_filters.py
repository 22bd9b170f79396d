"""Keyword filters per subscription: words to mute and words an article must have ("only").

Matched on the same keys search uses (bot.services.search.word_keys against an article's stored
`search_lemmas`, which hold every word's lemma and, for names, every case form's keys), so
"санкции" mutes "санкциями" and "Токаев" matches "Токаева". A filter of several words matches
an article having all of them. Users type plain words: no patterns, no regular expressions —
anything but letters, digits, spaces and hyphens is refused with a reason.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.clock import Clock
from bot.refusal import Refusal
from bot.services.search import word_keys
from storage import word_filters as word_filters_sql
from storage.db import Store
from storage.rows import WordFilter

KINDS = word_filters_sql.KINDS  # "only" | "mute"
MAX_FILTERS = 20
MAX_LENGTH = 40
MAX_WORDS = 3
_WORD = re.compile(r"[0-9A-Za-zА-Яа-яЁё]+(?:-[0-9A-Za-zА-Яа-яЁё]+)*")
_ALLOWED = re.compile(r"^[0-9A-Za-zА-Яа-яЁё \-]+$")


class FilterError(Refusal):
    """A refused filter word (the reason is shown to the user)."""


@dataclass(frozen=True)
class Matcher:
    """A subscription's filters compiled to key sets: one set per word, per phrase."""

    only: tuple[tuple[frozenset[str], ...], ...]
    mute: tuple[tuple[frozenset[str], ...], ...]

    @staticmethod
    def _hits(phrase: tuple[frozenset[str], ...], keys: frozenset[str]) -> bool:
        return all(not word.isdisjoint(keys) for word in phrase)

    def allows(self, keys: frozenset[str]) -> bool:
        """`keys`: the article's search terms. Muted wins over required."""
        if any(self._hits(p, keys) for p in self.mute):
            return False
        return not self.only or any(self._hits(p, keys) for p in self.only)


def normalize(text: str) -> str:
    """The phrase as stored: words separated by one space, lower case; refused if not words."""
    phrase = " ".join(text.split()).strip(" -").lower()
    if not phrase:
        raise FilterError("filter_empty")
    if len(phrase) > MAX_LENGTH or len(phrase.split()) > MAX_WORDS:
        raise FilterError("filter_too_long", limit=MAX_WORDS)
    if not _ALLOWED.match(phrase) or not _WORD.search(phrase):
        raise FilterError("filter_bad_chars")
    return phrase


def compile_filters(filters: Iterable[WordFilter]) -> Matcher | None:
    """None for a subscription without filters (the common case costs nothing)."""
    only: list[tuple[frozenset[str], ...]] = []
    mute: list[tuple[frozenset[str], ...]] = []
    for f in filters:
        phrase = tuple(frozenset(word_keys(w)) for m in _WORD.finditer(f.phrase) for w in m.group().split("-"))
        if phrase:
            (only if f.kind == "only" else mute).append(phrase)
    return Matcher(tuple(only), tuple(mute)) if only or mute else None


class WordFilters:
    """The filters of one subscription (a chat, or a topic of a forum: thread ≠ 0)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def of(self, chat_id: int, thread: int = 0) -> list[WordFilter]:
        return await self.store.call(word_filters_sql.of, chat_id, thread)

    async def add(self, chat_id: int, thread: int, kind: str, text: str) -> tuple[WordFilter, str]:
        """(filter, "added" | "exists"); a word already in the other list moves over."""
        if kind not in KINDS:
            raise FilterError("filter_empty")
        phrase = normalize(text)
        state = await self.store.call(word_filters_sql.add, chat_id, thread, kind, phrase, self.clock.iso(),
                                      limit=MAX_FILTERS)
        if state == "full":
            raise FilterError("filter_full", limit=MAX_FILTERS)
        return WordFilter(kind, phrase), state

    async def remove(self, chat_id: int, thread: int, kind: str, phrase: str) -> bool:
        return await self.store.call(word_filters_sql.remove, chat_id, thread, kind, phrase)

    async def matchers(self) -> dict[tuple[int, int], Matcher]:
        """Every subscription's compiled filters, for a digest run."""
        every = await self.store.call(word_filters_sql.all_filters)

        def build() -> dict[tuple[int, int], Matcher]:  # morphology: off the event loop
            compiled = {key: compile_filters(filters) for key, filters in every.items()}
            return {key: m for key, m in compiled.items() if m is not None}

        return await asyncio.to_thread(build)
