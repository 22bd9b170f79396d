"""/themes, /theme [theme] and the card buttons (◀ ▶, the theme list, follow, open, source)."""

from __future__ import annotations

from contextlib import suppress

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.i18n import Translator
from bot.services.articles import Articles
from bot.services.subscriptions import Subscriptions
from bot.services.themes import ThemeCard, Themes
from bot.telegram import render
from bot.telegram.permissions import ChatAdmins
from handlers import keyboards
from handlers.keyboards import (AnchorNav, AnchorPick, AnchorText, AnchorThemes, ArticleTheme, InEnglish, ThemeFollow,
                               ThemeList, ThemeNav, ThemeOpen)
from handlers.word_filters import topic_of


async def _markup(card: ThemeCard, where: Message, tr: Translator, subscriptions: Subscriptions,
                  themes: Themes) -> InlineKeyboardMarkup:
    """The card's buttons as this chat (or forum topic) sees them: follow state, and "In English"
    for English readers when an LLM is configured."""
    following = await subscriptions.following(where.chat.id, card.slug, topic_of(where))
    markup = keyboards.theme_card(card, tr, following)
    if tr.language == "en" and card.of_anchor and card.claim and themes.can_translate:
        markup = keyboards.with_english(markup, InEnglish(slug=card.slug), tr)
    return markup


async def send_card(message: Message, themes: Themes, tr: Translator, subscriptions: Subscriptions,
                    slug: str | None = None, *, anchor_id: int | None = None) -> bool:
    card = await themes.card(slug) if slug else await themes.card_at(0, anchor_id)
    if card is None:
        return False
    markup = await _markup(card, message, tr, subscriptions, themes)
    await message.answer(render.theme_card(card, tr), reply_markup=markup, disable_web_page_preview=True)
    return True


async def _edit(message: Message, text: str, markup: InlineKeyboardMarkup) -> None:
    await message.edit_text(text, reply_markup=markup, disable_web_page_preview=True)


async def open_themes(message: Message, tr: Translator, themes: Themes, subscriptions: Subscriptions) -> None:
    """One anchor: its first card. Several: the reader chooses whose cards to see."""
    anchors = await themes.anchors()
    if len(anchors) > 1:
        await message.answer(tr("themes_pick_anchor"), reply_markup=keyboards.anchor_list(anchors))
    elif not await send_card(message, themes, tr, subscriptions):
        await message.answer(tr("themes_empty"))


async def pick_anchor(query: CallbackQuery, callback_data: AnchorPick, tr: Translator, themes: Themes,
                      subscriptions: Subscriptions) -> None:
    if not isinstance(query.message, Message) or not await send_card(query.message, themes, tr, subscriptions,
                                                                     anchor_id=callback_data.a):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    await query.answer()


async def theme(message: Message, command: CommandObject, tr: Translator, themes: Themes,
                subscriptions: Subscriptions) -> None:
    """With a theme: its card. Without (or an unknown one): the themes as buttons."""
    catalog = await themes.catalog()
    asked = (command.args or "").strip()
    slug = themes.find(catalog, asked) if asked else None
    if slug and await send_card(message, themes, tr, subscriptions, slug):
        return
    key = "theme_unknown" if asked else "theme_pick"
    await message.answer(tr(key, slug=render.plain(render.clip(asked, 60))), reply_markup=keyboards.theme_list(catalog, tr))


