"""Corpus knowledge from navec (shipped inside the natasha wheel): embeddings and word counts.

Why: (1) keyword evidence is precise but brittle near the threshold and blind to words the
catalog lacks; the cosine between an article's lemma centroid and the centroid of a theme's
describing prose moves the score (``bench/eval_quality.py`` reports it on and off, and
cross-validated). (2) navec's
vocabulary carries word counts from ~1.2B tokens of Russian news: a background frequency list,
used as IDF so that "многовекторность" outranks "речь" without any corpus of our own. When
navec is missing, embeddings are None and every word gets the same IDF.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

from .lang import words
from .models import NAVEC


def centroid(lemmas: Iterable[str], idf_power: float = 0.0) -> np.ndarray | None:
    """Unit-length mean of the embeddings of the lemmas navec knows (None if none/no navec);
    ``idf_power`` > 0 weights each lemma by ``background_idf ** idf_power`` (see below)."""
    vectors = sentence_vectors([list(lemmas)], idf_power)
    return vectors[0] if vectors is not None and vectors[0].any() else None


def sentence_vectors(bags: Sequence[Sequence[str]], idf_power: float = 0.0) -> np.ndarray | None:
    """Unit-length mean embedding per lemma bag, one row each (zeros where navec knows no lemma).

    Decodes each distinct lemma of the article once, in one product-quantization lookup, so
    embedding all its sentences costs well under a millisecond for a typical article.
    ``idf_power`` > 0 weights every lemma by its background specificity to that power: in a plain
    mean, "год", "страна", "заявить" pull every news text towards the same point, so all themes
    look alike; weighted, "редкоземельный" or "реадмиссия" decide where a text lies.
    """
    navec = NAVEC.get()
    if navec is None or not bags:
        return None
    word_ids = navec.vocab.word_ids
    rows, ids, weights = [], [], []
    for row, bag in enumerate(bags):
        for lem in bag:
            word_id = word_ids.get(lem)
            if word_id is not None:
                rows.append(row)
                ids.append(word_id)
                if idf_power:
                    weights.append(background_idf(lem) ** idf_power)
    pq = navec.pq
    if not ids:
        return np.zeros((len(bags), pq.dim))
    # Decode each distinct word once, then sum per bag as (bag × word counts) @ vectors.
    unique, inverse = np.unique(np.asarray(ids), return_inverse=True)
    vectors = pq.codes[pq.qdims, pq.indexes[unique]].reshape(len(unique), pq.dim)
    counts = np.bincount(np.asarray(rows) * len(unique) + inverse, weights=weights or None,
                         minlength=len(bags) * len(unique))
    out = (counts.reshape(len(bags), len(unique)).astype(np.float32) @ vectors).astype(np.float64)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1.0, norms)


def phrases_centroid(phrases: Iterable[str], idf_power: float = 0.0) -> np.ndarray | None:
    """Centroid of the content lemmas of catalog phrases (a theme's vocabulary)."""
    return centroid((w.lemma for phrase in phrases for w in words(phrase.replace("*", "")) if w.is_content), idf_power)


def pieces_matrix(pieces: Iterable[str], idf_power: float = 0.0) -> np.ndarray | None:
    """One unit row per piece of prose (None without navec or when navec knows none of it)."""
    rows = [v for v in (phrases_centroid([p], idf_power) for p in pieces if p) if v is not None]
    return np.vstack(rows) if rows else None


def cosine(a: np.ndarray | None, b: np.ndarray | None) -> float | None:
    """Cosine of unit vectors; against a matrix of unit rows, the mean cosine over the rows."""
    if a is None or b is None:
        return None
    return float(np.mean(b @ a)) if b.ndim == 2 else float(a @ b)


def in_vocabulary(lemma: str) -> bool:
    """True if navec's news corpus has this word form (always True without navec).

    Used to tell real words from pymorphy3's guesses: "токаи" (from "Токаев") or
    "полуночь" are lemmas no newspaper ever printed."""
    navec = NAVEC.get()
    return navec is None or lemma in navec.vocab.word_ids


@lru_cache(maxsize=1)
def _total_count() -> int:
    navec = NAVEC.get()
    return int(np.sum(navec.vocab.counts)) if navec is not None else 0


@lru_cache(maxsize=200_000)
def background_idf(lemma: str) -> float:
    """Specificity of a lemma in [0, 1]: 0 for the commonest words, 1 for unseen ones."""
    total = _total_count()
    if not total:
        return 1.0
    vocab = NAVEC.get().vocab
    word_id = vocab.word_ids.get(lemma)
    count = vocab.counts[word_id] if word_id is not None else 0
    return min(1.0, math.log(total / (count + 1)) / math.log(total / 10))
