"""A graceful stop in the middle of a long /ingest: the admin hears where it stopped, and
running /ingest again continues from there.

It used to close the database under the running handler: some articles stored, the admin's
"Загружаю…" never resolved, and nothing told anyone to run it again.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.app.local import LocalBot
from bot.i18n import Translator
from bot.sandbox import Sandbox
from tests.conftest import ADMIN_ID, make_settings
from tests.sources.conftest import LoopbackServer, server  # noqa: F401 - the loopback site fixture

RU = Translator("ru")
ITEMS = 120
TOPICS = ("порт Актау", "визовый диалог", "редкие металлы", "Средний коридор", "цепочки поставок")


def long_feed(site: str, count: int) -> str:
    items = "".join(
        f"<item><title>Новость {n}: {TOPICS[n % 5]}</title><link>https://{site}/news/{n}</link>"
        f"<guid>https://{site}/news/{n}</guid><description>Сообщение номер {n}. Казахстан и ЕС обсуждают "
        f"{TOPICS[n % 5]}; встреча {n} прошла в Астане, стороны договорились продолжить работу.</description></item>"
        for n in range(count))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{site}</title>'
            f"<link>https://{site}/</link>{items}</channel></rss>")


async def _feed_articles(app: LocalBot) -> int:
    return await app.services.store.call(
        lambda db: db.execute("select count(*) from articles where kind = 'feed'").fetchone()[0])


@pytest.mark.timeout(180)
@pytest.mark.parametrize("command", ["ingest", "addsource"])
async def test_graceful_stop_reports_where_ingest_stopped_and_a_rerun_continues(
        sandbox: Sandbox, tmp_path: Path, server: LoopbackServer, command: str) -> None:  # noqa: F811
    server.add("/feed.xml", long_feed("news.example", ITEMS), content_type="application/rss+xml")
    line = f"/{command} {server.base}/feed.xml"
    settings = make_settings(tmp_path, dzen_base_url=server.base, telegram_web_url=server.base)

    app = await LocalBot(settings, sandbox=sandbox).start()
    progress = await sandbox.ask(line, user_id=ADMIN_ID)
    assert progress.text.startswith("Загружаю")
    while await _feed_articles(app) < 3:  # the ingestion is under way
        await asyncio.sleep(0.02)
    await app.stop()  # what SIGTERM does: stop polling, then the shutdown hooks

    stored = _query(settings.database_path, "select count(*) from articles where kind = 'feed'")
    assert 3 <= stored < ITEMS
    final = next(m for m in sandbox.messages(ADMIN_ID) if m.message_id == progress.message_id)
    assert final.text == RU("ingest_stopped", done=stored, total=ITEMS, command=line)
    # A half-loaded source is not left behind to be polled as news.
    assert _query(settings.database_path, "select count(*) from sources") == 0

    async with LocalBot(settings, sandbox=sandbox):
        mark = sandbox.mark()
        sandbox.send_text(line, user_id=ADMIN_ID)
        report = (await sandbox.wait_for(ADMIN_ID, 2, after=mark, timeout=120,
                                         methods=("sendMessage", "editMessageText")))[1]
    expected = RU("ingested_header", count=ITEMS) if command == "ingest" else f"из архива: {ITEMS}"
    assert expected in report.text
    # The first run's articles were skipped, not stored twice.
    assert _query(settings.database_path, "select count(*), count(distinct url) from articles where kind = 'feed'",
                  row=True) == (ITEMS, ITEMS)
    if command == "addsource":  # the whole archive is backfill: none of it floods the digests
        assert _query(settings.database_path, "select count(*) from articles where kind = 'feed' and backfill = 0") == 0


def _query(path: Path, sql: str, *, row: bool = False):
    with sqlite3.connect(path) as conn:
        found = conn.execute(sql).fetchone()
    return tuple(found) if row else found[0]
