"""What a post says and shows: text or media with Telegram's own entities, and its limits.

Formatting travels as the entities the admin's client produced (never re-rendered as HTML), and
media as the file ids Telegram gave the admin's message, so the channel gets exactly what the
admin sent. Telegram's limits are checked here, at preview, so publishing never hits them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from aiogram.types import Message

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
KINDS = ("photo", "video", "animation", "document", "audio", "voice")
ALBUM_MIN, ALBUM_MAX = 2, 10
_TRIM = " \t\r\n\v\f"

Entities = tuple[dict[str, Any], ...]


def utf16_len(text: str) -> int:
    """Telegram counts limits and entity offsets in UTF-16 code units (an emoji is two)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@dataclass(frozen=True)
class Media:
    kind: str  # photo | video | animation | document | audio | voice
    file_id: str
    caption: str = ""
    entities: Entities = ()


@dataclass(frozen=True)
class Problem:
    """A limit the draft breaks: an i18n key and its numbers (shown at preview)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PostContent:
    text: str = ""  # a text post's text (media posts carry captions on their items)
    entities: Entities = ()
    media: tuple[Media, ...] = ()

    @property
    def is_album(self) -> bool:
        return len(self.media) > 1

    @property
    def caption(self) -> tuple[str, Entities]:
        """The text a reader sees: the text, or the first non-empty caption."""
        if not self.media:
            return self.text, self.entities
        first = next((m for m in self.media if m.caption), None)
        return (first.caption, first.entities) if first else ("", ())

    @property
    def label(self) -> str:
        """"text", the medium's kind, or "album" (for lists and the audit)."""
        return "album" if self.is_album else (self.media[0].kind if self.media else "text")

    def with_text(self, text: str, entities: Entities) -> PostContent:
        """New text or caption, media kept (the caption goes where the old one was)."""
        if not self.media:
            return replace(self, text=text, entities=entities)
        index = next((i for i, m in enumerate(self.media) if m.caption), 0)
        items = [replace(m, caption="", entities=()) for m in self.media]
        items[index] = replace(items[index], caption=text, entities=entities)
        return replace(self, media=tuple(items))

    def problems(self, split_caption: bool = False) -> list[Problem]:
        """Every Telegram limit the draft breaks ([] when it can be published)."""
        text, _ = self.caption
        size = utf16_len(text)
        if not self.media:
            if not text:
                return [Problem("post_empty")]
            return [Problem("post_text_too_long", {"count": size, "limit": TEXT_LIMIT})] if size > TEXT_LIMIT else []
        found = []
        if self.is_album:
            found += _album_problems([m.kind for m in self.media])
            for item in self.media:
                if utf16_len(item.caption) > CAPTION_LIMIT:
                    found.append(Problem("post_caption_too_long", {"count": utf16_len(item.caption),
                                                                   "limit": CAPTION_LIMIT}))
        elif size > CAPTION_LIMIT and not split_caption:
            found.append(Problem("post_caption_too_long", {"count": size, "limit": CAPTION_LIMIT}))
        elif size > TEXT_LIMIT:
            found.append(Problem("post_text_too_long", {"count": size, "limit": TEXT_LIMIT}))
        return found

    def can_split(self) -> bool:
        """One medium with a caption over the limit: "media, then the text" is on offer."""
        return len(self.media) == 1 and utf16_len(self.caption[0]) > CAPTION_LIMIT

    def to_json(self) -> str:
        return json.dumps({"text": self.text, "entities": list(self.entities),
                           "media": [{"kind": m.kind, "file_id": m.file_id, "caption": m.caption,
                                      "entities": list(m.entities)} for m in self.media]}, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str | None) -> PostContent:
        data = json.loads(raw or "{}")
        media = tuple(Media(m["kind"], m["file_id"], m.get("caption", ""), tuple(m.get("entities", [])))
                      for m in data.get("media", []))
        return cls(data.get("text", ""), tuple(data.get("entities", [])), media)


def _album_problems(kinds: list[str]) -> list[Problem]:
    found = []
    if len(kinds) > ALBUM_MAX:
        found.append(Problem("post_album_size", {"count": len(kinds), "limit": ALBUM_MAX}))
    alone = {"animation", "voice"} & set(kinds)
    mixed = any(k in ("document", "audio") for k in kinds) and len(set(kinds)) > 1
    if alone or mixed:
        found.append(Problem("post_album_mixed", {"kinds": ", ".join(sorted(set(kinds)))}))
    return found


def _entities(raw: Any) -> Entities:
    return tuple(e.model_dump(exclude_none=True, mode="json") for e in raw or ())


def media_of(message: Message) -> Media | None:
    """The one medium of a message with its caption, or None (text, sticker, poll, ...)."""
    cut = trimmed(message.caption or "", _entities(message.caption_entities))
    caption, entities = cut.text, cut.entities
    if message.photo:
        return Media("photo", message.photo[-1].file_id, caption, entities)
    for kind in ("animation", "video", "document", "audio", "voice"):  # an animation is also a document
        item = getattr(message, kind)
        if item is not None:
            return Media(kind, item.file_id, caption, entities)
    return None


def content_of(message: Message) -> PostContent | None:
    """A whole message as a post (text with entities, or one medium), None if not postable."""
    medium = media_of(message)
    if medium is not None:
        return PostContent(media=(medium,))
    if message.text:
        return trimmed(message.text, _entities(message.entities))
    return None


def _cut(text: str, entities: Entities, start: int, end: int) -> tuple[str, Entities]:
    """text[start:end] (characters) with the entities inside it, clipped and offset-shifted."""
    begin, stop = utf16_len(text[:start]), utf16_len(text[:end])
    kept = []
    for entity in entities:
        if entity.get("type") == "bot_command":
            continue
        low, high = max(entity["offset"], begin), min(entity["offset"] + entity["length"], stop)
        if high > low:
            kept.append({**entity, "offset": low - begin, "length": high - low})
    return text[start:end], tuple(kept)


def trimmed(text: str, entities: Entities) -> PostContent:
    """Surrounding whitespace dropped as Telegram does, entities kept on what remains."""
    start = len(text) - len(text.lstrip(_TRIM))
    end = len(text.rstrip(_TRIM))
    cut, kept = _cut(text, entities, start, max(start, end))
    return PostContent(cut, kept)


def after_command(message: Message, skip_words: int = 0) -> PostContent:
    """The text after "/command" (and `skip_words` more words, e.g. a date and a time), with
    the formatting the admin's client put on it."""
    text = message.text or ""
    pattern = r"^\s*/\S+" + r"\s+\S+" * skip_words + r"\s*"
    match = re.match(pattern, text)
    start = match.end() if match else len(text)
    cut, kept = _cut(text, _entities(message.entities), start, len(text))
    return trimmed(cut, kept)
