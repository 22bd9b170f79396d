"""Feeds: RSS 2.0 / Atom / RDF parsing, entity attacks refused, unstable guids, conditional polling."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pytest
from aiohttp import web

from bot.net import HttpFetcher
from bot.sources import SourceError, SourceRef, collect, looks_like_feed, parse_feed

if TYPE_CHECKING:
    from tests.sources.conftest import LoopbackServer

UTC = timezone.utc


def test_rss2(fx):
    first, second = parse_feed(fx.bytes("feeds/rss2.xml"), "https://news.example.org/feed")
    assert first.url == "https://news.example.org/2025/12/kz-eu-corridor"  # utm_* stripped, slash dropped
    assert first.title == "Казахстан и ЕС обсудили транспортный коридор"  # html in title stripped
    assert first.text == "Стороны обсудили Транскаспийский маршрут.\n\nСледующая встреча — в феврале."
    assert "alert" not in first.text
    assert first.summary_hint == "Короткий анонс про коридор."
    assert first.author == "Иван Петров"
    assert first.published == datetime(2025, 12, 15, 6, 30, tzinfo=UTC)
    assert first.external_id == "news-example-4711"
    assert first.image == "https://news.example.org/img/corridor.jpg"
    assert first.source_kind == "feed" and first.meta["tags"] == ["Транспорт"]
    assert second.url == "https://news.example.org/2025/12/uranium"  # relative link resolved
    assert second.image == "https://news.example.org/img/uranium.png"  # image enclosure


def test_atom(fx):
    first, second = parse_feed(fx.bytes("feeds/atom.xml"), "https://blog.example.net/atom.xml")
    assert first.url == "https://blog.example.net/posts/visa-facilitation"
    assert first.title == "Визовое облегчение: что дальше"
    assert first.text == "Переговоры о визовом облегчении продолжаются.\n\n• реадмиссия\n\n• мобильность"
    assert first.published == datetime(2025, 12, 18, 5, 0, tzinfo=UTC)  # published, not updated
    assert first.author == "Мария Сидорова"
    assert second.url == "https://blog.example.net/posts/updated-only"  # fragment dropped
    assert second.published == datetime(2025, 12, 20, 10, 0, tzinfo=UTC)
    assert second.text == "Текст в XHTML."


def test_rdf_and_cp1251(fx):
    (item,) = parse_feed(fx.bytes("feeds/rdf.xml"), "https://rdf.example.com/rss")
    assert (item.title, item.url) == ("Критическое сырьё", "https://rdf.example.com/item1")
    assert item.published == datetime(2025, 12, 1, tzinfo=UTC)
    (item,) = parse_feed(fx.bytes("feeds/rss-cp1251.xml"), "https://cp.example.ru/rss")
    assert item.title == "Глобальные ворота ЕС" and item.text == "Инвестиции и стандарты ЕС."


@contextmanager
def nothing_expanded(document: bytes) -> Iterator[None]:
    """Fail unless the block allocates no more than a few times the document: refusing a feed
    must not start expanding its entities (which is what makes such feeds slow and huge)."""
    tracemalloc.start()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * len(document) + 2_000_000, f"{peak} bytes allocated for a {len(document)}-byte feed"


def test_billion_laughs_refused_quickly(fx):
    document = fx.bytes("feeds/billion-laughs.xml")
    with nothing_expanded(document), pytest.raises(SourceError, match="^feed refused: it declares XML entities"):
        parse_feed(document, "https://evil.example/feed")


def test_quadratic_blowup_refused_quickly():
    blob = "x" * 100_000
    refs = "&a;" * 20_000  # would expand to 2 GB
    doc = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{blob}">]>'
           f"<rss version=\"2.0\"><channel><title>t</title><item><title>{refs}</title>"
           f"<link>https://evil.example/1</link></item></channel></rss>").encode()
    with nothing_expanded(doc), pytest.raises(SourceError, match="^feed refused"):
        parse_feed(doc, "https://evil.example/feed")


def test_external_entity_refused(fx):
    with pytest.raises(SourceError, match="^feed refused"):
        parse_feed(fx.bytes("feeds/external-entity.xml"), "https://evil.example/feed")
    malformed = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><rss><channel><item>&a; & broken</rss>'
    with pytest.raises(SourceError, match="^feed refused"):
        parse_feed(malformed, "https://evil.example/feed")


def test_legacy_doctype_without_entities_is_accepted():
    doc = (b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
           b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel><title>T</title>'
           b"<item><title>A &amp; B</title><link>https://old.example/a</link></item></channel></rss>")
    (item,) = parse_feed(doc, "https://old.example/rss")
    assert item.title == "A & B"


def test_changing_guids_keep_url_and_content_hash(fx):
    """Storage dedups on canonical URL / content hash; guids are not stable keys."""
    v1 = parse_feed(fx.bytes("feeds/guids-v1.xml"), "https://unstable.example.com/rss")
    v2 = parse_feed(fx.bytes("feeds/guids-v2.xml"), "https://unstable.example.com/rss")
    assert [a.external_id for a in v1] != [a.external_id for a in v2]
    assert [a.url for a in v1] == [a.url for a in v2] == ["https://unstable.example.com/a/multivector",
                                                          "https://unstable.example.com/a/reaction"]
    assert [a.content_hash for a in v1] == [a.content_hash for a in v2]


def test_not_a_feed():
    with pytest.raises(SourceError, match="^not a feed$"):
        parse_feed(b"<html><body><p>Hello</p></body></html>", "https://example.com/")
    with pytest.raises(SourceError, match="^not a feed: empty response$"):
        parse_feed(b"  ", "https://example.com/")
    assert parse_feed(b'<rss version="2.0"><channel><title>Empty</title></channel></rss>', "https://e.com/") == []


def test_feed_sniffing(fx):
    assert looks_like_feed(fx.bytes("feeds/rss2.xml"))
    assert looks_like_feed(fx.bytes("feeds/atom.xml"))
    assert looks_like_feed(fx.bytes("feeds/rdf.xml"))
    assert looks_like_feed(b"<html></html>", "application/rss+xml; charset=utf-8")
    assert not looks_like_feed(b"<!DOCTYPE html><html><head></head></html>", "text/xml")


async def test_feed_collector_conditional_get(server: LoopbackServer, fetcher: HttpFetcher, fx):
    body = fx.bytes("feeds/rss2.xml")

    async def feed(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"r1"':
            return web.Response(status=304)
        return web.Response(body=body, headers={"ETag": '"r1"', "Content-Type": "application/rss+xml"})

    server.add("/rss", handler=feed)
    ref = SourceRef("feed", server.base + "/rss", "127.0.0.1")
    first = await collect(ref, fetcher, first_run=True, state={})
    assert len(first.articles) == 2 and first.state["etag"] == '"r1"' and not first.not_modified
    second = await collect(ref, fetcher, first_run=False, state=first.state)
    assert second.not_modified and second.articles == [] and second.state["etag"] == '"r1"'
    server.add("/page", "<html><body>no feed</body></html>")
    with pytest.raises(SourceError, match="^not a feed$"):
        await collect(SourceRef("feed", server.base + "/page"), fetcher, first_run=True, state={})


def test_which_entries_are_kept():
    """An entry is kept with a link (a headline) or with text (no link); only one with neither is skipped."""
    doc = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Вестник</title>'
           '<item><title>Только заголовок</title><link>https://v.example/1</link></item>'
           '<item><description>Текст без ссылки и без заголовка. Второе предложение.</description></item>'
           '<item><title>Ни ссылки, ни текста</title></item>'
           '<item><link>https://v.example/4</link></item>'
           '</channel></rss>').encode()
    kept = parse_feed(doc, "https://v.example/rss")
    assert [(a.url, a.title, a.text) for a in kept] == [
        ("https://v.example/1", "Только заголовок", ""),
        ("", "Текст без ссылки и без заголовка. Второе предложение.",
         "Текст без ссылки и без заголовка. Второе предложение."),
        ("https://v.example/4", "https://v.example/4", "")]


def test_charset_from_the_response_header_and_broken_empty_documents():
    cp1252 = '<rss version="2.0"><channel><title>Caf\u00e9</title><item><title>Br\u00fbl\u00e9e</title>' \
             '<link>https://c.example/1</link><description>Cr\u00e8me.</description></item></channel></rss>'
    (item,) = parse_feed(cp1252.encode("cp1252"), "https://c.example/rss", {"content-type": "text/xml; charset=windows-1252"})
    assert (item.title, item.text) == ("Br\u00fbl\u00e9e", "Cr\u00e8me.")
    with pytest.raises(SourceError, match="^not a readable feed: malformed XML$"):
        parse_feed(b'<rss version="2.0">\n</rss', "https://c.example/rss")
