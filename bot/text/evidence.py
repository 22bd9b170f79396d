"""What an article says on each of its themes: the sentences a theme card quotes, and its keywords.

Why a step of its own: scoring finds every sentence with theme evidence, but a card is read by a
person. So (1) when the article is the theme's anchor, the card quotes the claims the catalog
author chose for it; (2) otherwise the best supporting sentences, skipping topic announcements
("Отдельного внимания заслуживает визовая повестка.") and quoting a sentence that opens with a
link ("Тем не менее, …") only together with the sentence before it; (3) a sentence is quoted by
one theme only, the one that scores highest, so two cards never show the same lines; (4) keywords
are shown as the catalog author wrote them, except prefix patterns and lone adjectives
("правочеловеческий"), which are shown as the article's own noun phrase ("правочеловеческая
тематика") or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from .catalog import ThemeCatalog
from .discourse import is_topic_sentence, leans_back, normalized
from .document import Document
from .inflect import nominative
from .lang import Word, is_name
from .themes import ThemeResult

MAX_THEME_SENTENCES = 4  # a card shows two as the claim and two as quotes
MAX_THEME_KEYWORDS = 8
_ADJ = frozenset({"ADJF", "PRTF"})


_claim_key = lru_cache(maxsize=4096)(normalized)  # claims are catalog text: the same every call


def _quotable(doc: Document, i: int) -> bool:
    s = doc.sentences[i]
    return not is_topic_sentence(s.text, len(s.words))


def _supporting(doc: Document, result: ThemeResult, used: set[int], limit: int) -> list[int]:
    """Best supporting sentences, each leaning sentence preceded by its antecedent."""
    picked: list[int] = []
    for i in result.sentences:
        if len(picked) >= limit:
            break
        if i in used or i in picked or not _quotable(doc, i):
            continue
        if i > 0 and leans_back(doc.sentences[i].text) and i - 1 not in picked:
            before = i - 1
            same_paragraph = doc.sentences[before].paragraph == doc.sentences[i].paragraph
            if len(picked) + 2 > limit or before in used or not same_paragraph or not _quotable(doc, before):
                continue
            if leans_back(doc.sentences[before].text):
                continue  # a chain of links: the card would need a whole paragraph
            picked.append(before)
        picked.append(i)
    return picked


def theme_sentences(doc: Document, results: Sequence[ThemeResult], catalog: ThemeCatalog,
                    limit: int = MAX_THEME_SENTENCES) -> dict[str, list[int]]:
    """Sentence indices to quote per present theme (``results`` best first); none quoted twice."""
    claims_of = {r.slug: (t.claims if (t := catalog.get(r.slug)) else []) for r in results}
    # Only sentences opening like some claim are normalized and compared: a cheap first filter.
    openings = {_claim_key(c).split(" ", 1)[0] for claims in claims_of.values() for c in claims}
    by_text = {normalized(s.text): s.index for s in doc.sentences
               if s.words and s.words[0].text.lower().replace("ё", "е") in openings}
    used: set[int] = set()
    out: dict[str, list[int]] = {}
    for result in results:
        claims = [by_text.get(_claim_key(c)) for c in claims_of[result.slug]]
        picked = [i for i in claims if i is not None and i not in used][:limit]
        if not picked:
            picked = _supporting(doc, result, used, limit)
        used.update(picked)
        out[result.slug] = picked
    return out


def _tokens(doc: Document, unit: int) -> Sequence[Word]:
    return doc.title_words if unit < 0 else doc.sentences[unit].words


def _display(phrase: str, tokens: Sequence[Word], start: int, stop: int) -> str | None:
    """The catalog phrase, or the article's noun phrase where the phrase is a pattern or an adjective."""
    if "*" not in phrase and not (stop - start == 1 and tokens[start].pos in _ADJ):
        return phrase
    end = stop
    while end < len(tokens) and end - stop < 2 and tokens[end - 1].pos in _ADJ and tokens[end].pos in _ADJ:
        end += 1
    if tokens[end - 1].pos in _ADJ:
        if end >= len(tokens) or tokens[end].pos != "NOUN":
            return None  # an adjective without its noun is not a keyword
        end += 1
    if tokens[end - 1].pos != "NOUN":
        return None
    span = tokens[start:end]
    text = nominative([w.text for w in span], "LOC")
    first = span[0].text
    if not (len(first) > 1 and first.isupper()) and not is_name(first):
        text = text[:1].lower() + text[1:]
    return text


def theme_keywords(doc: Document, result: ThemeResult, limit: int = MAX_THEME_KEYWORDS) -> list[str]:
    """Matched keywords of a theme, strongest first, as words a reader recognises."""
    out: list[str] = []
    for phrase in result.keywords:
        unit, start, stop = result.spans[phrase]
        shown = _display(phrase, _tokens(doc, unit), start, stop)
        if shown and shown.lower() not in {k.lower() for k in out}:
            out.append(shown)
        if len(out) >= limit:
            break
    return out
