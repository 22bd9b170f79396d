"""Last resort: a handler that crashed still gets the user an answer (and the log a traceback).

Registered on the Dispatcher itself (bot/app/wiring.py): error events propagate up from the router
where they happened, so only the root sees them all."""

from __future__ import annotations

import logging

from aiogram.types import ErrorEvent

from bot.i18n import Translator
from bot.services.storage_alarm import StorageAlarm
from storage.db import StorageUnwritable

log = logging.getLogger(__name__)


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
    user = update.message.from_user if update.message else (
        update.callback_query.from_user if update.callback_query else None)
    tr = Translator.for_code(user.language_code if user else None)
    try:
        if update.message is not None:
            await update.message.answer(tr(key))
        elif update.callback_query is not None:
            await update.callback_query.answer(tr(key), show_alert=True)
    except Exception:  # noqa: BLE001 - telling the user is best effort; the error is logged above
        log.warning("could not tell the user about the error", extra={"update_id": update.update_id})
    return True
