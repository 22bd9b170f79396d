"""Cleaning of article text copied from a Dzen page (or any similar page copy).

Why: a reader's copy of a Dzen page carries the site header ("Найти в Дзене"), the channel name,
the title, a truncated teaser that repeats the opening of the article (often cut mid-word), the
title again, and a footer with the author ("👤 Name") and "Подпишись…" calls with emoji. Left in,
these end up in summaries and duplicate sentences; they are removed here once, up front.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lang import normalize_space

# Whole lines that are page chrome, never content (compared case-insensitively).
_UI_LINES = frozenset(
    s.casefold()
    for s in (
        "Найти в Дзене",
        "Дзен",
        "Войти",
        "Поделиться",
        "Комментарии",
        "Комментировать",
        "Нравится",
        "Не нравится",
        "Читать далее",
        "Показать полностью",
        "Свернуть",
        "Подписаться",
        "Вы подписаны",
        "Реклама",
        "Главная",
        "Статьи",
        "Видео",
        "Ролики",
    )
)
_HEADER_LINES = frozenset({"найти в дзене"})
_SUBSCRIBE_RE = re.compile(r"подпи(?:шись|шитесь|сывайтесь|саться)", re.IGNORECASE)
_AUTHOR_RE = re.compile(r"^👤\s*(?P<name>[^\W\d_][\w .'’\-]{1,80})$")
_HAS_LETTER_RE = re.compile(r"[^\W\d_]")
_TRAILING_CUT_RE = re.compile(r"\s*(?:…|\.\.\.)\s*$")
_MAX_TITLE_CHARS = 200
_MAX_TITLE_WORDS = 30
_MIN_TEASER_CHARS = 20


@dataclass(frozen=True, slots=True)
class CleanedPage:
    """Title, body (paragraphs joined by a blank line) and author of a cleaned page copy."""

    title: str
    text: str
    author: str | None = None


def _is_chrome(line: str) -> bool:
    """Site UI lines, subscribe calls and lines without a single letter (emoji, counters)."""
    if line.casefold() in _UI_LINES:
        return True
    if len(line) <= 160 and _SUBSCRIBE_RE.search(line):
        return True
    return not _HAS_LETTER_RE.search(line)


def _title_like(line: str) -> bool:
    return (
        len(line) <= _MAX_TITLE_CHARS
        and len(line.split()) <= _MAX_TITLE_WORDS
        and not line.endswith((".", ":", ";", ","))
    )


def _split_title(lines: list[str], had_header: bool) -> tuple[str, list[str]]:
    """Find the title; everything before it (channel name) is header and is dropped.

    A Dzen copy shows the title twice (above the teaser and above the full text): the first
    short line that repeats later is the title. Otherwise the first title-like line is.
    """
    for i, line in enumerate(lines[:6]):
        if _title_like(line) and line in lines[i + 1 :]:
            j = lines.index(line, i + 1)
            return line, lines[i + 1 : j] + lines[j + 1 :]
    if had_header and len(lines) >= 3 and _title_like(lines[0]) and _title_like(lines[1]):
        return lines[1], lines[2:]  # channel name line, then the title
    if lines and _title_like(lines[0]):
        return lines[0], lines[1:]
    return "", lines


def _drop_teaser(paras: list[str]) -> list[str]:
    """Remove the first paragraph whose text is a prefix of the text that follows it."""
    for i in range(min(3, len(paras) - 1)):
        teaser = _TRAILING_CUT_RE.sub("", paras[i])
        if len(teaser) < _MIN_TEASER_CHARS:
            continue
        rest = " ".join(paras[i + 1 :])
        if rest.startswith(teaser):
            return paras[:i] + paras[i + 1 :]
    return paras


def clean_page_text(raw: str) -> CleanedPage:
    """Turn a copied page into title, clean body text and author."""
    author: str | None = None
    had_header = False
    kept: list[str] = []
    for line in (normalize_space(x) for x in (raw or "").splitlines()):
        if not line:
            continue
        match = _AUTHOR_RE.match(line)
        if match:
            author = match.group("name").strip()
            continue
        if line.casefold() in _HEADER_LINES:
            had_header = True
            continue
        if _is_chrome(line):
            continue
        kept.append(line)
    title, body = _split_title(kept, had_header)
    body = _drop_teaser(body)
    return CleanedPage(title=title, text="\n\n".join(body), author=author)
