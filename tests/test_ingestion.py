"""Sources end to end: the real bot on the sandbox, admins' commands, scheduled polls and digests,
against a loopback HTTP server that plays t.me, dzen.ru and an outside news site.

The fixtures in tests/fixtures/ingest are synthetic (invented channels, ids and texts). Time is a
FrozenClock, so "the next poll" and "the next digest" are reached by moving the clock, not by waiting.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path
from string import Template
from typing import Any

import pytest
from aiohttp import web

from bot.app.local import SANDBOX_CHANNEL_ID, LocalBot
from bot.clock import FrozenClock
from bot.sandbox import Sandbox
from bot.services.ingestion import MAX_BACKOFF, MAX_FAILURES
from storage import sources as sources_sql
from storage.rows import Source
import bot.services.ingestion as ingestion_module
from tests.conftest import ADMIN_ID, READER_ID, make_settings
from tests.sources.conftest import LoopbackServer, server  # noqa: F401 - the loopback site fixture

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
SECOND_ADMIN = 9002
START = datetime(2026, 1, 12, 3, 0, tzinfo=timezone.utc)  # Monday 06:00 Moscow
DIGEST_TIME = datetime(2026, 1, 12, 7, 0, tzinfo=timezone.utc)  # Monday 10:00 Moscow: default weekly slot
TG = "kz_eu_watch"
DZEN = "kz_eu_analytics"
EXPORT = f"/api/v3/launcher/export?channel_name={DZEN}"
DZEN_ARTICLES = ("aWChssPU5fYHGCkw", "aWHw4dLDtKWWhwcS")
ADMIN_ONLY = "только для администраторов"


def fixture(name: str) -> bytes:
    """A file of tests/fixtures/ingest, as served."""
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
async def app(sandbox: Sandbox, tmp_path: Path, server: LoopbackServer, clock: FrozenClock) -> AsyncIterator[LocalBot]:
    sandbox.add_user(SECOND_ADMIN, first_name="Admin2", language_code="ru")
    settings = make_settings(tmp_path, admin_ids=f"{ADMIN_ID},{SECOND_ADMIN}", dzen_base_url=server.base,
                             telegram_web_url=server.base)
    async with LocalBot(settings, sandbox=sandbox, clock=clock) as local:
        yield local


# ------------------------------------------------------------------------------- helpers

async def say(app: LocalBot, text: str, *, user_id: int = ADMIN_ID, actions: int = 1) -> str:
    """Send a command; the text of the bot's last of ``actions`` actions (/ingest and /addsource
    answer "fetching…" first and then edit that message into the result)."""
    mark = app.sandbox.mark()
    app.sandbox.send_text(text, user_id=user_id)
    return (await app.sandbox.wait_for(user_id, actions, after=mark))[-1].text


async def rows(app: LocalBot) -> list[dict[str, Any]]:
    """Every stored article except the shipped anchor, oldest first."""
    return await app.services.store.call(
        lambda db: list(db["articles"].rows_where("kind != 'anchor'", order_by="id")))


async def source(app: LocalBot, source_id: int = 1) -> Source:
    row = await app.services.store.call(sources_sql.get, source_id)
    assert row is not None
    return row


async def poll_when_due(app: LocalBot, clock: FrozenClock) -> int:
    """Move the clock to source #1's next poll and run the scheduler job once."""
    due = (await source(app)).next_poll_at
    assert due is not None
    clock.set(due + timedelta(seconds=1))
    return await app.services.ingestion.poll_due()


async def deliver_digests(app: LocalBot, clock: FrozenClock) -> None:
    clock.set(DIGEST_TIME)
    await app.services.digests.tick()
    await app.services.outbox.wait_idle()


def telegram_page(post_ids: list[int], *, before: int | None = None, edited: tuple[int, ...] = ()) -> bytes:
    """A t.me/s page of the synthetic channel: the given posts (oldest first), edited ones with
    their new text and Telegram's bare "edited" word, and a link to the older page if any."""
    channel = json.loads(fixture("tme-posts.json"))
    names = {"channel": channel["channel"], "title": channel["title"]}
    post = Template(fixture("tme-post.html").decode())
    blocks = []
    for post_id in post_ids:
        text = channel["edits"][str(post_id)] if post_id in edited else channel["posts"][str(post_id)]["text"]
        blocks.append(post.substitute(names, id=post_id, date=channel["posts"][str(post_id)]["date"],
                                      text=escape(text).replace(". ", ".<br/>", 1),
                                      edited="edited " if post_id in edited else ""))
    more = (f'<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/{TG}?before={before}" '
            f'class="tme_messages_more js-messages_more" data-before="{before}"></a></div>') if before else ""
    page = Template(fixture("tme-page.html").decode()).substitute(names, more=more, posts="\n".join(blocks))
    return page.encode()


