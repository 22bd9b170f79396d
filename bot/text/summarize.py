"""Extractive summarizer: directed LexRank over lemma TF-IDF with a lead prior, then MMR.

Why this design: news and analysis put the point up front, so a position prior (personalized
PageRank teleport decaying with position) beats pure centrality on short news; centrality still
finds the sentences an analysis keeps returning to. The graph is directed as in PACSUM (Zheng &
Lapata 2019): a sentence earns centrality mostly from the sentences *after* it that elaborate on
it, not from those before it that it merely repeats. MMR keeps the 2–5 chosen sentences from
repeating each other and, gently, makes them cover the article's recurring key words and the
title words the lines chosen so far lack. Everything is numpy over one article and navec's
pre-trained vectors, so it is fast and needs no corpus of our own. Measured choices and rejected alternatives:
bench/eval_quality.py (--split; --extra scores a second XL-Sum-like set).

Two graphs: the tl;dr comes from the lexical one (shared lemmas), which is sharp and finds the
one sentence the article keeps returning to. The other summary sentences come from a graph that
also counts navec similarity, so paraphrases ("Брюссель" / "Евросоюз") support each other; that
graph is denser and flatter, which leaves more weight to the lead prior: the right bias for the
supporting sentences of news, the wrong one for the single line that must state the point.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .discourse import is_topic_sentence, leans_back, states_thesis
from .document import Document, Sentence
from .semantic import background_idf, sentence_vectors

MIN_SENTENCES = 2
MAX_SENTENCES = 5
DAMPING = 0.85
# Teleport mass decays as exp(-position / LEAD_DECAY): the first ~10 sentences (two or three
# paragraphs of news) form the lead; results are flat for decays 7–30 on the dev checks.
LEAD_DECAY = 10.0
# Relative weight of a walk step to a *later* sentence (steps to earlier ones weigh 1), so rank
# flows back to the sentences that later text elaborates on. 1.0 is undirected LexRank.
FORWARD_WEIGHT = 0.5
# Share of navec cosine in the edge weights of the supporting-sentence graph (0 = lexical only).
# Flat for 0.2–0.5 on the dev checks; 0.1 is barely better than lexical only.
SEMANTIC_WEIGHT = 0.3
# Summary length follows the article's length in words, which a reader feels, not its sentence
# count (an essay of short sentences is not longer news): up to 300 words → 2 sentences,
# 1,000 → 3, 2,000 → 4, longer → 5.
WORDS_PER_LENGTH = (300, 1000, 2000)
MMR_LAMBDA = 0.7
# Concept coverage in MMR (see ``_Coverage``): the gain of the richest sentence, and how much a
# title word weighs next to the article's commonest specific word. Chosen on the dev checks only
# (XL-Sum dev at 3 sentences, lead restored, follow-up headlines): 0.1 / 1.0 was no worse on any of
# them and better on two (+0.006, +0.003 ROUGE-1); 0.2 and above drifted from the lead.
COVERAGE = 0.1
TITLE_BOOST = 1.0
DUPLICATE_SIM = 0.6
LEXRANK_THRESHOLD = 0.1  # Erkan and Radev's cosine threshold for an edge of the centrality variant
TLDR_MAX_CHARS = 320
_MIN_WORDS = 5
_MAX_WORDS = 70
_NORM_RE = re.compile(r"\W+")
# Edmundson's location and cue methods: an analysis states its conclusion in its last paragraph,
# usually opened by a summing-up phrase. The directed graph alone never picks it, because a
# conclusion restates what came before it, so a summary of two or more sentences always keeps it.
CONCLUSION_CUES = ("в целом", "таким образом", "итак", "в итоге", "подводя итог", "в сухом остатке",
                   "in conclusion", "overall", "in sum")
CONCLUSION_MIN_PARAGRAPHS = 4
# An analysis (as many paragraphs as one with a conclusion) often opens with the setting and states
# its thesis in the next sentence ("Формально это выглядит как…, однако по сути речь идёт о…"):
# a sentence of the opening paragraph that states a thesis becomes the tl;dr when the walk ranks
# it nearly as high as the first one.
THESIS_MIN_RELEVANCE = 0.8


@dataclass(frozen=True, slots=True)
class RankParams:
    """Ranking knobs, defaulted to the shipped values; benches sweep them to check robustness."""

    lead_decay: float = LEAD_DECAY
    forward_weight: float = FORWARD_WEIGHT
    damping: float = DAMPING
    semantic_weight: float = SEMANTIC_WEIGHT
    coverage: float = COVERAGE
    title_boost: float = TITLE_BOOST
    # Bench variants, off in the product (bench/eval_quality.py --variants; neither moved dev ROUGE):
    # share of plain LexRank centrality in the supporting sentences' relevance, and share of word
    # forms next to lemmas in the lexical similarity.
    centrality: float = 0.0
    surface_weight: float = 0.0


DEFAULT_PARAMS = RankParams()


@dataclass(frozen=True, slots=True)
class Summary:
    """Chosen sentence indices (article order), the tl;dr index and per-sentence relevance."""

    indices: list[int]
    tldr_index: int | None
    relevance: np.ndarray


def default_length(n_words: int, n_sentences: int) -> int:
    """2 sentences for a short news item, up to 5 for a long analysis (never more than it has)."""
    target = next((MIN_SENTENCES + i for i, limit in enumerate(WORDS_PER_LENGTH) if n_words <= limit),
                  MAX_SENTENCES)
    return max(1, min(target, n_sentences))


def tfidf_matrix(bags: Sequence[Sequence[str]]) -> np.ndarray:
    """L2-normalized TF-IDF rows for lemma bags; IDF comes from the article's own sentences."""
    vocab: dict[str, int] = {}
    for bag in bags:
        for lem in bag:
            vocab.setdefault(lem, len(vocab))
    mat = np.zeros((len(bags), max(1, len(vocab))), dtype=np.float64)
    for row, bag in enumerate(bags):
        for lem, count in Counter(bag).items():
            mat[row, vocab[lem]] = 1.0 + math.log(count)
    df = (mat > 0).sum(axis=0)
    mat *= np.log1p(len(bags) / np.maximum(df, 1))
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    return mat / np.where(norms == 0, 1.0, norms)


