"""/followup, /stats, /audit — admins only."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot import render, stats
from bot.audit import AuditLog
from bot.digests.service import Digests
from bot.i18n import Translator
from bot.middlewares import AdminOnly

router = Router(name="admin_ops")
router.message.middleware(AdminOnly())


@router.message(Command("followup"))
async def followup(message: Message, tr: Translator, digests: Digests, audit: AuditLog) -> None:
    run = await digests.followup()
    assert message.from_user is not None
    if run is None:
        await message.answer(tr("followup_no_anchor"))
        return
    await audit.record(message.from_user.id, "followup", {"articles": run.digest.count, "recipients": len(run.envelopes)})
    await message.answer(tr("followup_done", articles=run.digest.count, recipients=len(run.envelopes)))


@router.message(Command("stats"))
async def show_stats(message: Message, tr: Translator, digests: Digests) -> None:
    figures = await stats.collect(digests.store, digests.clock)
    await message.answer(render.stats(figures, tr))


@router.message(Command("audit"))
async def show_audit(message: Message, tr: Translator, audit: AuditLog) -> None:
    await message.answer(render.audit(await audit.recent(15), tr))
