"""/latest, /summary, /search: reading the library."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.telegram import render
from bot.services.themes import ThemeCards
from bot.refusal import Refusal
from bot.i18n import Translator
from bot.services.ingestion import Ingestion
from bot.services.articles import Article, Library
from bot.services.lookup import parse_article_ref
from bot.net import FetchError
from bot.sources import SourceError
from handlers import keyboards
from handlers.keyboards import ArticleOpen, InEnglish


async def send_summary(message: Message, article: Article, tr: Translator, cards: ThemeCards) -> None:
    themes = await cards.themes()
    markup = keyboards.article_themes(article, themes, tr)
    if tr.language == "en" and article.id and cards.library.can_translate:
        markup = keyboards.with_english(markup, InEnglish(article=article.id), tr)
    await message.answer(render.summary(article, themes, tr), reply_markup=markup, disable_web_page_preview=True)


async def latest(message: Message, tr: Translator, library: Library) -> None:
    items = await library.latest(5)
    if not items:
        await message.answer(tr("latest_empty"))
        return
    await message.answer(render.article_list(tr("latest_header"), items, tr), disable_web_page_preview=True,
                         reply_markup=keyboards.article_list(items, tr))


async def summary(message: Message, command: CommandObject, tr: Translator, library: Library, cards: ThemeCards,
                  ingestion: Ingestion) -> None:
    ref = parse_article_ref(command.args)
    if ref is None:
        await message.answer(tr("summary_bad_arg"))
        return
    article = await library.find(ref)
    if article is None and ref.kind == "url":
        try:
            article = await ingestion.preview_url(ref.value, message.from_user and message.from_user.id)
        except (SourceError, FetchError) as exc:
            await message.answer(render.fetch_failed(exc, tr))
            return
        except Refusal as exc:
            await message.answer(exc.text(tr))
            return
    if article is None:
        await message.answer(tr("summary_not_found", ref=render.plain(ref.value)))
        return
    await send_summary(message, article, tr, cards)


async def open_article(query: CallbackQuery, callback_data: ArticleOpen, tr: Translator, library: Library,
                       cards: ThemeCards) -> None:
    article = await library.get(callback_data.article)
    if article is None or not isinstance(query.message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    await send_summary(query.message, article, tr, cards)
    await query.answer()


async def in_english(query: CallbackQuery, callback_data: InEnglish, tr: Translator, library: Library,
                     cards: ThemeCards) -> None:
    """An English retelling of an article (its text) or of a theme card (what the analysis says)."""
    source: tuple[str, str, str] | None = None
    if callback_data.article:
        article = await library.get(callback_data.article)
        source = (f"a{article.id}", article.title, article.text) if article else None
    elif card := await cards.card(callback_data.slug):
        source = (f"t{card.slug}:{card.anchor.id}", render.theme_label(card.theme, tr), " ".join(card.claim + card.quotes))
    if source is None or not isinstance(query.message, Message):
        await query.answer(tr("stale_button"), show_alert=True)
        return
    await query.answer(tr("translating"))
    key, title, text = source
    retold = await library.in_english(key, title, text)
    await query.message.answer(render.in_english(title, retold, tr) if retold else tr("translation_failed"),
                               disable_web_page_preview=True)


async def search(message: Message, command: CommandObject, tr: Translator, library: Library) -> None:
    query = (command.args or "").strip()
    if len(query) < 2:
        await message.answer(tr("search_usage"))
        return
    found = await library.search(query)
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