def personalized_pagerank(
    sim: np.ndarray, prior: np.ndarray, damping: float = DAMPING, forward_weight: float = 1.0
) -> np.ndarray:
    """Continuous LexRank: stationary distribution of the similarity graph, teleporting by prior.

    ``forward_weight`` < 1 makes the walk directed: a step from sentence i to a later sentence
    j > i counts that much, a step back to an earlier one counts fully, so a sentence gathers
    rank from what follows it (PACSUM's position-aware centrality, as a random walk).
    """
    n = sim.shape[0]
    weights = sim.copy()
    if forward_weight != 1.0:
        weights[np.triu_indices(n, 1)] *= forward_weight
    np.fill_diagonal(weights, 0.0)
    row_sums = weights.sum(axis=1, keepdims=True)
    # Isolated sentences teleport by the prior instead of leaking rank.
    trans = np.where(row_sums > 0, weights / np.where(row_sums == 0, 1.0, row_sums), prior[None, :])
    rank = prior.copy()
    for _ in range(100):
        new = (1 - damping) * prior + damping * (rank @ trans)
        if np.abs(new - rank).sum() < 1e-8:
            rank = new
            break
        rank = new
    return rank / max(rank.max(), 1e-12) if n else rank


def _position_prior(doc: Document, title_sim: np.ndarray, lead_decay: float = LEAD_DECAY) -> np.ndarray:
    """Lead bias decaying with position, a small bonus for paragraph openers and for the title.

    The title term only shapes the teleport: putting title similarity into the final score
    helped where the lead paragraph is cut out (XL-Sum) but pulled the tl;dr off a lead that is
    present, which is what real articles have (see bench/eval_quality.py, "lead restored").
    """
    n = len(doc.sentences)
    pos = np.exp(-np.arange(n, dtype=np.float64) / lead_decay)
    opener = np.array(
        [1.0 if i == 0 or s.paragraph != doc.sentences[i - 1].paragraph else 0.0 for i, s in enumerate(doc.sentences)]
    )
    prior = pos + 0.15 * opener + 0.5 * title_sim
    return prior / prior.sum()


def _conclusion(doc: Document) -> int | None:
    """The sentence that sums up a long text: a cue phrase opening (one of) its last paragraphs."""
    paragraphs = {s.paragraph for s in doc.sentences}
    if len(paragraphs) < CONCLUSION_MIN_PARAGRAPHS:
        return None
    last = max(paragraphs)
    for sentence in reversed(doc.sentences):
        if sentence.paragraph < last - 1:
            return None
        if sentence.text.lower().lstrip("«\"( ").startswith(CONCLUSION_CUES):
            return sentence.index
    return None


