"""Text helpers shared by the HTML parser, the length checks and injected user messages.

Telegram measures everything (limits, entity offsets) in UTF-16 code units, so a character outside
the Basic Multilingual Plane (most emoji) counts twice. Getting this wrong is the classic cause of
"message is too long" in production while local checks with ``len()`` pass.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024

# Telegram detects commands anywhere in a message: "/cmd" or "/cmd@botname" not glued to a word.
_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])")
_TRIM = " \t\r\n\v\f"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of every Telegram limit and entity offset."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def bot_command_entities(text: str) -> list[dict[str, Any]]:
    """Entities of type bot_command, computed like Telegram does for incoming user messages."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group(0)),
        }
        for m in _COMMAND_RE.finditer(text)
    ]


def trim_formatted(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace and clip entities, as Telegram does before storing a message.

    Without this a message of only spaces/newlines would be accepted, while Telegram rejects it as
    empty.
    """
    stripped = text.strip(_TRIM)
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip(_TRIM))])
    total = utf16_len(stripped)
    clipped = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            clipped.append({**entity, "offset": start, "length": end - start})
    return stripped, clipped


def check_text_length(text: str) -> None:
    """Enforce 1..4096 UTF-16 units for message text (after entity parsing and trimming)."""
    if not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")


def check_caption_length(caption: str) -> None:
    """Enforce ≤ 1024 UTF-16 units for media captions (empty captions are fine)."""
    if utf16_len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")


def utf16_slice(text: str, offset: int, length: int) -> str:
    """The substring covered by an entity given in UTF-16 units (for readable dumps and tests)."""
    encoded = text.encode("utf-16-le")
    return encoded[offset * 2 : (offset + length) * 2].decode("utf-16-le", errors="replace")