def serve_telegram(server: LoopbackServer, *, polled_again: bool = False) -> None:
    """At the first visit: posts 40-42, older page 37-38. At the next poll: 41, 42 edited, 43 new."""
    if polled_again:
        server.add(f"/s/{TG}", telegram_page([41, 42, 43], before=41, edited=(42,)))
    else:
        server.add(f"/s/{TG}", telegram_page([40, 41, 42], before=40))
    server.add(f"/s/{TG}?before=40", telegram_page([37, 38]))
    server.add(f"/s/{TG}?before=37", telegram_page([37, 38]))  # nothing older: no fresh posts, paging stops


def serve_dzen(server: LoopbackServer) -> None:
    server.add(EXPORT, fixture("dzen-launcher-export.json"), content_type="application/json")
    for short in DZEN_ARTICLES:
        server.add(f"/a/{short}", fixture(f"dzen-{short}.html"))


def block_dzen(server: LoopbackServer) -> None:
    """Dzen now answers every list source with a captcha (HTTP 200, as it really does)."""
    for path in (EXPORT, f"/api/v3/launcher/more?channel_name={DZEN}", f"/{DZEN}"):
        server.add(path, fixture("captcha.html"))


def title_start(row: dict[str, Any]) -> str:
    return row["title"][:40]


# ------------------------------------------------------------------------------- Telegram

async def test_telegram_channel_backfill_then_new_and_edited_posts(app: LocalBot, server: LoopbackServer,
                                                                   clock: FrozenClock) -> None:
    serve_telegram(server)
    await app.sandbox.ask("/subscribe", user_id=READER_ID)  # weekly, Monday 10:00 Moscow, all themes
    clock.advance(minutes=1)

    added = await say(app, f"/addsource https://t.me/s/{TG}", actions=2)
    assert "Источник #1 (канал Telegram) добавлен" in added and "из архива: 5" in added
    archive = await rows(app)
    assert len(archive) == 5 and all(r["backfill"] == 1 and r["source_id"] == 1 for r in archive)
    listing = await say(app, "/sources")
    assert f"#1 {TG} · канал Telegram · работает\nhttps://t.me/s/{TG}" in listing  # the feed's title, then its URL
    assert "материалов: 5 · последний успех: 12.01.2026 06:01 · ошибок подряд: 0" in listing  # the admin's zone
    assert "последняя ошибка" not in listing
    stats = await say(app, "/stats")
    assert "Telegram — 5" in stats and f"#1 {TG} — 5" in stats  # articles by kind and by source
    again = await say(app, f"/addsource t.me/{TG.upper()}", actions=2)
    assert "Источник уже есть: #1" in again

    # the back catalogue is searchable…
    found = await say(app, "/search редкоземельные металлы", user_id=READER_ID)
    rare_earths = next(r for r in archive if "редкоземельных" in r["text"])
    assert title_start(rare_earths) in found

    # …nothing is polled before its time…
    clock.advance(minutes=5)
    server.requests.clear()
    assert await app.services.ingestion.poll_due() == 0 and server.requests == []

    # …and the next poll brings one new post and one edited post
    serve_telegram(server, polled_again=True)
    assert await poll_when_due(app, clock) == 2
    after = await rows(app)
    assert len(after) == 6
    edited = next(r for r in after if r["url"] == f"https://t.me/{TG}/42")
    before_edit = next(r for r in archive if r["url"] == f"https://t.me/{TG}/42")
    assert edited["id"] == before_edit["id"] and "Дополнение: Пекин" in edited["text"]
    assert edited["text"] != before_edit["text"]
    new = after[-1]
    assert new["url"] == f"https://t.me/{TG}/43" and new["backfill"] == 0 and new["external_id"] == f"{TG}/43"
    assert (await source(app)).items == 7  # 5 from the archive + new + updated
    single = await say(app, f"/ingest https://t.me/{TG}/43", actions=2)  # one post, by its own link
    assert f"{new['id']}. " in single and "без изменений" in single and len(await rows(app)) == 6

    # the digests carry the new post only: not the archive, not the edit of an archived post
    await deliver_digests(app, clock)
    personal = [m.text for m in app.sandbox.messages(READER_ID) if "Ваш дайджест" in m.text]
    followup = [m.text for m in app.sandbox.messages(SANDBOX_CHANNEL_ID)]
    assert len(personal) == 1 and len(followup) == 1
    for digest in (personal[0], followup[0]):
        assert title_start(new) in digest
        assert not [r["title"] for r in archive if title_start(r) in digest]


