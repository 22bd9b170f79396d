"""Callback-data factories and inline keyboards (callback_data stays far below 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Translator
from bot.numbers import ButtonId
from bot.services.articles import Article
from bot.services.themes import AnchorRef, Theme, ThemeCard
from bot.telegram.render import clip, theme_label


class ThemeNav(CallbackData, prefix="tn"):
    """◀ ▶ on a card: show the card at `pos`, editing the same message."""

    pos: ButtonId


class ThemeList(CallbackData, prefix="tl"):
    """The "n/total" counter on a card: the list of themes, in the same message."""


class AnchorNav(CallbackData, prefix="an"):
    """◀ ▶ on a card of an anchor other than the first: its own themes only (the first anchor's
    cards keep ThemeNav, so buttons already sent keep working)."""

    a: ButtonId
    pos: ButtonId


class AnchorPick(CallbackData, prefix="ap"):
    """/themes with several anchors: show the first card of anchor `a`."""

    a: ButtonId


class AnchorThemes(CallbackData, prefix="al"):
    """The "n/total" counter on a card of an anchor other than the first: its themes' list."""

    a: ButtonId


class ThemeOpen(CallbackData, prefix="to"):
    slug: str


class ArticleTheme(CallbackData, prefix="ac"):
    """A theme as one article covers it (from that article's /summary)."""

    article: ButtonId
    slug: str


class ThemeFollow(CallbackData, prefix="tf"):
    """"Subscribe to this theme" on a card."""

    slug: str


class ArticleOpen(CallbackData, prefix="ao"):
    """"Open" next to an item of /latest, /search or /digest: that article's summary."""

    article: int


class InEnglish(CallbackData, prefix="en"):
    """"In English" under a summary (article id) or a theme card (slug) for English readers."""

    article: int = 0
    slug: str = ""


class AnchorText(CallbackData, prefix="at"):
    """The "source" button of a card whose anchor has no public URL: show the analysis here."""

    article: ButtonId


class FollowupAction(CallbackData, prefix="fa"):
    action: str  # send | cancel
    until: int  # the previewed window's end, Unix seconds: confirming sends exactly that window


class AnchorFollowupAction(CallbackData, prefix="af"):
    """FollowupAction for the follow-up of an anchor other than the first (anchor id `a`)."""

    action: str
    until: int
    a: ButtonId


class BroadcastAction(CallbackData, prefix="bc"):
    action: str  # send | cancel
    job: ButtonId


def _follow_button(kb: InlineKeyboardBuilder, card: ThemeCard, tr: Translator, following: bool) -> None:
    """🔔 to follow, ✅ while following: the same button takes the theme out again."""
    kb.button(text=tr("btn_following_theme" if following else "btn_follow_theme"), callback_data=ThemeFollow(slug=card.slug))


def theme_card(card: ThemeCard, tr: Translator, following: bool = False) -> InlineKeyboardMarkup:
    if not card.of_anchor:
        return _article_card(card, tr, following)

    def nav(pos: int) -> CallbackData:
        return ThemeNav(pos=pos) if card.anchor_position == 0 else AnchorNav(a=card.anchor_id, pos=pos)

    kb = InlineKeyboardBuilder()
    kb.button(text="◀", callback_data=nav((card.position - 1) % card.total))
    counter = ThemeList() if card.anchor_position == 0 else AnchorThemes(a=card.anchor_id)
    kb.button(text=f"{card.position + 1}/{card.total}", callback_data=counter)
    kb.button(text="▶", callback_data=nav((card.position + 1) % card.total))
    _follow_button(kb, card, tr, following)
    if card.anchor.url:
        kb.button(text=tr("btn_source"), url=card.anchor.url)
    else:
        kb.button(text=tr("btn_source"), callback_data=AnchorText(article=card.anchor.id))
    kb.adjust(3, 1, 1)
    return kb.as_markup()


def theme_list(themes: list[Theme], tr: Translator, anchor_id: int | None = None) -> InlineKeyboardMarkup:
    """One button per theme; each shows that theme's card in the same message (`anchor_id`: the
    themes of an anchor other than the first)."""
    kb = InlineKeyboardBuilder()
    for position, theme in enumerate(themes):
        nav = ThemeNav(pos=position) if anchor_id is None else AnchorNav(a=anchor_id, pos=position)
        kb.button(text=theme_label(theme, tr), callback_data=nav)
    kb.adjust(1)
    return kb.as_markup()


def anchor_list(anchors: list[AnchorRef]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for anchor in anchors:
        kb.button(text=clip(anchor.title, 60), callback_data=AnchorPick(a=anchor.id))
    kb.adjust(1)
    return kb.as_markup()


def _article_card(card: ThemeCard, tr: Translator, following: bool) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=tr("btn_anchor_card"), callback_data=ThemeOpen(slug=card.slug))
    _follow_button(kb, card, tr, following)
    if card.subject.url:
        kb.button(text=tr("btn_source"), url=card.subject.url)
    kb.adjust(1)
    return kb.as_markup()


def article_themes(article: Article, themes: list[Theme], tr: Translator) -> InlineKeyboardMarkup | None:
    """One button per theme found in the article: for the anchor its theme card, for any other
    stored article the card of that theme as the article covers it."""
    by_slug = {t.slug: t for t in themes}
    present = [by_slug[s] for s in article.theme_slugs if s in by_slug][:8]
    if not present:
        return None
    kb = InlineKeyboardBuilder()
    for theme in present:
        if article.kind == "anchor" or not article.id:
            data: CallbackData = ThemeOpen(slug=theme.slug)
        else:
            data = ArticleTheme(article=article.id, slug=theme.slug)
        kb.button(text=theme_label(theme, tr), callback_data=data)
    kb.adjust(2)
    return kb.as_markup()


def article_list(articles: list[Article], tr: Translator) -> InlineKeyboardMarkup | None:
    """One "Open" button per listed article, numbered like the list."""
    if not articles:
        return None
    kb = InlineKeyboardBuilder()
    for number, article in enumerate(articles, 1):
        kb.button(text=tr("btn_open", n=number), callback_data=ArticleOpen(article=article.id))
    kb.adjust(len(articles) if len(articles) <= 4 else 4)
    return kb.as_markup()


def with_english(markup: InlineKeyboardMarkup | None, data: InEnglish, tr: Translator) -> InlineKeyboardMarkup:
    """The same keyboard with an "In English" row at the end."""
    rows = list(markup.inline_keyboard) if markup else []
    extra = InlineKeyboardBuilder()
    extra.button(text=tr("btn_in_english"), callback_data=data)
    return InlineKeyboardMarkup(inline_keyboard=rows + extra.export())


def followup_preview(until: int, tr: Translator, anchor_id: int | None = None) -> InlineKeyboardMarkup:
    def action(name: str) -> CallbackData:
        if anchor_id is None:
            return FollowupAction(action=name, until=until)
        return AnchorFollowupAction(action=name, until=until, a=anchor_id)

    kb = InlineKeyboardBuilder()
    kb.button(text=tr("btn_publish"), callback_data=action("send"))
    kb.button(text=tr("btn_cancel"), callback_data=action("cancel"))
    return kb.as_markup()


def broadcast_preview(job_id: int, tr: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=tr("broadcast_btn_send"), callback_data=BroadcastAction(action="send", job=job_id))
    kb.button(text=tr("broadcast_btn_cancel"), callback_data=BroadcastAction(action="cancel", job=job_id))
    return kb.as_markup()
