"""/anchor URL (or as a reply to a forwarded channel post or to a message with the text) and the
anchor editor's buttons — admins only; the logic and the audit are in bot/services/anchor_setup.py."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import CallbackQuery, Message, MessageOriginChannel

from bot.config import Settings
from bot.digests.service import Digests
from bot.telegram import anchor_view

from bot.i18n import Translator
from bot.refusal import Refusal
from bot.services.anchor_setup import AnchorDraft, AnchorSetup
from bot.services.ingestion import Ingestion
from bot.services.lookup import parse_article_ref
from bot.telegram import render
from bot.telegram.anchor_view import AnchorEdit
from handlers.errors import in_place


class AwaitingTitle(Filter):
    """A plain message from an admin who pressed "rename" (the new title) or "schedule" (the
    follow-up schedule); others fall through."""

    async def __call__(self, message: Message, anchor_setup: AnchorSetup) -> bool | dict[str, Any]:
        if message.from_user is None or not message.text or message.text.startswith("/"):
            return False
        draft = await anchor_setup.awaiting(message.from_user.id)
        return {"draft": draft} if draft is not None else False


def _source(message: Message) -> tuple[str, str | None, str] | None:
    """The replied-to message's text, the t.me link of a forwarded channel post, its kind."""
    reply = message.reply_to_message
    text = reply and (reply.text or reply.caption)
    if not text:
        return None
    origin = reply.forward_origin
    if isinstance(origin, MessageOriginChannel) and origin.chat.username:
        return text, f"https://t.me/{origin.chat.username}/{origin.message_id}", "telegram"
    return text, None, "pasted"


async def _show(message: Message, draft: AnchorDraft, index: int, tr: Translator, *, edit: bool = False) -> None:
    text, markup = anchor_view.editor(draft, index, tr), anchor_view.editor_keyboard(draft, index, tr)
    if not edit:
        await message.answer(text, reply_markup=markup, disable_web_page_preview=True)
        return
    await message.edit_text(text, reply_markup=markup, disable_web_page_preview=True)


async def anchor(message: Message, command: CommandObject, tr: Translator, anchor_setup: AnchorSetup,
                 ingestion: Ingestion) -> None:
    assert message.from_user is not None
    admin_id, chat_id = message.from_user.id, message.chat.id
    ref = parse_article_ref(command.args) if command.args else None
    replied = _source(message) if command.args is None else None
    if (ref is None or ref.kind != "url") and replied is None:
        await message.answer(tr("anchor_usage"))
        return
    async with ingestion.job(), in_place(message, tr("anchor_reading"), tr) as progress:
        if ref is not None and ref.kind == "url":
            draft = await anchor_setup.propose_url(admin_id, chat_id, ref.value)
        else:
            assert replied is not None
            text, url, kind = replied
            draft = await anchor_setup.propose_text(admin_id, chat_id, text, url=url, kind=kind)
        await _show(progress, draft, 0, tr, edit=True)


async def new_title(message: Message, tr: Translator, anchor_setup: AnchorSetup, draft: AnchorDraft) -> None:
    assert message.from_user is not None and message.text is not None
    index = max(draft.awaiting or 0, 0)  # the schedule (SCHEDULE, below 0) was asked from the first card
    draft = await anchor_setup.answer(message.from_user.id, draft.id, message.text)
    await _show(message, draft, index, tr)


async def edit(query: CallbackQuery, callback_data: AnchorEdit, tr: Translator, anchor_setup: AnchorSetup,
               settings: Settings) -> None:
    message, admin_id, data = query.message, query.from_user.id, callback_data
    if not isinstance(message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    if data.act == "show":
        await _show(message, await anchor_setup.draft(data.p), data.i, tr, edit=True)
    elif data.act == "rename":
        draft = await anchor_setup.ask_title(admin_id, data.p, data.i)
        await message.answer(render.plain(tr("anchor_ask_title", title=draft.themes[data.i].title)))
    elif data.act == "drop":
        draft = await anchor_setup.drop(admin_id, data.p, data.i)
        await _show(message, draft, min(data.i, len(draft.themes) - 1), tr, edit=True)
    elif data.act == "merge":
        draft = await anchor_setup.draft(data.p)
        if not 0 <= data.i < len(draft.themes):
            raise Refusal("anchor_gone")
        await message.edit_text(render.plain(tr("anchor_merge_pick", title=draft.themes[data.i].title)),
                                reply_markup=anchor_view.merge_keyboard(draft, data.i, tr))
    elif data.act == "into":
        draft = await anchor_setup.merge(admin_id, data.p, data.i, data.j)
        await _show(message, draft, data.i - (data.j < data.i), tr, edit=True)
    elif data.act == "sched":
        draft = await anchor_setup.ask_schedule(admin_id, data.p)
        await message.answer(anchor_view.ask_schedule(draft, settings.followup_cron, tr))
    elif data.act == "ok":
        await message.edit_text(anchor_view.confirmed(await anchor_setup.confirm(admin_id, data.p), tr))
    elif data.act == "cancel":
        if not await anchor_setup.cancel(admin_id, data.p):
            raise Refusal("anchor_closed")
        await message.edit_text(tr("anchor_cancelled"))
    await query.answer()


async def followup_schedule(message: Message, command: CommandObject, tr: Translator, anchor_setup: AnchorSetup,
                            digests: Digests, settings: Settings) -> None:
    """`/followup_schedule`: each anchor's schedule and next follow-up; `/followup_schedule SLUG
    SPEC` changes one (the logic, validation and audit in AnchorSetup.reschedule)."""
    assert message.from_user is not None
    slug, spec = ((command.args or "").split(maxsplit=1) + ["", ""])[:2]
    if slug and spec:
        done = await anchor_setup.reschedule(message.from_user.id, slug, spec)
        await message.answer(anchor_view.rescheduled(done, tr))
        return
    outlook = await digests.outlook()
    await message.answer(anchor_view.schedules(outlook.followups, settings.timezone, tr))


def make_router() -> Router:
    router = Router(name="admin_anchor")
    router.message.register(anchor, Command("anchor"))
    router.message.register(new_title, F.chat.type == "private", AwaitingTitle())
    router.callback_query.register(edit, AnchorEdit.filter())
    router.message.register(followup_schedule, Command("followup_schedule"))
    return router
