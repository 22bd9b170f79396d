"""Split Telegram-HTML into messages that fit Telegram's 4096-unit limit.

Telegram measures the limit in UTF-16 code units of the text *after* entity parsing, so tags do
not count and ``&lt;`` is one unit while an emoji is two. Cutting the raw HTML by ``len()`` is
what makes peers fail with "message is too long" or "can't parse entities" (a tag cut open).
Here the HTML is tokenised once into atoms (a tag, an entity or one visible character), parts are
chosen at paragraph, then sentence, then word boundaries, and every tag still open at a cut is
closed at the end of its part and reopened, with the same attributes, at the start of the next.
"""

from __future__ import annotations

import html as html_lib
import re
from bisect import bisect_right
from dataclasses import dataclass

from razdel import sentenize

TELEGRAM_LIMIT = 4096
# Our count mirrors Telegram's parser, but Telegram trims and normalises a little on its side.
SAFETY_MARGIN = 32
# A boundary of a preferred kind is used only if the part gets at least this share of the budget.
MIN_FILL = 0.3

_TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[^\s\"'=<>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'<>]+))?)*)\s*/?>"
)
# The entities Telegram's HTML parser decodes (tdlib: lt, gt, amp, quot and numeric references,
# ';' optional); any other '&' is a literal character.
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|(?:lt|gt|amp|quot)(?![A-Za-z]));?")
_TOKEN_RE = re.compile(f"(?P<tag>{_TAG_RE.pattern})|(?P<ent>{_ENTITY_RE.pattern})")


@dataclass(frozen=True, slots=True)
class _Atom:
    raw: str  # the HTML source of the atom
    text: str  # what the reader sees ("" for a tag)
    tag: str | None = None  # lower-cased tag name for tags
    closing: bool = False


def utf16_units(text: str) -> int:
    """Telegram's unit of length: characters outside the BMP (most emoji) count twice."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _decode_entity(raw: str) -> str:
    decoded = html_lib.unescape(raw if raw.endswith(";") else raw + ";")
    return decoded if decoded and not decoded.startswith("&#") else raw


def _atoms(source: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    pos = 0
    for match in _TOKEN_RE.finditer(source):
        atoms.extend(_Atom(ch, ch) for ch in source[pos : match.start()])
        raw = match.group(0)
        if match.group("tag") is not None:
            atoms.append(_Atom(raw, "", match.group(3).lower(), closing=bool(match.group(2))))
        else:
            atoms.append(_Atom(raw, _decode_entity(raw)))
        pos = match.end()
    atoms.extend(_Atom(ch, ch) for ch in source[pos:])
    return atoms


def plain_text(html: str) -> str:
    """The text a reader would see: tags removed, Telegram's entities decoded.

    Used to resend a message whose HTML Telegram still refuses, as plain text instead of nothing.
    """
    return "".join(atom.text for atom in _atoms(html))


def visible_length(html: str) -> int:
    """Length of ``html`` as Telegram counts it against the 4096 limit."""
    return utf16_units(plain_text(html))


class _Boundaries:
    """Where a cut may go, by preference: paragraph, sentence, word (visible character indices)."""

    def __init__(self, visible: str) -> None:
        self.paragraph: set[int] = set()
        self.word: set[int] = set()
        for i in range(1, len(visible)):
            if visible[i - 1].isspace() and not visible[i].isspace():
                self.word.add(i)
                j = i
                while j > 0 and visible[j - 1].isspace():
                    j -= 1
                if visible.count("\n", j, i) >= 2:
                    self.paragraph.add(i)
        self.sentence = {s.start for s in sentenize(visible)} & self.word

    def kinds(self) -> tuple[set[int], ...]:
        return (self.paragraph, self.sentence, self.word)


def split_html(html: str, limit: int = TELEGRAM_LIMIT, *, margin: int = SAFETY_MARGIN) -> list[str]:
    """Parts of ``html``, each at most ``limit - margin`` visible UTF-16 units, tags balanced.

    A text that fits is returned unchanged as the only part; an empty or blank text gives [].
    """
    budget = max(limit - margin, 1)
    atoms = _atoms(html)
    units = [utf16_units(a.text) for a in atoms]
    if not "".join(a.text for a in atoms).strip():
        return []
    if sum(units) <= budget:
        return [html]
    cum = [0]
    vpos = [0]  # visible characters before atom i
    for atom, unit in zip(atoms, units):
        cum.append(cum[-1] + unit)
        vpos.append(vpos[-1] + len(atom.text))
    first_atom_at: dict[int, int] = {}
    for i in range(len(atoms)):
        first_atom_at.setdefault(vpos[i], i)
    boundaries = _Boundaries("".join(a.text for a in atoms))
    parts: list[str] = []
    stack: list[_Atom] = []  # open tags at `start`
    start = 0
    while start < len(atoms):
        end = bisect_right(cum, cum[start] + budget) - 1  # atoms[start:end] fit
        if end >= len(atoms):
            cut = len(atoms)
        else:
            cut = _choose_cut(atoms, cum, vpos, first_atom_at, boundaries, start, end, budget)
        opened = list(stack)
        for atom in atoms[start:cut]:
            _track(stack, atom)
        body = "".join(a.raw for a in atoms[start:cut])
        if "".join(a.text for a in atoms[start:cut]).strip():
            reopen = "".join(a.raw for a in opened)
            close = "".join(f"</{a.tag}>" for a in reversed(stack))
            parts.append(reopen + body + close)
        start = cut
    return parts


def _choose_cut(
    atoms: list[_Atom],
    cum: list[int],
    vpos: list[int],
    first_atom_at: dict[int, int],
    boundaries: _Boundaries,
    start: int,
    end: int,
    budget: int,
) -> int:
    """Best atom index in (start, end] to end the part at; tags stay whole and on the right side."""
    low_units = cum[start] + int(budget * MIN_FILL)
    for kind in boundaries.kinds():
        for v in range(vpos[end], vpos[start], -1):
            if v in kind:
                cut = first_atom_at[v]
                if start < cut <= end and cum[cut] >= low_units:
                    return _settle(atoms, start, cut)
    return _settle(atoms, start, max(end, start + 1))


def _settle(atoms: list[_Atom], start: int, cut: int) -> int:
    """Closing tags at the cut stay with the part they close; opening ones move to the next part."""
    while cut < len(atoms) and atoms[cut].tag is not None and atoms[cut].closing:
        cut += 1
    settled = cut
    while settled - 1 > start and atoms[settled - 1].tag is not None and not atoms[settled - 1].closing:
        settled -= 1
    return settled if any(a.text for a in atoms[start:settled]) else cut


def _track(stack: list[_Atom], atom: _Atom) -> None:
    """Maintain the open-tag stack; a stray end tag closes back to its start tag, if any."""
    if atom.tag is None:
        return
    if not atom.closing:
        stack.append(atom)
        return
    for i in range(len(stack) - 1, -1, -1):
        if stack[i].tag == atom.tag:
            del stack[i:]
            return
