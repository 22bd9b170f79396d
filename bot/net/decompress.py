"""Bounded decompression of response bodies (``Content-Encoding``).

httpx decodes a chunk at a time but without an output bound: one 64 kB chunk of a gzip bomb
inflates to 64 MB, and with stacked encodings (``gzip, gzip``) the inner layer multiplies that
again, so a 1 MB answer took the process past 2 GB before the size cap, checked per decoded
chunk, could say no.  Here every decoder step produces at most ``STEP`` bytes (zlib's
``max_length``, the rest kept as ``unconsumed_tail``), stacked layers are chained step by step,
and the caller counts the output against its cap after each step: memory stays within the cap
plus a few steps whatever the ratio.  Only encodings we can bound are accepted (and so the only
ones we ask for): gzip, deflate and identity; anything else is refused with a reason.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

STEP = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate"
MAX_LAYERS = 2  # "gzip, gzip" has no legitimate use beyond that; deeper stacks are refused


class DecodingError(ValueError):
    """The body cannot be decoded; ``str()`` is a one-line reason."""


class _Inflater:
    """One gzip/deflate layer, emitting at most ``STEP`` bytes per step."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._first = True
        self._obj = self._new()

    def _new(self, wbits: int | None = None) -> zlib._Decompress:
        if wbits is None:
            wbits = zlib.MAX_WBITS | 16 if self.encoding == "gzip" else zlib.MAX_WBITS
        return zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._first and data and self.encoding == "deflate" and (data[0] & 0x0F) != 8:
            self._obj = self._new(-zlib.MAX_WBITS)  # raw deflate, as some servers send it
        self._first = False
        pending = data
        while pending:
            try:
                out = self._obj.decompress(pending, STEP)
            except zlib.error as exc:
                raise DecodingError(f"the {self.encoding} body is corrupt") from exc
            pending = self._obj.unconsumed_tail
            if out:
                yield out
            if self._obj.eof:  # gzip may hold several members one after another
                rest = self._obj.unused_data
                if not rest.strip(b"\x00"):
                    return
                self._obj = self._new()
                pending = rest


def decoders_for(content_encoding: str | None) -> list[_Inflater]:
    """Decoders in the order to apply them (the header lists them in the order applied)."""
    names = [n.strip().lower() for n in (content_encoding or "").split(",") if n.strip()]
    layers: list[_Inflater] = []
    for name in reversed(names):
        if name in ("identity", ""):
            continue
        if name in ("gzip", "x-gzip"):
            layers.append(_Inflater("gzip"))
        elif name == "deflate":
            layers.append(_Inflater("deflate"))
        else:
            raise DecodingError(f"unsupported content encoding '{name}'")
    if len(layers) > MAX_LAYERS:
        raise DecodingError(f"{len(layers)} stacked content encodings refused")
    return layers


def decode_steps(layers: list[_Inflater], data: bytes) -> Iterator[bytes]:
    """Push ``data`` through every layer; each yielded piece is at most ``STEP`` bytes."""
    if not layers:
        for start in range(0, len(data), STEP):
            yield data[start:start + STEP]
        return
    yield from _through(layers, 0, data)


def _through(layers: list[_Inflater], index: int, data: bytes) -> Iterator[bytes]:
    for piece in layers[index].feed(data):
        if index + 1 == len(layers):
            yield piece
        else:
            yield from _through(layers, index + 1, piece)
