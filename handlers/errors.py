"""Last resort: a handler that crashed still gets the user an answer (and the log a traceback).

Registered on the Dispatcher itself (bot/app.py): error events propagate up from the router
where they happened, so only the root sees them all."""

from __future__ import annotations

import logging

from aiogram.types import ErrorEvent

from bot.i18n import Translator

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent) -> bool:
    log.exception("handler failed", exc_info=event.exception, extra={"update_id": event.update.update_id})
    update = event.update
    user = update.message.from_user if update.message else (
        update.callback_query.from_user if update.callback_query else None)
    tr = Translator.for_code(user.language_code if user else None)
    try:
        if update.message is not None:
            await update.message.answer(tr("internal_error"))
        elif update.callback_query is not None:
            await update.callback_query.answer(tr("internal_error"), show_alert=True)
    except Exception:  # noqa: BLE001 - telling the user is best effort; the error is logged above
        log.warning("could not tell the user about the error", extra={"update_id": update.update_id})
    return True
