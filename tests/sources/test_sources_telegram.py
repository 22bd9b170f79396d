"""t.me/s parser and collector: post features, pagination over 3 pages, no-preview redirect."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pytest

from bot.net import HttpFetcher
from bot.sources import SourceError, SourceRef, collect, detect_source, parse_telegram_page
from bot.sources.telegram import parse_views

if TYPE_CHECKING:
    from tests.sources.conftest import LoopbackServer

NAME = "sadovod_primer"
UTC = timezone.utc


def _by_id(page):
    return {post.meta["post_id"]: post for post in page.posts}


def test_shared_sample_page(fx):
    page = parse_telegram_page(fx.text("telegram/channel-page3.html"))
    assert page.channel_name == NAME and page.channel_title == "Садовод: пример канала"
    assert [p.meta["post_id"] for p in page.posts] == [105, 103, 102, 101]  # newest first, 104 absent
    assert page.before == 101
    posts = _by_id(page)

    edited = posts[101]
    assert edited.edited is True
    assert edited.text == ("Прогноз на выходные\n\nВ субботу до +24, в воскресенье возможен дождь 🌧\n"
                           "Код участка: A-17, ответ на загадку: тыква\n#погода")
    assert edited.title == "Прогноз на выходные"
    assert edited.meta["hashtags"] == ["#погода"]
    assert edited.meta["views"] == 1200
    assert edited.published == datetime(2024, 7, 25, 6, 15, tzinfo=UTC)
    assert edited.url == f"https://t.me/{NAME}/101" and edited.external_id == f"{NAME}/101"
    assert edited.source_kind == "telegram"

    forwarded = posts[102]
    assert forwarded.meta["forwarded_from"] == {"name": "Городская библиотека (пример)",
                                                "url": "https://t.me/biblioteka_primer/57"}
    assert forwarded.meta["links"][0] == ("страница курса", "https://example.org/kurs?city=1&season=autumn")
    assert "страница курса" in forwarded.text and "&amp;" not in str(forwarded.meta["links"])
    assert forwarded.meta["link_preview"]["title"] == "Осенний курс по ботанике"

    photo = posts[103]
    assert photo.meta["media_only"] and photo.text == "" and photo.title == "Фото"
    assert photo.image == "https://cdn4.telegram-cdn.org/file/SYNTHETIC-photo-103.jpg"

    reply = posts[105]
    assert reply.text == "Уточнение: дождь ожидается только вечером, поливать утром не нужно."  # quote excluded
    assert reply.meta["reply_to"]["id"] == 101
    assert reply.author == "Анна П." and reply.meta["signature"] == "Анна П."
    assert reply.edited is False


def test_newest_page_features(fx):
    page = parse_telegram_page(fx.text("telegram/channel-page1.html"))
    posts = _by_id(page)
    assert sorted(posts) == [120, 121, 122, 123, 125, 128]  # 124 is a service message
    assert page.before == 120

    signed = posts[128]
    assert signed.edited is True  # "edited" after the signature
    assert signed.author == "Анна П."
    assert signed.meta["reply_to"]["url"] == f"https://t.me/{NAME}/101"
    assert signed.text == ('Итоги месяца:\n\nАвгуст оказался тёплым и сухим.\n\n'
                           'Заметки: 🌻 подсолнухи "выросли" до 2\'5 м.\n\nполив: 06:00\nподкормка: 08:00')

    album = posts[125]
    assert album.meta["media"] == ["photo", "photo", "video"]
    assert album.text == "Урожай этой недели 🍅: три фото и видео."  # caption inside media_supported_cont
    assert album.image == "https://cdn4.telegram-cdn.org/file/SYNTHETIC-album-1.jpg"

    video_only = posts[123]
    assert video_only.meta["media_only"] and video_only.title == "Видео"
    assert video_only.published == datetime(2024, 8, 1, 9, 0, tzinfo=UTC)  # not the 0:42 duration <time>

    assert posts[122].meta["forwarded_from"] == {"name": "Скрытый автор", "url": None}
    assert posts[122].text == "Совет дня: не поливайте днём.\n\nВложенный текстовый блок из старой разметки альбома."
    assert posts[121].meta["media"] == ["unsupported"] and not posts[121].meta["media_only"]

    long_post = posts[120]
    assert len(long_post.title) <= 100 and long_post.title.endswith("…")
    assert long_post.meta["links"] == [("по ссылке", "https://example.org/table?year=2024&sort=desc")]


def test_parse_views():
    assert [parse_views(v) for v in ("987", "1.2K", "33.4K", "3M", "", "n/a")] == [987, 1200, 33400, 3000000, None, None]


def test_not_a_preview_page(fx):
    with pytest.raises(SourceError, match="^t.me/s/closed_channel has no public preview$"):
        parse_telegram_page(fx.text("telegram/no-preview.html"), name="closed_channel")


def _serve_three_pages(server: LoopbackServer, fx) -> None:
    server.add_fixture(f"/s/{NAME}", "telegram/channel-page1.html")
    server.add_fixture(f"/s/{NAME}?before=120", "telegram/channel-page2.html")
    server.add_fixture(f"/s/{NAME}?before=110", "telegram/channel-page3.html")


async def test_first_run_follows_three_pages(server: LoopbackServer, fetcher: HttpFetcher, fx):
    _serve_three_pages(server, fx)
    ref = detect_source(f"https://t.me/{NAME}")
    result = await collect(ref, fetcher, first_run=True, state={})
    assert server.paths == [f"/s/{NAME}", f"/s/{NAME}?before=120", f"/s/{NAME}?before=110"]  # no 4th page
    ids = [a.meta["post_id"] for a in result.articles]
    assert ids == [128, 125, 122, 121, 120, 115, 114, 112, 111, 110, 105, 102, 101]  # media-only dropped
    assert result.state["last_id"] == 128
    assert {a.meta["post_id"] for a in result.articles if a.edited} == {128, 112, 101}


async def test_routine_poll_reads_one_page(server: LoopbackServer, fetcher: HttpFetcher, fx):
    _serve_three_pages(server, fx)
    ref = SourceRef("telegram_channel", f"https://t.me/s/{NAME}", NAME)
    result = await collect(ref, fetcher, first_run=False, state={"last_id": 125})
    assert server.paths == [f"/s/{NAME}"]
    assert result.state["last_id"] == 128
    # after downtime the poll catches up until it reaches the last seen id
    server.requests.clear()
    result = await collect(ref, fetcher, first_run=False, state={"last_id": 112})
    assert server.paths == [f"/s/{NAME}", f"/s/{NAME}?before=120"]
    assert 114 in [a.meta["post_id"] for a in result.articles]


async def test_redirect_to_channel_page_means_no_preview(server: LoopbackServer, fetcher: HttpFetcher, fx):
    server.redirect("/s/closed_channel", "/closed_channel")
    server.add_fixture("/closed_channel", "telegram/no-preview.html")
    with pytest.raises(SourceError, match="^t.me/s/closed_channel has no public preview$"):
        await collect(detect_source("t.me/closed_channel"), fetcher, first_run=True, state={})


async def test_single_post_url(server: LoopbackServer, fetcher: HttpFetcher, fx):
    server.add_fixture(f"/s/{NAME}?before=106", "telegram/channel-page3.html")
    result = await collect(detect_source(f"https://t.me/{NAME}/105"), fetcher, first_run=True, state={})
    assert [a.url for a in result.articles] == [f"https://t.me/{NAME}/105"]
    with pytest.raises(SourceError, match="not in the channel preview"):
        server.add_fixture(f"/s/{NAME}?before=105", "telegram/channel-page3.html")
        await collect(detect_source(f"https://t.me/{NAME}/104"), fetcher, first_run=True, state={})


async def test_failed_older_page_keeps_the_newer_posts(server: LoopbackServer, fetcher: HttpFetcher, fx):
    """Real previews often answer 404 on ?before=: the newest page's posts are kept, the failure reported."""
    server.add_fixture(f"/s/{NAME}", "telegram/channel-page1.html")
    server.add(f"/s/{NAME}?before=120", "not found", status=404)
    result = await collect(detect_source(f"https://t.me/{NAME}"), fetcher, first_run=True, state={})
    assert [a.meta["post_id"] for a in result.articles] == [128, 125, 122, 121, 120]
    assert result.errors == [f"t.me/s/{NAME}?before=120: HTTP 404"]
    assert result.state == {"last_id": 128}  # a first run does not come back for its back catalogue


