"""/broadcast TEXT: preview with Send / Cancel, then delivery with live progress. Admins only."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.delivery.sender import Sender
from bot.i18n import Translator
from bot.services.broadcasts import Broadcasts, command_html
from handlers import keyboards
from handlers.errors import delivered
from handlers.keyboards import BroadcastAction


async def broadcast(message: Message, command: CommandObject, tr: Translator, broadcasts: Broadcasts, sender: Sender) -> None:
    html = command_html(message)
    if not html:
        await message.answer(tr("broadcast_usage"))
        return
    assert message.from_user is not None
    draft = await broadcasts.draft(message.from_user.id, message.chat.id, html, tr.language)
    preview = tr("broadcast_preview", count=draft.recipients) + "\n\n" + html
    delivered(await sender.send(message.chat.id, preview, reply_markup=keyboards.broadcast_preview(draft.job_id, tr)))


async def broadcast_action(query: CallbackQuery, callback_data: BroadcastAction, tr: Translator, broadcasts: Broadcasts) -> None:
    if callback_data.action == "send":
        recipients = await broadcasts.confirm(callback_data.job, query.from_user.id)
        outcome = tr("broadcast_started", count=recipients)
    else:
        await broadcasts.cancel(callback_data.job, query.from_user.id)
        outcome = tr("broadcast_cancelled")
    await query.answer(outcome)
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        if callback_data.action == "send":
            text = await broadcasts.progress_text(callback_data.job, tr)
            shown = await query.message.answer(text)
            await broadcasts.attach_progress(callback_data.job, shown.chat.id, shown.message_id)
        else:
            await query.message.answer(outcome)


def make_router() -> Router:
    router = Router(name="admin_broadcast")
    router.message.register(broadcast, Command("broadcast"))
    router.callback_query.register(broadcast_action, BroadcastAction.filter())
    return router
