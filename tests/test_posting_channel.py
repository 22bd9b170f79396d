"""The channel's own posts reach the library from channel_post updates: searchable at once,
updated on edit, one article with what the t.me/s scraper later finds, other channels ignored."""

from __future__ import annotations

import asyncio
import time

from bot.app.local import SANDBOX_CHANNEL_ID, LocalBot
from bot.sources import parse_telegram_page
from storage import articles as articles_sql
from storage.rows import Article
from tests.conftest import READER_ID

URL = "https://t.me/zen_test_channel/{id}"
POST = ("Паромная линия через Каспий удвоит рейсы\n\nОператоры Транскаспийского маршрута объявили, что паромы "
        "между Актау и Баку будут ходить вдвое чаще, а контейнерные поезда до Грузии получат новые слоты.")
PAGE = """<html><body><section class="tgme_channel_history js-message_history">
<div class="tgme_widget_message" data-post="zen_test_channel/{id}">
<div class="tgme_widget_message_text js-message_text">{text}</div>
<a class="tgme_widget_message_date" href="https://t.me/zen_test_channel/{id}">
<time datetime="2026-12-01T10:00:00+00:00">10:00</time></a></div></section></body></html>"""


async def stored(app: LocalBot, url: str, needle: str, timeout: float = 10.0) -> Article:
    """The article at ``url`` once its text contains ``needle`` (the update is handled in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        row = await app.services.store.call(articles_sql.by_url, url)
        if row is not None and needle in row.text:
            return row
        if time.monotonic() > deadline:
            raise AssertionError(f"no article at {url} containing {needle!r}: {row}")
        await asyncio.sleep(0.05)


async def test_a_post_made_by_hand_is_found_by_search_right_away(app: LocalBot) -> None:
    sb = app.sandbox
    post = sb.channel_post(SANDBOX_CHANNEL_ID, POST)
    url = URL.format(id=post["message_id"])
    row = await stored(app, url, "Актау")
    assert row.kind == "telegram" and row.title == "Паромная линия через Каспий удвоит рейсы"
    found = await sb.ask("/search паромов", user_id=READER_ID, timeout=10)
    assert "Паромная линия через Каспий" in found.text

    sb.edit_channel_post(SANDBOX_CHANNEL_ID, post["message_id"], POST + " Первый рейс — в понедельник.")
    await stored(app, url, "понедельник")
    # the scraper's copy of the same post is the same article, not a second one
    page = parse_telegram_page(PAGE.format(id=post["message_id"], text=POST.replace("\n", "<br/>")),
                               name="zen_test_channel")
    [again] = await app.services.ingestion.store_articles(page.posts)
    assert again.article.id == row.id


async def test_posts_of_other_channels_are_not_taken(app: LocalBot) -> None:
    sb = app.sandbox
    sb.add_channel(-100999, username="someone_else")
    sb.channel_post(-100999, "Чужой канал: " + POST)
    mine = sb.channel_post(SANDBOX_CHANNEL_ID, "Наш пост: маршрут через Каспий")
    # updates are handled in order of arrival; ours needs the text engine, the other one nothing
    await stored(app, URL.format(id=mine["message_id"]), "Наш пост")
    kinds = dict(await app.services.store.call(articles_sql.counts_by_kind))
    assert kinds.get("telegram") == 1
