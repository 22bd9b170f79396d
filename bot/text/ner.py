"""slovnet's news NER, run by our own forward pass over its weights: same tags, a third of the time.

Why: entities were 60% of ``analyze`` and made a full analysis slower than sumy's LexRank summary
alone. slovnet's numpy inference is written for batches: it tokenizes again, swaps axes around
every layer, builds convolution windows with a strided copy and decodes the CRF with an index
grid per token. Here one article is one sequence, so each convolution is a single matmul against
the three kernel taps side by side (then shifted sums), batch-norm is folded into a scale and
shift, and Viterbi runs only over the stretches where a tag other than O is plausible; elsewhere
the emission for O dominates and Viterbi picks O (see ``O_MARGIN``). A forward pass holds no
state, so calls from several threads need no lock. ``tests/text/test_entities_api.py`` holds the
spans to slovnet's own on the anchor.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import threading

import numpy as np

WORD_CACHE = 6000  # first-layer rows kept (18 MB): the commonest forms cover most of a news text
# Positions whose O emission beats every other tag by this much are taken as O and cut the
# article into stretches decoded independently. The model's transition scores span -7.9..5.0, so
# in theory a path could overturn such a margin; on the anchor, the 50 dev texts and the 57
# test texts (1,165 entities) the spans equal slovnet's own decoding.
O_MARGIN = 10.0


@lru_cache(maxsize=100_000)
def _shape(word: str) -> str:
    from slovnet.shape import word_shape

    return word_shape(word)


class FastNER:
    """Tags token sequences with a loaded ``slovnet.NER`` model's weights (read-only, thread-safe)."""

    def __init__(self, model: Any, cache_words: int | None = None) -> None:
        self._model = model  # the loaded slovnet.NER, kept for its vocabularies
        infer = model.infer
        tag = infer.model
        self._words = infer.encoder.words_vocab
        self._shapes = infer.encoder.shapes_vocab
        self.tags: list[str] = list(infer.decoder.tags_vocab.items)
        self._outside = self.tags.index("O")
        word = tag.emb.word
        self._indexes, self._codes = word.indexes.array, word.codes.array
        self._qdims = np.arange(self._codes.shape[0])
        self._shape_emb = tag.emb.shape.weight.array
        self._layers = []
        for layer in tag.encoder.layers:
            weight = layer.conv.weight.array  # filters × in × 3
            filters, _, taps = weight.shape
            stacked = np.concatenate([weight[:, :, k].T for k in range(taps)], axis=1)  # in × (3·filters)
            norm = layer.norm
            scale = norm.weight.array / norm.std.array
            shift = norm.bias.array - norm.mean.array * scale
            self._layers.append((np.ascontiguousarray(stacked, dtype=np.float32), layer.conv.bias.array,
                                 filters, taps, scale, shift))
        self._proj_w, self._proj_b = tag.head.proj.weight.array, tag.head.proj.bias.array
        # The first layer is two thirds of the work and linear in its input, so it splits into a
        # word part and a shape part. The shape part has 66 rows: computed once. The word part is
        # computed once per word form and kept for the next article (news repeats its vocabulary),
        # up to WORD_CACHE forms; then the cache starts over, which bounds its memory.
        first = self._layers[0][0]
        dim = self._codes.shape[0] * self._codes.shape[2]
        self._first_word, self._first_shape = first[:dim], self._shape_emb.astype(np.float32) @ first[dim:]
        self._cache_rows = np.zeros((cache_words or WORD_CACHE, first.shape[1]), dtype=np.float32)
        self._cache_ids: dict[int, int] = {}
        self._cache_lock = threading.Lock()
        self._transitions = tag.head.crf.transitions.array

    def forget(self) -> None:
        """Drop the cached first-layer rows (benches measure the cold path with it)."""
        with self._cache_lock:
            self._cache_ids.clear()

    def _first_layer(self, word_ids: np.ndarray, shape_ids: np.ndarray) -> np.ndarray:
        """Output of the first convolution's matmul (tokens × taps·filters), word rows cached."""
        with self._cache_lock:
            rows = self._cache_ids
            unique = {int(w) for w in word_ids}
            missing = [w for w in unique if w not in rows]
            if len(rows) + len(missing) > len(self._cache_rows):
                rows.clear()
                missing = list(unique)
            vectors = self._codes[self._qdims, self._indexes[missing]].reshape(len(missing), self._first_word.shape[0])
            fresh = vectors.astype(np.float32) @ self._first_word
            if len(missing) > len(self._cache_rows):  # one text with more distinct words than the cache
                local = dict(zip(missing, range(len(missing)), strict=True))
                return fresh[[local[int(w)] for w in word_ids]] + self._first_shape[shape_ids]
            start = len(rows)
            self._cache_rows[start : start + len(missing)] = fresh
            rows.update((w, start + k) for k, w in enumerate(missing))
            index = np.fromiter((rows[int(w)] for w in word_ids), dtype=np.int64, count=len(word_ids))
            return self._cache_rows[index] + self._first_shape[shape_ids]

    def emissions(self, tokens: Sequence[str]) -> np.ndarray:
        """Per-token tag scores (tokens × tags)."""
        n = len(tokens)
        word_ids = np.fromiter((self._words.encode(t.lower()) for t in tokens), dtype=np.int64, count=n)
        shape_ids = np.fromiter((self._shapes.encode(_shape(t)) for t in tokens), dtype=np.int64, count=n)
        x = None
        for depth, (stacked, bias, filters, taps, scale, shift) in enumerate(self._layers):
            pad = taps // 2
            z = np.zeros((n + 2 * pad, stacked.shape[1]), dtype=np.float32)
            z[pad : pad + n] = self._first_layer(word_ids, shape_ids) if depth == 0 else x @ stacked
            # output[t] = Σ_k W_k · input[t + k - pad]: tap k of row t + k of the padded product
            y = bias + sum(z[k : k + n, k * filters : (k + 1) * filters] for k in range(taps))
            x = np.maximum(y, 0.0) * scale + shift
        return x @ self._proj_w + self._proj_b

    def _viterbi(self, em: np.ndarray) -> np.ndarray:
        """Best tag paths of a batch of equal-length emission rows (segments × positions × tags)."""
        segments, length, tags = em.shape
        back = np.zeros((segments, length, tags), dtype=np.int64)
        score = em[:, 0]
        for t in range(1, length):
            total = score[:, :, None] + self._transitions[None]  # segment × from × to
            best = total.argmax(1)
            back[:, t] = best
            score = np.take_along_axis(total, best[:, None, :], 1)[:, 0] + em[:, t]
        path = np.zeros((segments, length), dtype=np.int64)
        path[:, -1] = score.argmax(1)
        rows = np.arange(segments)
        for t in range(length - 1, 0, -1):
            path[:, t - 1] = back[rows, t, path[:, t]]
        return path

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """One tag per token ("O", "B-LOC", "I-PER", …): exact Viterbi, cut where O is certain.

        Positions whose O emission beats every other tag by ``O_MARGIN`` are fixed to O; the
        stretches between two of them (each including both) are independent given those O's, so
        all stretches are decoded at once, as one batch padded with O, in as many steps as the
        longest stretch rather than the whole article."""
        n = len(tokens)
        if not n:
            return []
        # <pad> stays a possible tag, as in slovnet's own decoding (it reads as O in the spans).
        em = self.emissions(tokens).astype(np.float64)
        outside = self._outside
        others = np.delete(em, [outside], axis=1).max(axis=1)
        cuts = np.flatnonzero(em[:, outside] - others > O_MARGIN)
        em[cuts] = -1e9
        em[cuts, outside] = 0.0
        bounds = sorted({0, n - 1, *cuts.tolist()})
        pieces = list(zip(bounds[:-1], bounds[1:])) or [(0, 0)]
        length = max(b - a + 1 for a, b in pieces)
        batch = np.full((len(pieces), length, em.shape[1]), -1e9)
        batch[:, :, outside] = 0.0
        for k, (a, b) in enumerate(pieces):
            batch[k, : b - a + 1] = em[a : b + 1]
        paths = self._viterbi(batch)
        out = np.full(n, outside, dtype=np.int64)
        for k, (a, b) in enumerate(pieces):
            out[a : b + 1] = paths[k, : b - a + 1]
        return [self.tags[t] for t in out]


def tag_runs(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first token, token after the last, type) per entity, read as slovnet reads BIO: B- opens a
    span, I- extends the open one whatever its type, O closes it, an I- with none open is ignored."""
    out: list[tuple[int, int, str]] = []
    kind, start, stop = None, 0, 0
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if tag == "O" or prefix == "B":
            if kind:
                out.append((start, stop, kind))
            kind, start, stop = (label, i, i + 1) if prefix == "B" else (None, 0, 0)
        elif prefix == "I":
            stop = i + 1
    if kind:
        out.append((start, stop, kind))
    return out
