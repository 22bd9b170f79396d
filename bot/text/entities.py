"""Named entities (places, organisations, people) with normal forms.

Why slovnet: its news NER model ships in the natasha wheel and runs offline on numpy; our own
forward pass over its weights (``ner.FastNER``) takes a few ms per long article. Spans are put into the nominative with pymorphy3 (see ``inflect``), short and
long names of the same thing are merged ("ЕС", "Евросоюз" → "Европейский союз"), and the result
is ordered by how often the article mentions each entity. Without the NER weights a small
fallback uses pymorphy3's Geox/Orgn/Name/Surn tags on capitalised words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from razdel import tokenize
from razdel.substring import Substring

from .document import Document
from .inflect import nominative
from .lang import word_info
from .models import MORPH, NER
from .ner import tag_runs

ENTITY_TYPES = ("LOC", "ORG", "PER")
MAX_ENTITIES = 15

_EU = ("Европейский союз", "ORG")
_RU = ("Россия", "LOC")
_CN = ("Китай", "LOC")
_KZ = ("Казахстан", "LOC")
_US = ("США", "LOC")
_EC = ("Европейская комиссия", "ORG")
# Lower-cased normal form -> canonical (text, type). Only names whose short and long forms
# are both common in the news, so the card lists each actor once.
ALIASES: dict[str, tuple[str, str]] = {
    "ес": _EU,
    "евросоюз": _EU,
    "европейский союз": _EU,
    "eu": _EU,
    "european union": _EU,
    "рф": _RU,
    "российская федерация": _RU,
    "russia": _RU,
    "кнр": _CN,
    "китайская народная республика": _CN,
    "china": _CN,
    "рк": _KZ,
    "республика казахстан": _KZ,
    "kazakhstan": _KZ,
    "сша": _US,
    "соединённые штаты": _US,
    "соединенные штаты": _US,
    "соединенные штаты америки": _US,
    "еврокомиссия": _EC,
    "европейская комиссия": _EC,
    "ек": _EC,
    "оон": ("ООН", "ORG"),
    "нато": ("НАТО", "ORG"),
    "еаэс": ("ЕАЭС", "ORG"),
    "шос": ("ШОС", "ORG"),
    "одкб": ("ОДКБ", "ORG"),
    "ебрр": ("ЕБРР", "ORG"),
    "еиб": ("ЕИБ", "ORG"),
    "обсе": ("ОБСЕ", "ORG"),
    "европарламент": ("Европарламент", "ORG"),
    "европейский парламент": ("Европарламент", "ORG"),
}
_FALLBACK_TAGS = (("Geox", "LOC"), ("Orgn", "ORG"), ("Surn", "PER"), ("Name", "PER"))


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity in its normal form: text ("Казахстан") and type ("LOC" | "ORG" | "PER")."""

    text: str
    type: str

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "type": self.type}


Unit = tuple[str, Sequence[Substring]]  # a text and its razdel tokens


def _tags(tokens: Sequence[str]) -> list[str]:
    ner = NER.get()
    return ner.tag(tokens) if ner is not None else _fallback_tags(tokens)


def _fallback_tags(tokens: Sequence[str]) -> list[str]:
    """Capitalised words that pymorphy3 knows as places, organisations or names."""
    morph = MORPH.get()
    out = []
    for token in tokens:
        kind = None
        if token[:1].isupper() and word_info(token)[1] == "NOUN":
            tag = morph.parse(token)[0].tag
            kind = next((k for grammeme, k in _FALLBACK_TAGS if grammeme in tag), None)
        out.append(f"B-{kind}" if kind else "O")
    return out


def _mentions(units: Sequence[Unit]) -> list[tuple[str, str]]:
    """(surface, type) of each mention, in text order; the units are tagged as one sequence
    (the sentences of an article), and a mention never runs past the end of its unit."""
    flat = [(u, tok) for u, (_, tokens) in enumerate(units) for tok in tokens]
    out = []
    for start, stop, kind in tag_runs(_tags([tok.text for _, tok in flat])):
        unit = flat[start][0]
        while flat[stop - 1][0] != unit:
            stop -= 1
        out.append((units[unit][0][flat[start][1].start : flat[stop - 1][1].stop], kind))
    return out


@lru_cache(maxsize=20_000)
def canonical(surface: str, kind: str) -> tuple[str, str] | None:
    """Normal form and type of one entity mention (None for junk spans).

    Cached: putting a name into the nominative costs pymorphy3 parses of every word, and news
    names the same actors in the same forms article after article."""
    tokens = [t.text for t in tokenize(surface) if any(ch.isalnum() for ch in t.text)]
    if not tokens or sum(len(t) for t in tokens) < 2:
        return None
    lowered = " ".join(tokens).lower()
    if lowered in ALIASES:
        return ALIASES[lowered]
    normal = nominative(tokens, kind)
    alias = ALIASES.get(normal.lower())
    if alias:
        return alias
    if not any(ch.isupper() for ch in normal):
        return None
    return normal, kind


def _rank(mentions: Sequence[tuple[str, str]], limit: int) -> list[Entity]:
    """One entry per normal form, most mentioned first (ties: first mention first); its type is
    the one the model assigned most often."""
    counts: Counter[str] = Counter()
    types: dict[str, Counter[str]] = {}
    for surface, kind in mentions:
        found = canonical(surface, kind) if kind in ENTITY_TYPES else None
        if found is None:
            continue
        name, kind = found
        counts[name] += 1  # Counter keeps first-insertion order: ties stay in text order
        types.setdefault(name, Counter())[kind] += 1
    ranked = sorted(counts, key=lambda k: -counts[k])
    return [Entity(name, types[name].most_common(1)[0][0]) for name in ranked[:limit]]


def extract_entities(title: str, text: str, limit: int = MAX_ENTITIES) -> list[Entity]:
    """Entities of an article, most mentioned first (ties: first mention first)."""
    chunks = [c for c in (title, text) if c]
    return _rank([m for c in chunks for m in _mentions([(c, list(tokenize(c)))])], limit)


def document_entities(doc: Document, limit: int = MAX_ENTITIES) -> list[Entity]:
    """``extract_entities`` of a parsed article, reusing the tokens it already has."""
    title = _mentions([(doc.title, doc.title_tokens)]) if doc.title else []
    return _rank(title + _mentions([(s.text, s.tokens) for s in doc.sentences]), limit)
