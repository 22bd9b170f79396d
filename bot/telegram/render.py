"""HTML for chat answers, built with aiogram's formatting nodes so every external string is escaped."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.formatting import BlockQuote, Bold, Italic, Text, TextLink, as_line, as_list

from bot.i18n import Translator
from bot.services.articles import Article, without_tldr
from bot.services.subscriptions import Subscription
from bot.services.themes import ThemeCard
from bot.zones import zone_label
from storage.rows import Theme

MAX_TITLE = 120


def clip(text: str, limit: int) -> str:
    """Shorten on a word boundary; cards and lists must stay far below Telegram's 4096."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—-") + "…"


def format_date(value: datetime | None, tr: Translator, *, month_only: bool = False) -> str:
    if value is None:
        return ""
    if month_only:
        return tr("month_year", month=tr(f"month_{value.month}"), year=value.year)
    if tr.language == "en":  # "01.12.2025" reads as January 12th to many English readers
        return f"{value.day} {tr(f'month_{value.month}')[:3]} {value.year}"
    return value.strftime("%d.%m.%Y")


def article_date(article: Article, tr: Translator) -> str:
    return format_date(article.published, tr, month_only=article.kind == "anchor")


def title_node(article: Article) -> Text:
    title = clip(article.title, MAX_TITLE)
    return TextLink(title, url=article.url) if article.url else Text(title)


def theme_label(theme: Theme, tr: Translator) -> str:
    title = theme.title_en if tr.language == "en" and theme.title_en else theme.title
    return f"{theme.emoji or '•'} {title}"


def summary(article: Article, themes: list[Theme], tr: Translator) -> str:
    """The /summary answer: title, byline, tl;dr, LLM retelling or key sentences, themes present."""
    byline = " · ".join(x for x in (article.author, article.channel, article_date(article, tr)) if x)
    parts: list = [Bold("📰 ", clip(article.title, MAX_TITLE))]
    if byline:
        parts.append(Italic(byline))
    if not article.text.strip():  # a headline item: its page could not be read
        parts.append(Text(tr("summary_headline_only")))
        if article.url:
            parts.append(TextLink(clip(article.url, 200), url=article.url))
        if article.id:
            parts.append(Italic(tr("summary_id", id=article.id)))
        return as_list(*parts, sep="\n\n").as_html()
    if article.tldr:
        parts.append(as_line(Bold(tr("summary_tldr")), " ", clip(article.tldr, 400), end=""))
    if article.abstract:  # the LLM's retelling, labelled as such; else the extractive key sentences
        parts.append(as_list(Bold(tr("summary_abstract")), *[Text("• ", clip(s, 600)) for s in article.abstract]))
    elif bullets := without_tldr(article.summary, article.tldr):  # the tl;dr is already shown
        parts.append(as_list(*[Text("• ", clip(s, 600)) for s in bullets]))
    labels = {t.slug: theme_label(t, tr) for t in themes}
    present = [labels[s] for s in article.theme_slugs if s in labels]
    if present:
        parts.append(as_line(Bold(tr("summary_themes")), " ", " · ".join(present), end=""))
    if article.url:
        parts.append(TextLink(tr("source_link"), url=article.url))
    if article.id:
        parts.append(Italic(tr("summary_id", id=article.id)))
    return as_list(*parts, sep="\n\n").as_html()


def in_english(title: str, sentences: list[str], tr: Translator) -> str:
    """A machine retelling in English, labelled as such, under the original (Russian) title."""
    return as_list(Bold("🇬🇧 ", clip(title, MAX_TITLE)), Italic(tr("in_english_label")),
                   Text(clip(" ".join(sentences), 1500)), sep="\n\n").as_html()


