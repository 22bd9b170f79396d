"""Shared text helpers: HTML to text, titles, dates."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.sources.text import from_epoch, html_to_text, make_title, normalize_text, parse_datetime

UTC = timezone.utc


def test_html_to_text_structure():
    html = ("<div><h2>Заголовок</h2><p>Первый&nbsp;абзац <b>жирный</b>,<br>вторая строка.</p>"
            "<script>var x = '<p>no</p>';</script><style>p{}</style>"
            "<ul><li>один</li><li>два</li></ul><ol><li>раз</li><li>два</li></ol>"
            "<blockquote>Цитата</blockquote><pre>a  b\nc</pre>хвост</div>")
    assert html_to_text(html).split("\n\n") == [
        "Заголовок", "Первый абзац жирный,\nвторая строка.", "• один", "• два", "1. раз", "2. два",
        "Цитата", "a b\nc", "хвост"]


def test_html_to_text_plain_and_hostile_nesting():
    assert html_to_text("A &amp; B") == "A & B"
    deep = "<div>" * 3000 + "глубоко" + "</div>" * 3000
    assert html_to_text(deep) == "глубоко"


def test_normalize_text():
    assert normalize_text("  a \u00a0 b\u200b \r\n\r\n\r\n\n c  ") == "a b\n\nc"


def test_make_title():
    assert make_title("\n\nКоротко.\nДальше") == "Коротко."
    sentence = "Первое предложение достаточно длинное, чтобы стать заголовком. " + "Второе " * 30
    assert make_title(sentence) == "Первое предложение достаточно длинное, чтобы стать заголовком."
    words = "слово " * 40
    title = make_title(words)
    assert len(title) <= 100 and title.endswith("слово…")


def test_dates():
    assert from_epoch(1721890800) == datetime(2024, 7, 25, 7, 0, tzinfo=UTC)
    assert from_epoch(1721890800000) == datetime(2024, 7, 25, 7, 0, tzinfo=UTC)
    assert from_epoch("1721890800") == datetime(2024, 7, 25, 7, 0, tzinfo=UTC)
    assert from_epoch(True) is None and from_epoch("9 часов назад") is None and from_epoch(-5) is None
    assert parse_datetime("2024-07-25T10:00:00+03:00") == datetime(2024, 7, 25, 7, 0, tzinfo=UTC)
    assert parse_datetime("2024-07-25T07:00:00Z") == datetime(2024, 7, 25, 7, 0, tzinfo=UTC)
    assert parse_datetime("2024-07-25T10:00:00+0300") == datetime(2024, 7, 25, 7, 0, tzinfo=UTC)
    assert parse_datetime("2024-07-25") == datetime(2024, 7, 25, tzinfo=UTC)
    assert parse_datetime("2024-07-25 07:00:00") == datetime(2024, 7, 25, 7, 0, tzinfo=UTC)  # naive = UTC
    assert parse_datetime("Thu, 25 Jul 2024 10:00:00 +0300") == datetime(2024, 7, 25, 7, 0, tzinfo=UTC)
    assert parse_datetime("вчера") is None and parse_datetime(None) is None and parse_datetime("") is None
