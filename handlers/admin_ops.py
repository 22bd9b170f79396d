"""/followup (preview, then Publish / Cancel), /stats, /audit — admins only."""

from __future__ import annotations

from datetime import datetime, timezone

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.telegram import admin_render

from bot.telegram import render

from bot.delivery import Sender
from bot.digests.followups import Followups
from bot.digests.service import Digests
from bot.i18n import Translator
from bot.services.statistics import Statistics
from bot.services.subscriptions import Subscriptions
from bot.services.themes import Themes
from handlers import keyboards
from handlers.errors import delivered
from handlers.keyboards import AnchorFollowupAction, FollowupAction


async def followup(message: Message, tr: Translator, digests: Digests, sender: Sender, themes: Themes) -> None:
    """Shows each anchor's follow-up exactly as the channel will get it (the first anchor's as
    always, then those admins added, each naming its analysis); nothing is sent before Publish."""
    anchors = await themes.anchors()
    if not anchors:
        await message.answer(tr("followup_no_anchor"))
        return
    for k, ref in enumerate(anchors):
        draft = await digests.compose_followup(anchor=ref.slug)
        if draft is None:
            continue
        if draft.digest.count == 0:
            nothing = tr("followup_nothing_new", date=render.format_date(draft.digest.since, tr))
            await message.answer(nothing if k == 0 else f"{render.plain(ref.title)}: {nothing}")
            continue
        recipients = len(await digests.followup_recipients())
        head = tr("followup_preview", articles=draft.digest.count, recipients=recipients)
        until = int(draft.digest.until.timestamp())
        delivered(await sender.send(message.chat.id, f"{head}\n\n{digests.render_followup(draft, 'ru')}",
                                    link_preview=False, reply_markup=keyboards.followup_preview(until, tr, ref.id if k else None)))


async def followup_action(query: CallbackQuery, callback_data: FollowupAction | AnchorFollowupAction, tr: Translator,
                          followups: Followups) -> None:
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)  # a second press: "not modified", a success
    if callback_data.action != "send":
        note = tr("followup_cancelled")
    else:
        until = datetime.fromtimestamp(callback_data.until, timezone.utc)
        anchor_id = callback_data.a if isinstance(callback_data, AnchorFollowupAction) else None
        run = await followups.publish(query.from_user.id, until, anchor_id)
        if run is None or not run.envelopes:
            since = render.format_date(run.digest.since, tr) if run else ""
            note = tr("followup_already_sent", date=since)
        else:
            note = tr("followup_done", articles=run.digest.count, recipients=len(run.envelopes))
    await query.answer(note)
    if isinstance(query.message, Message):
        await query.message.answer(note)


async def show_stats(message: Message, tr: Translator, statistics: Statistics, themes: Themes,
                     subscriptions: Subscriptions) -> None:
    figures = await statistics.collect()
    zone = await subscriptions.zone_of(message.chat.id)
    await message.answer(admin_render.stats(figures, await themes.catalog(), zone, tr))


async def show_audit(message: Message, tr: Translator, audit: Audit, subscriptions: Subscriptions) -> None:
    rows = await audit.recent(15)
    names = await audit.names({r.user_id for r in rows if r.user_id})
    zone = await subscriptions.zone_of(message.chat.id)
    await message.answer(admin_render.audit(rows, names, zone, tr))


def make_router() -> Router:
    router = Router(name="admin_ops")
    router.message.register(followup, Command("followup"))
    router.callback_query.register(followup_action, AnchorFollowupAction.filter())
    router.callback_query.register(followup_action, FollowupAction.filter())
    router.message.register(show_stats, Command("stats"))
    router.message.register(show_audit, Command("audit"))
    return router
