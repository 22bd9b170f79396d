"""Putting Russian noun phrases into their dictionary (nominative) form with pymorphy3.

Why: entity and keyword spans come out of text in any case ("с Европейским союзом",
"Центральной Азии"); cards must show "Европейский союз", "Центральная Азия". natasha does this
with its own normalizer, which needs pymorphy2 (broken on 3.11), so the same idea is done here:
the head noun goes to the nominative, adjectives before it agree with it, the words after it
(a genitive complement such as "банк реконструкции и развития") stay as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from .models import MORPH

_ADJ = {"ADJF", "PRTF", "NUMR"}
_PERSON_TAGS = ("Surn", "Name", "Patr")
# The reading an entity type vouches for: "Астану" is both a place (Астана, accusative) and a
# man's name (Астан, dative), and pymorphy3 scores them equally.
_KIND_TAGS = {"LOC": "Geox", "ORG": "Orgn"}


def _restore_case(surface: str, form: str) -> str:
    """Keep abbreviations as written; otherwise copy each hyphen part's initial capital."""
    if len(surface) > 1 and surface.isupper():
        return surface
    parts, caps = form.split("-"), [p[:1].isupper() for p in surface.split("-")]
    if len(caps) != len(parts):
        caps = [surface[:1].isupper()] + [False] * (len(parts) - 1)
    return "-".join(p[:1].upper() + p[1:] if cap else p for p, cap in zip(parts, caps, strict=True))


def _inflect(parse: Any, grammemes: set[str], surface: str) -> str:
    """Inflect, but keep the word as written when pymorphy3 returns a suppletive or odd form
    (superlatives: "лучшую" -> "наихорошая")."""
    try:
        form = parse.inflect(grammemes)
    except ValueError:
        form = None
    word = form.word if form is not None else ""
    if not word or word[:2] != surface[:2].lower().replace("ё", "е")[:2] or "Supr" in parse.tag:
        word = surface.lower()
    return _restore_case(surface, word)


def _person_options(parses: list[Any]) -> list[tuple[str, str]]:
    """(case, gender) readings of a token as a singular name, surname or patronymic."""
    return [(p.tag.case, p.tag.gender) for p in parses if "sing" in p.tag and any(t in p.tag for t in _PERSON_TAGS)]


def _pick_reading(common: list[tuple[str, str]]) -> tuple[str, str]:
    """Prefer the nominative, except the classic trap: a man's name in the genitive
    ("Касым-Жомарта Токаева") also reads as a woman's name in the nominative."""
    nomn = [o for o in common if o[0] == "nomn"]
    masc_oblique = [o for o in common if o[1] == "masc" and o[0] in ("gent", "accs")]
    if masc_oblique and nomn and all(o[1] == "femn" for o in nomn):
        return masc_oblique[0]
    return nomn[0] if nomn else common[0]


def _person(tokens: Sequence[str]) -> str:
    """A person's name to the nominative: all name parts share one case and gender.

    Parts pymorphy3 does not know as names ("фон", "дер", foreign surnames) stay as written;
    for hyphenated names ("Касым-Жомарта") only the last part inflects.
    """
    morph = MORPH.get()
    lasts = [tok.rsplit("-", 1)[-1] for tok in tokens]
    parses = [morph.parse(last) for last in lasts]
    options = [_person_options(p) for p in parses]
    known = [o for o in options if o]
    if not known:
        return " ".join(tokens)
    common = [o for o in known[0] if all(o in other for other in known[1:])] or known[0]
    case, gender = _pick_reading(common)
    if case == "nomn":
        return " ".join(tokens)
    out: list[str] = []
    for tok, last, token_parses in zip(tokens, lasts, parses, strict=True):
        parse = next(
            (
                p
                for p in token_parses
                if "sing" in p.tag
                and p.tag.case == case
                and p.tag.gender == gender
                and any(t in p.tag for t in _PERSON_TAGS)
            ),
            None,
        )
        if parse is None:
            out.append(tok)
            continue
        head = tok[: len(tok) - len(last)]
        out.append(head + _inflect(parse, {"nomn"}, last))
    return " ".join(out)


def _head_index(parses: list[list[Any]]) -> int | None:
    """The first word whose most likely reading is a noun (else the first that can be one)."""
    for i, options in enumerate(parses):
        if options and options[0].tag.POS == "NOUN":
            return i
    for i, options in enumerate(parses):
        if any(p.tag.POS == "NOUN" for p in options):
            return i
    return None


def _agreeing(parses: list[list[Any]], head: int, kind: str) -> tuple[Any, list[Any]] | None:
    """Head-noun parse and adjective parses that share case (and number) with it.

    Noun readings that fit the entity type go first, person-name readings of a place or an
    organisation last; otherwise pymorphy3's order stands.
    """
    wanted = _KIND_TAGS.get(kind)

    def fit(parse: Any) -> int:
        if wanted and wanted in parse.tag:
            return 0
        return 2 if any(t in parse.tag for t in _PERSON_TAGS) else 1

    nouns = sorted((p for p in parses[head] if p.tag.POS == "NOUN"), key=fit)
    for noun in nouns:
        adjs: list[Any] = []
        for options in parses[:head]:
            match = next(
                (
                    p
                    for p in options
                    if p.tag.POS in _ADJ and p.tag.case == noun.tag.case and p.tag.number == noun.tag.number
                ),
                None,
            )
            if match is None:
                break
            adjs.append(match)
        else:
            return noun, adjs
    return None


def nominative(tokens: Sequence[str], kind: str = "LOC") -> str:
    """Dictionary form of a noun phrase; ``kind`` "PER" treats it as a person's name.

    Cached: each call parses every word with pymorphy3, and the same phrases and names come back
    in article after article."""
    return _nominative(tuple(t for t in tokens if t), kind)


@lru_cache(maxsize=20_000)
def _nominative(tokens: tuple[str, ...], kind: str) -> str:
    if not tokens:
        return ""
    if kind == "PER":
        return _person(tokens)
    morph = MORPH.get()
    parses = [morph.parse(t) for t in tokens]
    head = _head_index(parses)
    agreed = _agreeing(parses, head, kind) if head is not None else None
    if head is None or agreed is None:
        return " ".join(tokens)
    noun, adjs = agreed
    number = noun.tag.number or "sing"
    if any("Supr" in p.tag or "Cmp2" in p.tag for p in adjs):
        return " ".join(tokens)  # pymorphy3 mangles superlatives ("лучшую" -> "наихорошая")
    out = [_inflect(noun, {"nomn", number}, tokens[head]) if noun.tag.case != "nomn" else tokens[head]]
    agreement = {"nomn", "plur"} if number == "plur" else {"nomn", noun.tag.gender or "masc", "sing"}
    adj_forms = [
        _inflect(p, agreement, tok) if noun.tag.case != "nomn" else tok
        for p, tok in zip(adjs, tokens[:head], strict=True)
    ]
    return " ".join(adj_forms + out + list(tokens[head + 1 :]))