def _thesis(doc: Document, relevance: np.ndarray, tldr: int) -> int:
    """In an analysis, the opening paragraph's thesis sentence instead of its setting sentence."""
    if len({s.paragraph for s in doc.sentences}) < CONCLUSION_MIN_PARAGRAPHS:
        return tldr
    paragraph = doc.sentences[tldr].paragraph
    for s in doc.sentences:
        if (s.paragraph == paragraph and s.index != tldr and states_thesis(s.text) and not leans_back(s.text)
                and relevance[s.index] >= THESIS_MIN_RELEVANCE * relevance[tldr]):
            return s.index
    return tldr


def _length_factor(sentence: Sentence) -> float:
    """Down-weight fragments (captions, headings, topic announcements) and run-on sentences."""
    n = len(sentence.words)
    if n < _MIN_WORDS or is_topic_sentence(sentence.text, n):
        return 0.3
    if n > _MAX_WORDS:
        return 0.7
    if sentence.text.rstrip().endswith((":", "?")):
        return 0.6
    return 1.0


def _mmr(relevance: np.ndarray, sim: np.ndarray, k: int, texts: list[str], seeds: list[int],
         coverage: _Coverage | None = None) -> list[int]:
    """Greedy maximal marginal relevance after ``seeds``; near-duplicates are never picked twice.

    With ``coverage``, a sentence also earns for the key words no chosen sentence has yet."""
    chosen: list[int] = list(dict.fromkeys(seeds))[:k]
    seen: set[str] = {_NORM_RE.sub(" ", texts[i].lower()).strip() for i in chosen}
    covered: set[str] = coverage.covered(chosen) if coverage else set()
    candidates = [int(i) for i in np.argsort(-relevance) if i not in chosen]
    while len(chosen) < k and candidates:
        best, best_score = None, -math.inf
        for i in candidates:
            if i > 0 and i - 1 not in chosen and leans_back(texts[i]):
                continue  # "Тем не менее, …" without what it answers reads as a non sequitur
            redundancy = max((sim[i, j] for j in chosen), default=0.0)
            if redundancy > DUPLICATE_SIM or _NORM_RE.sub(" ", texts[i].lower()).strip() in seen:
                continue
            score = MMR_LAMBDA * relevance[i] - (1 - MMR_LAMBDA) * redundancy
            if coverage:
                score += coverage.gain(i, covered)
            if score > best_score:
                best, best_score = i, score
        if best is None:
            break
        chosen.append(int(best))
        if coverage:
            covered |= coverage.covered([best])
        seen.add(_NORM_RE.sub(" ", texts[best].lower()).strip())
        candidates.remove(best)
    return sorted(chosen)


@dataclass(frozen=True, slots=True)
class _Coverage:
    """The article's key words (concepts) and which of them each sentence carries.

    Why: a summary of three sentences should cover what the article is about, not three sides
    of its single most central point. Concepts are content lemmas that recur (in two sentences or
    more), weighted by how often they recur times their background specificity, plus the title's
    words, which the writer chose to say what the text is about; a candidate earns for the
    concept weight no chosen sentence carries yet (Gillick and Favre's concept coverage, greedy).
    """

    weights: dict[str, float]
    sentences: tuple[frozenset[str], ...]
    scale: float  # the gain of the richest sentence is ``weight``

    @classmethod
    def build(cls, doc: Document, weight: float, title_boost: float) -> _Coverage | None:
        if weight <= 0:
            return None
        df = Counter(lem for s in doc.sentences for lem in set(s.content))
        weights = {lem: count * background_idf(lem) for lem, count in df.items() if count >= 2}
        top = max(weights.values(), default=1.0)
        for w in doc.title_words:
            if w.is_content:
                weights[w.lemma] = weights.get(w.lemma, 0.0) + title_boost * top
        weights = {lem: v for lem, v in weights.items() if v > 0}
        sentences = tuple(frozenset(s.content) & weights.keys() for s in doc.sentences)
        richest = max((sum(weights[lem] for lem in bag) for bag in sentences), default=0.0)
        if not richest:
            return None
        return cls(weights, sentences, weight / richest)

    def covered(self, indices: Sequence[int]) -> set[str]:
        return {lem for i in indices for lem in self.sentences[i]}

    def gain(self, index: int, covered: set[str]) -> float:
        return self.scale * sum(self.weights[lem] for lem in self.sentences[index] - covered)


