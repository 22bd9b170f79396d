"""Dzen the way 2026 pages behave: the SSO interstitial (with and without a cookie), login wall,
404, both 2026 channel shapes, and partial results when a list or article page fails."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pytest
from aiohttp import web

from bot.net import HttpFetcher
from bot.sources import SourceError, collect, detect_source, parse_dzen_channel_page

if TYPE_CHECKING:
    from tests.sources.conftest import FixtureFiles, LoopbackServer

ROSES = "https://dzen.ru/a/ZqGyw9Tl9gcYKTpL"
WATERING = "https://dzen.ru/a/ZqDx4tPEtaaXiHlg"
ARTICLE = "/a/ZqGyw9Tl9gcYKTpL"
CHANNEL = detect_source("https://dzen.ru/sadovod_primer")
EXPORT = "/api/v3/launcher/export?channel_name=sadovod_primer"
COOKIE = "sso_session"
STUCK = ("Dzen article: Dzen kept answering with its SSO interstitial, even after following its retpath "
         "and replaying its form")


def stub(path: str, *, with_dzen: bool = True) -> str:
    """The interstitial: a tiny page whose script would POST retpath+container to it.host."""
    it = {"host": "https://dzen.ru/sso/install?uuid=0f0e0d0c", "retpath": f"https://dzen.ru{path}?is_autologin_ya=true",
          "container": "c-7"}
    if with_dzen:
        it["dzen"] = "1"
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><script nonce="x">var it = '
            f'{json.dumps(it).replace("/", chr(92) + "u002F")};</script></body></html>')


async def test_interstitial_passed_by_its_retpath_with_the_cookie_it_sets(server: LoopbackServer, fetcher: HttpFetcher,
                                                                        fx: FixtureFiles):
    async def article(request: web.Request) -> web.Response:
        if request.cookies.get(COOKIE) != "granted":
            response = web.Response(text=stub(ARTICLE), content_type="text/html")
            response.set_cookie(COOKIE, "granted", path="/")
            return response
        return web.Response(body=fx.bytes("dzen/article-ssr-draftjs.html"), content_type="text/html")

    server.add(ARTICLE, handler=article)
    result = await collect(detect_source(ROSES), fetcher, first_run=True, state={})
    assert result.articles[0].text.startswith("Осенью розам нужна защита")
    assert result.articles[0].url == ROSES
    assert server.paths == [ARTICLE, ARTICLE + "?is_autologin_ya=true"]
    assert [r.cookies.get(COOKIE) for r in server.requests] == [None, "granted"]
    assert all(r.headers["User-Agent"].startswith("Mozilla/5.0") for r in server.requests)
    # the session was that poll's: the next poll starts without it
    server.requests.clear()
    await collect(detect_source(ROSES), fetcher, first_run=True, state={})
    assert server.requests[0].cookies.get(COOKIE) is None


async def test_interstitial_without_a_cookie_is_passed_by_replaying_its_form(server: LoopbackServer,
                                                                             fetcher: HttpFetcher, fx: FixtureFiles):
    posted: list[dict[str, str]] = []

    async def article(request: web.Request) -> web.Response:
        if request.cookies.get(COOKIE) == "granted":
            return web.Response(body=fx.bytes("dzen/article-ssr-draftjs.html"), content_type="text/html")
        return web.Response(text=stub(ARTICLE), content_type="text/html")  # no cookie offered

    async def install(request: web.Request) -> web.Response:
        posted.append(dict(await request.post()))
        response = web.Response(status=302, headers={"Location": posted[-1]["retpath"]})
        response.set_cookie(COOKIE, "granted", path="/")
        return response

    server.add(ARTICLE, handler=article)
    server.add("/sso/install", handler=install)
    result = await collect(detect_source(ROSES), fetcher, first_run=True, state={})
    assert result.articles[0].text.startswith("Осенью розам нужна защита")
    assert posted == [{"retpath": f"https://dzen.ru{ARTICLE}?is_autologin_ya=true", "container": "c-7", "dzen": "1"}]
    assert [(r.method, r.path_qs) for r in server.requests] == [
        ("GET", ARTICLE), ("GET", ARTICLE + "?is_autologin_ya=true"), ("POST", "/sso/install?uuid=0f0e0d0c"),
        ("GET", ARTICLE + "?is_autologin_ya=true"), ("GET", ARTICLE)]


async def test_interstitial_that_never_lets_go_is_one_clear_error(server: LoopbackServer, fetcher: HttpFetcher,
                                                                  caplog: pytest.LogCaptureFixture):
    async def always_stub(request: web.Request) -> web.Response:
        response = web.Response(text=stub(request.path, with_dzen=False), content_type="text/html")
        response.set_cookie(COOKIE, "s3cret-session-value", path="/")
        return response

    server.add(ARTICLE, handler=always_stub)
    server.add("/sadovod_primer", handler=always_stub)
    server.add(EXPORT, "{}", status=404, content_type="application/json")
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SourceError) as article:
        await collect(detect_source(ROSES), fetcher, first_run=True, state={})
    assert str(article.value) == STUCK
    with pytest.raises(SourceError) as channel:
        await collect(CHANNEL, fetcher, first_run=True, state={})
    assert str(channel.value) == ("Dzen channel sadovod_primer: launcher/export: HTTP 404; channel page: Dzen kept "
                                  "answering with its SSO interstitial, even after following its retpath and "
                                  "replaying its form")
    assert "s3cret" not in caplog.text  # cookies never reach the log


async def test_login_wall_and_not_found_pages_are_named(server: LoopbackServer, fetcher: HttpFetcher,
                                                        fx: FixtureFiles):
    server.add_fixture(ARTICLE, "dzen/login-wall.html")
    server.add_fixture("/a/ZqDx4tPEtaaXiHlg", "dzen/not-found.html")
    server.add("/a/Xo8aKzxNXm9wgZID", fx.bytes("dzen/not-found.html"), status=404)
    expected = {ROSES: "Dzen article: Dzen asks to log in (Yandex ID login page) instead of showing the page",
                WATERING: "Dzen article: Dzen says the page is not found",
                "https://dzen.ru/a/Xo8aKzxNXm9wgZID": "Dzen article: HTTP 404"}
    for url, reason in expected.items():
        with pytest.raises(SourceError) as info:
            await collect(detect_source(url), fetcher, first_run=True, state={})
        assert str(info.value) == reason


@pytest.mark.parametrize("shape", ["channel-2026-floors.html", "channel-2026-mixed.html"])
def test_both_2026_channel_shapes_list_articles_and_skip_shorts(fx: FixtureFiles, shape: str):
    items, _more = parse_dzen_channel_page(fx.text(f"dzen/{shape}"))
    assert [i.url for i in items] == [ROSES, WATERING]
    assert items[0].title == "Розы под укрытием: что делать в октябре"
    assert items[0].snippet == "Коротко о том, как укрыть розы до заморозков."
    assert items[0].published == datetime(2024, 10, 1, 7, 0, tzinfo=timezone.utc)  # seconds as a string
    assert items[0].author == "Садовод: пример канала" and not items[0].is_video


async def test_failed_list_and_article_pages_keep_what_was_listed(server: LoopbackServer, fetcher: HttpFetcher,
                                                                  fx: FixtureFiles):
    """A channel page lists two articles; page 2 of the list and one article page fail: both listed
    items stay (one with its full text, one with the list's title, snippet and link)."""
    server.add(EXPORT, "{}", status=404, content_type="application/json")
    server.add_fixture("/sadovod_primer", "dzen/channel-2026-floors.html")
    server.add("/api/web/v1/channel-more", "busy", status=503)
    server.add_fixture(ARTICLE, "dzen/article-ssr-draftjs.html")
    server.add("/a/ZqDx4tPEtaaXiHlg", "gone", status=404)
    result = await collect(CHANNEL, fetcher, first_run=True, state={})
    full, listed = result.articles
    assert full.url == ROSES and full.text.startswith("Осенью розам нужна защита")
    assert (listed.url, listed.title, listed.text) == (WATERING, "Полив в жару: утро или вечер",
                                                       "Разбираем, когда поливать огород летом.")
    assert listed.meta["full_text"] is False
    assert result.errors == ["launcher/more (next page): HTTP 503", f"article {WATERING}: HTTP 404"]
    assert result.state["seen"] == ["66a1b2c3d4e5f60718293a4b"]  # the failed article is tried again next poll
