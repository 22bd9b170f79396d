"""Last router: unknown commands and stray text in a private chat get a short pointer to /help.

In groups the bot stays silent unless it is sure it was spoken to: a command addressed to
another bot (/summary@other_bot) or a command it does not know may well be meant for someone
else, and a bot answering those is a bot that gets removed from the group.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message

from bot.i18n import Translator
from bot.telegram import render


async def unknown_command(message: Message, bot: Bot, tr: Translator) -> None:
    head = (message.text or "/").split()[0][1:]
    name, _, mention = head.partition("@")
    if mention and mention.lower() != ((await bot.me()).username or "").lower():
        return  # addressed to another bot
    if message.chat.type != "private":
        return
    await message.answer(tr("unknown_command", command=render.plain(render.clip(name, 40))))


async def other_text(message: Message, tr: Translator) -> None:
    await message.answer(tr("not_a_command"))


async def stale_button(query: CallbackQuery, tr: Translator) -> None:
    await query.answer(tr("stale_button"), show_alert=True)


def make_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(other_text, F.chat.type == "private")
    router.callback_query.register(stale_button)
    return router