async def test_scheduler_does_not_poll_a_source_while_its_archive_is_loading(app: LocalBot, server: LoopbackServer,
                                                                             clock: FrozenClock) -> None:
    """/addsource collects the back catalogue for a while (several pages, article fetches); a
    scheduler pass in that window must not poll the new source as if it were routine, or the
    archive it stores first is not marked backfill and floods the next digests."""
    serve_telegram(server)
    release, arrived = asyncio.Event(), asyncio.Event()

    async def slow_first_page(request: web.Request) -> web.Response:
        arrived.set()
        await release.wait()
        return web.Response(body=telegram_page([40, 41, 42], before=40), content_type="text/html")

    server.add(f"/s/{TG}", handler=slow_first_page)
    adding = asyncio.create_task(app.services.ingestion.add_source(f"https://t.me/s/{TG}", ADMIN_ID))
    await asyncio.wait_for(arrived.wait(), 5)
    clock.advance(seconds=61)  # the next pass of the 60 s scheduler job
    assert await app.services.ingestion.poll_due() == 0
    release.set()
    _row, created, count = await adding
    assert created and count == 5
    assert [r["backfill"] for r in await rows(app)] == [1] * 5


# ------------------------------------------------------------------------------- feeds

async def test_feed_conditional_get_and_changed_guids_make_no_duplicates(app: LocalBot, server: LoopbackServer,
                                                                         clock: FrozenClock,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    current = {"body": fixture("feed-v1.xml"), "etag": '"v1"'}
    conditions: list[str | None] = []

    async def feed(request: web.Request) -> web.Response:
        conditions.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == current["etag"]:
            return web.Response(status=304, headers={"ETag": current["etag"]})
        return web.Response(body=current["body"], content_type="application/rss+xml",
                            headers={"ETag": current["etag"]})

    server.add("/feed.xml", handler=feed)
    added = await say(app, f"/addsource {server.base}/feed.xml", actions=2)
    assert "(лента RSS/Atom) добавлен" in added and "из архива: 3" in added
    stored = await rows(app)
    assert [r["kind"] for r in stored] == ["feed"] * 3

    assert await poll_when_due(app, clock) == 0
    assert conditions == [None, '"v1"']  # the second request was conditional and got 304
    polled = await source(app)
    assert polled.last_success_at == clock.now() and polled.items == 3 and polled.failures == 0
    assert polled.state["etag"] == '"v1"'

    # the CMS migrated: every guid changed, one link gained tracking parameters; texts stayed
    current.update(body=fixture("feed-v2.xml"), etag='"v2"')
    analysed: list[str] = []
    analyze = app.services.engine.analyze

    async def counting(title: str, text: str, **kwargs: Any) -> Any:
        analysed.append(title)
        return await analyze(title, text, **kwargs)

    monkeypatch.setattr(app.services.engine, "analyze", counting)
    assert await poll_when_due(app, clock) == 0
    assert analysed == []  # known items are recognised before, not after, the costly analysis
    assert conditions[-1] == '"v1"'
    assert [(r["id"], r["url"]) for r in await rows(app)] == [(r["id"], r["url"]) for r in stored]
    assert (await source(app)).state["etag"] == '"v2"'


def small_feed(site: str, title: str, text: str) -> str:
    """A one-item RSS feed whose guid is a bare number, as many small CMSs write it."""
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{site}</title><link>https://{site}/</link>'
            f'<item><title>{title}</title><link>https://{site}/news/1</link><guid isPermaLink="false">1</guid>'
            f'<description>{text}</description></item></channel></rss>')


async def test_bare_guids_of_two_feeds_are_different_articles(app: LocalBot, server: LoopbackServer) -> None:
    server.add("/a/rss.xml", small_feed("a.example", "Порт Курык расширят", "Казахстан расширит порт Курык на Каспии."),
               content_type="application/rss+xml")
    server.add("/b/rss.xml", small_feed("b.example", "Визовый диалог продолжится", "ЕС и Казахстан обсудят визы."),
               content_type="application/rss+xml")
    for path in ("/a/rss.xml", "/b/rss.xml"):
        await app.services.ingestion.add_source(server.base + path, ADMIN_ID)
    stored = await rows(app)
    assert [(r["url"], r["external_id"]) for r in stored] == [
        ("https://a.example/news/1", "a.example#1"), ("https://b.example/news/1", "b.example#1")]
    assert stored[0]["title"] == "Порт Курык расширят"