async def test_newest_page_failing_is_a_failed_poll(server: LoopbackServer, fetcher: HttpFetcher):
    server.add(f"/s/{NAME}", "down", status=503)
    with pytest.raises(SourceError, match=f"^t.me/s/{NAME}: HTTP 503$"):
        await collect(detect_source(f"https://t.me/{NAME}"), fetcher, first_run=False, state={"last_id": 100})


async def test_next_poll_continues_where_a_failed_page_stopped(server: LoopbackServer, fetcher: HttpFetcher, fx):
    """A poll after downtime loses page 2; the next poll reads it (and only then the hole is closed)."""
    ref = SourceRef("telegram_channel", f"https://t.me/s/{NAME}", NAME)
    server.add_fixture(f"/s/{NAME}", "telegram/channel-page1.html")
    server.add(f"/s/{NAME}?before=120", "busy", status=429)
    first = await collect(ref, fetcher, first_run=False, state={"last_id": 101})
    assert [a.meta["post_id"] for a in first.articles] == [128, 125, 122, 121, 120]
    assert first.errors == [f"t.me/s/{NAME}?before=120: HTTP 429"]
    assert first.state == {"last_id": 128, "resume": {"before": 120, "until": 101}}

    server.add_fixture(f"/s/{NAME}?before=120", "telegram/channel-page2.html")
    server.add_fixture(f"/s/{NAME}?before=110", "telegram/channel-page3.html")
    server.requests.clear()
    second = await collect(ref, fetcher, first_run=False, state=first.state)
    assert server.paths == [f"/s/{NAME}", f"/s/{NAME}?before=120", f"/s/{NAME}?before=110"]
    ids = [a.meta["post_id"] for a in second.articles]
    assert ids[:5] == [128, 125, 122, 121, 120] and {115, 114, 112, 111, 110, 105, 102} <= set(ids)
    assert second.errors == [] and second.state == {"last_id": 128}


def test_hostile_numbers_in_a_page_skip_that_post_not_the_page(fx):
    """A page whose ids are not ASCII digits ("²" passes str.isdigit, then int() refuses it) loses
    only the post that carries one; the page and its other posts are read."""
    html = fx.text("telegram/channel-page1.html")
    html = html.replace('data-post="' + NAME + '/121"', 'data-post="' + NAME + '/12²"', 1)
    html = html.replace('data-before="120"', 'data-before="1²0"').replace("before=120", "before=1²0")
    page = parse_telegram_page(html)
    assert sorted(_by_id(page)) == [120, 122, 123, 125, 128]
    assert page.before is None  # no older page to ask for, rather than a crash
