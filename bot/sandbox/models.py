"""Records the sandbox keeps about what the bot did, in a shape convenient for assertions."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SentMessage:
    """A bot message as the user sees it (``text`` is the plain text after HTML parsing).

    The object in ``Sandbox.messages()`` is the current state (edits applied); the event log
    holds frozen copies, one per action, whose ``seq`` is their position in the log.
    """

    message_id: int
    chat_id: int
    method: str
    text: str
    html: str | None
    parse_mode: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    buttons: list[list[tuple[str, str | None]]]
    date: int
    edit_count: int = 0
    deleted: bool = False
    seq: int = -1
    photo: str | None = None
    source: tuple[int, int] | None = None  # (from_chat_id, message_id) for copies/forwards
    media: str | None = None  # photo | video | animation | document | audio | voice
    file: str | None = None  # the file as the bot sent it (file_id, URL, upload)
    media_group_id: str | None = None
    silent: bool = False  # disable_notification
    protected: bool = False  # protect_content
    pinned: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    def button(self, text_substring: str) -> str:
        """callback_data (or url) of the first button whose text contains ``text_substring``.

        Raises AssertionError listing the real buttons, so a failing test says what was shown.
        """
        needle = text_substring.casefold()
        for row in self.buttons:
            for text, data in row:
                if needle in text.casefold() and data is not None:
                    return data
        raise AssertionError(
            f"no button containing {text_substring!r} in message {self.message_id}"
            f" (chat {self.chat_id}); buttons: {self.buttons}"
        )

    def snapshot(self, seq: int) -> SentMessage:
        """A frozen copy for the event log (later edits must not rewrite history)."""
        return dataclasses.replace(
            self,
            seq=seq,
            entities=[dict(e) for e in self.entities],
            buttons=[list(r) for r in self.buttons],
        )

    def describe(self) -> str:
        """One line for failure dumps."""
        flags = " deleted" if self.deleted else ""
        shown = self.text if len(self.text) <= 120 else self.text[:117] + "..."
        buttons = f" buttons={self.buttons}" if self.buttons else ""
        return (
            f"#{self.seq} {self.method} chat={self.chat_id} id={self.message_id}{flags}:"
            f" {shown!r}{buttons}"
        )


@dataclass
class CallRecord:
    """One Bot API call as the sandbox answered it (for rate and protocol assertions)."""

    method: str
    params: dict[str, Any]
    status: int
    error_code: int | None
    at: float  # time.monotonic() when the sandbox processed the call
    description: str | None = None
