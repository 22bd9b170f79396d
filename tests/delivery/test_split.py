"""split_html: Telegram's 4096 UTF-16 limit, boundaries, and tags never cut open.

Every part is checked with the sandbox's port of Telegram's own HTML parser, so "valid" here
means what Telegram would accept, not what a lenient HTML library would.
"""

from __future__ import annotations

import html

from bot.delivery.split import plain_text, split_html
from bot.sandbox.html import parse_html
from bot.sandbox.text import utf16_len

SENTENCE = "Казахстан и ЕС обсудили <b>Срединный коридор</b> &amp; сырьё 😀. "


def parsed(part: str) -> str:
    text, _ = parse_html(part)
    return text


def long_article(chars: int = 20_000) -> str:
    paragraphs, size, n = [], 0, 0
    while size < chars:
        n += 1
        body = SENTENCE * (3 + n % 9)
        paragraph = f'<i>Абзац {n}.</i> {body}<a href="https://dzen.ru/a/{n}?x=1&amp;y=2">ссылка {n}</a>.'
        paragraphs.append(paragraph)
        size += len(plain_text(paragraph)) + 2
    return "\n\n".join(paragraphs)


def test_short_text_is_one_unchanged_part() -> None:
    assert split_html("<b>коротко</b> &lt;3") == ["<b>коротко</b> &lt;3"]
    assert split_html("  \n ") == []


def test_twenty_thousand_characters_split_at_paragraphs_and_parse() -> None:
    source = long_article()
    assert len(plain_text(source)) >= 20_000
    parts = split_html(source)
    assert 5 <= len(parts) <= 7
    for part in parts:
        text = parsed(part)
        assert utf16_len(text) <= 4096
        assert text.startswith("Абзац"), "each part starts at a paragraph"
    joined = "".join(parsed(p) for p in parts)
    assert joined.split() == plain_text(source).split()  # nothing lost or duplicated


def test_emoji_count_twice() -> None:
    text = "😀" * 3000  # 3000 characters, 6000 UTF-16 units, no boundary at all
    parts = split_html(text)
    assert len(parts) == 2 and all(utf16_len(p) <= 4096 for p in parts)
    assert "".join(parts) == text


def test_sentence_then_word_boundaries() -> None:
    sentences = "".join(f"Предложение номер {i} заканчивается здесь. " for i in range(400))
    parts = split_html(sentences, 1000)
    assert all(p.rstrip().endswith("здесь.") for p in parts[:-1])
    words = " ".join(f"слово{i}" for i in range(1500))
    parts = split_html(words, 1000)
    assert all(not p.endswith(("слово", "слов")) for p in parts)
    assert " ".join(" ".join(parts).split()) == words


def test_open_tags_are_closed_and_reopened_with_attributes() -> None:
    source = '<blockquote><a href="https://example.com/?a=1&amp;b=2"><b>' + "жирная ссылка " * 600 + "</b></a></blockquote>"
    parts = split_html(source)
    assert len(parts) == 3
    for part in parts:
        text, entities = parse_html(part)
        kinds = {e["type"] for e in entities}
        assert {"blockquote", "text_link", "bold"} <= kinds
        bold = next(e for e in entities if e["type"] == "bold")
        assert bold["offset"] == 0 and bold["length"] >= utf16_len(text.rstrip())
        assert part.startswith('<blockquote><a href="https://example.com/?a=1&amp;b=2"><b>')
        assert part.endswith("</b></a></blockquote>")


def test_text_full_of_escaped_brackets_and_ampersands() -> None:
    raw = "<tag> & a<b && c>d &amp; " * 800  # external text: escaped before it becomes HTML
    source = html.escape(raw, quote=False)
    parts = split_html(source)
    assert len(parts) >= 2
    for part in parts:
        assert utf16_len(parsed(part)) <= 4096
        assert "&" not in part.replace("&lt;", "").replace("&gt;", "").replace("&amp;", ""), "entity cut"
    assert " ".join(parsed(p) for p in parts).split() == raw.split()


def test_plain_text_fallback_keeps_what_the_reader_would_see() -> None:
    assert plain_text("a &lt; b &amp;&amp; <b>c</b> & d <unknown>e") == "a < b && c & d e"
    assert plain_text("5 < 6 and x<y") == "5 < 6 and x<y"
