"""/themes, /theme SLUG and the card buttons (◀ ▶, open, source)."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot import render
from bot.cards import ThemeCards
from bot.i18n import Translator
from bot.library import Library
from bot.permissions import ChatAdmins
from bot.subscriptions import SettingError, Subscriptions
from handlers import keyboards
from handlers.keyboards import AnchorText, ArticleTheme, ThemeFollow, ThemeNav, ThemeOpen

router = Router(name="themes")


async def send_card(message: Message, cards: ThemeCards, tr: Translator, slug: str | None = None) -> bool:
    card = await cards.card(slug) if slug else await cards.card_at(0)
    if card is None:
        return False
    await message.answer(render.theme_card(card, tr), reply_markup=keyboards.theme_card(card, tr),
                         disable_web_page_preview=True)
    return True


@router.message(Command("themes"))
async def themes(message: Message, tr: Translator, cards: ThemeCards) -> None:
    if not await send_card(message, cards, tr):
        await message.answer(tr("themes_empty"))


@router.message(Command("theme"))
async def theme(message: Message, command: CommandObject, tr: Translator, cards: ThemeCards) -> None:
    slug = (command.args or "").strip().lower()
    if slug and await send_card(message, cards, tr, slug):
        return
    slugs = "\n".join(f"• <code>{t['slug']}</code> — {render.plain(render.theme_label(t, tr))}" for t in await cards.themes())
    key = "theme_unknown" if slug else "theme_usage"
    await message.answer(tr(key, slug=render.plain(render.clip(slug, 60)), slugs=slugs))


@router.callback_query(ThemeNav.filter())
async def navigate(query: CallbackQuery, callback_data: ThemeNav, tr: Translator, cards: ThemeCards) -> None:
    card = await cards.card_at(callback_data.pos)
    if card is None or not isinstance(query.message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    try:
        await query.message.edit_text(render.theme_card(card, tr), reply_markup=keyboards.theme_card(card, tr),
                                      disable_web_page_preview=True)
    except TelegramBadRequest as exc:
        if "not modified" not in exc.message:
            raise
    await query.answer()


@router.callback_query(ThemeOpen.filter())
async def open_card(query: CallbackQuery, callback_data: ThemeOpen, tr: Translator, cards: ThemeCards) -> None:
    if not isinstance(query.message, Message) or not await send_card(query.message, cards, tr, callback_data.slug):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    await query.answer()


@router.callback_query(ArticleTheme.filter())
async def article_card(query: CallbackQuery, callback_data: ArticleTheme, tr: Translator, library: Library,
                       cards: ThemeCards) -> None:
    article = await library.get(callback_data.article)
    card = await cards.card(callback_data.slug, subject=article) if article else None
    if card is None or not isinstance(query.message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    await query.message.answer(render.theme_card(card, tr), reply_markup=keyboards.theme_card(card, tr),
                               disable_web_page_preview=True)
    await query.answer()


@router.callback_query(ThemeFollow.filter())
async def follow(query: CallbackQuery, callback_data: ThemeFollow, bot: Bot, tr: Translator, cards: ThemeCards,
                 subscriptions: Subscriptions, chat_admins: ChatAdmins) -> None:
    """Subscribe the chat where the card is shown (in a group: its admins only)."""
    message = query.message
    if not isinstance(message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    if not await chat_admins.can_manage(bot, message.chat.id, message.chat.type, query.from_user.id):
        await query.answer(tr("group_admins_only"), show_alert=True)
        return
    slugs = [t["slug"] for t in await cards.themes()]
    try:
        outcome = await subscriptions.follow_theme(message.chat.id, callback_data.slug, slugs)
    except SettingError as exc:
        await query.answer(exc.text(tr), show_alert=True)
        return
    await query.answer(tr(f"theme_follow_{outcome}"), show_alert=outcome != "already")


@router.callback_query(AnchorText.filter())
async def anchor_text(query: CallbackQuery, callback_data: AnchorText, tr: Translator, library: Library,
                      cards: ThemeCards) -> None:
    article = await library.get(callback_data.article)
    if article is None or not isinstance(query.message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    themes = await cards.themes()
    await query.message.answer(render.summary(article, themes, tr),
                               reply_markup=keyboards.article_themes(article, themes, tr))
    await query.answer()


