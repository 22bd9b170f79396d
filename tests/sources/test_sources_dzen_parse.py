"""Dzen parsers: launcher JSON, channel pages of three eras, article pages, blocked pages."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest

from bot.sources import SourceError
from bot.sources.dzen import parse_article, parse_channel_page, parse_launcher, sso_retpath
from bot.sources.dzen.draftjs import parse_content_state, styled_fragments, utf16_slice

ROSES = "https://dzen.ru/a/ZqGyw9Tl9gcYKTpL"
WATERING = "https://dzen.ru/a/ZqDx4tPEtaaXiHlg"
UTC = timezone.utc

ROSES_TEXT = (
    "Осенью розам нужна защита от первых заморозков 🌹. Ниже — пять простых шагов.\n\n"
    "Шаг 1. Обрезка\n\n"
    "Подробная схема обрезки есть в справочнике садовода.\n\n"
    "Лучше укрыть на неделю позже, чем на неделю раньше.\n\n"
    "• лапник\n\n"
    "• агроволокно в два слоя\n\n"
    "Шаг 2. Окучивание\n\n"
    "Окучивайте кусты сухой землёй на высоту 20–25 см, а не торфом."
)


# ------------------------------------------------------------------ launcher API


def test_launcher_export(fx):
    items, next_link = parse_launcher(fx.bytes("dzen/launcher-export.json"))
    assert [i.url for i in items] == [ROSES, WATERING, "https://dzen.ru/video/watch/669e00112233445566778899",
                                      "https://dzen.ru/b/Zp1-j5ChssPU5fYH"]
    first = items[0]
    assert first.title == "Как укрыть розы к осени: пять простых шагов"
    assert first.snippet.startswith("Короткий анонс статьи")
    assert first.published == datetime(2024, 7, 25, 7, 0, tzinfo=UTC)
    assert first.external_id == "66a1b2c3d4e5f60718293a4b"
    assert first.author == "Садовод: пример канала"
    assert first.image.endswith("/scale_1200")
    assert [i.kind for i in items] == ["article", "article", "video", "post"]
    assert [i.is_video for i in items] == [False, False, True, False]
    assert next_link.endswith("next_page_id=PAGE2")


def test_launcher_more_variants(fx):
    items, next_link = parse_launcher(fx.text("dzen/launcher-more-page2.json"))
    assert [i.url for i in items] == ["https://dzen.ru/a/Xo8aKzxNXm9wgZID", "https://dzen.ru/a/XwCqEbsizDPdRO5V"]
    assert items[0].external_id == "5e8f1a2b3c4d5e6f70819203"  # from the old URL
    assert items[1].external_id == "5f00aa11bb22cc33dd44ee55"  # rawItem wrapper, native: prefix
    assert items[1].published == datetime(2021, 3, 1, 7, 0, tzinfo=UTC)  # epoch given as a string
    assert items[0].author == "Садовод: пример канала"  # header.title only
    items, _ = parse_launcher(fx.text("dzen/launcher-more-page3.json"))
    assert [i.title for i in items] == ["Мульчирование: за и против", "Пост без даты"]  # link-less ad dropped
    assert items[1].published is None  # "9 часов назад" is not guessed


def test_launcher_empty_and_errors(fx):
    assert parse_launcher(fx.text("dzen/launcher-more-empty.json")) == ([], None)
    with pytest.raises(SourceError, match="Dzen launcher answered 'not_found' \\(Такого канала не существует\\)"):
        parse_launcher(fx.text("dzen/launcher-not-found.json"))
    with pytest.raises(SourceError, match="not JSON"):
        parse_launcher("<html>captcha</html>")
    with pytest.raises(SourceError, match="no items list"):
        parse_launcher('{"header": {}}')


# ------------------------------------------------------------------ channel pages


def test_channel_page_ssrdata_with_tab_groups(fx):
    items, next_link = parse_channel_page(fx.text("dzen/channel-ssrdata.html"))
    assert [i.url for i in items] == [ROSES, WATERING]  # the "shorts" tab is skipped
    assert [i.is_video for i in items] == [False, False]
    assert items[0].snippet == "Анонс про розы."
    assert items[0].author == "Садовод: пример канала"
    assert next_link == "https://dzen.ru/api/v3/launcher/more?channel_name=sadovod_primer&next_page_id=SSR2"


def test_channel_page_server_state(fx):
    items, next_link = parse_channel_page(fx.text("dzen/channel-serverstate.html"))
    assert [i.url for i in items] == [ROSES, WATERING, "https://dzen.ru/video/watch/669e00112233445566778899"]
    assert items[0].published == datetime(2024, 7, 25, 7, 0, tzinfo=UTC)  # ISO
    assert items[1].published == datetime(2024, 7, 24, 13, 0, tzinfo=UTC)  # epoch ms
    assert items[0].image == "https://avatars.dzeninfra.ru/get-zen_doc/1/pub_x/scale_600"
    assert items[2].is_video
    assert next_link.endswith("next_page_id=SS2")


def test_channel_page_export_data(fx):
    items, next_link = parse_channel_page(fx.text("dzen/channel-exportdata.html"))
    assert [i.url for i in items] == ["https://dzen.ru/a/Xo8aKzxNXm9wgZID", "https://dzen.ru/a/XwCqEbsizDPdRO5V"]
    assert next_link.startswith("https://zen.yandex.ru/api/v3/launcher/more")


def test_channel_page_errors(fx):
    shorts = '<script>var _params=({"ssrData":{"exportResponse":{"channel":{}}}});</script>'
    with pytest.raises(SourceError, match="ssrData but no feedData"):
        parse_channel_page(shorts)
    with pytest.raises(SourceError, match="no recognisable feed state"):
        parse_channel_page(fx.text("dzen/article-unknown.html"))
    with pytest.raises(SourceError, match="^Dzen answered with a captcha page$"):
        parse_channel_page(fx.text("dzen/captcha.html"))
    with pytest.raises(SourceError, match="^Dzen answered with its SSO interstitial instead of the page$"):
        parse_channel_page(fx.text("dzen/sso-stub.html"))


# ------------------------------------------------------------------ article pages


def test_article_ssr_draftjs_state(fx):
    article = parse_article(fx.text("dzen/article-ssr-draftjs.html"), ROSES + "?from=channel&rid=1")
    assert article.url == ROSES
    assert article.title == "Как укрыть розы к осени: пять простых шагов"
    assert article.text == ROSES_TEXT
    assert article.published == datetime(2024, 7, 25, 7, 0, tzinfo=UTC)  # publishTime in ms
    assert article.external_id == "66a1b2c3d4e5f60718293a4b"
    assert article.source_kind == "dzen"
    assert article.summary_hint == "Пять простых шагов, чтобы розы пережили первые заморозки."
    assert article.meta["links"] == [("справочнике садовода", "https://example.org/spravochnik-sadovoda")]
    assert article.meta["full_text"] is True


def test_article_dom_fallback_matches_json(fx):
    html = re.sub(r"<script.*?</script>", "", fx.text("dzen/article-ssr-draftjs.html"), flags=re.S)
    article = parse_article(html, ROSES)
    assert article.text == ROSES_TEXT
    assert article.published == datetime(2024, 7, 25, tzinfo=UTC)  # date-only meta
    assert article.author == "Садовод: пример канала"


def test_article_blocks_wrapping_and_utf16_links(fx):
    article = parse_article(fx.text("dzen/article-ssr-blocks.html"), WATERING)
    assert article.title == "Полив в жару: утром или вечером?"
    assert article.text.split("\n\n") == [
        "Поливать лучше рано утром, пока не жарко.",
        "Три правила",
        "1. Не лейте на листья.",
        "2. Используйте тёплую воду.",
        "Смотрите 👀 таблицу полива в нашем справочнике.",
        "Материал носит ознакомительный характер.",
    ]
    # the emoji is two UTF-16 units: a code-point slice would be off by one
    assert article.meta["links"] == [("справочнике", "https://example.org/tablica")]
    assert article.image == "https://avatars.dzeninfra.ru/get-zen_doc/2/pub_66a0f1e2d3c4b5a697887960_aa/scale_1200"
    assert article.published == datetime(2024, 7, 24, 13, 0, tzinfo=UTC)


def test_draftjs_inline_style_offsets_are_utf16(fx):
    html = fx.text("dzen/article-ssr-draftjs.html")
    state = json.loads(re.search(r'"contentState":("(?:[^"\\]|\\.)*")', html).group(1))
    document = parse_content_state(state)
    first = json.loads(state)["draftJsState"]["blocks"][0]
    assert styled_fragments(first, "BOLD") == ["пять простых шагов"]
    assert document.headings == ["Шаг 1. Обрезка", "Шаг 2. Окучивание"]
    assert utf16_slice("a😀b", 1, 2) == "😀"
    assert parse_content_state("not json") is None
    assert parse_content_state({"draftJsState": {"blocks": []}}).text == ""


def test_article_old_w_data(fx):
    old_url = "https://zen.yandex.ru/media/sadovod_primer/kak-sobrat-semena-tomatov-5e8f1a2b3c4d5e6f70819203?from=feed"
    article = parse_article(fx.text("dzen/article-wdata.html"), old_url)
    assert article.url == "https://dzen.ru/a/Xo8aKzxNXm9wgZID"
    assert article.title == "Как собрать семена томатов"
    assert article.text == ("Семена собирают с самых крупных плодов первой кисти.\n\nФерментация\n\n"
                            "Мякоть с семенами оставляют в тепле на два-три дня.\n\nНе сушите семена на батарее.")
    assert article.published == datetime(2020, 5, 14, 6, 30, tzinfo=UTC)
    assert article.external_id == "5e8f1a2b3c4d5e6f70819203"
    assert article.meta["tags"] == ["огород", "томаты"]
    assert article.image == "https://avatars.dzeninfra.ru/get-zen_doc/3/pub_old/scale_1200"


def test_article_dom_only_old_classes(fx):
    article = parse_article(fx.text("dzen/article-dom-only.html"), "https://dzen.ru/a/XwCqEbsizDPdRO5V")
    assert article.title == "Обрезка смородины весной"
    assert article.text == ("Смородину обрезают до распускания почек, в конце марта.\n\nЧто удалять\n\n"
                            "Удаляйте ветки старше пяти лет — они тёмные и плодоносят слабо.\n\n"
                            "Срезы толще 1 см замазывают садовым варом.")
    assert article.published == datetime(2021, 3, 1, 7, 0, tzinfo=UTC)
    assert article.author == "Садовод: пример канала"
    assert article.external_id == "5f00aa11bb22cc33dd44ee55"


def test_video_page(fx):
    article = parse_article(fx.text("dzen/video-ssr.html"), "https://dzen.ru/video/watch/669e00112233445566778899")
    assert article.title == "Клубника за три минуты"
    assert article.text == "Пересаживаем усы клубники.\nБыстро и просто."
    assert article.meta["is_video"] is True
    assert article.published == datetime(2024, 7, 22, 7, 0, tzinfo=UTC)


def test_blocked_and_unknown_pages(fx):
    with pytest.raises(SourceError, match="^Dzen answered with its SSO interstitial instead of the page$"):
        parse_article(fx.text("dzen/sso-stub.html"), ROSES)
    assert sso_retpath(fx.text("dzen/sso-stub.html")) == ROSES
    assert sso_retpath(fx.text("dzen/article-ssr-draftjs.html")) is None
    with pytest.raises(SourceError, match="^Dzen answered with a captcha page$"):
        parse_article(fx.text("dzen/captcha.html"), ROSES)
    # captcha signalled by the final URL or by the header alone
    with pytest.raises(SourceError, match="captcha"):
        parse_article("<html></html>", "https://dzen.ru/showcaptcha?retpath=x")
    with pytest.raises(SourceError, match="captcha"):
        parse_article("<html></html>", ROSES, {"X-Yandex-Captcha": "captcha"})
    with pytest.raises(SourceError, match=r"^page has no recognisable article state \(_params/ssrData, w\._data, DOM\)$"):
        parse_article(fx.text("dzen/article-unknown.html"), ROSES)
