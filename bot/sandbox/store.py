"""Messages of every chat and the event log of bot actions that tests wait on."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from .models import SentMessage


class Notifier:
    """Wakes every coroutine waiting for "something changed" (new action, callback answer).

    A fresh Event per generation avoids lost wake-ups without a Condition's lock dance; it is
    created lazily so the sandbox can be constructed outside a running loop.
    """

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def notify(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, timeout: float) -> None:
        """Return on the next notify() or after ``timeout`` seconds, whichever comes first.

        asyncio.timeout, not wait_for: on Python 3.11 wait_for returns normally when a cancel and
        a notify() meet, so a follower loop cancelled at shutdown (the terminal chat on Ctrl-C)
        swallowed the cancel and kept the process alive.
        """
        if timeout <= 0:
            return
        if self._event is None:
            self._event = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._event.wait()


class MessageStore:
    """All messages by (chat_id, message_id); bot messages also as SentMessage + event log."""

    def __init__(self, notifier: Notifier) -> None:
        self.notifier = notifier
        self._next_id: dict[int, int] = {}
        self.raw: dict[tuple[int, int], dict[str, Any]] = {}
        self.bot: dict[tuple[int, int], SentMessage] = {}
        self.log: list[SentMessage] = []
        self.last_inject: dict[int, int] = {}

    def next_id(self, chat_id: int) -> int:
        """Message ids are sequential per chat and shared by users and the bot, like Telegram."""
        value = self._next_id.get(chat_id, 0) + 1
        self._next_id[chat_id] = value
        return value

    def add_user_message(self, message: dict[str, Any]) -> None:
        """Remember an injected user message so replies, copies and forwards can find it."""
        chat_id = message["chat"]["id"]
        self.raw[(chat_id, message["message_id"])] = message
        self.last_inject[chat_id] = len(self.log)

    def mark_inject(self, chat_id: int) -> None:
        """Note that an update concerning ``chat_id`` was injected (default wait_for start)."""
        self.last_inject[chat_id] = len(self.log)

    def find(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Any live message (user or bot) as a Telegram Message dict."""
        sent = self.bot.get((chat_id, message_id))
        if sent is not None:
            return None if sent.deleted else sent.raw
        return self.raw.get((chat_id, message_id))

    def live_bot(self, chat_id: int, message_id: int) -> SentMessage | None:
        """The bot's message unless it was deleted."""
        sent = self.bot.get((chat_id, message_id))
        return None if sent is None or sent.deleted else sent

    def record(self, sent: SentMessage, method: str) -> SentMessage:
        """Store the message's new state and append a frozen snapshot to the event log."""
        self.bot[(sent.chat_id, sent.message_id)] = sent
        sent.seq = len(self.log)
        snapshot = sent.snapshot(sent.seq)
        snapshot.method = method
        self.log.append(snapshot)
        self.notifier.notify()
        return snapshot

    def delete(self, chat_id: int, message_id: int) -> bool:
        """Delete a bot or user message; False if it does not exist (any more)."""
        sent = self.bot.get((chat_id, message_id))
        if sent is not None:
            if sent.deleted:
                return False
            sent.deleted = True
            self.record(sent, "deleteMessage")
            return True
        return self.raw.pop((chat_id, message_id), None) is not None

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Current bot messages of a chat, oldest first, without deleted ones."""
        found = [m for (cid, _), m in self.bot.items() if cid == chat_id and not m.deleted]
        return sorted(found, key=lambda m: m.message_id)

    def events(
        self, chat_id: int, after: int, methods: tuple[str, ...] | None = None
    ) -> list[SentMessage]:
        """Logged bot actions in ``chat_id`` from position ``after`` on."""
        return [
            e
            for e in self.log[after:]
            if e.chat_id == chat_id and (methods is None or e.method in methods)
        ]
