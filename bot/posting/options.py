"""How a post goes out: URL buttons under it, silent, pinned, link preview, protected content.

URL buttons are written the way posting bots teach admins to: one row per line, buttons of a row
separated by "|", each "Text - https://…".
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

_BUTTON = re.compile(r"^\s*(?P<text>\S.*?)\s+[-–—]\s+(?P<url>(?:https?|tg)://\S+)\s*$", re.IGNORECASE)
MAX_ROWS, MAX_PER_ROW = 10, 8
TOGGLES = ("silent", "pin", "link_preview", "protect", "split_caption")

Buttons = tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True)
class PostOptions:
    buttons: Buttons = ()
    silent: bool = False  # disable_notification
    pin: bool = False  # pin the post once published
    link_preview: bool = True
    protect: bool = False  # protect_content: no forwarding or saving
    split_caption: bool = False  # one medium whose caption is too long: media, then the text

    def toggled(self, name: str) -> PostOptions:
        if name not in TOGGLES:
            raise ValueError(name)
        return replace(self, **{name: not getattr(self, name)})

    def markup(self) -> InlineKeyboardMarkup | None:
        if not self.buttons:
            return None
        return InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=text, url=url) for text, url in row] for row in self.buttons
        ])

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str | None) -> PostOptions:
        data = json.loads(raw or "{}")
        buttons = tuple(tuple((b[0], b[1]) for b in row) for row in data.pop("buttons", []))
        return cls(buttons=buttons, **{k: bool(v) for k, v in data.items() if k in TOGGLES})


def parse_buttons(text: str) -> Buttons | None:
    """Rows of (text, url) when every non-empty line is a button line; None otherwise (then
    the message is not a button list but new text for the draft)."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        row = []
        for cell in line.split("|"):
            match = _BUTTON.match(cell)
            if match is None:
                return None
            row.append((match["text"][:64], match["url"]))
        rows.append(tuple(row[:MAX_PER_ROW]))
    return tuple(rows[:MAX_ROWS]) or None
