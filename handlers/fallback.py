"""Last router: unknown commands and stray text get a short pointer to /help, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot import render
from bot.i18n import Translator

router = Router(name="fallback")


@router.message(F.text.startswith("/"))
async def unknown_command(message: Message, tr: Translator) -> None:
    name = (message.text or "/").split()[0][1:].split("@")[0]
    await message.answer(tr("unknown_command", command=render.plain(render.clip(name, 40))))


@router.message(F.chat.type == "private")
async def other_text(message: Message, tr: Translator) -> None:
    await message.answer(tr("not_a_command"))


@router.callback_query()
async def stale_button(query: CallbackQuery, tr: Translator) -> None:
    await query.answer(tr("stale_button"), show_alert=True)
