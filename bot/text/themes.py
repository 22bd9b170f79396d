"""Theme detection: which catalog themes an article is substantially about.

Why this scoring: a theme must be *substantially* present, not mentioned in passing, and an
article about Kazakhstan or the EU is not automatically about these themes. So evidence comes
from the theme's own keyword phrases (multi-word phrases weigh more than single words, repeats
of one phrase saturate, related words only reinforce sentences that already carry a keyword),
is spread over how many sentences support it, and is discounted when the article is outside the
theme's frame (no Kazakhstan / Central Asia / Caspian context).

Meaning then moves a score that has keyword evidence: the mean cosine between the article's
centroid and each piece of prose that describes the theme (title, description, profile, each of
the anchor's claims; see ``CompiledTheme``), both centroids weighting lemmas by their background
IDF squared. Prose says what the theme is about in the words articles use, so this keeps working
when an article's words are missing from the keyword list; per piece and IDF-weighted, it tells
the themes of one topic apart where one plain centroid mostly told on-topic from off-topic.
The weight, pivot and threshold are chosen by 5-fold cross-validation on the dev set only, on
full catalogs and on catalogs thinned to 70% of their keywords, because unseen articles use words
the catalog lacks (``bench/text_theme_cv.py``): CV F1 0.864 (thinned 0.834) against 0.844 for
one plain centroid. The folds pick (0.8, 0.45, 0.45) most often; the shipped (0.6, 0.5, 0.4) ties
it on dev F1 (0.894) and within 0.003 on thinned catalogs, and keeps the catalog threshold 0.4
that themes already stored for admins' anchors carry.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .catalog import MEANING_IDF_POWER, CompiledTheme, ThemeCatalog
from .document import Document
from .matcher import Match
from .semantic import centroid, cosine
from .stopwords import ALL as STOP

PHRASE_WEIGHT = 1.0  # a multi-word keyword
WORD_WEIGHT = 0.7  # a single-word keyword
RELATED_WEIGHT = 0.25  # a related word in a sentence that has a keyword
RELATED_ALONE = 0.1  # a related word elsewhere (only if the article has keywords at all)
TITLE_FACTOR = 1.5  # the title states what the article is about
REPEAT_FACTORS = (1.0, 0.5, 0.25)  # one phrase repeated counts less each time, then not at all
SENTENCE_CAP = 2.0  # one keyword-stuffed sentence cannot carry a theme alone
OUT_OF_FRAME = 0.35  # evidence factor for articles without the theme's context
SCALE = 2.2  # evidence at which the score reaches 1 - 1/e
SEMANTIC_WEIGHT = 0.6  # how far meaning similarity may move a score that has keyword evidence
SEMANTIC_PIVOT = 0.5  # cosine at which the semantic term is neutral
LONG_TEXT_WORDS = 150  # longer texts get their evidence damped (more room for passing mentions)


@dataclass(frozen=True, slots=True)
class ThemeParams:
    """How keyword evidence and meaning similarity combine; benches sweep these in CV."""

    semantic_weight: float = SEMANTIC_WEIGHT
    semantic_pivot: float = SEMANTIC_PIVOT
    threshold: float | None = None  # None: each theme's own threshold

    def combine(self, keyword_score: float, similarity: float | None) -> float:
        """Meaning moves a score that has keyword evidence; it never creates one from nothing."""
        if keyword_score <= 0 or similarity is None:
            return keyword_score
        return min(1.0, max(0.0, keyword_score + self.semantic_weight * (similarity - self.semantic_pivot)))


DEFAULT_PARAMS = ThemeParams()


@dataclass
class ThemeResult:
    """Score of one theme for one article, with the evidence behind it."""

    slug: str
    score: float
    present: bool
    sentences: list[int] = field(default_factory=list)  # supporting sentence indices, best first
    keywords: list[str] = field(default_factory=list)  # matched catalog phrases, strongest first
    # first occurrence of each matched phrase: (sentence index or -1 for the title, token start, stop)
    spans: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    in_frame: bool = False
    keyword_score: float = 0.0  # the score from keywords alone
    similarity: float | None = None  # cosine of the article with the theme's meaning


def _weight(match: Match) -> float:
    return PHRASE_WEIGHT if match.size > 1 else WORD_WEIGHT


def _overlaps(match: Match, spans: list[Match]) -> bool:
    return any(match.start < s.stop and s.start < match.stop for s in spans)


LemmaUnits = list[tuple[int, list[str], float]]


def _units(doc: Document) -> LemmaUnits:
    """(sentence index or -1 for the title, lemmas, weight factor) for every scored text unit."""
    units: LemmaUnits = []
    if doc.title_words:
        units.append((-1, [w.lemma for w in doc.title_words], TITLE_FACTOR))
    units.extend((s.index, [w.lemma for w in s.words], 1.0) for s in doc.sentences)
    return units


def _length_damping(n_words: int) -> float:
    """Long analyses mention many things in passing; damp their evidence logarithmically.

    Counted in words, not sentences, so list-like texts (one item per line) are not penalised.
    """
    return 1.0 / (1.0 + 0.5 * math.log(max(1.0, n_words / LONG_TEXT_WORDS)))


Evidence = tuple[float, list[tuple[float, int]], dict[str, float], dict[str, tuple[int, int, int]]]


def _evidence(units: LemmaUnits, compiled: CompiledTheme) -> Evidence:
    """Keyword evidence, supporting sentences (weight, index), per-phrase weights and first spans."""
    spans: dict[str, tuple[int, int, int]] = {}
    repeats: dict[str, int] = defaultdict(int)
    phrase_weight: dict[str, float] = defaultdict(float)
    support: list[tuple[float, int]] = []
    evidence = 0.0
    related_alone = 0.0
    for index, lemmas, factor in units:
        keyword_hits = compiled.keywords.find(lemmas)
        related_hits = [m for m in compiled.related.find(lemmas) if not _overlaps(m, keyword_hits)]
        if not keyword_hits:
            related_alone += RELATED_ALONE * len(related_hits) * factor
            continue
        unit = RELATED_WEIGHT * len(related_hits)
        for m in keyword_hits:
            rep = repeats[m.phrase]
            repeats[m.phrase] += 1
            unit += _weight(m) * (REPEAT_FACTORS[rep] if rep < len(REPEAT_FACTORS) else 0.0)
            phrase_weight[m.phrase] += _weight(m)
            spans.setdefault(m.phrase, (index, m.start, m.stop))
        unit = min(unit, SENTENCE_CAP) * factor
        evidence += unit
        if index >= 0:
            support.append((unit, index))
    if evidence > 0:
        evidence += min(related_alone, 1.0)
    return evidence, support, phrase_weight, spans


def _in_frame(compiled: CompiledTheme, units: LemmaUnits, frames: dict[tuple[str, ...], bool]) -> bool:
    # A theme without context (e.g. added by an admin) has no frame to be outside of.
    if not compiled.context.size:
        return True
    key = tuple(compiled.theme.context)
    if key not in frames:
        frames[key] = bool(compiled.context.find([lem for _, lemmas, _ in units for lem in lemmas]))
    return frames[key]


def score_theme(
    doc: Document,
    compiled: CompiledTheme,
    units: LemmaUnits,
    doc_vector: np.ndarray | None = None,
    params: ThemeParams = DEFAULT_PARAMS,
    frames: dict[tuple[str, ...], bool] | None = None,
) -> ThemeResult:
    """Score one theme on one article (see the module docstring for the model).

    ``frames`` remembers, per context list, whether the article is in that frame: the themes of a
    catalog share one context from its defaults, so it is looked up once per article."""
    evidence, support, phrase_weight, spans = _evidence(units, compiled)
    in_frame = _in_frame(compiled, units, frames if frames is not None else {})
    if not in_frame:
        evidence *= OUT_OF_FRAME
    keyword_score = 1.0 - math.exp(-evidence * _length_damping(doc.n_words) / SCALE)
    similarity = cosine(doc_vector, compiled.meaning)
    score = params.combine(keyword_score, similarity)
    threshold = compiled.theme.threshold if params.threshold is None else params.threshold
    support.sort(key=lambda x: (-x[0], x[1]))
    return ThemeResult(
        slug=compiled.theme.slug,
        score=round(score, 4),
        present=score >= threshold,
        sentences=[i for _, i in support],
        keywords=sorted(phrase_weight, key=lambda p: -phrase_weight[p]),
        spans=spans,
        in_frame=in_frame,
        keyword_score=keyword_score,
        similarity=similarity,
    )


def score_themes(
    doc: Document, catalog: ThemeCatalog, *, semantic: bool = True, params: ThemeParams = DEFAULT_PARAMS
) -> list[ThemeResult]:
    """All themes of the catalog scored on the article, best first."""
    units = _units(doc)
    content = (lem for _, lemmas, _ in units for lem in lemmas if lem not in STOP)
    vector = centroid(content, MEANING_IDF_POWER) if semantic else None
    frames: dict[tuple[str, ...], bool] = {}
    results = [score_theme(doc, c, units, vector, params, frames) for c in catalog.compiled()]
    results.sort(key=lambda r: -r.score)
    return results
