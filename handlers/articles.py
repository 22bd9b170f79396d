"""/latest, /summary, /search: reading the articles."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.i18n import Translator
from bot.services.articles import Articles
from bot.services.summaries import Summaries, SummaryView
from bot.services.themes import Themes
from bot.telegram import render
from handlers import keyboards
from handlers.keyboards import ArticleOpen, InEnglish


async def send_summary(message: Message, view: SummaryView, tr: Translator) -> None:
    markup = keyboards.article_themes(view.article, view.themes, tr)
    if tr.language == "en" and view.translatable:
        markup = keyboards.with_english(markup, InEnglish(article=view.article.id), tr)
    await message.answer(render.summary(view.article, view.themes, tr), reply_markup=markup,
                         disable_web_page_preview=True)


async def latest(message: Message, tr: Translator, articles: Articles) -> None:
    items = await articles.latest(5)
    if not items:
        await message.answer(tr("latest_empty"))
        return
    await message.answer(render.article_list(tr("latest_header"), items, tr), disable_web_page_preview=True,
                         reply_markup=keyboards.article_list(items, tr))


async def summary(message: Message, command: CommandObject, tr: Translator, summaries: Summaries) -> None:
    view = await summaries.lookup(command.args, message.from_user and message.from_user.id)
    await send_summary(message, view, tr)


async def open_article(query: CallbackQuery, callback_data: ArticleOpen, tr: Translator, summaries: Summaries) -> None:
    view = await summaries.stored(callback_data.article)
    if view is None or not isinstance(query.message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    await send_summary(query.message, view, tr)
    await query.answer()


async def in_english(query: CallbackQuery, callback_data: InEnglish, tr: Translator, articles: Articles,
                     themes: Themes) -> None:
    """An English retelling of an article (its text) or of a theme card (what the analysis says)."""
    source: tuple[str, str, str] | None = None
    if callback_data.article:
        article = await articles.get(callback_data.article)
        source = (f"a{article.id}", article.title, article.text) if article else None
    elif card := await themes.card(callback_data.slug):
        source = (f"t{card.slug}:{card.anchor.id}", render.theme_label(card.theme, tr), " ".join(card.claim + card.quotes))
    if source is None or not isinstance(query.message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    await query.answer(tr("translating"))
    key, title, text = source
    retold = await articles.in_english(key, title, text)
    await query.message.answer(render.in_english(title, retold, tr) if retold else tr("translation_failed"),
                               disable_web_page_preview=True)


async def search(message: Message, command: CommandObject, tr: Translator, articles: Articles) -> None:
    query = (command.args or "").strip()
    if len(query) < 2:
        await message.answer(tr("search_usage"))
        return
    found = await articles.search(query)
    if not found:
        await message.answer(tr("search_empty", query=render.plain(render.clip(query, 100))))
        return
    header = tr("search_header", query=render.clip(query, 100))
    await message.answer(render.article_list(header, found, tr), disable_web_page_preview=True,
                         reply_markup=keyboards.article_list(found, tr))


def make_router() -> Router:
    router = Router(name="reading")
    router.message.register(latest, Command("latest"))
    router.message.register(summary, Command("summary"))
    router.callback_query.register(open_article, ArticleOpen.filter())
    router.callback_query.register(in_english, InEnglish.filter())
    router.message.register(search, Command("search"))
    return router
