"""Matching of lemmatized keyword phrases against a token stream.

Why lemmas: Russian inflects heavily ("цепочек поставок", "цепочки поставок"); matching lemma
sequences lets catalog authors write a phrase once in any form. A trailing ``*`` on a phrase word
matches by lemma prefix ("редкоземел*"). At each position the longest phrase wins, so
"упрощение визового режима" is not also counted as "визовый режим".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .lang import Word, words

Pattern = tuple[tuple[str, bool], ...]  # (lemma or prefix, is_prefix) per phrase word


@dataclass(frozen=True, slots=True)
class Match:
    """One phrase occurrence: the catalog phrase, its token span and its length in words."""

    phrase: str
    start: int
    stop: int

    @property
    def size(self) -> int:
        return self.stop - self.start


def compile_phrase(phrase: str) -> Pattern:
    """Lemmatize a catalog phrase into a pattern (empty if it has no word)."""
    parts: list[tuple[str, bool]] = []
    for raw in phrase.split():
        prefix = raw.endswith("*")
        token = raw.rstrip("*")
        if prefix:
            parts.append((token.lower().replace("ё", "е"), True))
            continue
        parts.extend((w.lemma, False) for w in words(token))
    return tuple(parts)


def _token_matches(part: tuple[str, bool], lemma: str) -> bool:
    value, is_prefix = part
    return lemma.startswith(value) if is_prefix else lemma == value


class PhraseMatcher:
    """Finds catalog phrases in lemma sequences; immutable after construction (thread-safe)."""

    def __init__(self, phrases: Sequence[str]) -> None:
        self._by_first: dict[str, list[tuple[Pattern, str]]] = {}
        self._prefix_first: list[tuple[Pattern, str]] = []
        seen: set[Pattern] = set()
        for phrase in phrases:
            pattern = compile_phrase(phrase)
            if not pattern or pattern in seen:
                continue
            seen.add(pattern)
            entry = (pattern, phrase)
            if pattern[0][1]:
                self._prefix_first.append(entry)
            else:
                self._by_first.setdefault(pattern[0][0], []).append(entry)
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e[0]))
        self._prefix_first.sort(key=lambda e: -len(e[0]))
        # One C-level startswith over all prefixes rules out most lemmas before any Python loop.
        self._prefixes = tuple({e[0][0][0] for e in self._prefix_first})
        self.size = len(seen)

    def _candidates(self, lemma: str) -> list[tuple[Pattern, str]]:
        found = self._by_first.get(lemma, [])
        if self._prefixes and lemma.startswith(self._prefixes):
            found = found + [e for e in self._prefix_first if lemma.startswith(e[0][0][0])]
            found.sort(key=lambda e: -len(e[0]))
        return found

    def find(self, lemmas: Sequence[str]) -> list[Match]:
        """Non-overlapping matches, longest first at each position, left to right."""
        out: list[Match] = []
        n, by_first, prefixes = len(lemmas), self._by_first, self._prefixes
        if not prefixes and by_first.keys().isdisjoint(lemmas):
            return out  # the common case, decided in C
        starts = [i for i, lemma in enumerate(lemmas) if lemma in by_first or prefixes and lemma.startswith(prefixes)]
        i = 0
        for start in starts:
            if start < i:
                continue  # inside the previous match
            i = start
            hit = None
            for pattern, phrase in self._candidates(lemmas[i]):
                end = i + len(pattern)
                if end <= n and all(_token_matches(p, lemmas[i + k]) for k, p in enumerate(pattern)):
                    hit = Match(phrase, i, end)
                    break
            if hit is not None:
                out.append(hit)
                i = hit.stop
        return out

    def find_words(self, tokens: Sequence[Word]) -> list[Match]:
        return self.find([w.lemma for w in tokens])
