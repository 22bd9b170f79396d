"""Telegram-HTML parsing and text limits: the parser alone, then through aiogram."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from bot.sandbox import ApiError, Sandbox
from bot.sandbox.html import parse_html
from bot.sandbox.text import utf16_len

from .conftest import USER


def test_entities_have_utf16_offsets() -> None:
    text, entities = parse_html('😀 <b>bold</b> <a href="https://x.org/?a=1&amp;b=2">link</a>')
    assert text == "😀 bold link"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 4, "url": "https://x.org/?a=1&b=2"},
    ]


def test_all_supported_tags() -> None:
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        "<strike>k</strike><del>d</del>"
        '<span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler>'
        "<code>c</code><pre><code class=\"language-python\">x = 1</code></pre>"
        "<blockquote>q</blockquote><blockquote expandable>w</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    text, entities = parse_html(html)
    assert text == "bsieunskdpqcx = 1qw👍"
    types = [e["type"] for e in entities]
    assert types == [
        "bold", "bold", "italic", "italic", "underline", "underline", "strikethrough",
        "strikethrough", "strikethrough", "spoiler", "spoiler", "code", "pre", "blockquote",
        "expandable_blockquote", "custom_emoji",
    ]
    pre = entities[12]
    assert pre["language"] == "python" and pre["length"] == 5


def test_entities_decode_like_telegram() -> None:
    text, _ = parse_html("&lt;&gt;&amp;&quot;&#65;&#x42;&#128512; a &gt b")
    assert text == '<>&"AB😀 a > b'


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("Ñ <x>", 'Unsupported start tag "x" at byte offset 3'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("a<b", "Unclosed start tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("AT&T", "Character '&' at byte offset 2"),
        ("&nbsp;", "Character '&' at byte offset 0"),
    ],
)
def test_rejected_html(html: str, reason: str) -> None:
    with pytest.raises(ApiError) as info:
        parse_html(html)
    assert info.value.error_code == 400
    assert info.value.description.startswith("Bad Request: can't parse entities: ")
    assert reason in info.value.description


def test_lenient_ampersand_like_real_telegram() -> None:
    assert parse_html("AT&T", strict_ampersand=False) == ("AT&T", [])


def test_invalid_link_is_dropped_not_rejected() -> None:
    assert parse_html('<a href="javascript:alert(1)">x</a>') == ("x", [])


async def test_bad_html_raises_telegram_bad_request(sb: Sandbox, bot: Bot) -> None:
    for html in ("<b>unclosed", "2 < 3", "<p>para</p>", "Tom & Jerry"):
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(USER, html)
    assert sb.messages(USER) == []
    plain = await bot.send_message(USER, "2 < 3 & <b>", parse_mode=None)
    assert plain.text == "2 < 3 & <b>"


async def test_4096_utf16_limit(sb: Sandbox, bot: Bot) -> None:
    ok = "x" * 4096
    assert (await bot.send_message(USER, ok)).text == ok
    with_emoji = "x" * 4095 + "😀"  # 4096 characters, 4097 UTF-16 code units
    assert len(with_emoji) == 4096 and utf16_len(with_emoji) == 4097
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER, with_emoji)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(USER, "<b> </b>\n")


async def test_length_counts_decoded_entities_and_ignores_tags(sb: Sandbox, bot: Bot) -> None:
    escaped = "&lt;" * 4096  # 16384 bytes of HTML, 4096 characters after decoding
    message = await bot.send_message(USER, f"<b>{escaped}</b>")
    assert message.text == "<" * 4096
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER, escaped + "&amp;")


async def test_caption_limit(sb: Sandbox, bot: Bot) -> None:
    photo = "https://example.org/p.jpg"
    sent = await bot.send_photo(USER, photo, caption="<i>" + "c" * 1024 + "</i>")
    assert sent.photo and sent.caption == "c" * 1024
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(USER, photo, caption="c" * 1023 + "😀")
