"""/start (with deep links from channel posts) and /help."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message

from bot.config import Settings
from bot.i18n import Translator
from bot.services.subscriptions import Subscriptions
from bot.services.summaries import Summaries
from bot.services.themes import Themes
from bot.telegram.commands import admin_commands, reader_commands
from bot.telegram.render import plain
from handlers.articles import send_summary
from handlers.themes import send_card


async def start(message: Message, command: CommandObject, tr: Translator, themes: Themes, summaries: Summaries,
                subscriptions: Subscriptions) -> None:
    """Deep links: `?start=themes` (the follow-up's link) opens the theme cards,
    `?start=theme_<slug>` one card, `?start=a_<id>` an article's summary. A link that no longer
    leads anywhere gets the greeting, as a plain /start would."""
    args = command.args or ""
    if args == "themes" and await send_card(message, themes, tr, subscriptions):
        return
    if args.startswith("theme_") and await send_card(message, themes, tr, subscriptions, args[len("theme_"):].lower()):
        return
    if args.startswith("a_") and args[2:].isdigit() and len(args) < 14:
        view = await summaries.stored(int(args[2:]))
        if view is not None:
            await send_summary(message, view, tr)
            return
    await message.answer(tr("start"))


async def help_(message: Message, tr: Translator, settings: Settings) -> None:
    lines = [tr("help_header"), ""]
    lines += [_line(c, tr) for c in reader_commands()]
    if message.from_user and settings.is_admin(message.from_user.id):
        lines += ["", tr("help_admin")]
        lines += [_line(c, tr) for c in admin_commands()]
    await message.answer(plain("\n".join(lines)))


def _line(command, tr: Translator) -> str:
    """"/summary [номер|ссылка] — …": argument names in the reader's language."""
    args = tr(f"args_{command.name}") if tr.has(f"args_{command.name}") else command.args
    return f"/{command.name} {args}".rstrip() + f" — {tr('cmd_' + command.name)}"


def make_router() -> Router:
    router = Router(name="start")
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    return router
