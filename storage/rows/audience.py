"""Who gets what: the chats the bot knows, their subscriptions and word filters."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.timeutil import from_db

Row = dict[str, Any]


@dataclass(frozen=True)
class Chat:
    """A chat the bot has talked to (`chats`), as Telegram last described it."""

    id: int
    type: str | None
    title: str | None = None
    username: str | None = None
    language: str | None = None  # a private chat's user's language (admin notices use it)
    active: bool = True  # False: blocked the bot, left, or vanished
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_row(cls, row: Row) -> Chat:
        return cls(id=row["id"], type=row.get("type"), title=row.get("title"), username=row.get("username"),
                   language=row.get("language"), active=bool(row.get("active", 1)),
                   created_at=from_db(row.get("created_at")), updated_at=from_db(row.get("updated_at")))


@dataclass(frozen=True)
class Subscription:
    """Who gets which digest, when, about what (`subscriptions`): a chat (thread 0) or one topic
    of a forum chat. `language` is its chat's (read by the schedule, None elsewhere); the two
    times are what the schedule compares and where the next personal digest starts."""

    chat_id: int
    active: bool
    frequency: str
    weekday: int
    hour: int
    timezone: str
    themes: list[str] | None  # None: all themes
    followups: bool
    thread_id: int = 0  # a forum topic subscribed on its own (0: the chat)
    last_slot: datetime | None = None  # the newest schedule slot handled
    last_sent_end: datetime | None = None  # where the window of the last digest sent ended
    language: str | None = None

    @classmethod
    def from_row(cls, row: Row) -> Subscription:
        return cls(chat_id=row["chat_id"], active=bool(row["active"]), frequency=row["frequency"],
                   weekday=row["weekday"], hour=row["hour"], timezone=row["timezone"],
                   themes=json.loads(row["themes"]) if row.get("themes") else None,
                   followups=bool(row["followups"]), thread_id=row.get("thread_id") or 0,
                   last_slot=from_db(row.get("last_slot")), last_sent_end=from_db(row.get("last_sent_end")),
                   language=row.get("language"))

    def wants(self, slug: str) -> bool:
        return self.themes is None or slug in self.themes


@dataclass(frozen=True)
class SubscriberCounts:
    """/stats: subscriptions by state and frequency (active: of a chat still active)."""

    active: int = 0
    inactive: int = 0
    daily: int = 0
    weekly: int = 0
    off: int = 0

    @classmethod
    def from_row(cls, row: Row) -> SubscriberCounts:
        return cls(**{name: row.get(name) or 0 for name in ("active", "inactive", "daily", "weekly", "off")})


@dataclass(frozen=True)
class WordFilter:
    """A word or phrase a subscription mutes or requires (`subscription_filters`)."""

    kind: str  # only | mute
    phrase: str
