"""Channel posts by admins: /post, /schedule, /queue, /cancel and the preview buttons.

Commands and buttons sit behind the AdminOnly gate (refused and audited for others); an admin's
forwarded message or new text while a draft is open is picked up by `drafts_router` instead,
which simply does not match for other users.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot import render
from bot.config import Settings
from bot.delivery.split import visible_length
from bot.i18n import Translator
from bot.numbers import parse_id
from bot.middlewares import AdminOnly
from bot.posting import Draft, PostError, Posting, parse_schedule
from bot.subscriptions import Subscriptions
from handlers import keyboards
from handlers.filters import MayPost
from handlers.keyboards import PostAction

router = Router(name="admin_post")
router.message.middleware(AdminOnly(channel_admins=True))
router.callback_query.middleware(AdminOnly(channel_admins=True))
drafts_router = Router(name="admin_drafts")
drafts_router.message.filter(F.chat.type == "private", MayPost())

PREVIEW_LIMIT = 4000


async def _preview(message: Message, draft: Draft, tr: Translator, posting: Posting, zone: str) -> None:
    if draft.scheduled_at is not None:
        when = render.format_datetime(draft.scheduled_at, zone)
        head = tr("schedule_preview", target=render.plain(draft.target), when=when, zone=zone)
    else:
        head = tr("post_preview", target=render.plain(draft.target))
    if visible_length(draft.html) + len(head) > PREVIEW_LIMIT:
        await message.answer(tr("post_too_long"))
        return
    sent = await message.answer(f"{head}\n\n{draft.html}", reply_markup=keyboards.post_preview(draft.id, tr))
    await posting.set_preview(draft.id, sent.message_id)


async def _admin_zone(chat_id: int, subscriptions: Subscriptions, settings: Settings) -> str:
    sub = await subscriptions.get(chat_id)
    return sub.timezone if sub else settings.timezone


def _source_html(message: Message, command: CommandObject | None) -> str | None:
    """/post TEXT (escaped, exactly as typed), or the message it replies to (its formatting kept)."""
    text = (command.args or "").strip() if command else ""
    if text:
        return render.plain(text)
    replied = message.reply_to_message
    if replied is not None and (replied.text or replied.caption):
        return replied.html_text
    return None


@router.message(Command("post"))
async def post(message: Message, command: CommandObject, tr: Translator, posting: Posting,
               subscriptions: Subscriptions, settings: Settings) -> None:
    html = _source_html(message, command)
    if html is None:
        await message.answer(tr("post_usage"))
        return
    assert message.from_user is not None
    try:
        draft = await posting.draft(message.from_user.id, message.chat.id, html)
    except PostError as exc:
        await message.answer(exc.text(tr))
        return
    await _preview(message, draft, tr, posting, await _admin_zone(message.chat.id, subscriptions, settings))


@router.message(Command("schedule"))
async def schedule(message: Message, command: CommandObject, tr: Translator, posting: Posting,
                   subscriptions: Subscriptions, settings: Settings) -> None:
    assert message.from_user is not None
    zone = await _admin_zone(message.chat.id, subscriptions, settings)
    try:
        when, text = parse_schedule(command.args, zone, posting.clock.now())
        draft = await posting.draft(message.from_user.id, message.chat.id, render.plain(text), scheduled_at=when)
    except PostError as exc:
        await message.answer(exc.text(tr))
        return
    await _preview(message, draft, tr, posting, zone)


@router.message(Command("queue"))
async def queue(message: Message, tr: Translator, posting: Posting, subscriptions: Subscriptions,
                settings: Settings) -> None:
    zone = await _admin_zone(message.chat.id, subscriptions, settings)
    await message.answer(render.post_queue(await posting.queue(), zone, tr))


@router.message(Command("cancel"))
async def cancel(message: Message, command: CommandObject, tr: Translator, posting: Posting) -> None:
    post_id = parse_id(command.args)
    if post_id is None:
        await message.answer(tr("cancel_usage"))
        return
    assert message.from_user is not None
    try:
        await posting.cancel(post_id, message.from_user.id)
    except PostError as exc:
        await message.answer(exc.text(tr))
        return
    await message.answer(tr("post_cancelled_id", id=post_id))


@router.callback_query(PostAction.filter())
async def post_action(query: CallbackQuery, callback_data: PostAction, tr: Translator, posting: Posting) -> None:
    try:
        if callback_data.action == "publish":
            outcome = await posting.confirm(callback_data.post, query.from_user.id)
            note = tr("post_published" if outcome == "published" else "post_scheduled", id=callback_data.post)
        else:
            await posting.cancel(callback_data.post, query.from_user.id)
            note = tr("post_cancelled")
    except PostError as exc:
        await query.answer(exc.text(tr), show_alert=True)
        return
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(note)
    await query.answer(note)


@drafts_router.message(F.forward_origin)
async def forwarded(message: Message, tr: Translator, posting: Posting, subscriptions: Subscriptions,
                    settings: Settings) -> None:
    """An admin forwards a message to the bot: offer it for the channel, formatting kept."""
    if not (message.text or message.caption):
        await message.answer(tr("post_forward_no_text"))
        return
    assert message.from_user is not None
    try:
        draft = await posting.draft(message.from_user.id, message.chat.id, message.html_text)
    except PostError as exc:
        await message.answer(exc.text(tr))
        return
    await _preview(message, draft, tr, posting, await _admin_zone(message.chat.id, subscriptions, settings))


@drafts_router.message(F.text, ~F.text.startswith("/"))
async def replace_draft_text(message: Message, bot: Bot, tr: Translator, posting: Posting,
                             subscriptions: Subscriptions, settings: Settings) -> None:
    """New text while a draft awaits confirmation replaces the draft's text (a fresh preview)."""
    assert message.from_user is not None
    open_draft = await posting.open_draft(message.from_user.id)
    if open_draft is None:
        await message.answer(tr("not_a_command"))
        return
    draft = await posting.replace_text(open_draft["id"], message.from_user.id, render.plain(message.text or ""))
    if open_draft.get("preview_message_id"):
        await bot.edit_message_reply_markup(chat_id=message.chat.id, message_id=open_draft["preview_message_id"],
                                            reply_markup=None)
    await _preview(message, draft, tr, posting, await _admin_zone(message.chat.id, subscriptions, settings))
