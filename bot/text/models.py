"""Lazily loaded, lock-protected NLP models shared by every thread.

Why: the bot runs analysis through ``asyncio.to_thread``/executors, so several threads may ask
for a model at the same time. Each model is built exactly once behind a lock (double-checked),
and afterwards read without locking. Nothing here downloads anything: pymorphy3 dictionaries come
from the ``pymorphy3-dicts-ru`` wheel, navec embeddings and the slovnet NER weights from the files
the ``natasha`` wheel ships. ``natasha`` itself is never imported, because its ``__init__`` pulls
in pymorphy2, which does not work on Python 3.11; the files are located with ``find_spec``.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np

from .ner import FastNER

log = logging.getLogger(__name__)

T = TypeVar("T")

NAVEC_FILE = "emb/navec_news_v1_1B_250K_300d_100q.tar"
NER_FILE = "model/slovnet_ner_news_v1.tar"


class Lazy(Generic[T]):
    """A value built on first use, once, even when many threads ask at the same time."""

    _UNSET: Any = object()

    def __init__(self, factory: Callable[[], T], name: str) -> None:
        self._factory = factory
        self._name = name
        self._value: Any = self._UNSET
        self._lock = threading.Lock()

    def get(self) -> T:
        value = self._value
        if value is self._UNSET:
            with self._lock:
                if self._value is self._UNSET:
                    log.debug("loading %s", self._name)
                    self._value = self._factory()
                value = self._value
        return value

    @property
    def loaded(self) -> bool:
        return self._value is not self._UNSET


def natasha_data_dir() -> Path | None:
    """Directory of the data files inside the installed natasha wheel, found without importing it."""
    spec = importlib.util.find_spec("natasha")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "data"
    return path if path.is_dir() else None


def _load_morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _load_navec() -> Any | None:
    base = natasha_data_dir()
    if base is None or not (base / NAVEC_FILE).exists():
        log.warning("navec embeddings not found (natasha wheel missing); semantic features off")
        return None
    try:
        from navec import Navec
        from navec.meta import Meta
        from navec.navec import META, PQ_, VOCAB
        from navec.pq import PQ
        from navec.tar import Tar
        from navec.vocab import Vocab
    except ImportError:
        log.warning("navec is not installed; semantic features off")
        return None

    class LeanPQ(PQ):
        """navec's quantized vectors without the tables behind ``Navec.sim``: a 26 MB product
        table it keeps and a 100 MB temporary while loading. Nothing here calls ``sim``; we
        decode vectors (``semantic.sentence_vectors``), and slovnet reads only the codes."""

        def precompute(self) -> None:
            self.qdims = np.arange(self.qdim)

    with Tar(str(base / NAVEC_FILE)) as tar:
        meta = Meta.from_file(tar.load(META))
        Meta.check_protocol(meta.protocol)
        vocab = Vocab.from_file(tar.load(VOCAB))
        pq = LeanPQ.from_file(tar.load(PQ_))
    # 250k word counts as Python ints cost ~8 MB; one int64 array holds them in 2 MB.
    vocab.counts = np.asarray(vocab.counts, dtype=np.int64)
    return Navec(meta, vocab, pq)


def _load_ner() -> FastNER | None:
    base = natasha_data_dir()
    emb = NAVEC.get()
    if base is None or emb is None or not (base / NER_FILE).exists():
        log.warning("slovnet NER weights not found; entities fall back to the gazetteer")
        return None
    try:
        from slovnet import NER
    except ImportError:
        log.warning("slovnet is not installed; entities fall back to the gazetteer")
        return None
    model = NER.load(str(base / NER_FILE))
    model.navec(emb)
    _share_vocab(model, emb)
    return FastNER(model)


def _share_vocab(model: Any, navec: Any) -> None:
    """Point the NER's word vocabulary at navec's: the model ships its own copy of the same
    250k words, a second list and dict of about 40 MB (its arrays are already shared by
    ``model.navec``). Left alone when the lists differ, e.g. after a model update."""
    vocab = getattr(getattr(model.infer, "encoder", None), "words_vocab", None)
    if vocab is not None and vocab.items == navec.vocab.words:
        vocab.items, vocab.item_ids = navec.vocab.words, navec.vocab.word_ids


MORPH: Lazy[Any] = Lazy(_load_morph, "pymorphy3")
NAVEC: Lazy[Any | None] = Lazy(_load_navec, "navec")
NER: Lazy[FastNER | None] = Lazy(_load_ner, "slovnet NER")


def warm_up() -> None:
    """Load every model now (the bot calls this at startup in a worker thread)."""
    MORPH.get()
    NAVEC.get()
    NER.get()
