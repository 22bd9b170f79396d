"""Draft.js raw content state (Dzen's ``articleContent.contentState``) to plain text.

Accepts both wrappings seen in the wild: ``{"blocks": [...], "entityMap": {...}}`` (2020)
and ``{"draftJsState": {...}}`` (2026), given as the JSON string Dzen embeds or already
decoded.  Headers, quotes and list items become paragraphs of their own; atomic blocks
(images, embeds) contribute no text but their image URLs are collected.  Entity and
style offsets are UTF-16 code units (JavaScript strings), hence ``utf16_slice``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.sources.text import BULLET, normalize_text



@dataclass
class DraftDocument:
    """Text of a Draft.js document plus what was attached to it."""

    paragraphs: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (anchor text, url)
    images: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def utf16_slice(text: str, offset: int, length: int) -> str:
    """Substring by UTF-16 code units, as Draft.js offsets count (emoji are 2 units)."""
    encoded = text.encode("utf-16-le")
    return encoded[offset * 2:(offset + length) * 2].decode("utf-16-le", "ignore")


def styled_fragments(block: dict[str, Any], style: str) -> list[str]:
    """Text covered by an inline style (e.g. BOLD) in one block."""
    text = block.get("text") or ""
    return [utf16_slice(text, r.get("offset", 0), r.get("length", 0))
            for r in block.get("inlineStyleRanges") or [] if isinstance(r, dict) and r.get("style") == style]


def _load(raw: str | dict[str, Any]) -> dict[str, Any] | None:
    state: Any = raw
    if isinstance(raw, str):
        try:
            state = json.loads(raw)
        except ValueError:
            return None
    if isinstance(state, dict) and isinstance(state.get("draftJsState"), dict):
        state = state["draftJsState"]
    if isinstance(state, str):  # double-encoded variant
        return _load(state)
    return state if isinstance(state, dict) and isinstance(state.get("blocks"), list) else None


def _image_urls(data: Any) -> list[str]:
    """URLs of an atomic image block or IMAGE entity (bare image ids cannot be resolved)."""
    urls: list[str] = []
    candidates = [data] + list((data or {}).get("images") or []) + [(data or {}).get("image")]
    for item in candidates:
        if isinstance(item, dict):
            url = item.get("src") or item.get("url") or item.get("href")
            if isinstance(url, str) and url.startswith(("http://", "https://", "//")):
                urls.append("https:" + url if url.startswith("//") else url)
    return urls


def parse_content_state(raw: str | dict[str, Any]) -> DraftDocument | None:
    """Decode a content state; ``None`` when it is not a Draft.js document."""
    state = _load(raw)
    if state is None:
        return None
    entity_map = state.get("entityMap") or {}
    doc = DraftDocument()
    ordinal = 0
    for block in state["blocks"]:
        if not isinstance(block, dict):
            continue
        kind = str(block.get("type") or "unstyled")
        text = normalize_text(str(block.get("text") or ""))
        for entity_range in block.get("entityRanges") or []:
            entity = entity_map.get(str(entity_range.get("key"))) if isinstance(entity_range, dict) else None
            if not isinstance(entity, dict):
                continue
            data = entity.get("data") or {}
            if entity.get("type") == "LINK" and isinstance(data.get("url") or data.get("href"), str):
                anchor = utf16_slice(block.get("text") or "", entity_range.get("offset", 0), entity_range.get("length", 0))
                doc.links.append((anchor, data.get("url") or data.get("href")))
            elif entity.get("type") == "IMAGE":
                doc.images.extend(_image_urls(data))
        ordinal = ordinal + 1 if kind == "ordered-list-item" else 0
        if kind.startswith("atomic"):
            doc.images.extend(_image_urls(block.get("data")))
            continue
        if not text:
            continue
        if kind == "unordered-list-item":
            text = BULLET + text
        elif kind == "ordered-list-item":
            text = f"{ordinal}. {text}"
        elif kind.startswith("header-"):
            doc.headings.append(text)
        # Unknown block types with text are kept as paragraphs rather than losing words.
        doc.paragraphs.append(text)
    return doc
