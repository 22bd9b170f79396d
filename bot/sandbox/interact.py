"""The user's side of a conversation: injecting updates and waiting for the bot's answers.

Tests read like a chat transcript (``reply = await sb.ask("/start", user_id=1)``) while the
bot under test runs unmodified on top of aiogram. Waiting is event-driven; on timeout the
AssertionError shows what the bot *did* send and which calls failed, because "timed out" alone
is the least useful failure message a bot test can produce.
"""

from __future__ import annotations

import itertools
import time
from typing import TYPE_CHECKING, Any

from .faults import BLOCKED
from .models import SentMessage
from .text import bot_command_entities

if TYPE_CHECKING:
    from .core import Core

DEFAULT_METHODS = (
    "sendMessage", "editMessageText", "sendPhoto", "copyMessage", "forwardMessage", "sendVideo",
    "sendAnimation", "sendDocument", "sendAudio", "sendVoice", "sendMediaGroup",
)
CLICK_METHODS = (*DEFAULT_METHODS, "editMessageReplyMarkup", "editMessageCaption")
_query_ids = itertools.count(4_000_000_000_000_000_001)


class Interaction:
    """Mixin of Sandbox: everything a simulated user does. Requires ``self.core``."""

    core: Core

    # -- injecting ----------------------------------------------------------------------------

    def inject_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue any raw Update (update_id is assigned unless given); returns it."""
        payload = next((v for k, v in update.items() if k != "update_id"), None)
        if isinstance(payload, dict):
            chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
            if isinstance(chat, dict) and "id" in chat:
                self.core.store.mark_inject(chat["id"])
        return self.core.updates.inject(update)

    def send_text(
        self,
        text: str,
        *,
        user_id: int,
        chat_id: int | None = None,
        language_code: str | None = None,
        reply_to_message_id: int | None = None,
        forward_from_chat_id: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A user writes ``text`` (private chat by default); returns the injected Message.

        ``entities``: formatting the user's client applied (bold, links, ...), UTF-16 offsets.
        """
        core = self.core
        user = core.chats.user(user_id)
        if language_code:
            user["language_code"] = language_code
        chat_id = user_id if chat_id is None else chat_id
        chat = core.chats.get(chat_id)
        if chat_id in core.chats.migrated or chat["type"] == "channel":
            raise ValueError(f"users cannot write to chat {chat_id} ({chat['type']}, migrated?)")
        if chat["type"] == "private" and core.faults.forbidden.get(chat_id) == BLOCKED:
            core.faults.unblock_chat(chat_id)  # writing to a bot unblocks it, as in Telegram
        message: dict[str, Any] = {
            "message_id": core.store.next_id(chat_id),
            "date": core.now(),
            "chat": chat,
            "from": dict(user),
            "text": text,
        }
        if found := bot_command_entities(text) + list(entities or []):
            message["entities"] = sorted(found, key=lambda e: (e["offset"], -e["length"]))
        if reply_to_message_id is not None:
            original = core.store.find(chat_id, reply_to_message_id)
            if original is None:
                raise ValueError(f"message {reply_to_message_id} does not exist in chat {chat_id}")
            message["reply_to_message"] = {
                k: v for k, v in original.items() if k != "reply_to_message"
            }
        if forward_from_chat_id is not None:
            message["forward_origin"] = self._origin_of(forward_from_chat_id, message["date"])
        core.store.add_user_message(message)
        core.updates.inject({"message": message})
        return message

    def _origin_of(self, chat_id: int, date: int) -> dict[str, Any]:
        chat = self.core.chats.get(chat_id)
        if chat["type"] == "channel":
            return {"type": "channel", "chat": chat, "message_id": 1, "date": date}
        if chat["type"] == "private":
            return {"type": "user", "sender_user": self.core.chats.user(chat_id), "date": date}
        return {"type": "chat", "sender_chat": chat, "date": date}

    def press_button(self, chat_id: int, message_id: int, data: str, *, user_id: int) -> str:
        """A user presses an inline button with callback ``data``; returns the query id.

        The button must be on the message now or in an earlier version of it: a stale press
        (double tap before the bot's edit reaches the client) is real, a button that never
        existed is a test bug and fails fast with AssertionError.
        """
        core = self.core
        sent = core.store.live_bot(chat_id, message_id)
        if sent is None:
            raise AssertionError(f"no live bot message {message_id} in chat {chat_id}")
        offered = {
            d
            for version in core.store.log
            if (version.chat_id, version.message_id) == (chat_id, message_id)
            for row in version.buttons
            for _, d in row
        }
        if data not in offered:
            raise AssertionError(
                f"message {message_id} in chat {chat_id} has no button with callback_data"
                f" {data!r}; buttons: {sent.buttons}"
            )
        query_id = str(next(_query_ids))
        core.callbacks[query_id] = {"at": time.monotonic(), "answered": False, "data": data}
        query = {
            "id": query_id,
            "from": dict(core.chats.user(user_id)),
            "message": sent.raw,
            "chat_instance": str(abs(chat_id) * 7919 % 10**18),
            "data": data,
        }
        core.store.mark_inject(chat_id)
        update = core.updates.inject({"callback_query": query})
        core.callbacks[query_id]["update_id"] = update["update_id"]
        return query_id

    def track_handling(self, on: bool = True) -> None:
        """The harness will (or, ``on=False``, no longer) call :meth:`update_handled` for every
        update the bot finishes."""
        self.core.reports_handling = on

    def update_handled(self, update_id: int) -> None:
        """The bot has finished handling ``update_id`` (its handler returned or failed)."""
        if update_id in self.core.handled:  # only updates a test is waiting on are remembered
            self.core.handled[update_id] = True
            self.core.notifier.notify()

    def add_my_chat_member(
        self,
        chat_id: int,
        *,
        user_id: int,
        new_status: str = "member",
        old_status: str = "left",
    ) -> dict[str, Any]:
        """The bot's membership changed: a user blocked/unblocked it, a group added/removed it.

        The sandbox's own state follows (kicked/left → sends get 403, member again → allowed),
        so the update and the API behaviour stay consistent like in Telegram.
        """
        core = self.core
        chat = core.chats.get(chat_id)
        update = {
            "my_chat_member": {
                "chat": chat,
                "from": dict(core.chats.user(user_id)),
                "date": core.now(),
                "old_chat_member": core.chats.bot_member(chat, old_status),
                "new_chat_member": core.chats.bot_member(chat, new_status),
            }
        }
        if new_status in ("kicked", "left"):
            if chat["type"] == "private":
                core.faults.block_chat(chat_id)
            else:
                core.faults.kick(chat)
        else:
            core.faults.unblock_chat(chat_id)
        return self.inject_update(update)

    # -- observing ----------------------------------------------------------------------------

    def mark(self) -> int:
        """Current position in the event log; pass as ``after=`` to see only newer actions."""
        return len(self.core.store.log)

    async def wait_for(
        self,
        chat_id: int,
        count: int = 1,
        after: int | None = None,
        timeout: float = 5.0,
        methods: tuple[str, ...] = DEFAULT_METHODS,
    ) -> list[SentMessage]:
        """The first ``count`` bot actions in ``chat_id`` after ``after``.

        ``after=None`` means "since the last update injected into that chat" (or the start of
        the log), which is what a test usually means right after send_text/press_button.
        """
        store = self.core.store
        start = store.last_inject.get(chat_id, 0) if after is None else after
        deadline = time.monotonic() + timeout
        while True:
            events = store.events(chat_id, start, methods)
            if len(events) >= count:
                return events[:count]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                what = f"{count} bot action(s) {list(methods)} in chat {chat_id} after #{start}"
                headline = f"timed out after {timeout}s waiting for {what}; got {len(events)}"
                raise AssertionError(self.dump(chat_id, headline))
            await self.core.notifier.wait(remaining)

    async def wait_in_flight(self, method: str, count: int = 1, timeout: float = 5.0) -> None:
        """Return once ``count`` ``method`` requests have arrived and are not answered yet.

        Lets a test act while the bot's requests are outstanding (a long poll waiting, held sends)
        instead of sleeping and hoping they got there.
        """
        deadline = time.monotonic() + timeout
        while self.core.in_flight[method] < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {count} {method} request(s) in flight;"
                    f" {self.core.in_flight[method]} are")
            await self.core.notifier.wait(remaining)

    async def ask(
        self, text: str, *, user_id: int, chat_id: int | None = None, timeout: float = 5.0
    ) -> SentMessage:
        """send_text, then the bot's first action in that chat."""
        target = user_id if chat_id is None else chat_id
        mark = self.mark()
        self.send_text(text, user_id=user_id, chat_id=chat_id)
        return (await self.wait_for(target, 1, after=mark, timeout=timeout))[0]

    async def click(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        user_id: int,
        timeout: float = 5.0,
        grace: float = 0.3,
    ) -> SentMessage | None:
        """Press a button and return the bot's first send/edit in the chat.

        Returns None if the bot only answered the callback query: once the bot reports the
        update handled (see ``track_handling``), or else after waiting ``grace`` seconds after
        the answer for a follow-up message or edit.
        """
        mark = self.mark()
        query_id = self.press_button(chat_id, message_id, data, user_id=user_id)
        update_id = self.core.callbacks[query_id]["update_id"]
        self.core.handled[update_id] = False
        try:
            return await self._reaction(chat_id, mark, query_id, update_id, data, timeout, grace)
        finally:
            del self.core.handled[update_id]

    async def _reaction(
        self, chat_id: int, mark: int, query_id: str, update_id: int, data: str, timeout: float, grace: float
    ) -> SentMessage | None:
        store = self.core.store
        deadline = time.monotonic() + timeout
        answered_at: float | None = None
        while True:
            events = store.events(chat_id, mark, CLICK_METHODS)
            if events:
                return events[0]
            now = time.monotonic()
            if answered_at is None and any(
                a["callback_query_id"] == query_id for a in self.core.callback_answers
            ):
                answered_at = now
            reported = self.core.reports_handling
            if answered_at is not None and (
                self.core.handled[update_id] if reported else now - answered_at >= grace
            ):
                return None
            if now >= deadline:
                headline = f"no reaction to button {data!r} within {timeout}s"
                raise AssertionError(self.dump(chat_id, headline))
            until = deadline
            if answered_at is not None and not reported:
                until = min(deadline, answered_at + grace)
            await self.core.notifier.wait(until - now)

    def dump(self, chat_id: int, headline: str) -> str:
        """Readable state for failure messages: actions, failed calls, undelivered updates."""
        core = self.core
        lines = [headline, f"bot actions in chat {chat_id}:"]
        mine = [f"  {e.describe()}" for e in core.store.log if e.chat_id == chat_id]
        lines += mine or ["  (none)"]
        others = [e for e in core.store.log if e.chat_id != chat_id][-5:]
        if others:
            lines.append("latest actions in other chats:")
            lines += [f"  {e.describe()}" for e in others]
        failed = [c for c in core.calls if c.error_code and c.method != "getUpdates"][-10:]
        if failed:
            lines.append("failed API calls:")
            lines += [
                f"  {c.method} {c.error_code} {c.description} chat_id={c.params.get('chat_id')}"
                for c in failed
            ]
        updates = core.updates
        if not any(c.method == "getUpdates" for c in core.calls) and updates.webhook is None:
            lines.append("the bot never called getUpdates and no webhook is set (is it running?)")
        lines.append(
            f"updates not confirmed by the bot: {len(updates.pending)};"
            f" dropped by allowed_updates: {len(updates.dropped)}"
        )
        return "\n".join(lines)