# ------------------------------------------------------------------------------- Dzen

async def test_dzen_channel_full_texts_and_old_link_is_the_same_article(app: LocalBot, server: LoopbackServer) -> None:
    serve_dzen(server)
    added = await say(app, f"/addsource https://dzen.ru/{DZEN}", actions=2)
    assert "(канал Дзена) добавлен" in added and "из архива: 2" in added
    stored = {r["url"]: r for r in await rows(app)}
    corridor = stored[f"https://dzen.ru/a/{DZEN_ARTICLES[0]}"]
    # full text from the article page, not the launcher's one-sentence snippet
    assert corridor["text"].startswith("Европейский союз и Казахстан обсуждают")
    assert "Брюссель готов финансировать новые паромы" in corridor["text"]
    assert corridor["external_id"] == "6960a1b2c3d4e5f607182930" and corridor["published"].startswith("2026-01-09")

    old_link = ("https://zen.yandex.ru/media/kz_eu_analytics/"
                "srednii-koridor-chto-evropa-gotova-vlozhit-6960a1b2c3d4e5f607182930?utm_source=tg")
    reply = await say(app, f"/ingest {old_link}", actions=2)
    assert "Сохранено материалов: 1" in reply and f"{corridor['id']}. " in reply and "без изменений" in reply
    assert len(await rows(app)) == 2


# ------------------------------------------------------------------------------- failures

async def test_captcha_backs_off_then_disables_and_tells_every_admin(app: LocalBot, server: LoopbackServer,
                                                                     clock: FrozenClock) -> None:
    serve_dzen(server)
    await say(app, f"/addsource https://dzen.ru/{DZEN}", actions=2)
    block_dzen(server)
    marks = {admin: app.sandbox.mark() for admin in (ADMIN_ID, SECOND_ADMIN)}
    delays = []
    for attempt in range(1, MAX_FAILURES + 1):
        assert await poll_when_due(app, clock) == 0
        row = await source(app)
        assert row.failures == attempt and "captcha" in (row.last_error or "")
        assert row.enabled == (attempt < MAX_FAILURES)
        delays.append(row.next_poll_at - clock.now())  # type: ignore[operator]
    assert delays == sorted(delays) and len(set(delays)) == len(delays) and delays[-1] <= MAX_BACKOFF
    for admin, mark in marks.items():
        notice = (await app.sandbox.wait_for(admin, 1, after=mark))[0].text
        assert f"#1 https://dzen.ru/{DZEN}" in notice and "captcha" in notice
    clock.advance(days=2)
    assert await app.services.ingestion.poll_due() == 0  # a disabled source is not polled
    assert (await source(app)).failures == MAX_FAILURES

    listing = await say(app, "/sources")
    assert "отключён" in listing and "последняя ошибка: Дзен показал капчу вместо страницы" in listing
    # adding it again switches it back on, due now
    serve_dzen(server)
    assert "снова включён" in await say(app, f"/addsource https://dzen.ru/{DZEN}", actions=2)
    revived = await source(app)
    assert revived.enabled and revived.failures == 0
    await app.services.ingestion.poll_due()
    assert (await source(app)).last_error is None
    assert "Источник #1 удалён" in await say(app, "/delsource 1")
    assert [r["source_id"] for r in await rows(app)] == [None, None]  # the articles stay
    assert "Источника #999 нет" in await say(app, "/delsource 999")
    assert "Источников пока нет" in await say(app, "/sources")


async def test_server_errors_are_retried_longer_than_refusals(app: LocalBot, server: LoopbackServer,
                                                              clock: FrozenClock) -> None:
    server.add("/feed.xml", fixture("feed-v1.xml"), content_type="application/rss+xml")
    await app.services.ingestion.add_source(f"{server.base}/feed.xml", ADMIN_ID)
    server.add("/feed.xml", "overloaded", status=500, content_type="text/plain")
    for _ in range(MAX_FAILURES + 1):  # transient: MAX_FAILURES is not enough to give up
        await poll_when_due(app, clock)
    row = await source(app)
    assert row.enabled and row.failures == MAX_FAILURES + 1 and "HTTP 500" in (row.last_error or "")
    server.add("/feed.xml", fixture("feed-v1.xml"), content_type="application/rss+xml")
    await poll_when_due(app, clock)  # recovered: the count and the error are cleared
    row = await source(app)
    assert (row.failures, row.last_error, row.last_success_at) == (0, None, clock.now())


