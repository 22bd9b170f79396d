"""Propose the themes of a new anchor analysis: clusters of its own claim sentences.

Why clustering and not a fixed list: each analysis the channel publishes has its own subjects, and
the admins who make it an anchor should only have to rename, drop or merge what the bot offers.
An analysis argues one subject per paragraph or two, so sentences are grouped by what they share:
lemmas (TF-IDF within the text), meaning (navec sentence vectors), names (capitalised words
inside sentences), and place (same paragraph). A sentence that opens with a link ("Тем не менее, …") stays with the one before
it; the thesis and the summing-up conclusion are the whole text's point, not a theme, so they are
left out. Average-linkage merging runs until the closest two groups are no longer alike, within 3
to 8 themes. Each theme gets the analysis's own sentences as claims, keywords and entities of
those sentences, a title and an emoji from a small table of subjects.

The title is a key phrase of the group said in one of its claims, the one with the best claim
centrality divided by phrase rank: a group's top keyword can be a neighbouring idea its sentences
mention in passing, while its central claims are what the card will be read as. A phrase is
never taken from under a negation ("не …", "а не …", "нельзя назвать …"): an analysis names what
a relationship is NOT as often as what it is. Titles sharing a noun with an earlier proposal's
title are skipped, so two cards never read alike.

``bench/eval_quality.py`` checks the proposals against the eight hand-made themes of the December
2025 analysis (``recovered``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .catalog import Theme, ThemeCatalog
from .discourse import is_topic_sentence, leans_back, states_thesis
from .document import Document, Sentence
from .entities import document_entities
from .keywords import MAX_KEYWORDS, extract_keywords
from .semantic import background_idf, in_vocabulary, sentence_vectors
from .summarize import _conclusion, shorten, summarize, tfidf_matrix

MIN_THEMES, MAX_THEMES = 3, 8
MAX_CLAIMS = 4
# Weights of the sentence similarity and the average-linkage level below which groups stay apart.
LEXICAL, SEMANTIC, ENTITY, SAME_PARAGRAPH = 0.4, 0.3, 0.15, 0.25
MERGE_MIN = 0.3
DESCRIPTION_CHARS = 160
TITLE_CANDIDATES = 20  # key phrases of a group considered for its title (the first MAX_KEYWORDS are kept)
# Words that put the phrase after them (in the same clause, within NEGATION_REACH words) under negation.
NEGATIONS = frozenset({"не", "нет", "ни", "нельзя", "никакой", "отнюдь", "без", "перестать"})
NEGATION_REACH = 6
CLAUSE_STARTS = frozenset({"но", "а", "однако", "зато", "что", "который", "которые", "которая", "которое"})
NOT_NEGATING = frozenset({"только", "лишь", "просто", "столько"})  # "не только X, но и Y" affirms X
# Stems of subject words → emoji; the first stem found in a theme's keywords and claims wins.
EMOJI = (
    ("виз", "🛂"), ("коридор", "🚆"), ("транзит", "🚆"), ("логист", "🚆"), ("транспорт", "🚆"),
    ("сырь", "⛏️"), ("минерал", "⛏️"), ("уран", "⛏️"), ("металл", "⛏️"), ("цепоч", "🔗"), ("поставк", "🔗"),
    ("прав", "⚖️"), ("свобод", "⚖️"), ("внутренн", "⚖️"), ("многовектор", "🧭"), ("баланс", "🧭"),
    ("диверсиф", "🧭"), ("соперни", "♟️"), ("конкурен", "♟️"), ("геополит", "♟️"), ("влияни", "♟️"),
    ("правил", "🇪🇺"), ("стандарт", "🇪🇺"), ("инвест", "💶"), ("санкц", "🚫"), ("нефт", "🛢️"),
    ("газ", "🛢️"), ("энерг", "⚡"), ("торгов", "📦"), ("экспорт", "📦"), ("безопасн", "🛡️"),
    ("войн", "🛡️"), ("образова", "🎓"), ("технолог", "💻"), ("климат", "🌿"), ("выбор", "🗳️"),
)
DEFAULT_EMOJI = "📌"
_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(), strict=True))


@dataclass(frozen=True)
class ProposedTheme:
    """One proposed theme, ready to show as a card and to edit; ``to_theme`` makes it a catalog theme."""

    slug: str
    title: str
    emoji: str
    description: str
    claims: tuple[str, ...]
    keywords: tuple[str, ...]
    entities: tuple[str, ...]

    def to_theme(self) -> Theme:
        """A catalog theme: its keywords score articles, its claims and description give its meaning.

        No context frame: a proposed theme has no hand-written list of the places it lives in."""
        return Theme(slug=self.slug, emoji=self.emoji, title=self.title, description=self.description,
                     profile=" ".join(self.claims), claims=list(self.claims),
                     keywords=list(self.keywords) + [e for e in self.entities if len(e) > 3])


@dataclass(frozen=True)
class Proposal:
    """The themes proposed for one analysis, in the order the analysis takes them up."""

    title: str
    themes: tuple[ProposedTheme, ...]

    def catalog(self) -> ThemeCatalog:
        return ThemeCatalog(t.to_theme() for t in self.themes)


def _slug(title: str, used: set[str]) -> str:
    base = "".join(_TRANSLIT.get(ch, ch) for ch in title.lower())
    base = "-".join("".join(ch if ch.isascii() and ch.isalnum() else " " for ch in base).split())[:40] or "theme"
    slug, k = base, 2
    while slug in used:
        slug, k = f"{base}-{k}", k + 1
    used.add(slug)
    return slug


def _emoji(keywords: Sequence[str], claims: Sequence[str]) -> str:
    """The subject named first in the top keywords, else in the claims; a pin when none is."""
    text = " ".join([*keywords[:3], *claims]).lower()
    hits = [(text.find(stem), emoji) for stem, emoji in EMOJI if stem in text]
    keyword_text = " ".join(keywords[:3]).lower()
    preferred = [(keyword_text.find(stem), emoji) for stem, emoji in EMOJI if stem in keyword_text]
    return min(preferred or hits, default=(0, DEFAULT_EMOJI))[1]


def _similarity(doc: Document, members: list[int]) -> np.ndarray:
    """Pairwise similarity of the member sentences (lexical, semantic, names, paragraph)."""
    sentences = [doc.sentences[i] for i in members]
    lexical = tfidf_matrix([s.content for s in sentences])
    sim = LEXICAL * (lexical @ lexical.T)
    vectors = sentence_vectors([s.content for s in sentences])
    if vectors is not None:
        sim += SEMANTIC * np.clip(vectors @ vectors.T, 0.0, 1.0)
    names = [{w.lemma for k, w in enumerate(s.words) if k > 0 and w.text[:1].isupper()} for s in sentences]
    for a, left in enumerate(names):
        for b, right in enumerate(names):
            if left and right:
                sim[a, b] += ENTITY * len(left & right) / len(left | right)
            if sentences[a].paragraph == sentences[b].paragraph:
                sim[a, b] += SAME_PARAGRAPH
    return sim


def _cluster(doc: Document, members: list[int]) -> list[list[int]]:
    """Average-linkage groups of member sentences; a leaning sentence starts with its antecedent."""
    groups: list[list[int]] = []
    for pos, i in enumerate(members):
        if groups and pos > 0 and members[pos - 1] == i - 1 and leans_back(doc.sentences[i].text):
            groups[-1].append(pos)
        else:
            groups.append([pos])
    sim = _similarity(doc, members)
    # A theme is a subject the text argues, not a passing sentence: about three sentences each.
    most = min(MAX_THEMES, max(MIN_THEMES, math.ceil(len(members) / 3)))
    while len(groups) > MIN_THEMES:
        best, pair = -math.inf, (0, 1)
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                link = float(sim[np.ix_(groups[a], groups[b])].mean())
                if link > best:
                    best, pair = link, (a, b)
        if best < MERGE_MIN and len(groups) <= most:
            break
        a, b = pair
        groups[a] = sorted(groups[a] + groups.pop(b))
    return [[members[p] for p in g] for g in sorted(groups, key=min)]


def _claims(doc: Document, group: list[int], centrality: dict[int, float]) -> list[int]:
    """Up to MAX_CLAIMS sentences of a group, the most central first, each leaning sentence with
    the sentences it leans on; returned in text order."""
    members = set(group)
    keep: set[int] = set()
    for i in sorted(group, key=lambda k: -centrality[k]):
        first = i
        while leans_back(doc.sentences[first].text) and first - 1 in members:
            first -= 1
        if leans_back(doc.sentences[first].text) and first > 0:
            continue  # what it refers to is not in this theme
        need = set(range(first, i + 1)) - keep
        if len(keep) + len(need) <= MAX_CLAIMS:
            keep |= need
    return sorted(keep)


def _salient_nouns(part: Document, limit: int = 3) -> list[str]:
    """For a group too short for key phrases: its most specific real nouns (in general news)."""
    nouns = {w.lemma for s in part.sentences for w in s.words
             if w.pos == "NOUN" and w.is_content and in_vocabulary(w.lemma) and not w.text[:1].isupper()}
    return sorted(nouns, key=lambda lemma: (-background_idf(lemma), lemma))[:limit]


def _lemmas(phrase: str) -> tuple[str, ...]:
    """Lemmas of a key phrase as displayed (nominative, so its lemmas are the text's)."""
    return tuple(w.lemma for w in Document.build("", phrase).sentences[0].words) if phrase.strip() else ()


def _negated(sentence: Sentence, start: int) -> bool:
    """True if the word at ``start`` is under a negation: "не"/"нельзя"/"без"… a few words before it
    in the same clause (no comma, colon or dash between), and not "не только"; the rejected side of
    "скорее X, чем Y"; or named by a negated predicate after it ("X-ом назвать нельзя")."""
    words = sentence.words
    for k in range(start - 1, max(-1, start - 1 - NEGATION_REACH), -1):
        if words[k].text.lower() == "чем" and any(w.text.lower() == "скорее" for w in words[:k]):
            return True
    for k in range(start - 1, max(-1, start - 1 - NEGATION_REACH), -1):
        between = sentence.text[words[k].stop:words[k + 1].start]
        if any(mark in between for mark in ",;:—–()") or words[k].text.lower() in CLAUSE_STARTS:
            return False
        if words[k].lemma in NEGATIONS or words[k].text.lower() in NEGATIONS:
            return not (k + 1 < len(words) and words[k + 1].text.lower() in NOT_NEGATING)
    # After it: "X-ом назвать нельзя", "X-ом это не станет" (a negated predicate naming it).
    for k in range(start + 1, min(len(words), start + 1 + NEGATION_REACH)):
        between = sentence.text[words[k - 1].stop:words[k].start]
        if any(mark in between for mark in ",;:—–()") or words[k].text.lower() in CLAUSE_STARTS:
            return False
        lowered = words[k].text.lower()
        if lowered == "нельзя" or lowered in {"не", "нет"} and words[start].case == "ablt":
            return True
    return False


def _occurrences(sentence: Sentence, lemmas: tuple[str, ...]) -> list[int]:
    """Word positions where the phrase (as a run of lemmas) starts in the sentence."""
    seq = [w.lemma for w in sentence.words]
    n = len(lemmas)
    return [k for k in range(len(seq) - n + 1) if n and tuple(seq[k:k + n]) == lemmas]


def _nouns(phrase: str) -> set[str]:
    """Noun lemmas of a phrase (all its lemmas if none is a noun): two titles sharing one read alike."""
    words = Document.build("", phrase).sentences[0].words if phrase.strip() else ()
    return {w.lemma for w in words if w.pos == "NOUN"} or {w.lemma for w in words}


def _title(doc: Document, centrality: dict[int, float], phrases: list[str], taken: list[set[str]]) -> str | None:
    """The group's title: among the phrases its claims say affirmatively, the one with the best
    claim centrality / phrase rank (a top phrase in a central claim); else its best phrase not said
    only under negation. Phrases sharing a noun with a title already ``taken`` are skipped."""
    parsed = [(p, _lemmas(p)) for p in phrases]
    fresh = [(p, lem) for p, lem in parsed if lem and not any(_nouns(p) & t for t in taken)]
    best, choice = 0.0, None
    for i, weight in centrality.items():
        sentence = doc.sentences[i]
        for rank, (phrase, lemmas) in enumerate(fresh, 1):
            if weight / rank > best and any(not _negated(sentence, k) for k in _occurrences(sentence, lemmas)):
                best, choice = weight / rank, phrase
    if choice is not None:
        return choice
    for phrase, lemmas in fresh:
        said = [(s, k) for s in doc.sentences for k in _occurrences(s, lemmas)]
        if not said or any(not _negated(s, k) for s, k in said):
            return phrase
    return None


def propose_themes(title: str, text: str) -> Proposal:
    """3–8 themes of an analysis (fewer if it has fewer claim sentences)."""
    doc = Document.build(title, text)
    summary = summarize(doc, 1)
    point = {summary.tldr_index, _conclusion(doc)} - {None}
    if summary.tldr_index is not None and states_thesis(doc.sentences[summary.tldr_index].text):
        # An analysis that opens by stating its thesis: that whole paragraph frames the text.
        opening = doc.sentences[summary.tldr_index].paragraph
        point |= {s.index for s in doc.sentences if s.paragraph == opening}
    members = [s.index for s in doc.sentences
               if s.index not in point and not is_topic_sentence(s.text, len(s.words)) and s.content]
    if not members:
        return Proposal(doc.title, ())
    groups = _cluster(doc, members) if len(members) > 1 else [members]
    relevance = summary.relevance
    used: set[str] = set()
    taken: list[set[str]] = []
    themes = []
    for group in groups:
        centrality = {i: float(relevance[i]) for i in group}
        quoted = _claims(doc, group, centrality)
        claims = [doc.sentences[i].text for i in quoted]
        part = Document.build("", "\n\n".join(doc.sentences[i].text for i in group))
        phrases = extract_keywords(part, TITLE_CANDIDATES) or _salient_nouns(part)
        keywords = phrases[:MAX_KEYWORDS]
        standalone = [i for i in group if not leans_back(doc.sentences[i].text)] or group
        ranked = sorted(standalone, key=lambda i: -centrality[i])
        said = set(quoted) & set(standalone) or set(standalone)  # the card's own claims first
        phrase = _title(doc, {i: centrality[i] for i in sorted(said)}, phrases, taken)
        if phrase is None:
            continue  # nothing a title could name
        taken.append(_nouns(phrase))
        entities = [e.text for e in document_entities(part)][:8]
        name = phrase[:1].upper() + phrase[1:]
        central = doc.sentences[ranked[0]].text
        themes.append(ProposedTheme(
            slug=_slug(name, used), title=name, emoji=_emoji(keywords, claims),
            description=shorten(central, DESCRIPTION_CHARS), claims=tuple(claims),
            keywords=tuple(keywords), entities=tuple(entities),
        ))
    return Proposal(doc.title, tuple(themes))


def recovered(proposal: Proposal, catalog: ThemeCatalog) -> dict[str, str]:
    """Hand-made themes a proposal recovers: theme slug → proposed slug, one proposal per theme.

    A proposal matches a theme when it quotes at least half of the theme's claim sentences (at
    least one); a maximum bipartite matching then pairs them one to one."""
    candidates: dict[str, list[str]] = {}
    for theme in catalog:
        claims = set(theme.claims)
        need = max(1, math.ceil(len(claims) / 2))
        candidates[theme.slug] = [p.slug for p in proposal.themes if len(claims & set(p.claims)) >= need]
    owner: dict[str, str] = {}

    def assign(slug: str, seen: set[str]) -> bool:
        for p in candidates[slug]:
            if p not in seen:
                seen.add(p)
                if p not in owner or assign(owner[p], seen):
                    owner[p] = slug
                    return True
        return False

    for slug in candidates:
        assign(slug, set())
    return {slug: p for p, slug in owner.items()}


def theme_slug(title: str, used: set[str]) -> str:
    """A slug for an (admin-edited) title, transliterated, unique against `used` (which it joins)."""
    return _slug(title, used)