@dataclass(frozen=True, slots=True)
class _Graph:
    """What both walks share: lexical similarity, teleport prior and length weights."""

    sim: np.ndarray
    prior: np.ndarray
    lengths: np.ndarray

    @classmethod
    def build(cls, doc: Document, params: RankParams) -> _Graph:
        n = len(doc.sentences)
        title_bag = [w.lemma for w in doc.title_words if w.is_content]
        mat = tfidf_matrix([s.content for s in doc.sentences] + [title_bag])
        prior = _position_prior(doc, mat[:n] @ mat[n], params.lead_decay)
        lengths = np.array([_length_factor(s) for s in doc.sentences])
        sim = mat[:n] @ mat[:n].T
        if params.surface_weight > 0:
            forms = tfidf_matrix([[w.text.lower().replace("ё", "е") for w in s.words if w.is_content]
                                  for s in doc.sentences])
            sim = (1 - params.surface_weight) * sim + params.surface_weight * (forms @ forms.T)
        return cls(sim, prior, lengths)

    def centrality(self) -> np.ndarray:
        """Plain LexRank (Erkan and Radev 2004): eigenvector centrality of the thresholded graph."""
        n = self.sim.shape[0]
        adjacency = (self.sim > LEXRANK_THRESHOLD).astype(np.float64)
        rank = personalized_pagerank(adjacency, np.full(n, 1.0 / n)) * self.lengths
        return rank / max(rank.max(), 1e-12)

    def walk(self, params: RankParams, vectors: np.ndarray | None = None) -> np.ndarray:
        """Relevance in [0, 1]; with sentence ``vectors`` the edges blend in their cosine."""
        edges = self.sim
        if vectors is not None:
            w = params.semantic_weight
            edges = (1 - w) * self.sim + w * np.clip(vectors @ vectors.T, 0.0, 1.0)
        relevance = personalized_pagerank(edges, self.prior, params.damping, params.forward_weight) * self.lengths
        return relevance / max(relevance.max(), 1e-12)


def rank(doc: Document, params: RankParams = DEFAULT_PARAMS) -> tuple[np.ndarray, np.ndarray]:
    """Lexical relevance in [0, 1] per sentence (the tl;dr's) and the sentence similarity matrix."""
    if not doc.sentences:
        return np.zeros(0), np.zeros((0, 0))
    graph = _Graph.build(doc, params)
    return graph.walk(params), graph.sim


def summarize(doc: Document, n: int | None = None, params: RankParams = DEFAULT_PARAMS) -> Summary:
    """Pick ``n`` (default: by article length) sentences and the one-line tl;dr sentence."""
    count = len(doc.sentences)
    if count == 0:
        return Summary([], None, np.zeros(0))
    graph = _Graph.build(doc, params)
    relevance = graph.walk(params)
    k = default_length(doc.n_words, count) if n is None else max(1, min(int(n), count))
    # The tl;dr favours the opening even more: one line must state the news, not a detail.
    # It also opens the summary, so the two never contradict each other.
    lead = 1.0 / np.sqrt(np.arange(1, count + 1, dtype=np.float64))
    tldr_index = _thesis(doc, relevance, int(np.argmax(relevance * lead)))
    if k > 1 and params.semantic_weight > 0:
        vectors = sentence_vectors([s.content for s in doc.sentences])
        if vectors is not None:
            relevance = graph.walk(params, vectors)
    if k > 1 and params.centrality > 0:
        relevance = (1 - params.centrality) * relevance + params.centrality * graph.centrality()
    conclusion = _conclusion(doc)
    seeds = [tldr_index] if conclusion is None else [tldr_index, conclusion]
    indices = _mmr(relevance, graph.sim, k, doc.texts, seeds, _Coverage.build(doc, params.coverage, params.title_boost))
    return Summary(indices, tldr_index, relevance)


def shorten(sentence: str, limit: int = TLDR_MAX_CHARS) -> str:
    """Cut an over-long sentence at a clause boundary so the tl;dr stays one line."""
    if len(sentence) <= limit:
        return sentence
    head = sentence[:limit]
    for sep in ("; ", " — ", ", ", " "):
        cut = head.rfind(sep)
        if cut > limit // 2:
            return head[:cut].rstrip(",;— ") + "…"
    return head.rstrip() + "…"
