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


def centroid(lemmas: Iterable[str]) -> np.ndarray | None:
    """Unit-length mean of the embeddings of the lemmas navec knows (None if none/no navec)."""
    vectors = sentence_vectors([list(lemmas)])
    return vectors[0] if vectors is not None and vectors[0].any() else None


def sentence_vectors(bags: Sequence[Sequence[str]]) -> np.ndarray | None:
    """Unit-length mean embedding per lemma bag, one row each (zeros where navec knows no lemma).

    Decodes each distinct lemma of the article once, in one product-quantization lookup, so
    embedding all its sentences costs well under a millisecond for a typical article.
    """
    navec = NAVEC.get()
    if navec is None or not bags:
        return None
    word_ids = navec.vocab.word_ids
    rows, ids = [], []
    for row, bag in enumerate(bags):
        for lem in bag:
            word_id = word_ids.get(lem)
            if word_id is not None:
                rows.append(row)
                ids.append(word_id)
    pq = navec.pq
    if not ids:
        return np.zeros((len(bags), pq.dim))
    # Decode each distinct word once, then sum per bag as (bag × word counts) @ vectors.
    unique, inverse = np.unique(np.asarray(ids), return_inverse=True)
    vectors = pq.codes[pq.qdims, pq.indexes[unique]].reshape(len(unique), pq.dim)
    counts = np.bincount(np.asarray(rows) * len(unique) + inverse, minlength=len(bags) * len(unique))
    out = (counts.reshape(len(bags), len(unique)).astype(np.float32) @ vectors).astype(np.float64)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1.0, norms)


def phrases_centroid(phrases: Iterable[str]) -> np.ndarray | None:
    """Centroid of the content lemmas of catalog phrases (a theme's vocabulary)."""
    return centroid(w.lemma for phrase in phrases for w in words(phrase.replace("*", "")) if w.is_content)


def cosine(a: np.ndarray | None, b: np.ndarray | None) -> float | None:
    if a is None or b is None:
        return None
    return float(a @ b)


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
