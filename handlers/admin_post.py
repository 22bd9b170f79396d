"""Channel posts by admins: /post, /schedule, /queue, /cancel, /edit, /delete and the buttons of
previews and publication notes.

Commands and buttons sit behind the AdminOnly gate (refused and audited for others). What an
admin simply sends or forwards becomes a draft in `handlers/admin_post_drafts.py`.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.i18n import Translator
from bot.numbers import parse_id
from bot.posting import PostContent, PostError, Posting, after_command, content_of
from bot.posting.markup import PostAction
from bot.posting.options import TOGGLES
from bot.posting.preview import queue_text, refresh_control, show_preview
from bot.refusal import Refusal
from bot.services.subscriptions import Subscriptions


async def draft_and_preview(message: Message, content: PostContent, tr: Translator, posting: Posting,
                            subscriptions: Subscriptions) -> None:
    """Whatever the admin typed, replied to or forwarded becomes a draft, previewed as the channel
    will see it (one path for /post and for messages sent or forwarded to the bot)."""
    assert message.from_user is not None
    draft = await posting.draft(message.from_user.id, message.chat.id, content)
    await show_preview(posting, draft, message.chat.id, tr, await subscriptions.zone_of(message.chat.id))


def post_id(text: str | None, usage: str) -> int:
    """The post number a command starts with ("/edit 12 New text"); "²", 25 digits, "abc" or
    nothing is refused with the command's `usage` line (answered by the one refusal handler)."""
    words = (text or "").split(maxsplit=1)
    number = parse_id(words[0]) if words else None
    if number is None:
        raise Refusal(usage)
    return number


def _replied(message: Message) -> PostContent | None:
    return content_of(message.reply_to_message) if message.reply_to_message else None


async def post(message: Message, tr: Translator, posting: Posting, subscriptions: Subscriptions) -> None:
    content: PostContent | None = after_command(message)
    if not content or not content.text:
        content = _replied(message)
    if content is None:
        await message.answer(tr("post_usage"))
        return
    await draft_and_preview(message, content, tr, posting, subscriptions)


async def schedule(message: Message, command: CommandObject, tr: Translator, posting: Posting,
                   subscriptions: Subscriptions) -> None:
    """/schedule DATE TIME TEXT; as a reply, the replied message; with neither, the open draft."""
    assert message.from_user is not None
    zone = await subscriptions.zone_of(message.chat.id)
    when, rest = posting.schedule_time(command.args, zone)
    content = after_command(message, skip_words=2) if rest else _replied(message)
    draft = await posting.schedule(message.from_user.id, message.chat.id, when, content)
    await show_preview(posting, draft, message.chat.id, tr, zone)


async def queue(message: Message, tr: Translator, posting: Posting, subscriptions: Subscriptions) -> None:
    zone = await subscriptions.zone_of(message.chat.id)
    await message.answer(queue_text(await posting.queue(), zone, tr))


async def cancel(message: Message, command: CommandObject, tr: Translator, posting: Posting) -> None:
    number = post_id(command.args, "cancel_usage")
    assert message.from_user is not None
    await posting.cancel(number, message.from_user.id)
    await message.answer(tr("post_cancelled_id", id=number))


async def edit(message: Message, command: CommandObject, tr: Translator, posting: Posting) -> None:
    """/edit ID New text (formatting kept); as a reply, the replied text; bare, asks for it."""
    number = post_id(command.args, "post_edit_usage")
    assert message.from_user is not None
    text = after_command(message, skip_words=1)
    if not text.text:
        replied = _replied(message)
        text = PostContent(*replied.caption) if replied else text
    if not text.text:
        await posting.request_edit(number, message.from_user.id)
        await message.answer(tr("post_edit_prompt", id=number))
        return
    await posting.edit_published(number, message.from_user.id, text)
    await message.answer(tr("post_edited", id=number))


async def delete(message: Message, command: CommandObject, tr: Translator, posting: Posting) -> None:
    number = post_id(command.args, "post_delete_usage")
    assert message.from_user is not None
    await posting.delete_published(number, message.from_user.id)
    await message.answer(tr("post_deleted", id=number))


async def post_action(query: CallbackQuery, callback_data: PostAction, tr: Translator, posting: Posting,
                      subscriptions: Subscriptions) -> None:
    action, number, user = callback_data.action, callback_data.post, query.from_user.id
    message = query.message if isinstance(query.message, Message) else None
    if action in TOGGLES:
        post = await posting.toggle(number, user, action)
        await query.answer(tr("post_option_saved"))
        await refresh_control(posting, post, tr, await subscriptions.zone_of(post.chat_id))
        return
    if action == "buttons":
        await query.answer(tr("post_buttons_hint"), show_alert=True)
        return
    if action == "publish":
        post = await posting.confirm(number, user)
        note = tr("post_scheduled", id=number) if post.scheduled_at else tr("post_queued", id=number)
    elif action == "cancel":
        await posting.cancel(number, user)
        note = tr("post_cancelled")
    elif action == "edit":
        await posting.request_edit(number, user)
        note = tr("post_edit_prompt", id=number)
    elif action == "delete":
        await posting.delete_published(number, user)
        note = tr("post_deleted", id=number)
    else:
        raise PostError("post_unknown", id=number)
    await query.answer(note[:200])
    if message is not None:
        if action != "edit":
            await message.edit_reply_markup(reply_markup=None)
        if action != "publish" or post.scheduled_at:
            await message.answer(note)


def make_router() -> Router:
    router = Router(name="admin_post")
    router.message.register(post, Command("post"))
    router.message.register(schedule, Command("schedule"))
    router.message.register(queue, Command("queue"))
    router.message.register(cancel, Command("cancel"))
    router.message.register(edit, Command("edit"))
    router.message.register(delete, Command("delete"))
    router.callback_query.register(post_action, PostAction.filter())
    return router
