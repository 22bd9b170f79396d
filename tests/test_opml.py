"""OPML on the sandbox: /sources offers an export, an admin's .opml file is previewed and imported
on confirmation, and an exported list re-imports to the same sources. Feeds are served on loopback."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from pathlib import Path

import listparser
import pytest

from bot.app.local import LocalBot
from bot.sandbox import Sandbox
from bot.sandbox.api_files import user_document
from tests.conftest import ADMIN_ID, READER_ID, make_settings
from tests.sources.conftest import LoopbackServer, server  # noqa: F401 - the loopback site fixture

RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>
<link>https://example.org/</link><description>d</description>
<item><title>Статья {title}</title><link>https://example.org/{slug}/1</link>
<description>Текст статьи о коридоре через Каспий.</description><pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate></item>
</channel></rss>"""
SENT = ("sendMessage", "editMessageText", "sendDocument")


@pytest.fixture
async def app(sandbox: Sandbox, tmp_path: Path, server: LoopbackServer) -> AsyncIterator[LocalBot]:  # noqa: F811
    for slug in ("alpha", "beta", "gamma"):
        server.add(f"/{slug}/rss.xml", RSS.format(title=slug.title(), slug=slug),
                   content_type="application/rss+xml")
    async with LocalBot(make_settings(tmp_path), sandbox=sandbox) as local:
        yield local


def opml(*outlines: str) -> bytes:
    body = "".join(outlines)
    return (f'<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head><title>Reader</title></head>'
            f'<body><outline text="News">{body}</outline></body></opml>').encode()


async def send_file(app: LocalBot, name: str, content: bytes, *, user_id: int = ADMIN_ID) -> str:
    mark = app.sandbox.mark()
    user_document(app.sandbox.core, user_id=user_id, name=name, content=content)
    return (await app.sandbox.wait_for(user_id, after=mark, methods=SENT))[0].text


async def press(app: LocalBot, label: str, *, last: int = -1) -> str:
    sb = app.sandbox
    message = sb.messages(ADMIN_ID)[last]
    mark = sb.mark()
    sb.press_button(ADMIN_ID, message.message_id, message.button(label), user_id=ADMIN_ID)
    events = await sb.wait_for(ADMIN_ID, 2, after=mark, methods=SENT, timeout=15)
    return events[-1].text


async def source_urls(app: LocalBot) -> list[str]:
    return sorted(r.url for r in await app.services.ingestion.sources())


async def test_opml_file_is_previewed_then_imported_on_confirm(app: LocalBot, server: LoopbackServer) -> None:  # noqa: F811
    base = server.base
    await app.services.ingestion.add_source(f"{base}/alpha/rss.xml", ADMIN_ID)
    listing = opml(
        f'<outline type="rss" text="Alpha" xmlUrl="{base}/alpha/rss.xml"/>',
        f'<outline type="rss" text="Beta" xmlUrl="{base}/beta/rss.xml"/>',
        f'<outline type="rss" text="Beta again" xmlUrl="{base}/beta/rss.xml?utm_source=reader"/>',
        '<outline type="rss" text="Old" xmlUrl="ftp://files.example/feed"/>',
        f'<outline type="rss" text="Gone" xmlUrl="{base}/missing/rss.xml"/>',
    )
    preview = await send_file(app, "feeds.opml", listing)
    assert "новых 2, уже есть 1, отклонено 2" in preview
    assert f"+ Beta — {base}/beta/rss.xml" in preview
    assert "ftp://files.example/feed — не ссылка http/https" in preview
    assert "повтор в файле" in preview
    assert await source_urls(app) == [f"{base}/alpha/rss.xml"]  # nothing changes before confirming

    done = await press(app, "Импортировать (2)")
    assert "добавлено 1, не удалось 1" in done
    assert f"{base}/missing/rss.xml" in done and "404" in done
    assert await source_urls(app) == [f"{base}/alpha/rss.xml", f"{base}/beta/rss.xml"]


async def test_exported_opml_reimports_to_the_same_sources(app: LocalBot, server: LoopbackServer) -> None:  # noqa: F811
    base = server.base
    for slug in ("alpha", "beta", "gamma"):
        await app.services.ingestion.add_source(f"{base}/{slug}/rss.xml", ADMIN_ID)
    sb = app.sandbox
    listing = await sb.ask("/sources", user_id=ADMIN_ID)
    mark = sb.mark()
    sb.press_button(ADMIN_ID, listing.message_id, listing.button("OPML"), user_id=ADMIN_ID)
    sent = (await sb.wait_for(ADMIN_ID, after=mark, methods=("sendDocument",)))[0]
    assert "Источники в формате OPML: 3" in sent.text
    document = sent.raw["document"]
    assert document["file_name"].endswith(".opml")
    content = sb.core.files.content(document["file_id"])

    root = ET.fromstring(content)  # valid OPML 2.0 with what feed readers read
    assert root.tag == "opml" and root.get("version") == "2.0" and root.find("head/title") is not None
    outlines = root.findall("body/outline")
    assert [o.get("xmlUrl") for o in outlines] == [f"{base}/{s}/rss.xml" for s in ("alpha", "beta", "gamma")]
    assert all(o.get("type") == "rss" and o.get("text") and o.get("title") and o.get("htmlUrl") for o in outlines)
    assert [f["url"] for f in listparser.parse(content).feeds] == [o.get("xmlUrl") for o in outlines]

    # every source removed, then the same file sent back: the same three sources again
    before = await source_urls(app)
    for row in await app.services.ingestion.sources():
        await app.services.ingestion.delete_source(row.id)
    preview = await send_file(app, document["file_name"], content)
    assert "новых 3, уже есть 0, отклонено 0" in preview
    done = await press(app, "Импортировать (3)")
    assert "добавлено 3, не удалось 0" in done
    assert await source_urls(app) == before


async def test_hostile_or_foreign_files_are_refused_and_readers_cannot_import(app: LocalBot) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<opml version="2.0"><body><outline text="&b;" xmlUrl="https://x.example/rss"/></body></opml>')
    assert "объявляет XML-сущности" in await send_file(app, "bomb.opml", bomb)
    assert "Это не OPML" in await send_file(app, "notes.opml", b"just some text, not xml")
    assert "нет ни одной ленты" in await send_file(app, "empty.opml", opml())
    refused = await send_file(app, "feeds.opml", opml('<outline xmlUrl="https://x.example/rss"/>'), user_id=READER_ID)
    assert "только для администраторов" in refused
    assert await source_urls(app) == []
