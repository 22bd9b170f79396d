"""/start and /help."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message

from bot.cards import ThemeCards
from bot.commands import admin_commands, reader_commands
from bot.config import Settings
from bot.i18n import Translator
from bot.render import plain
from handlers.themes import send_card

router = Router(name="start")


@router.message(CommandStart())
async def start(message: Message, command: CommandObject, tr: Translator, cards: ThemeCards) -> None:
    """A deep link `?start=themes` (the follow-up digest's link) opens the theme cards."""
    if command.args == "themes" and await send_card(message, cards, tr):
        return
    await message.answer(tr("start"))


@router.message(Command("help"))
async def help_(message: Message, tr: Translator, settings: Settings) -> None:
    lines = [tr("help_header"), ""]
    lines += [f"/{c.name} {c.args}".rstrip() + f" — {tr('cmd_' + c.name)}" for c in reader_commands()]
    if message.from_user and settings.is_admin(message.from_user.id):
        lines += ["", tr("help_admin")]
        lines += [f"/{c.name} {c.args}".rstrip() + f" — {tr('cmd_' + c.name)}" for c in admin_commands()]
    await message.answer(plain("\n".join(lines)))
