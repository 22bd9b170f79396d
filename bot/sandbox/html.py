"""Telegram-HTML parse mode, ported from tdlib's ``parse_html`` (td/telegram/MessageEntity.cpp).

The point of reproducing the server's parser (instead of using html.parser) is to reject exactly
what Telegram rejects: an unescaped ``<`` in external text, an unknown tag or a mismatched end
tag must fail in tests the way it would fail in production, with the same wording
("Bad Request: can't parse entities: ...") and byte offsets.

One intentional deviation: Telegram silently keeps a bare ``&`` that does not start a known
entity. With ``strict_ampersand`` (the sandbox default) it is rejected instead, because an
unescaped ``&`` proves that external text was not passed through html.escape() — and the next
such text may well contain a ``<``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .errors import bad_request, cant_parse
from .text import utf16_len

_TAGS = frozenset(
    "a b strong i em s strike del u ins tg-spoiler tg-emoji span pre code blockquote".split()
)
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE = frozenset(" \t\r\n\v\f")
_LINK_SCHEMES = ("http://", "https://", "tg://", "ton://", "mailto:")


@dataclass
class _Open:
    """A start tag waiting for its end tag."""

    tag: str
    argument: str
    offset: int  # UTF-16 offset in the plain text
    out_len: int  # number of plain characters before the tag (for <a> without href)


def _byte_offset(text: str, index: int) -> int:
    """Telegram reports positions as byte offsets into the UTF-8 request text."""
    return len(text[:index].encode("utf-8"))


def decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode an HTML entity at ``pos`` (which holds '&'): (character, next index) or None.

    Mirrors tdlib: only lt/gt/amp/quot and numeric references; the trailing ';' is optional.
    """
    end = pos + 1
    n = len(text)
    if end < n and text[end] == "#":
        end += 1
        hexadecimal = end < n and text[end] == "x"
        if hexadecimal:
            end += 1
        digits_start = end
        allowed = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        while end < n and text[end] in allowed:
            end += 1
        digits = text[digits_start:end]
        if not digits or end - pos >= 10:
            return None
        code = int(digits, 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED.get(text[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < n and text[end] == ";":
        end += 1
    return char, end


def _valid_link(url: str) -> bool:
    """Whether Telegram would turn an <a href> into a text_link (invalid ones are dropped)."""
    lowered = url.strip().lower()
    if lowered.startswith(_LINK_SCHEMES):
        return True
    # Telegram also accepts scheme-less links such as "example.com/page".
    head = lowered.split("/", 1)[0]
    return "." in head and ":" not in head and " " not in lowered and bool(head.strip("."))


class _HtmlParser:
    """One-shot parser state; use :func:`parse_html`."""

    def __init__(self, text: str, strict_ampersand: bool) -> None:
        self.src = text
        self.strict_ampersand = strict_ampersand
        self.out: list[str] = []
        self.utf16 = 0
        self.plain_len = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def _char(self, i: int) -> str:
        """Character at ``i`` or '' past the end (tdlib reads the terminating NUL there)."""
        return self.src[i] if i < len(self.src) else ""

    def _emit(self, chars: str) -> None:
        self.out.append(chars)
        self.plain_len += len(chars)
        self.utf16 += utf16_len(chars)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        src, i = self.src, 0
        while i < len(src):
            char = src[i]
            if char == "&":
                decoded = decode_entity(src, i)
                if decoded is not None:
                    self._emit(decoded[0])
                    i = decoded[1]
                    continue
                if self.strict_ampersand:
                    raise cant_parse(
                        f"Character '&' at byte offset {_byte_offset(src, i)} does not start"
                        " a valid HTML entity; escape it as &amp;"
                    )
            if char != "<":
                self._emit(char)
                i += 1
                continue
            if self._char(i + 1) == "/":
                i = self._end_tag(i)
            else:
                i = self._start_tag(i)
        if self.stack:
            raise cant_parse(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        for entity in self.entities:
            if entity["type"] == "code":  # only pre carries a language in Telegram's entities
                entity.pop("language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def _start_tag(self, begin: int) -> int:
        src = self.src
        i = begin + 1
        while i < len(src) and src[i] not in _SPACE and src[i] != ">":
            i += 1
        if i >= len(src):
            raise cant_parse(f"Unclosed start tag at byte offset {_byte_offset(src, begin)}")
        tag = src[begin + 1 : i].lower()
        if tag not in _TAGS:
            raise cant_parse(
                f'Unsupported start tag "{tag}" at byte offset {_byte_offset(src, begin)}'
            )
        argument = ""
        while self._char(i) != ">":
            while self._char(i) in _SPACE and i < len(src):
                i += 1
            if i >= len(src):
                raise cant_parse(f"Unclosed start tag at byte offset {_byte_offset(src, begin)}")
            if self._char(i) == ">":
                break
            name, value, i = self._attribute(tag, begin, i)
            argument = self._argument(tag, name, value, argument)
        if tag == "span" and argument != "spoiler":
            raise cant_parse(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(src, begin)}'
            )
        self.stack.append(_Open(tag, argument, self.utf16, self.plain_len))
        return i + 1

    def _attribute(self, tag: str, begin: int, i: int) -> tuple[str, str | None, int]:
        """Parse one ``name[=value]`` pair starting at ``i``; returns (name, value, next index)."""
        src = self.src
        start = i
        while i < len(src) and src[i] not in _SPACE and src[i] not in "=>":
            i += 1
        name = src[start:i].lower()
        at = _byte_offset(src, begin)
        if not name:
            raise cant_parse(f'Empty attribute name in the tag "{tag}" at byte offset {at}')
        while self._char(i) in _SPACE and i < len(src):
            i += 1
        if self._char(i) != "=":
            if tag == "blockquote" and name == "expandable":
                return name, None, i
            raise cant_parse(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {at}'
            )
        i += 1
        while self._char(i) in _SPACE and i < len(src):
            i += 1
        if i >= len(src):
            raise cant_parse(f'Unclosed start tag "{tag}" at byte offset {at}')
        quote = src[i]
        if quote not in "'\"":
            token_start = i
            while i < len(src) and (src[i].isascii() and src[i].isalnum() or src[i] in ".-"):
                i += 1
            if self._char(i) not in _SPACE and self._char(i) != ">":
                raise cant_parse(
                    f"Unexpected end of name token at byte offset {_byte_offset(src, token_start)}"
                )
            return name, src[token_start:i].lower(), i
        i += 1
        value: list[str] = []
        while i < len(src) and src[i] != quote:
            if src[i] == "&" and (decoded := decode_entity(src, i)) is not None:
                value.append(decoded[0])
                i = decoded[1]
                continue
            value.append(src[i])
            i += 1
        if i >= len(src):
            raise cant_parse(f"Unclosed start tag at byte offset {at}")
        return name, "".join(value), i + 1

    @staticmethod
    def _argument(tag: str, name: str, value: str | None, current: str) -> str:
        """Keep only the attributes Telegram understands; others are ignored like in tdlib."""
        if tag == "a" and name == "href":
            return value or ""
        if tag == "code" and name == "class" and value and value.startswith("language-"):
            return value[len("language-") :]
        if tag == "span" and name == "class" and value and value.startswith("tg-"):
            return value[len("tg-") :]
        if tag == "tg-emoji" and name == "emoji-id":
            return value or ""
        if tag == "blockquote" and name == "expandable":
            return "1"
        return current

    def _end_tag(self, begin: int) -> int:
        src = self.src
        i = begin + 2
        while i < len(src) and src[i] not in _SPACE and src[i] != ">":
            i += 1
        end_name = src[begin + 2 : i].lower()
        while i < len(src) and src[i] in _SPACE:
            i += 1
        at = _byte_offset(src, begin)
        if self._char(i) != ">":
            raise cant_parse(f"Unclosed end tag at byte offset {at}")
        if not self.stack:
            raise cant_parse(f"Unexpected end tag at byte offset {at}")
        opened = self.stack.pop()
        if end_name and end_name != opened.tag:
            raise cant_parse(
                f'Unmatched end tag at byte offset {at}, expected "</{opened.tag}>",'
                f' found "</{end_name}>"'
            )
        if self.utf16 > opened.offset:
            self._close_entity(opened)
        return i + 1

    def _close_entity(self, opened: _Open) -> None:
        """Turn a closed tag into a MessageEntity dict (Bot API field names)."""
        offset, length = opened.offset, self.utf16 - opened.offset
        entity: dict[str, Any] = {"type": "", "offset": offset, "length": length}
        tag, arg = opened.tag, opened.argument
        last = self.entities[-1] if self.entities else None
        if tag in _SIMPLE:
            entity["type"] = _SIMPLE[tag]
        elif tag == "a":
            url = arg or "".join(self.out)[opened.out_len :]
            if not _valid_link(url):
                return
            entity.update(type="text_link", url=url)
        elif tag == "code":
            entity["type"] = "code"
            if arg:
                entity["language"] = arg
        elif tag == "pre":
            entity["type"] = "pre"
            if last and last["type"] == "code" and (last["offset"], last["length"]) == (
                offset,
                length,
            ):
                # <pre><code class="language-x"> is one pre entity with a language.
                self.entities.pop()
                if "language" in last:
                    entity["language"] = last["language"]
        elif tag == "tg-emoji":
            if not arg.isdigit() or int(arg) == 0:
                raise bad_request("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=arg)
        else:  # blockquote
            entity["type"] = "expandable_blockquote" if arg else "blockquote"
        self.entities.append(entity)


def parse_html(text: str, *, strict_ampersand: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram-HTML into (plain text, entities with UTF-16 offsets) or raise ApiError 400."""
    return _HtmlParser(text, strict_ampersand).run()


def parse_formatted(
    text: str,
    parse_mode: str | None,
    entities: Any = None,
    *,
    strict_ampersand: bool = True,
) -> tuple[str, list[dict[str, Any]]]:
    """Apply the message's formatting options the way the Bot API does.

    Explicit ``entities`` win over ``parse_mode``; only HTML is implemented because it is the
    only mode the bot uses — other modes fail loudly rather than being silently mis-rendered.
    """
    if entities not in (None, "", []):
        if isinstance(entities, str):
            try:
                entities = json.loads(entities)
            except ValueError:
                raise bad_request("can't parse entities JSON object") from None
        if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
            raise bad_request("can't parse entities JSON object")
        return text, [dict(e) for e in entities]
    mode = (parse_mode or "").lower()
    if not mode:
        return text, []
    if mode == "html":
        return parse_html(text, strict_ampersand=strict_ampersand)
    if mode in ("markdown", "markdownv2"):
        raise bad_request(f"parse_mode {parse_mode} is not supported by the sandbox; use HTML")
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")
