"""Digest HTML (escaped through aiogram's formatting nodes); the sender splits long ones."""

from __future__ import annotations

from functools import lru_cache

from aiogram.utils.formatting import Bold, Italic, Text, TextLink, as_line, as_list

from bot.digests.compose import OTHER, DigestItem, FollowupDigest, PersonalDigest, Section
from bot.i18n import Translator
from bot.render import clip, format_date, theme_label


def _item(item: DigestItem, tr: Translator, *, with_date: bool) -> Text:
    title = clip(item.title, 120)
    head = TextLink(title, url=item.url) if item.url else Bold(title)
    date = f"{format_date(item.published, tr)} · " if with_date and item.published else ""
    line = as_line("• ", date, head, end="")
    summary = clip(item.tldr, 220)
    return as_list(line, Italic(summary)) if summary else line


def _section_title(section: Section, themes: dict[str, dict], tr: Translator) -> Text:
    if section.slug == OTHER:
        return Bold(tr("digest_other"))
    return Bold(theme_label(themes[section.slug], tr))


@lru_cache(maxsize=50_000)
def _item_html(item: DigestItem, language: str) -> str:
    """One article's lines, rendered once per language: thousands of digests share them."""
    return _item(item, Translator(language), with_date=False).as_html()


def personal(digest: PersonalDigest, themes: dict[str, dict], tr: Translator) -> str:
    """Assembled from cached fragments (each already escaped HTML), as as_list(sep="\n\n") would."""
    since = format_date(digest.since, tr) if digest.since else ""
    blocks = [Bold(tr("digest_title")).as_html(), Italic(tr("digest_since", date=since, count=digest.count)).as_html()]
    for section in digest.sections:
        lines = [_section_title(section, themes, tr).as_html()] + [_item_html(i, tr.language) for i in section.items]
        blocks.append("\n".join(lines))
    blocks.append(Italic(tr("digest_footer")).as_html())
    return "\n\n".join(blocks)


def followup(digest: FollowupDigest, themes: dict[str, dict], claims: dict[str, str], tr: Translator,
             cards_link: str | None) -> str:
    parts: list = [Bold(tr("followup_title"))]
    period = tr("followup_period", since=format_date(digest.since, tr), until=format_date(digest.until, tr))
    parts.append(Italic(period))
    if not digest.active:
        parts.append(Text(tr("followup_nothing")))
    for section in digest.active:
        block: list = [_section_title(section, themes, tr)]
        if claims.get(section.slug):
            block.append(Italic(tr("followup_recap", claim=clip(claims[section.slug], 200))))
        block += [_item(i, tr, with_date=True) for i in section.items]
        parts.append(as_list(*block))
    if digest.quiet:
        quiet = ", ".join(theme_label(themes[s], tr) for s in digest.quiet if s in themes)
        parts.append(as_line(Bold(tr("followup_quiet")), " ", quiet, end=""))
    if cards_link:
        parts.append(TextLink(tr("followup_cards"), url=cards_link))
    else:
        parts.append(Text(tr("followup_cards_cmd")))
    return as_list(*parts, sep="\n\n").as_html()
