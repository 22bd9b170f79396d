"""The one error path: a refusal is answered in the user's language, anything else gets the
user an apology (and the log a traceback).

Registered on the Dispatcher itself (bot/app/wiring.py): error events propagate up from the router
where they happened, so only the root sees them all. Handlers never answer a refusal by hand; a
command that shows a progress line has the refusal put in its place (`in_place`)."""

from __future__ import annotations

import contextlib
import logging
from typing import AsyncIterator

from aiogram.types import ErrorEvent, Message, Update

from bot.delivery import SendResult
from bot.i18n import Translator
from bot.refusal import Refusal
from bot.services.storage_alarm import StorageAlarm
from storage.db import StorageUnwritable

log = logging.getLogger(__name__)


def _translator(update: Update) -> Translator:
    user = update.message.from_user if update.message else (
        update.callback_query.from_user if update.callback_query else None)
    return Translator.for_code(user.language_code if user else None)


async def _tell(update: Update, text: str) -> None:
    """A message is answered in its chat (its topic); a button press with an alert."""
    try:
        if update.message is not None:
            await update.message.answer(text)
        elif update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
    except Exception:  # noqa: BLE001 - telling the user is best effort; the cause is logged
        log.warning("could not tell the user about the error", extra={"update_id": update.update_id})


async def on_refusal(event: ErrorEvent) -> bool:
    """Bad input or a state that forbids the action (ExceptionTypeFilter(Refusal))."""
    assert isinstance(event.exception, Refusal)
    await _tell(event.update, event.exception.text(_translator(event.update)))
    return True


async def on_error(event: ErrorEvent, storage_alarm: StorageAlarm | None = None) -> bool:
    update = event.update
    key = "internal_error"
    if isinstance(event.exception, StorageUnwritable):
        # Not a bug: the disk refused a write the user asked for. They hear it was not saved,
        # the admins hear why (once).
        key = "storage_write_failed"
        log.error("write refused by the database", extra={"update_id": update.update_id,
                                                           "reason": event.exception.reason})
        if storage_alarm is not None:
            await storage_alarm.report(event.exception)
    else:
        log.exception("handler failed", exc_info=event.exception, extra={"update_id": update.update_id})
    await _tell(update, _translator(update)(key))
    return True


def delivered(result: SendResult) -> SendResult:
    """A reply sent through the Sender (which returns failures rather than raising, for the sake
    of broadcasts): when it did not go out, the reader hears so instead of nothing at all."""
    if not result.ok:
        log.warning("reply not delivered", extra={"chat_id": result.chat_id, "reason": result.error})
        raise Refusal("send_failed")
    return result


@contextlib.asynccontextmanager
async def in_place(message: Message, text: str, tr: Translator) -> AsyncIterator[Message]:
    """A progress line ("fetching…") that the outcome replaces: the command edits it with its
    result, and a refusal raised meanwhile is shown in its place instead of as a second message.
    It is handled here, inside the command, so a job bracket around it (a graceful stop waits for
    the report) still covers the report."""
    progress = await message.answer(text)
    try:
        yield progress
    except Refusal as exc:
        await progress.edit_text(exc.text(tr))
