"""The one way bot code sends a text: split to Telegram's limits, sent in order, ids returned.

Digests, channel posts, broadcasts and long previews all call :meth:`Sender.send`; pacing,
retries and error classes are applied underneath by the Throttle on the bot's session, so the
sender only has to care about message shape and about reporting what happened.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup, LinkPreviewOptions

from bot.delivery.split import split_html
from bot.delivery.throttle import priority

# Called after each part but the last with the ids sent so far and the (possibly migrated) chat,
# so a crash in the middle of a long message does not resend the parts already delivered.
PartHook = Callable[[list[int], int | str], Awaitable[None]]
_TRANSIENT = (TelegramServerError, TelegramNetworkError, TelegramRetryAfter)
Screen = tuple[str, InlineKeyboardMarkup | None]  # a message's HTML and its keyboard
Render = Callable[[], Awaitable[Screen]]


@dataclass(frozen=True)
class SendResult:
    chat_id: int | str  # where it went: the new id if the group was migrated meanwhile
    message_ids: list[int] = field(default_factory=list)
    ok: bool = True
    error: str | None = None
    transient: bool = False  # the failure may pass (5xx, network) — worth another try later


class Sender:
    """Splits and sends HTML texts through the bot it is bound to at startup.

    ``paid`` (PAID_BROADCAST): bulk sends ask for ``allow_paid_broadcast``, Telegram's paid
    budget of up to 1000 messages/s; the throttle paces them on that budget instead of 30/s.
    """

    def __init__(self, bot: Bot | None = None, *, paid: bool = False) -> None:
        self._bot = bot
        self.paid = paid
        # Coalesced edits: the newest render wanted per message, and messages being edited now.
        self._wanted: dict[tuple[int | str, int], Render] = {}
        self._editing: set[tuple[int | str, int]] = set()

    def bind(self, bot: Bot) -> None:
        self._bot = bot

    @property
    def bot(self) -> Bot:
        if self._bot is None:
            raise RuntimeError("Sender.bind(bot) was not called (the bot has not started)")
        return self._bot

    async def send(
        self,
        chat_id: int | str,
        html: str,
        *,
        reply_markup: InlineKeyboardMarkup | None = None,
        bulk: bool = False,
        link_preview: bool = True,
        skip: int = 0,
        on_part: PartHook | None = None,
        thread_id: int | None = None,
    ) -> SendResult:
        """Send ``html`` as one or more messages; ``reply_markup`` goes on the last one.

        ``skip`` parts are assumed delivered already (resuming a crashed send). Errors are
        returned, not raised: a broadcast must go on after one recipient fails. ``thread_id``:
        a forum topic of the chat (its digests go there).
        """
        parts = split_html(html)
        if not parts:
            return SendResult(chat_id, ok=False, error="empty text")
        ids: list[int] = []
        preview = None if link_preview else LinkPreviewOptions(is_disabled=True)
        paid = True if bulk and self.paid else None
        with priority(bulk=bulk):
            for index, part in enumerate(parts):
                if index < skip:
                    continue
                last = index == len(parts) - 1
                try:
                    message = await self.bot.send_message(
                        chat_id, part, parse_mode=ParseMode.HTML, link_preview_options=preview,
                        reply_markup=reply_markup if last else None, allow_paid_broadcast=paid,
                        message_thread_id=thread_id,
                    )
                except TelegramAPIError as exc:
                    return SendResult(chat_id, ids, False, describe(exc), isinstance(exc, _TRANSIENT))
                chat_id = message.chat.id
                ids.append(message.message_id)
                if on_part is not None and not last:
                    await on_part(list(ids), chat_id)
        return SendResult(chat_id, ids)

    async def edit(
        self,
        chat_id: int | str,
        message_id: int,
        html: str,
        *,
        reply_markup: InlineKeyboardMarkup | None = None,
    ) -> bool:
        """Show ``html`` (and the keyboard) in a message; False if Telegram refused the edit.

        Coalesced with the other edits of the message, like :meth:`show_latest`.
        """

        async def fixed() -> Screen:
            return html, reply_markup

        return await self.show_latest(chat_id, message_id, fixed)

    async def show_latest(self, chat_id: int | str, message_id: int, render: Render) -> bool:
        """Edit a message to what ``render`` returns *when the edit is made*; False if refused.

        Edits of one message are coalesced, last state wins: while an edit of it waits for its
        rate slot, newer requests replace the one waiting instead of queueing behind it, so rapid
        taps on a keyboard cost one or two edits, not one per tap. Rendering at edit time (not
        at tap time) means the message ends showing the state stored last, whatever order the
        taps' handlers finished in. A caller whose request was taken over returns at once (True).
        """
        key = (chat_id, message_id)
        self._wanted[key] = render
        if key in self._editing:
            return True
        self._editing.add(key)
        ok, shown = True, None
        try:
            while key in self._wanted:
                screen = await self._wanted.pop(key)()
                if screen != shown:  # a re-render that changed nothing costs no call
                    ok = await self._edit_now(chat_id, message_id, *screen)
                    shown = screen
        finally:
            self._editing.discard(key)
            self._wanted.pop(key, None)
        return ok

    async def _edit_now(self, chat_id: int | str, message_id: int, html: str,
                        reply_markup: InlineKeyboardMarkup | None) -> bool:
        try:
            with priority(bulk=False):
                await self.bot.edit_message_text(
                    text=html, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML,
                    reply_markup=reply_markup, link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
        except TelegramAPIError:
            return False
        return True


def describe(exc: TelegramAPIError) -> str:
    """A short, stable error text for the outbox and reports ("TelegramForbiddenError: ...")."""
    return f"{type(exc).__name__}: {exc.message.splitlines()[0]}"[:300]
