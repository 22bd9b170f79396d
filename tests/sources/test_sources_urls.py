"""canonical_url, Dzen id equivalence, detect_source and content_hash."""

from __future__ import annotations

import pytest

from bot.sources import SourceRef, canonical_url, content_hash, detect_source, dzen_hex_to_short, dzen_short_to_hex
from bot.sources.urls import dzen_publication_id, poll_url, telegram_post

ROSES = "https://dzen.ru/a/ZqGyw9Tl9gcYKTpL"


@pytest.mark.parametrize("hex_id, short", [
    ("6a6340679e17237ef9dd0aff", "amNAZ54XI3753Qr_"),  # pair quoted in SOURCES-FORMATS.md 1.1
    ("66a1b2c3d4e5f60718293a4b", "ZqGyw9Tl9gcYKTpL"),
    ("669d7e8f90a1b2c3d4e5f607", "Zp1-j5ChssPU5fYH"),
])
def test_dzen_short_id_is_base64_of_hex(hex_id: str, short: str):
    assert dzen_hex_to_short(hex_id) == short
    assert dzen_short_to_hex(short) == hex_id


def test_dzen_short_id_rejects_garbage():
    assert dzen_short_to_hex("tooshort") is None
    assert dzen_short_to_hex("!!!!!!!!!!!!!!!!") is None


@pytest.mark.parametrize("url", [
    ROSES,
    "https://dzen.ru/a/ZqGyw9Tl9gcYKTpL?from=channel&rid=1111.222.3333",
    "https://m.dzen.ru/a/ZqGyw9Tl9gcYKTpL/",
    "http://www.dzen.ru/a/ZqGyw9Tl9gcYKTpL#comments",
    "https://zen.yandex.ru/media/sadovod_primer/kak-ukryt-rozy-k-oseni-66a1b2c3d4e5f60718293a4b",
    "https://zen.yandex.com/media/sadovod_primer/kak-ukryt-rozy-k-oseni-66a1b2c3d4e5f60718293a4b?utm_referrer=x",
    "https://dzen.ru/media/id/5f1e2d3c4b5a69788796a5b4/kak-ukryt-rozy-66a1b2c3d4e5f60718293a4b",
    "https://dzen.ru/media/sadovod_primer/66a1b2c3d4e5f60718293a4b",
])
def test_old_and_new_dzen_urls_share_one_key(url: str):
    assert canonical_url(url) == ROSES
    assert dzen_publication_id(url) == "66a1b2c3d4e5f60718293a4b"


@pytest.mark.parametrize("url, expected", [
    ("https://Example.COM:443/Path/?utm_source=x&b=2&a=1&fbclid=z#frag", "https://example.com/Path?a=1&b=2"),
    ("https://example.com/?gclid=1&yclid=2&clid=3&from=tg&utm_referrer=q", "https://example.com"),
    ("http://example.com:80/news/", "http://example.com/news"),
    ("https://example.com:8443/x", "https://example.com:8443/x"),
    ("https://example.com/путь/статья", "https://example.com/%D0%BF%D1%83%D1%82%D1%8C/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F"),
    ("https://example.com/?id=5&page=2", "https://example.com/?id=5&page=2"),
    ("https://t.me/s/Sadovod_Primer/101?single", "https://t.me/sadovod_primer/101"),
    ("https://telegram.me/sadovod_primer/101?embed=1&mode=tme", "https://t.me/sadovod_primer/101"),
    ("https://dzen.ru/video/watch/669e00112233445566778899?from=channel", "https://dzen.ru/video/watch/669e00112233445566778899"),
    ("mailto:someone@example.com", "mailto:someone@example.com"),
])
def test_canonical_url(url: str, expected: str):
    assert canonical_url(url) == expected


def test_canonical_url_relative_with_base():
    assert canonical_url("/a?utm_medium=x", "https://news.example.org/feed") == "https://news.example.org/a"


@pytest.mark.parametrize("url, ref", [
    ("https://dzen.ru/sadovod_primer", SourceRef("dzen_channel", "https://dzen.ru/sadovod_primer", "sadovod_primer")),
    ("zen.yandex.ru/sadovod_primer?from=x", SourceRef("dzen_channel", "https://dzen.ru/sadovod_primer", "sadovod_primer")),
    ("https://zen.yandex.ru/media/sadovod_primer", SourceRef("dzen_channel", "https://dzen.ru/sadovod_primer", "sadovod_primer")),
    ("https://dzen.ru/id/5F1E2D3C4B5A69788796A5B4",
     SourceRef("dzen_channel", "https://dzen.ru/id/5f1e2d3c4b5a69788796a5b4", "5f1e2d3c4b5a69788796a5b4")),
    ("https://dzen.ru/a/ZqGyw9Tl9gcYKTpL?from=channel", SourceRef("dzen_article", ROSES, "66a1b2c3d4e5f60718293a4b")),
    ("https://zen.yandex.ru/media/sadovod_primer/kak-ukryt-rozy-66a1b2c3d4e5f60718293a4b",
     SourceRef("dzen_article", ROSES, "66a1b2c3d4e5f60718293a4b")),
    ("https://dzen.ru/news/story/abc", SourceRef("page", "https://dzen.ru/news/story/abc", "dzen.ru")),
    ("https://t.me/Sadovod_Primer", SourceRef("telegram_channel", "https://t.me/s/sadovod_primer", "sadovod_primer")),
    ("t.me/s/sadovod_primer?before=10", SourceRef("telegram_channel", "https://t.me/s/sadovod_primer", "sadovod_primer")),
    ("https://sadovod_primer.t.me/", SourceRef("telegram_channel", "https://t.me/s/sadovod_primer", "sadovod_primer")),
    ("https://telegram.me/s/sadovod_primer", SourceRef("telegram_channel", "https://t.me/s/sadovod_primer", "sadovod_primer")),
    ("https://t.me/sadovod_primer/101", SourceRef("page", "https://t.me/sadovod_primer/101", "t.me")),
    ("https://t.me/joinchat/AAAA", SourceRef("page", "https://t.me/joinchat/AAAA", "t.me")),
    ("https://example.com/feed/", SourceRef("feed", "https://example.com/feed/", "example.com")),
    ("https://example.com/rss.xml#x", SourceRef("feed", "https://example.com/rss.xml", "example.com")),
    ("https://example.com/index.php?format=rss", SourceRef("feed", "https://example.com/index.php?format=rss", "example.com")),
    ("https://example.com/news/1.html", SourceRef("page", "https://example.com/news/1.html", "example.com")),
])
def test_detect_source(url: str, ref: SourceRef):
    assert detect_source(url) == ref


def test_telegram_post_and_poll_url():
    assert telegram_post("https://t.me/s/Sadovod_Primer/105?single") == ("sadovod_primer", 105)
    assert telegram_post("https://t.me/sadovod_primer") is None
    assert poll_url(" example.com/feed/#top ") == "https://example.com/feed/"


def test_content_hash_ignores_case_whitespace_and_yo():
    a = content_hash("Ёлки   зелёные.\n\nВторой абзац!")
    assert a == content_hash("елки зеленые. второй   абзац!")
    assert a == content_hash("ЁЛКИ ЗЕЛЁНЫЕ\nВТОРОЙ АБЗАЦ")
    assert a != content_hash("ёлки синие. второй абзац")
