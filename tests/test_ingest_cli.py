"""`zendigest ingest` and `zendigest summarize --json` as an operator runs them: a subprocess with
its own environment, fetching from a loopback server that this test's event loop serves."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.sources.conftest import LoopbackServer, server  # noqa: F401 - the loopback site fixture
from tests.test_ingestion import FIXTURES, fixture, serve_news_site

LINE = re.compile(r"^(\d+)\t(new|updated|unchanged)\t(.+)$")
SUMMARY_KEYS = {"source", "title", "tldr", "summary", "themes", "entities", "keywords"}
THEME_KEYS = {"slug", "title", "score", "sentences", "keywords"}


@dataclass
class Run:
    status: int
    out: list[str]
    err: list[str]


async def zendigest(tmp_path: Path, server: LoopbackServer, *args: str) -> Run:
    """`python -m bot ARGS` in tmp_path (so no developer `.env` is read) with only the
    variables a deployment would set; awaited, so the loopback server keeps answering."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "DATABASE_PATH": str(tmp_path / "cli.sqlite3"),
           "FETCH_ALLOW_PRIVATE": "true", "DZEN_BASE_URL": server.base, "TELEGRAM_WEB_URL": server.base}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *args, cwd=tmp_path, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode is not None
    return Run(proc.returncode, out.decode().splitlines(), err.decode().splitlines())


async def test_ingest_prints_one_line_per_article_and_reports_bad_inputs(tmp_path: Path,
                                                                         server: LoopbackServer) -> None:
    serve_news_site(server)
    note = str(FIXTURES / "note.txt")
    feed = f"{server.base}/feed.xml"
    first = await zendigest(tmp_path, server, "ingest", note, "missing.txt", feed, f"{server.base}/gone")
    assert first.status == 1
    parsed = [LINE.match(line) for line in first.out]
    assert all(parsed) and len(parsed) == 4, first.out
    assert [m.group(2) for m in parsed if m] == ["new"] * 4
    assert [m.group(3) for m in parsed if m][:2] == ["Каспийские паромы: новый график",
                                                   "ЕС и Казахстан обсудили устойчивость цепочек поставок"]
    # one line per bad input, naming it, no traceback; the inputs after it were still processed
    assert first.err == ["zendigest: missing.txt: no such file", f"zendigest: {server.base}/gone: source: HTTP 404"]

    again = await zendigest(tmp_path, server, "ingest", feed, note)
    assert again.status == 0 and again.err == []
    ids = {m.group(1) for m in parsed if m}
    assert [line.split("\t")[1] for line in again.out] == ["unchanged"] * 4
    assert {line.split("\t")[0] for line in again.out} == ids


async def test_summarize_url_json(tmp_path: Path, server: LoopbackServer) -> None:
    run = await zendigest(tmp_path, server, "summarize", serve_news_site(server), "--json")
    assert run.status == 0 and len(run.out) == 1, run
    data = json.loads(run.out[0])
    assert set(data) == SUMMARY_KEYS
    assert data["source"] == f"{server.base}/news/visas.html"
    assert data["title"] == "Визы для казахстанцев: что изменит новое соглашение"
    assert data["tldr"] and data["summary"] and all(isinstance(s, str) for s in data["summary"])
    assert data["themes"][0]["slug"] == "visa-facilitation" and set(data["themes"][0]) == THEME_KEYS
    assert all(set(e) == {"text", "type"} for e in data["entities"]) and data["keywords"]
    assert not (tmp_path / "cli.sqlite3").exists()  # summarize never stores


EUC_KR_FEED = ('<?xml version="1.0" encoding="euc-kr"?><rss version="2.0"><channel><title>서울 소식 (합성)</title>'
               '<link>https://seoul.example/</link><item><title>한강 다리 공사가 끝났다</title>'
               '<link>https://seoul.example/news/1</link><description>서울시는 새 다리를 열었다. 시민들은 기뻐했다.'
               '</description></item></channel></rss>').encode("euc-kr")  # synthetic: invented site and text
EMPTY_FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title><link>https://e.example/</link></channel></rss>'
BROKEN_FEED = b'<?xml version="1.0"?>\n<rss version="2.0">\n</rss'


async def test_ingest_feeds_in_any_charset_empty_feeds_and_broken_ones(tmp_path: Path, server: LoopbackServer) -> None:
    """A feed in a charset expat cannot read (EUC-KR) is read; a valid empty feed is nothing new (exit 0,
    nothing printed); a broken document is one line with a reason, never a library's exception text."""
    server.add("/kr.xml", EUC_KR_FEED, content_type="application/rss+xml")
    server.add("/empty.xml", EMPTY_FEED, content_type="application/rss+xml")
    server.add("/broken.xml", BROKEN_FEED, content_type="application/rss+xml")
    run = await zendigest(tmp_path, server, "ingest", f"{server.base}/empty.xml", f"{server.base}/kr.xml",
                          f"{server.base}/broken.xml")
    assert run.status == 1  # for the broken one only: the empty feed has no line, on stdout or stderr
    assert [LINE.match(line).group(3) for line in run.out] == ["한강 다리 공사가 끝났다"]  # type: ignore[union-attr]
    assert run.err == [f"zendigest: {server.base}/broken.xml: not a readable feed: malformed XML"]


async def test_summarize_a_copied_dzen_page_takes_its_title_not_the_site_header(tmp_path: Path,
                                                                                 server: LoopbackServer) -> None:
    """A reader's copy of a Dzen page (synthetic, modelled on one): header, teaser and footer are page chrome."""
    run = await zendigest(tmp_path, server, "summarize", str(FIXTURES / "dzen-page-copy.txt"), "--json")
    assert run.status == 0 and run.err == [], run
    data = json.loads(run.out[0])
    assert data["title"] == "Паромы через Каспий пойдут чаще"
    assert not any("Найти в Дзене" in s or "Подпишись" in s for s in data["summary"])
