"""Dzen channel collector: list-source fallbacks, paging limits, article fetching, SSO retry."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest
from aiohttp import web

from bot.net import HttpFetcher
from bot.sources import SourceError, collect, detect_source

if TYPE_CHECKING:
    from tests.sources.conftest import LoopbackServer

CHANNEL = detect_source("https://dzen.ru/sadovod_primer")
EXPORT = "/api/v3/launcher/export?channel_name=sadovod_primer"
MORE = "/api/v3/launcher/more?channel_name=sadovod_primer"
PAGE2 = MORE + "&country_code=ru&clid=1400&next_page_id=PAGE2"
PAGE3 = MORE + "&country_code=ru&clid=1400&next_page_id=PAGE3"
JSON = "application/json"


def _serve_articles(server: LoopbackServer) -> None:
    server.add_fixture("/a/ZqGyw9Tl9gcYKTpL", "dzen/article-ssr-draftjs.html")
    server.add_fixture("/a/ZqDx4tPEtaaXiHlg", "dzen/article-ssr-blocks.html")
    server.add_fixture("/a/Xo8aKzxNXm9wgZID", "dzen/article-wdata.html")
    server.add_fixture("/a/XwCqEbsizDPdRO5V", "dzen/article-dom-only.html")
    server.add_fixture("/a/YBEiM0RVZneImaq7", "dzen/captcha.html")


def _serve_launcher(server: LoopbackServer) -> None:
    server.add_fixture(EXPORT, "dzen/launcher-export.json", content_type=JSON)
    server.add_fixture(PAGE2, "dzen/launcher-more-page2.json", content_type=JSON)
    server.add_fixture(PAGE3, "dzen/launcher-more-page3.json", content_type=JSON)


async def test_first_run_three_pages_and_full_texts(server: LoopbackServer, fetcher: HttpFetcher):
    _serve_launcher(server)
    _serve_articles(server)
    result = await collect(CHANNEL, fetcher, first_run=True, state={})
    listing_requests = [p for p in server.paths if p.startswith("/api/")]
    assert listing_requests == [EXPORT, PAGE2, PAGE3]  # the 4th page is never requested
    by_url = {a.url: a for a in result.articles}
    assert list(by_url) == [
        "https://dzen.ru/a/ZqGyw9Tl9gcYKTpL", "https://dzen.ru/a/ZqDx4tPEtaaXiHlg",
        "https://dzen.ru/video/watch/669e00112233445566778899", "https://dzen.ru/b/Zp1-j5ChssPU5fYH",
        "https://dzen.ru/a/Xo8aKzxNXm9wgZID", "https://dzen.ru/a/XwCqEbsizDPdRO5V",
        "https://dzen.ru/a/YBEiM0RVZneImaq7", "https://dzen.ru/b/Yaq7zN3u_wARIjNE",
    ]
    assert by_url["https://dzen.ru/a/ZqGyw9Tl9gcYKTpL"].text.startswith("Осенью розам нужна защита")
    assert by_url["https://dzen.ru/a/Xo8aKzxNXm9wgZID"].meta["tags"] == ["огород", "томаты"]
    assert by_url["https://dzen.ru/a/XwCqEbsizDPdRO5V"].text.startswith("Смородину обрезают")
    video = by_url["https://dzen.ru/video/watch/669e00112233445566778899"]
    assert video.meta["is_video"] and video.title.startswith("Видео:") and video.text == ""
    post = by_url["https://dzen.ru/b/Zp1-j5ChssPU5fYH"]
    assert post.text.startswith("Короткий пост без отдельной статьи")
    # the captcha-protected article keeps its snippet and is reported, not lost
    blocked = by_url["https://dzen.ru/a/YBEiM0RVZneImaq7"]
    assert blocked.meta["full_text"] is False and blocked.text.startswith("Анонс статьи")
    assert result.errors == ["article https://dzen.ru/a/YBEiM0RVZneImaq7: Dzen answered with a captcha page"]
    assert all(a.source_kind == "dzen" for a in result.articles)
    # videos/posts are never fetched; the blocked article is not marked as seen
    assert "/video/watch/669e00112233445566778899" not in server.paths
    assert "60112233445566778899aabb" not in result.state["seen"]
    assert "66a1b2c3d4e5f60718293a4b" in result.state["seen"]

    # a routine poll reads one listing page and fetches only what was not collected yet
    server.requests.clear()
    again = await collect(CHANNEL, fetcher, first_run=False, state=result.state)
    assert [p for p in server.paths if p.startswith("/api/")] == [EXPORT]
    assert [a.url for a in again.articles] == []


async def test_fallback_to_the_channel_page(server: LoopbackServer, fetcher: HttpFetcher):
    """launcher/more lists no publications since 2026: a failed export goes straight to the page."""
    server.add(EXPORT, "{}", status=404, content_type=JSON)
    server.add_fixture("/sadovod_primer", "dzen/channel-ssrdata.html")
    _serve_articles(server)
    result = await collect(CHANNEL, fetcher, first_run=False, state={})
    assert server.paths[:2] == [EXPORT, "/sadovod_primer"]
    assert [a.url for a in result.articles] == ["https://dzen.ru/a/ZqGyw9Tl9gcYKTpL", "https://dzen.ru/a/ZqDx4tPEtaaXiHlg"]
    browser = [r.headers["User-Agent"] for r in server.requests]
    assert all(ua.startswith("Mozilla/5.0") for ua in browser)


async def test_channel_id_query(server: LoopbackServer, fetcher: HttpFetcher):
    server.add_fixture("/api/v3/launcher/export?channel_id=5f1e2d3c4b5a69788796a5b4", "dzen/launcher-export.json",
                       content_type=JSON)
    _serve_articles(server)
    ref = detect_source("https://dzen.ru/id/5f1e2d3c4b5a69788796a5b4")
    result = await collect(ref, fetcher, first_run=False, state={})
    assert len(result.articles) == 4


async def test_all_list_sources_fail_with_reasons(server: LoopbackServer, fetcher: HttpFetcher):
    server.add_fixture(EXPORT, "dzen/launcher-not-found.json", content_type=JSON)
    server.add_fixture("/sadovod_primer", "dzen/captcha.html")
    with pytest.raises(SourceError) as info:
        await collect(CHANNEL, fetcher, first_run=True, state={})
    assert str(info.value) == (
        "Dzen channel sadovod_primer: launcher/export: Dzen launcher answered 'not_found' (Такого канала не существует); "
        "channel page: Dzen answered with a captcha page")


async def test_repeated_next_page_id_stops_paging(server: LoopbackServer, fetcher: HttpFetcher, fx):
    looping = fx.text("dzen/launcher-more-page2.json").replace("next_page_id=PAGE3", "next_page_id=PAGE2")
    server.add_fixture(EXPORT, "dzen/launcher-export.json", content_type=JSON)
    server.add(PAGE2, looping, content_type=JSON)
    _serve_articles(server)
    await collect(CHANNEL, fetcher, first_run=True, state={})
    assert [p for p in server.paths if p.startswith("/api/")] == [EXPORT, PAGE2]


async def test_article_pages_fetched_with_bounded_concurrency(server: LoopbackServer, fetcher: HttpFetcher, fx):
    active = {"now": 0, "peak": 0}
    body = fx.bytes("dzen/article-ssr-draftjs.html")

    async def slow_article(request: web.Request) -> web.Response:
        active["now"] += 1
        active["peak"] = max(active["peak"], active["now"])
        await asyncio.sleep(0.05)
        active["now"] -= 1
        return web.Response(body=body, content_type="text/html")

    items = [{"title": f"Статья {i}", "share_link": f"https://dzen.ru/a/{'A' * 15}{chr(65 + i)}",
              "publication_date": 1721890800 + i} for i in range(10)]
    server.add(EXPORT, web.json_response({"items": items}).body, content_type=JSON)
    for i in range(10):
        server.add(f"/a/{'A' * 15}{chr(65 + i)}", handler=slow_article)
    result = await collect(CHANNEL, fetcher, first_run=True, state={})
    assert len(result.articles) == 10 and active["peak"] == 2
