"""Decoding response bodies to text.

Russian sites still serve windows-1251 (sometimes KOI8-R), often without a charset in the
Content-Type header, so httpx's default (UTF-8 with replacement) would garble them.
Order: BOM, HTTP charset, in-document declaration (<meta charset>, http-equiv, XML
declaration), strict UTF-8, a Cyrillic single-byte heuristic, then charset_normalizer
(shipped with trafilatura) when importable, and finally windows-1251 with replacement.
Every declared charset is tried strictly, so a wrong declaration falls through instead of
producing mojibake silently.  One exception: a document declared UTF-8 that is UTF-8 except for
a few bad bytes (a truncated multi-byte character, one pasted windows-1252 quote) is decoded as
declared with those bytes replaced; falling through would decode the whole page as cp1251 and
garble every line of it.  A page whose invalid sequences are not rare next to its valid
multi-byte characters is a mislabelled single-byte page and still falls through.
"""

from __future__ import annotations

import codecs
import re

try:  # optional: present as a dependency of trafilatura/requests
    import charset_normalizer
except ImportError:  # pragma: no cover - exercised only without the package
    charset_normalizer = None  # type: ignore[assignment]

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_XML_ENCODING = re.compile(rb"<\?xml[^>]*encoding\s*=\s*[\"']([\w.:-]+)[\"']", re.I)
_SNIFF_BYTES = 4096


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, if any."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def declared_charset(content: bytes) -> str | None:
    """Charset declared inside the document head (meta tag or XML declaration)."""
    head = content[:_SNIFF_BYTES]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def _try_decode(content: bytes, encoding: str | None) -> tuple[str, str] | None:
    if not encoding:
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    if name in ("latin-1", "iso8859-1", "ascii"):
        name = "cp1252"  # WHATWG: these labels mean windows-1252
    try:
        return content.decode(name), name
    except UnicodeDecodeError:
        return None


_MAX_BAD_SHARE = 0.1  # invalid UTF-8 sequences per valid non-ASCII character


def _mostly_utf8(content: bytes) -> str | None:
    """``content`` decoded as UTF-8 with replacement when its invalid sequences are rare."""
    text = content.decode("utf-8", "replace")
    bad = text.count("\ufffd") - content.count("\ufffd".encode("utf-8"))
    good = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return text if bad <= _MAX_BAD_SHARE * good else None


def _cyrillic_single_byte(content: bytes) -> str | None:
    """Pick windows-1251 or KOI8-R when high bytes look like Cyrillic letters.

    Both code pages put letters in 0xC0-0xFF; Russian prose is mostly lower case, which is
    0xE0-0xFF in windows-1251 but 0xC0-0xDF in KOI8-R.
    """
    high = [b for b in content[:65536] if b >= 0x80]
    if not high:
        return None
    letters = [b for b in high if b >= 0xC0]
    if len(letters) < 0.6 * len(high):
        return None
    upper_half = sum(1 for b in letters if b >= 0xE0)
    return "cp1251" if upper_half >= len(letters) - upper_half else "koi8-r"


def _is_utf8(encoding: str | None) -> bool:
    try:
        return bool(encoding) and codecs.lookup(encoding).name == "utf-8"  # type: ignore[arg-type]
    except LookupError:
        return False


def decode_body(content: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a response body; returns ``(text, encoding used)``."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content.decode(encoding, "replace"), encoding
    declared = (charset_from_content_type(content_type), declared_charset(content))
    for encoding in (*declared, "utf-8"):
        decoded = _try_decode(content, encoding)
        if decoded is not None:
            return decoded
    if any(_is_utf8(name) for name in declared) and (text := _mostly_utf8(content)) is not None:
        return text, "utf-8"
    guess = _cyrillic_single_byte(content)
    if guess is None and charset_normalizer is not None:
        best = charset_normalizer.from_bytes(content[:65536]).best()
        guess = best.encoding if best is not None else None
    guess = guess or "cp1251"
    return content.decode(guess, "replace"), guess


def decode_file(content: bytes) -> str:
    """A local file has no Content-Type: UTF-8 (BOM or not, with a few bad bytes replaced, as a
    page declared UTF-8 is read), else the code page its bytes look like (windows-1251, KOI8-R…)."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = _mostly_utf8(content)
    return text if text is not None else decode_body(content)[0]
