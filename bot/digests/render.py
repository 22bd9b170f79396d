"""Digest HTML (escaped through aiogram's formatting nodes); the sender splits long ones."""

from __future__ import annotations

from functools import lru_cache

from aiogram.utils.formatting import Bold, Italic, Text, TextLink, as_line, as_list

from bot.digests.compose import OTHER, DigestItem, FollowupDigest, PersonalDigest, Section
from bot.i18n import Translator
from bot.telegram.render import clip, format_date, theme_label
from storage.rows import Theme


def _item(item: DigestItem, tr: Translator, *, with_date: bool, others: tuple[str, ...] = (),
          bot_username: str | None = None) -> Text:
    """Title (linked to the source), a one-line snippet, the article's other themes, and "Open":
    a deep link to its summary in the bot (works in the channel too)."""
    title = clip(item.title, 120)
    head = TextLink(title, url=item.url) if item.url else Bold(title)
    date = f"{format_date(item.published, tr)} · " if with_date and item.published else ""
    line = as_line("• ", date, head, end="")
    tail: list = []
    if others:
        tail.append(Italic(tr("digest_also", themes=", ".join(others))))
    if bot_username:
        tail.append(TextLink(tr("btn_open_short"), url=f"https://t.me/{bot_username}?start=a_{item.id}"))
    summary = clip(item.tldr, 140)
    lines = [line] + ([Italic(summary)] if summary else []) + ([_sources(item, tr)] if item.also else [])
    if tail:
        lines.append(as_line(*_joined(tail), end=""))
    return as_list(*lines) if len(lines) > 1 else line


def _joined(nodes: list) -> list:
    out: list = []
    for node in nodes:
        if out:
            out.append(" · ")
        out.append(node)
    return out


def _sources(item: DigestItem, tr: Translator) -> Text:
    """"также пишут: ria.ru, rbc.ru": the other sources of the same story, each linked."""
    names: list = []
    for name, url in item.also:
        if names:
            names.append(", ")
        names.append(TextLink(name, url=url) if url else Text(name))
    return as_line(Italic(tr("digest_same_story")), " ", *names, end="")


def _others(item: DigestItem, main: str, themes: dict[str, Theme], tr: Translator) -> tuple[str, ...]:
    return tuple(theme_label(themes[s], tr) for s in item.slugs if s != main and s in themes)


def _section_title(section: Section, themes: dict[str, Theme], tr: Translator) -> Text:
    if section.slug == OTHER:
        return Bold(tr("digest_other"))
    return Bold(theme_label(themes[section.slug], tr))


@lru_cache(maxsize=50_000)
def _item_html(item: DigestItem, language: str, others: tuple[str, ...], bot_username: str | None) -> str:
    """One article's lines, rendered once per language: thousands of digests share them."""
    return _item(item, Translator(language), with_date=False, others=others, bot_username=bot_username).as_html()


def personal(digest: PersonalDigest, themes: dict[str, Theme], tr: Translator, bot_username: str | None = None) -> str:
    """Assembled from cached fragments (each already escaped HTML), as as_list(sep="\n\n") would."""
    since = format_date(digest.since, tr) if digest.since else ""
    blocks = [Bold(tr("digest_title")).as_html(), Italic(tr("digest_since", date=since, count=digest.count)).as_html()]
    for section in digest.sections:
        lines = [_section_title(section, themes, tr).as_html()]
        lines += [_item_html(i, tr.language, _others(i, section.slug, themes, tr), bot_username) for i in section.items]
        blocks.append("\n".join(lines))
    if digest.filtered:
        blocks.append(Italic(tr("digest_filtered", count=digest.filtered)).as_html())
    blocks.append(Italic(tr("digest_footer")).as_html())
    return "\n\n".join(blocks)


def followup(digest: FollowupDigest, themes: dict[str, Theme], claims: dict[str, str], tr: Translator,
             bot_username: str | None, *, title: str | None = None) -> str:
    """`title`: an admin-made anchor's follow-up names its analysis (the first anchor's is fixed)."""
    cards_link = f"https://t.me/{bot_username}?start=themes" if bot_username else None
    heading = tr("followup_title_of", title=clip(title, 120)) if title else tr("followup_title")
    parts: list = [Bold(heading)]
    period = tr("followup_period", since=format_date(digest.since, tr), until=format_date(digest.until, tr))
    parts.append(Italic(period))
    if not digest.active:
        parts.append(Text(tr("followup_nothing")))
    for section in digest.active:
        title = _section_title(section, themes, tr)
        if bot_username:  # from the channel, a theme's name opens its card in the bot
            title = TextLink(theme_label(themes[section.slug], tr), url=f"https://t.me/{bot_username}?start=theme_{section.slug}")
        block: list = [title]
        if claims.get(section.slug):
            block.append(Italic(tr("followup_recap", claim=clip(claims[section.slug], 200))))
        block += [_item(i, tr, with_date=True, others=_others(i, section.slug, themes, tr), bot_username=bot_username)
                  for i in section.items]
        parts.append(as_list(*block))
    if digest.quiet:
        quiet = ", ".join(theme_label(themes[s], tr) for s in digest.quiet if s in themes)
        parts.append(as_line(Bold(tr("followup_quiet", since=format_date(digest.since, tr))), " ", quiet, end=""))
    if cards_link:
        parts.append(TextLink(tr("followup_cards"), url=cards_link))
    else:
        parts.append(Text(tr("followup_cards_cmd")))
    return as_list(*parts, sep="\n\n").as_html()