async def theme_list(query: CallbackQuery, callback_data: ThemeList | AnchorThemes, tr: Translator,
                     themes: Themes) -> None:
    if not isinstance(query.message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    anchor_id = callback_data.a if isinstance(callback_data, AnchorThemes) else None
    await _edit(query.message, tr("theme_pick"), keyboards.theme_list(await themes.catalog(anchor_id), tr, anchor_id))
    await query.answer()


async def navigate(query: CallbackQuery, callback_data: ThemeNav | AnchorNav, tr: Translator, themes: Themes,
                   subscriptions: Subscriptions) -> None:
    anchor_id = callback_data.a if isinstance(callback_data, AnchorNav) else None
    card = await themes.card_at(callback_data.pos, anchor_id)
    if card is None or not isinstance(query.message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    await _edit(query.message, render.theme_card(card, tr), await _markup(card, query.message, tr, subscriptions, themes))
    await query.answer()


async def open_card(query: CallbackQuery, callback_data: ThemeOpen, tr: Translator, themes: Themes,
                    subscriptions: Subscriptions) -> None:
    if not isinstance(query.message, Message) or not await send_card(query.message, themes, tr, subscriptions,
                                                                     callback_data.slug):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    await query.answer()


async def article_card(query: CallbackQuery, callback_data: ArticleTheme, tr: Translator, articles: Articles,
                       themes: Themes, subscriptions: Subscriptions) -> None:
    article = await articles.get(callback_data.article)
    card = await themes.card(callback_data.slug, subject=article) if article else None
    if card is None or not isinstance(query.message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    await query.message.answer(render.theme_card(card, tr), reply_markup=await _markup(card, query.message, tr,
                                                                                        subscriptions, themes),
                               disable_web_page_preview=True)
    await query.answer()


async def follow(query: CallbackQuery, callback_data: ThemeFollow, bot: Bot, tr: Translator, themes: Themes,
                 subscriptions: Subscriptions, chat_admins: ChatAdmins) -> None:
    """Follow or stop following the theme in the chat where the card is shown (in a group: its
    admins only); the button then shows the new state."""
    message = query.message
    if not isinstance(message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    if not await chat_admins.can_manage(bot, message.chat.id, message.chat.type, query.from_user.id):
        await query.answer(tr("group_admins_only"), show_alert=True)
        return
    catalog = await themes.catalog()
    outcome, sub = await subscriptions.toggle_theme(message.chat.id, callback_data.slug, topic_of(message))
    summary = render.subscription_summary(sub, catalog, tr)
    await query.answer(render.clip(tr(f"theme_follow_{outcome}", summary=summary), 200), show_alert=outcome == "subscribed")
    if message.reply_markup is not None:
        following = outcome != "removed"
        rows = [[_flip(button, callback_data, following, tr) for button in row] for row in message.reply_markup.inline_keyboard]
        with suppress(TelegramBadRequest):
            await message.edit_reply_markup(reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


def _flip(button: InlineKeyboardButton, data: ThemeFollow, following: bool, tr: Translator) -> InlineKeyboardButton:
    if button.callback_data != data.pack():
        return button
    return button.model_copy(update={"text": tr("btn_following_theme" if following else "btn_follow_theme")})


async def anchor_text(query: CallbackQuery, callback_data: AnchorText, tr: Translator, articles: Articles,
                      themes: Themes) -> None:
    article = await articles.get(callback_data.article)
    if article is None or not isinstance(query.message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    catalog = await themes.catalog()
    await query.message.answer(render.summary(article, catalog, tr),
                               reply_markup=keyboards.article_themes(article, catalog, tr))
    await query.answer()


def make_router() -> Router:
    router = Router(name="themes")
    router.message.register(open_themes, Command("themes"))
    router.callback_query.register(pick_anchor, AnchorPick.filter())
    router.message.register(theme, Command("theme"))
    router.callback_query.register(theme_list, AnchorThemes.filter())
    router.callback_query.register(theme_list, ThemeList.filter())
    router.callback_query.register(navigate, AnchorNav.filter())
    router.callback_query.register(navigate, ThemeNav.filter())
    router.callback_query.register(open_card, ThemeOpen.filter())
    router.callback_query.register(article_card, ArticleTheme.filter())
    router.callback_query.register(follow, ThemeFollow.filter())
    router.callback_query.register(anchor_text, AnchorText.filter())
    return router
