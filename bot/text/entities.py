"""Named entities (places, organisations, people) with normal forms.

Why slovnet: its news NER model ships in the natasha wheel and runs offline on numpy in ~20 ms
per long article. Spans are put into the nominative with pymorphy3 (see ``inflect``), short and
long names of the same thing are merged ("ЕС", "Евросоюз" → "Европейский союз"), and the result
is ordered by how often the article mentions each entity. Without the NER weights a small
fallback uses pymorphy3's Geox/Orgn/Name/Surn tags on capitalised words.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from razdel import tokenize

from .inflect import nominative
from .lang import word_info
from .models import MORPH, NER

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


def _spans(text: str) -> list[tuple[int, int, str]]:
    ner = NER.get()
    if ner is not None:
        return ner.spans(text)
    return _fallback_spans(text)


def _fallback_spans(text: str) -> list[tuple[int, int, str]]:
    """Capitalised words that pymorphy3 knows as places, organisations or names."""
    morph = MORPH.get()
    out: list[tuple[int, int, str]] = []
    for tok in tokenize(text):
        if not tok.text[:1].isupper() or word_info(tok.text)[1] != "NOUN":
            continue
        tag = morph.parse(tok.text)[0].tag
        kind = next((k for grammeme, k in _FALLBACK_TAGS if grammeme in tag), None)
        if kind:
            out.append((tok.start, tok.stop, kind))
    return out


def canonical(surface: str, kind: str) -> tuple[str, str] | None:
    """Normal form and type of one entity mention (None for junk spans)."""
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


def extract_entities(title: str, text: str, limit: int = MAX_ENTITIES) -> list[Entity]:
    """Entities of an article, most mentioned first (ties: first mention first).

    One entry per normal form; its type is the one the model assigned most often.
    """
    counts: Counter[str] = Counter()
    types: dict[str, Counter[str]] = {}
    first: dict[str, int] = {}
    position = 0
    for chunk in (title, text):
        if not chunk:
            continue
        for start, stop, kind in _spans(chunk):
            found = canonical(chunk[start:stop], kind) if kind in ENTITY_TYPES else None
            if found is None:
                continue
            name, kind = found
            counts[name] += 1
            types.setdefault(name, Counter())[kind] += 1
            first.setdefault(name, position + start)
        position += len(chunk) + 1
    ranked = sorted(counts, key=lambda k: (-counts[k], first[k]))
    return [Entity(name, types[name].most_common(1)[0][0]) for name in ranked[:limit]]