async def test_one_broken_source_does_not_stop_the_others(app: LocalBot, server: LoopbackServer,
                                                          clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """A parser bug (any exception, not only SourceError) is that source's failure; the sources
    after it in the same pass are still polled and the broken one is not retried every minute."""
    serve_telegram(server)
    server.add("/feed.xml", fixture("feed-v1.xml"), content_type="application/rss+xml")
    await app.services.ingestion.add_source(f"https://t.me/s/{TG}", ADMIN_ID)
    await app.services.ingestion.add_source(f"{server.base}/feed.xml", ADMIN_ID)
    real_collect = ingestion_module.collect

    async def collect(ref: Any, *args: Any, **kwargs: Any) -> Any:
        if ref.kind == "telegram_channel":
            raise KeyError("post_id")
        return await real_collect(ref, *args, **kwargs)

    monkeypatch.setattr(ingestion_module, "collect", collect)
    clock.advance(minutes=20)
    await app.services.ingestion.poll_due()
    broken, feed = await source(app, 1), await source(app, 2)
    assert broken.failures == 1 and "KeyError" in (broken.last_error or "")
    assert broken.next_poll_at > clock.now()  # type: ignore[operator]
    assert feed.failures == 0 and feed.last_success_at == clock.now()


# ------------------------------------------------------------------------------- refusals

async def test_ingest_refuses_guarded_and_non_http_urls(app: LocalBot, server: LoopbackServer) -> None:
    server.redirect("/go", "http://169.254.169.254/latest/meta-data/")
    reply = await say(app, f"/ingest {server.base}/go", actions=2)
    assert reply == "Не получилось: адрес 169.254.169.254 загружать нельзя: он ведёт во внутреннюю сеть"
    for command in ("/ingest file:///etc/passwd", "/addsource FILE:///etc/passwd", "/ingest ftp://example.org/a"):
        reply = await say(app, command)
        assert reply == "Не получилось: загружаются только ссылки http и https"
    assert await rows(app) == []
    assert server.paths == ["/go"]


@pytest.mark.parametrize("command", [f"/ingest https://dzen.ru/a/{DZEN_ARTICLES[0]}", f"/addsource https://t.me/s/{TG}",
                                     "/sources", "/delsource 1"])
async def test_non_admin_is_refused(app: LocalBot, server: LoopbackServer, command: str) -> None:
    assert ADMIN_ONLY in await say(app, command, user_id=READER_ID)
    assert server.requests == [] and await app.services.ingestion.sources() == []


# ------------------------------------------------------------------------------- /summary

def serve_news_site(server: LoopbackServer) -> str:
    """An outside article page that, like most, advertises its site's feed; returns its URL."""
    server.add("/news/visas.html", fixture("article-page.html"))
    server.add("/feed.xml", fixture("feed-v1.xml"), content_type="application/rss+xml")
    return f"{server.base}/news/visas.html"


async def test_summary_of_an_outside_url_is_not_stored(app: LocalBot, server: LoopbackServer) -> None:
    reply = await say(app, f"/summary {serve_news_site(server)}", user_id=READER_ID)
    assert reply.startswith("📰 Визы для казахстанцев") and "Коротко: " in reply and "Визовое упрощение" in reply
    assert await rows(app) == []


async def test_ingest_of_an_article_stores_that_article_not_its_sites_feed(app: LocalBot,
                                                                           server: LoopbackServer) -> None:
    reply = await say(app, f"/ingest {serve_news_site(server)}", actions=2)
    assert "Сохранено материалов: 1" in reply and "новый" in reply
    assert [r["title"] for r in await rows(app)] == ["Визы для казахстанцев: что изменит новое соглашение"]


# ------------------------------------------------------------------------------- headlines and partial polls

EMPTY_FEED = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Степной вестник</title>'
              '<link>https://news.example.org/</link><description>Пока пусто.</description></channel></rss>')


