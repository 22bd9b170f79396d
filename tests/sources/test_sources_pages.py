"""Generic pages (trafilatura), feed discovery, resolve_source and single-URL collection."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pytest

from bot.net import HttpFetcher
from bot.sources import SourceError, SourceRef, collect, extract_article, find_feed_links, resolve_source

if TYPE_CHECKING:
    from tests.sources.conftest import LoopbackServer

UTC = timezone.utc


@pytest.mark.parametrize("fixture", ["pages/article-cp1251.html", "pages/article-cp1251-nometa.html"])
async def test_cp1251_article_page(server: LoopbackServer, fetcher: HttpFetcher, fx, fixture: str):
    server.add_fixture("/news/kz-eu-itogi", fixture, content_type="text/html")
    result = await collect(SourceRef("page", server.base + "/news/kz-eu-itogi"), fetcher, first_run=True, state={})
    (article,) = result.articles
    assert article.title.startswith("Казахстан и ЕС: итоги декабря")
    assert "Транскаспийскому маршруту" in article.text
    assert "\n\n" in article.text and "Перепечатка" not in article.text
    assert article.published == datetime(2025, 12, 20, 9, 30, tzinfo=UTC)  # precise meta time
    assert article.author == "Олег Смирнов"
    assert article.source_kind == "page"
    # rel=canonical on another host than the loopback server is not trusted
    assert article.url == server.base + "/news/kz-eu-itogi"


def test_same_site_canonical_is_used(fx):
    html = fx.bytes("pages/article-cp1251.html").decode("cp1251")
    article = extract_article(html, "https://primer.example.ru/news/kz-eu-itogi?id=1")
    assert article.url == "https://www.primer.example.ru/news/kz-eu-itogi"  # utm_source stripped


def test_find_feed_links(fx):
    html = fx.text("pages/blog-with-feeds.html")
    assert find_feed_links(html, "https://blog.example.net/2025/notes") == [
        "https://blog.example.net/feed/", "https://blog.example.net/atom.xml"]
    assert find_feed_links("<html><head></head></html>", "https://x.example") == []


def test_page_without_text():
    with pytest.raises(SourceError, match="^page has no extractable article text$"):
        extract_article("<html><body><script>render()</script></body></html>", "https://x.example/")


async def test_resolve_source_finds_advertised_feed(server: LoopbackServer, fetcher: HttpFetcher, fx):
    html = fx.text("pages/blog-with-feeds.html").replace("https://blog.example.net/atom.xml", "/atom.xml")
    server.add("/blog", html)
    server.add("/feed/", "<html>broken feed link</html>")  # first candidate is not a feed
    server.add_fixture("/atom.xml", "feeds/atom.xml", content_type="application/atom+xml")
    ref = await resolve_source(server.base + "/blog", fetcher)
    assert ref == SourceRef("feed", server.base + "/atom.xml", "127.0.0.1")


async def test_resolve_source_sniffs_feed_and_page(server: LoopbackServer, fetcher: HttpFetcher, fx):
    server.add_fixture("/export", "feeds/rss2.xml", content_type="text/xml")  # feed with an unhelpful URL
    server.add_fixture("/article", "pages/article-cp1251.html", content_type="text/html")
    server.add_fixture("/bomb.xml", "feeds/billion-laughs.xml", content_type="application/xml")
    server.add("/image", b"\x89PNG...", content_type="image/png")
    assert (await resolve_source(server.base + "/export", fetcher)).kind == "feed"
    assert await resolve_source(server.base + "/article", fetcher) == SourceRef("page", server.base + "/article", "127.0.0.1")
    with pytest.raises(SourceError, match="feed refused"):
        await resolve_source(server.base + "/bomb.xml", fetcher)
    with pytest.raises(SourceError, match="neither a feed nor an HTML page"):
        await resolve_source(server.base + "/image", fetcher)
    with pytest.raises(SourceError, match="^source: HTTP 404$"):
        await resolve_source(server.base + "/missing", fetcher)


async def test_resolve_source_by_shape_needs_no_fetch(server: LoopbackServer, fetcher: HttpFetcher):
    assert (await resolve_source("https://dzen.ru/sadovod_primer", fetcher)).kind == "dzen_channel"
    assert (await resolve_source("t.me/sadovod_primer", fetcher)).kind == "telegram_channel"
    assert (await resolve_source("https://zen.yandex.ru/media/x/y-66a1b2c3d4e5f60718293a4b", fetcher)).kind == "dzen_article"
    assert server.requests == []


async def test_resolve_source_follows_redirect_to_telegram(server: LoopbackServer, fetcher: HttpFetcher):
    server.redirect("/go", "https://t.me/s/sadovod_primer")
    server.add_fixture("/s/sadovod_primer", "telegram/channel-page3.html")
    assert await resolve_source(server.base + "/go", fetcher) == SourceRef(
        "telegram_channel", "https://t.me/s/sadovod_primer", "sadovod_primer")


async def test_collect_page_that_is_a_feed_or_dzen_article(server: LoopbackServer, fetcher: HttpFetcher, fx):
    server.add_fixture("/export", "feeds/atom.xml", content_type="application/xml")
    result = await collect(SourceRef("page", server.base + "/export"), fetcher, first_run=True, state={})
    assert [a.source_kind for a in result.articles] == ["feed", "feed"]
    server.add_fixture("/a/ZqGyw9Tl9gcYKTpL", "dzen/article-ssr-draftjs.html")
    result = await collect(SourceRef("page", "https://dzen.ru/a/ZqGyw9Tl9gcYKTpL"), fetcher, first_run=True, state={})
    assert result.articles[0].source_kind == "dzen" and result.articles[0].url == "https://dzen.ru/a/ZqGyw9Tl9gcYKTpL"
    server.add("/blog", fx.text("pages/blog-with-feeds.html"))
    result = await collect(SourceRef("page", server.base + "/blog"), fetcher, first_run=True, state={})
    assert result.feed_links == [server.base + "/feed/", "https://blog.example.net/atom.xml"]
    assert result.articles[0].title == "Блог о Центральной Азии" or "Многовекторность" in result.articles[0].title


ARTICLE_BODY = ("<p>Паромная линия между Актау и Баку получит ещё два судна до конца весны, сообщили в порту.</p>"
                "<p>Это позволит сократить очередь грузовиков на причале и ускорить перевозку контейнеров.</p>"
                "<p>Перевозчики ожидают, что расписание станет ежедневным уже летом следующего года.</p>")


@pytest.mark.parametrize(("head", "h1", "title"), [
    # og:title rewritten for social media; the <title> repeats the h1 with the site name
    ('<title>Каспий: паромов станет больше - Пример Новости</title>'
     '<meta property="og:title" content="Паромов на Каспии станет больше">',
     "Каспий: паромов станет больше", "Каспий: паромов станет больше"),
    # the site name before the headline, the h1 with ruby annotations (furigana)
    ('<title>ПРИМЕР ЛЕНТА|Паромов станет больше</title><meta property="og:title" content="ПРИМЕР ЛЕНТА|Паромов станет больше">',
     "<ruby>Паромов<rt>па-ро-мов</rt></ruby> станет больше", "Паромов станет больше"),
])
def test_headline_is_the_h1_the_page_title_repeats(head: str, h1: str, title: str):
    html = f'<html><head><meta charset="utf-8">{head}</head><body><h1>{h1}</h1><article>{ARTICLE_BODY}</article></body></html>'
    assert extract_article(html, "https://primer.example/news/1").title == title
