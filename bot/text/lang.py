"""Russian text primitives: paragraphs, sentences, word tokens, cached lemmas and POS.

Why one module: the summarizer, theme matcher, keyword extractor and entity normalizer must see
exactly the same segmentation and lemmas, otherwise a keyword that matches in one place silently
fails in another. razdel does segmentation, pymorphy3 does lemmas; Latin words are lower-cased
only, so English text flows through the same code without crashing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from razdel import sentenize, tokenize
from razdel.substring import Substring

from .models import MORPH
from .stopwords import is_stop

_WORD_RE = re.compile(r"\w", re.UNICODE)
_CYRILLIC_RE = re.compile(r"[а-яёА-ЯЁ]")
_PARA_SPLIT_RE = re.compile(r"\s*\n\s*")
_SPACE_RE = re.compile(r"[ \t\u00a0\u2009\u202f]+")
# Sentences of plain Russian or English words, numbers and common punctuation are split by a regex
# exactly as razdel splits them (checked on every sentence of the dev and test sets); anything
# else (dashes or hyphens touching words, decimals, letters next to digits, mixed scripts, other
# symbols, dots inside a sentence) goes to razdel, whose rules handle it.
_SIMPLE_RE = re.compile(r"[А-Яа-яЁёA-Za-z0-9 ,;:()«»\"!?.—–-]*")
_TRICKY_RE = re.compile(
    r"\d[.,:]\d|\.(?=\S)|-(?![А-Яа-яЁёA-Za-z0-9])|(?<![А-Яа-яЁёA-Za-z0-9])-|[\w][—–]|[—–]\w"
    r"|[A-Za-z][А-Яа-яЁё]|[А-Яа-яЁё][A-Za-z]|[^\W\d_]\d|\d[^\W\d_]"
)
_SIMPLE_TOKEN_RE = re.compile(r"\w+(?:-\w+)*|\.\.\.|[?!]+|[^\w\s]")

# Parts of speech whose lemmas carry topic content (pymorphy3 / OpenCorpora tags).
CONTENT_POS = frozenset({"NOUN", "ADJF", "ADJS", "VERB", "INFN", "PRTF", "PRTS", "NUMR", None})


class Word(NamedTuple):
    """One word token: surface text, lemma, POS and case (None for Latin/digits), offsets.

    A NamedTuple, not a frozen dataclass: an article has thousands of words and building a
    tuple is several times cheaper, which shows in the time to summarize.
    """

    text: str
    lemma: str
    pos: str | None
    case: str | None
    start: int
    stop: int
    is_content: bool  # lemma worth counting for similarity/keywords (see ``_is_content``)


def _is_content(lemma: str, pos: str | None) -> bool:
    """Not a stop word, not a lone digit/letter, and a part of speech that carries topic."""
    return len(lemma) > 1 and not lemma.isdigit() and not is_stop(lemma) and pos in CONTENT_POS


def normalize_space(text: str) -> str:
    """Collapse runs of spaces (incl. NBSP) inside a line; keep newlines."""
    return _SPACE_RE.sub(" ", text).strip()


def paragraphs(text: str) -> list[str]:
    """Split on line breaks: every line of page text is a paragraph, heading or list item."""
    return [p for p in (normalize_space(x) for x in _PARA_SPLIT_RE.split(text or "")) if p]


def sentences(text: str) -> list[str]:
    """Sentences in article order; never crosses a paragraph boundary."""
    out: list[str] = []
    for para in paragraphs(text):
        out.extend(s.text.strip() for s in sentenize(para) if s.text.strip())
    return out


@lru_cache(maxsize=200_000)
def word_info(word: str) -> tuple[str, str | None, str | None, bool]:
    """(lemma, POS, case, is content) of one word form; cached: news vocabulary repeats heavily.

    ``lru_cache`` is thread-safe for concurrent readers and writers, and pymorphy3 parsing is
    read-only over its DAWG dictionaries.
    """
    low = word.lower().replace("ё", "е")
    if not _CYRILLIC_RE.search(low):
        return low, None, None, _is_content(low, None)
    tag = (parse := MORPH.get().parse(low)[0]).tag
    lem, pos = parse.normal_form.replace("ё", "е"), tag.POS or None
    return lem, pos, tag.case or None, _is_content(lem, pos)


_NAME_TAGS = frozenset({"Geox", "Name", "Surn", "Patr", "Orgn", "Abbr", "Trad"})


@lru_cache(maxsize=50_000)
def is_name(word: str) -> bool:
    """True when pymorphy3's best reading is a place, person, organisation or abbreviation."""
    if not _CYRILLIC_RE.search(word):
        return word[:1].isupper()
    tag = MORPH.get().parse(word.lower())[0].tag
    return any(g in tag for g in _NAME_TAGS)


def lemma(word: str) -> str:
    """Normal form of a word (lower-case, ё→е)."""
    return word_info(word)[0]


def tokens(text: str) -> list[Substring]:
    """razdel's tokens of a sentence, punctuation included (a regex does the plain ones, faster)."""
    if _SIMPLE_RE.fullmatch(text) and not _TRICKY_RE.search(text):
        return [Substring(m.start(), m.end(), m.group()) for m in _SIMPLE_TOKEN_RE.finditer(text)]
    return list(tokenize(text))


def words(text: str, offset: int = 0, tokens: Sequence[Substring] | None = None) -> list[Word]:
    """Word tokens (letters/digits only, punctuation dropped) with lemmas and offsets.

    ``tokens``: razdel's tokens of ``text`` when the caller already has them."""
    out: list[Word] = []
    for tok in tokenize(text) if tokens is None else tokens:
        if not _WORD_RE.search(tok.text):
            continue
        lem, pos, case, content = word_info(tok.text)
        out.append(Word(tok.text, lem, pos, case, tok.start + offset, tok.stop + offset, content))
    return out


def lemmas(text: str) -> list[str]:
    """All lemmas of a text in order (used to compile keyword phrases and for ROUGE)."""
    return [w.lemma for w in words(text)]


def content_lemmas(text: str) -> list[str]:
    """Lemmas of content words only."""
    return [w.lemma for w in words(text) if w.is_content]


def simple_tokens(text: str) -> list[str]:
    """Lower-cased razdel word tokens without lemmatization (ROUGE, sumy adapter)."""
    return [t.text.lower().replace("ё", "е") for t in tokenize(text or "") if _WORD_RE.search(t.text)]