def theme_card(card: ThemeCard, tr: Translator) -> str:
    theme = card.theme
    parts: list = [Bold(theme_label(theme, tr))]
    if theme.description:
        parts.append(Italic(clip(theme.description, 300)))
    if not card.of_anchor:
        parts.append(as_line(Bold(tr("card_article")), " ", title_node(card.subject), end=""))
    if card.claim:
        label = tr("card_claim") if card.of_anchor else tr("card_article_claim")
        parts.append(as_list(Bold(label), Text(clip(" ".join(card.claim), 700))))
    if card.quotes:
        parts.append(as_list(Bold(tr("card_quotes")), *[BlockQuote(clip(q, 400)) for q in card.quotes]))
    if card.keywords:
        parts.append(as_line(Bold(tr("card_keywords")), " ", ", ".join(card.keywords), end=""))
    if card.entities:
        parts.append(as_line(Bold(tr("card_entities")), " ", ", ".join(e.text for e in card.entities), end=""))
    since = [Bold(tr("card_since", date=article_date(card.anchor, tr)))]
    if card.related:
        since += [Text("• ", format_date(a.date, tr), " — ", title_node(a)) for a in card.related]
    else:
        since.append(Italic(tr("card_since_none")))
    parts.append(as_list(*since))
    if card.of_anchor:
        parts.append(Italic(tr("card_position", n=card.position + 1, total=card.total)))
    return as_list(*parts, sep="\n\n").as_html()


def article_list(header: str, items: list[Article], tr: Translator) -> str:
    """Numbered like the "Open N" buttons under it: title, date, and a one-line snippet."""
    lines: list = [Bold(header)]
    for number, a in enumerate(items, 1):
        when = format_date(a.date, tr)
        line = as_line(Bold(f"{number}. "), title_node(a), Text(f" · {when}" if when else ""), end="")
        snippet = clip(a.tldr or a.text, 140)
        lines.append(as_list(line, Italic(snippet)) if snippet else line)
    return as_list(*lines, sep="\n\n").as_html()


def plain(text: str) -> str:
    """External text shown verbatim (e.g. an admin's post): escaped, nothing interpreted."""
    return Text(text).as_html()


def _schedule(sub: Subscription, tr: Translator) -> str:
    if sub.frequency == "weekly":
        return tr("settings_weekly", day=tr(f"weekday_{sub.weekday}"), hour=f"{sub.hour:02d}:00")
    if sub.frequency == "daily":
        return tr("settings_daily", hour=f"{sub.hour:02d}:00")
    return tr("freq_off")


def _chosen_themes(sub: Subscription, themes: list[Theme], tr: Translator) -> str:
    if sub.themes is None:
        return tr("btn_all_themes")
    return ", ".join(theme_label(t, tr) for t in themes if t.slug in sub.themes)


def subscription_summary(sub: Subscription, themes: list[Theme], tr: Translator) -> str:
    """The real settings in one sentence (plain text, escape before HTML): what /subscribe and a
    card's follow button confirm, so nobody is told "weekly at 10:00" when it is Monday 08:00."""
    when = tr("freq_off") if sub.frequency == "off" else f"{_schedule(sub, tr)}, {zone_label(sub.timezone, tr.language)}"
    return tr("subscription_summary", when=when, themes=_chosen_themes(sub, themes, tr),
              followups=tr("on" if sub.followups else "off"))


def subscription(sub: Subscription, themes: list[Theme], tr: Translator) -> str:
    """Current settings, always shown above the settings keyboard."""
    lines = [
        Bold(tr("settings_title")),
        as_line(Bold(tr("settings_when")), " ", _schedule(sub, tr), end=""),
        as_line(Bold(tr("settings_zone")), " ", zone_label(sub.timezone, tr.language), end=""),
        as_line(Bold(tr("settings_themes")), " ", _chosen_themes(sub, themes, tr), end=""),
        as_line(Bold(tr("settings_followups")), " ", tr("on" if sub.followups else "off"), end=""),
    ]
    if not sub.active:
        lines.append(Italic(tr("settings_inactive")))
    return as_list(*lines).as_html()


def format_datetime(value: datetime, zone: str) -> str:
    return value.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")


def ingested(stored: list, tr: Translator) -> str:
    """Result of /ingest: one line per article with its status."""
    lines: list = [Bold(tr("ingested_header", count=len(stored)))]
    for item in stored[:20]:
        a = item.article
        lines.append(as_line(Text(f"{a.id}. "), title_node(a), Text(f" — {tr('status_' + item.status)}"), end=""))
    if len(stored) > 20:
        lines.append(Italic(tr("and_more", count=len(stored) - 20)))
    lines.append(Italic(tr("list_hint")))
    return as_list(*lines).as_html()
