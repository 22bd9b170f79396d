"""/post TEXT: preview with Опубликовать / Отмена, then the channel. Admins only (AdminOnly gate)."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot import render
from bot.audit import AuditLog
from bot.i18n import Translator
from bot.middlewares import AdminOnly
from bot.posting import PostError, Posting
from handlers import keyboards
from handlers.keyboards import PostAction

router = Router(name="admin_post")
router.message.middleware(AdminOnly())
router.callback_query.middleware(AdminOnly())


@router.message(Command("post"))
async def post(message: Message, command: CommandObject, tr: Translator, posting: Posting, audit: AuditLog) -> None:
    text = (command.args or "").strip()
    if not text:
        await message.answer(tr("post_usage"))
        return
    assert message.from_user is not None
    try:
        draft = await posting.draft(message.from_user.id, message.chat.id, text)
    except PostError as exc:
        await message.answer(tr(exc.args[0]))
        return
    preview = tr("post_preview", target=render.plain(draft.target)) + "\n\n" + render.plain(text)
    if len(preview) > 4000:
        await audit.record(message.from_user.id, "post.too_long", {"chars": len(text)}, ok=False)
        await message.answer(tr("post_too_long"))
        return
    sent = await message.answer(preview, reply_markup=keyboards.post_preview(draft.id, tr), disable_web_page_preview=True)
    await posting.set_preview(draft.id, sent.message_id)


@router.callback_query(PostAction.filter())
async def post_action(query: CallbackQuery, callback_data: PostAction, bot: Bot, tr: Translator, posting: Posting) -> None:
    try:
        if callback_data.action == "publish":
            await posting.publish(bot, callback_data.post, query.from_user.id)
            outcome = tr("post_published")
        else:
            await posting.cancel(callback_data.post, query.from_user.id)
            outcome = tr("post_cancelled")
    except PostError as exc:
        await query.answer(tr(exc.args[0]), show_alert=True)
        return
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(outcome)
    await query.answer(outcome)
