"""One story once: articles about the same event from different sources, found and grouped.

News outlets retell one agency report in their own words, so exact near-duplicate hashing
(shingles of words in order) misses most of them: on the real pairs of `bench/eval_stories.py`
word-bigram shingles of the lemmas find well under half of the same-story pairs. What the retellings
keep are the *specific* words — names, places, numbers, the rare nouns of the event ("КТК",
"Озереевка", "реадмиссия") — so the similarity is a weighted Jaccard over the content lemmas of the
title and the opening, each lemma weighted by its rarity in navec's ~1.2B-word news corpus
(`bot.text.semantic.background_idf`): sharing "Лампедуза" counts, sharing "сообщить" barely does.
The lemmas come from the stored `search_lemmas` (the same lemmatizer as search), so grouping a
digest costs no NLP at all.

Grouping is leader-based, not single-link: an article joins a group only when it is close enough
to the group's first (newest) article, so a chain of related-but-different events ("Mazhilis passed
the law" → "the Senate approved it" → "the president signed it") never collapses into one entry.
"""

from __future__ import annotations

import heapq
from functools import lru_cache
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar
from urllib.parse import urlsplit

from bot.text.semantic import background_idf
from bot.text.stopwords import is_stop

T = TypeVar("T")
LEAD = 90  # lemmas of title + opening: what a retelling keeps from the report it retells
THRESHOLD = 0.17  # weighted Jaccard; chosen on the real pairs of bench/eval_stories.py (see there)
MAX_DAYS = 2
MIN_WEIGHT = 0.3
RARE = 0.5  # two reports of one event share at least one lemma this rare (a name, a place, a number)
KEYS, POSTINGS, CANDIDATES = 6, 16, 8  # bounds of the candidate search: a window groups in O(n)  # lemmas this common ("год", "заявить") carry no story


@dataclass(frozen=True)
class Fingerprint:
    """The weighted content lemmas of an article's opening."""

    weights: dict[str, float]
    day: int | None = None  # date.toordinal() of publication, when known

    @property
    def mass(self) -> float:
        return sum(self.weights.values())


def fingerprint(lemmas: Sequence[str], *, day: date | None = None, lead: int = LEAD,
                weight: Callable[[str], float] = background_idf) -> Fingerprint:
    """From the article's lemmas in order (title first, as `search_lemmas` stores them)."""
    out: dict[str, float] = {}
    for lemma in lemmas[:lead]:
        if lemma in out or is_stop(lemma) or (len(lemma) < 3 and not lemma.isdigit()):
            continue
        value = weight(lemma)
        if value >= MIN_WEIGHT:
            out[lemma] = value
    return Fingerprint(out, day.toordinal() if day is not None else None)


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Weighted Jaccard of the two lemma sets, in [0, 1]; 0 for reports days apart (a story is
    retold within a day or two, while the same law passed, approved and signed weeks apart, or the
    same sum announced a year later, are new events with the same words)."""
    if not a.weights or not b.weights:
        return 0.0
    if a.day is not None and b.day is not None and abs(a.day - b.day) > MAX_DAYS:
        return 0.0
    shared = sum(w for lemma, w in a.weights.items() if lemma in b.weights)
    union = a.mass + b.mass - shared
    return shared / union if union else 0.0


def group(items: Sequence[T], prints: Sequence[Fingerprint], *, threshold: float = THRESHOLD,
          source: Callable[[T], str] | None = None) -> list[list[T]]:
    """Items in stories, each story led by its first item (callers pass newest or best first).

    Two items of one `source` are never one story (a feed does not retell itself; its follow-up
    piece on the same event is news to the reader), and an item without a source stands alone.
    An item is compared only with the few leaders sharing most of its rarest lemmas, so a window
    of hundreds of articles groups in milliseconds."""
    leaders: list[tuple[Fingerprint, list[T], set[str]]] = []
    by_lemma: dict[str, list[int]] = {}
    for item, print_ in zip(items, prints):
        label = source(item) if source is not None else ""
        if source is not None and not label:  # pasted text, a file: no source to name, no story
            leaders.append((print_, [item], set()))
            continue
        rare = sorted((lemma for lemma, w in print_.weights.items() if w >= RARE),
                      key=lambda lemma: -print_.weights[lemma])[:KEYS]
        shared = Counter(i for lemma in rare for i in by_lemma.get(lemma, ()))
        for index, _ in heapq.nsmallest(CANDIDATES, shared.items(), key=lambda kv: (-kv[1], kv[0])):
            leader, members, labels = leaders[index]
            if label and label in labels:
                continue
            if similarity(leader, print_) >= threshold:
                members.append(item)
                labels.add(label)
                break
        else:
            for lemma in rare:
                postings = by_lemma.setdefault(lemma, [])
                if len(postings) < POSTINGS:  # a lemma in that many stories tells none apart
                    postings.append(len(leaders))
            leaders.append((print_, [item], {label}))
    return [members for _, members, _ in leaders]


@lru_cache(maxsize=50_000)
def source_name(url: str | None, channel: str | None) -> str:
    """How "также:" names a source: the channel of a Dzen/Telegram post, else the site."""
    host = (urlsplit(url).hostname or "") if url else ""
    if channel and (not host or host in ("t.me", "dzen.ru")):
        return channel
    return host.removeprefix("www.") or (channel or "")