async def test_headline_items_are_kept_read_when_possible_and_listed_in_digests(
        app: LocalBot, server: LoopbackServer, clock: FrozenClock) -> None:
    """A feed with no items is added (nothing new); then it brings three headlines: one page is read,
    two fail (404, 503) and stay headlines - in the digest by title and link, in /summary as such;
    the poll is a success that counts its two failed pages. The item with neither title nor link is skipped."""
    await app.sandbox.ask("/subscribe", user_id=READER_ID)
    clock.advance(minutes=1)
    server.add("/headlines.xml", EMPTY_FEED, content_type="application/rss+xml")
    added = await say(app, f"/addsource {server.base}/headlines.xml", actions=2)
    assert "(лента RSS/Atom) добавлен" in added and "из архива: 0" in added

    server.add("/headlines.xml", fixture("feed-headlines.xml"), content_type="application/rss+xml")
    server.add("/news/visas.html", fixture("article-page.html"))
    server.add("/news/kuryk.html", "gone", status=404)
    server.add("/news/ferries.html", "busy", status=503)
    assert await poll_when_due(app, clock) == 3
    stored = {r["title"]: r for r in await rows(app)}
    assert list(stored) == ["Визы для казахстанцев: коротко о соглашении", "Порт Курык расширят к 2027 году",
                            "Паромы через Каспий пойдут чаще"]
    assert "Европейская комиссия завершила подготовку мандата" in stored["Визы для казахстанцев: коротко о соглашении"]["text"]
    kuryk = stored["Порт Курык расширят к 2027 году"]
    assert (kuryk["text"], kuryk["tldr"], kuryk["url"]) == ("", "", f"{server.base}/news/kuryk.html")
    polled = await source(app)
    assert (polled.failures, polled.page_errors) == (0, 2)
    assert polled.last_error == f"headline {server.base}/news/ferries.html: page: HTTP 503"
    listing = await say(app, "/sources")
    assert "ошибок подряд: 0" in listing and "страниц с ошибкой в удачных опросах: 2" in listing

    await deliver_digests(app, clock)
    digest = next(m for m in app.sandbox.messages(READER_ID) if "Ваш дайджест" in m.text)
    for title in ("Порт Курык расширят к 2027 году", "Паромы через Каспий пойдут чаще"):
        assert digest.text.count(title) == 1  # listed once: no tl;dr repeating the headline
    links = {e.get("url") for e in digest.entities if e["type"] == "text_link"}
    assert {f"{server.base}/news/kuryk.html", f"{server.base}/news/ferries.html"} <= links

    summary = await say(app, f"/summary {kuryk['id']}", user_id=READER_ID)
    assert summary.startswith("📰 Порт Курык расширят к 2027 году")
    assert "Известен только заголовок" in summary and f"{server.base}/news/kuryk.html" in summary
    assert "Коротко:" not in summary

    # the next poll neither fetches those pages again nor stores the headlines over what it has
    server.requests.clear()
    assert await poll_when_due(app, clock) == 0
    assert server.paths == ["/headlines.xml"]


async def test_summary_refusals_are_one_line_in_the_readers_language(app: LocalBot, server: LoopbackServer) -> None:
    """An empty feed is nothing to summarise; a missing page, a broken feed and a page without text say
    so in Russian - no library's text, no English. (One outside fetch per reader per 10 s: four readers.)"""
    server.add("/empty.xml", EMPTY_FEED, content_type="application/rss+xml")
    server.add("/broken.xml", '<?xml version="1.0"?>\n<rss version="2.0">\n</rss', content_type="application/rss+xml")
    server.add("/blank.html", "<html><head><title>Пусто</title></head><body><script>var a = 1;</script></body></html>")
    expected = {"/empty.xml": "По этой ссылке нечего пересказать: лента или канал пока пусты.",
                "/gone.html": "Не получилось: такой страницы нет (404)",
                "/broken.xml": "Не получилось: лента повреждена и не читается",
                "/blank.html": "Не получилось: на странице не нашлось текста статьи"}
    for reader, (path, answer) in enumerate(expected.items(), start=9101):
        app.sandbox.add_user(reader, first_name=f"Reader{reader}", language_code="ru")
        assert await say(app, f"/summary {server.base}{path}", user_id=reader) == answer


async def test_summary_of_a_headline_feed_reads_only_its_newest_item(app: LocalBot, server: LoopbackServer) -> None:
    """/summary shows one item: the feed's first headline is read from its page, the others are not fetched."""
    server.add("/headlines.xml", fixture("feed-headlines.xml"), content_type="application/rss+xml")
    server.add("/news/visas.html", fixture("article-page.html"))
    reply = await say(app, f"/summary {server.base}/headlines.xml", user_id=READER_ID)
    assert reply.startswith("📰 Визы для казахстанцев: коротко о соглашении") and "Коротко:" in reply
    assert [p for p in server.paths if p.startswith("/news/")] == ["/news/visas.html"]
    assert await rows(app) == []
