"""Ingestion on real captures nobody on this project wrote: per kind, right / total, every miss.

Serves ``../shared/real/`` (see its README) from a loopback HTTP server and runs, per capture, the
real command line (``zendigest ingest URL``, in this process so the text engine loads once) and the
real ingestion function behind it (``bot.services.ingestion.fetch_articles``), then checks both against the
capture's ``expected.json``:

* ``tme/``: ``t.me/s/NAME`` at ``TELEGRAM_WEB_URL``; every older page (``?before=``) answers 404, as
  real previews may; single-message fragments are served inside a minimal ``/s/`` page.
* ``feeds/``: at ``/feeds/FILE`` with the HTTP headers given in ``expected.json``.
* ``pages/``: at ``/pages/FILE`` as UTF-8-less ``text/html`` (the page declares its own charset).
* ``dzen/``: at ``DZEN_BASE_URL`` behind a model of the SSO interstitial: a request without the
  session cookie gets the captured stub (its ``retpath`` pointed at the URL asked for) and the cookie;
  with the cookie, the page.  The launcher API answers 404 (no capture of it exists), so channels come
  from their pages.  Cases: the article, both channels, a 404, a login wall, and an interstitial that
  never lets go.

Nothing else is reachable: every host name other than the loopback fails to resolve.

    python bench/real_sources.py [--kind tme|feeds|dzen|pages] [--real ../shared/real] [-v]

Exits 0 when everything is right, 1 otherwise, 2 when ``../shared/real`` is absent.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import io
import json
import os
import re
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "real"
RUN_LIMIT_S = 30.0
SESSION_COOKIE = "bench_sso_session"
STUCK_SLUG = "stuck-behind-sso"
LOGIN_SLUG = "login-wall-channel"


# ----------------------------------------------------------------------------------- server

class RealSite:
    """The loopback server: feeds, pages, t.me previews and Dzen pages out of ``../shared/real``."""

    def __init__(self) -> None:
        self.port = 0
        self.loop = asyncio.new_event_loop()
        self.dzen = {e["file"]: e for e in json.loads((REAL / "dzen" / "expected.json").read_text())}
        self.feeds = json.loads((REAL / "feeds" / "expected.json").read_text())
        self.tme = json.loads((REAL / "tme" / "expected.json").read_text())
        self.channels = {v["channel"]: k for k, v in self.tme.items()}
        self.dzen_pages: dict[str, str] = {}  # path -> capture file
        for entry in self.dzen.values():
            if entry["kind"] in ("article", "channel"):
                self.dzen_pages[re.sub(r"^https://dzen\.ru", "", entry["url"])] = entry["file"]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(ready,), daemon=True).start()
        ready.wait(10)

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.dispatch)
        runner = web.AppRunner(app)
        self.loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        ready.set()
        self.loop.run_forever()

    @staticmethod
    def read(kind: str, name: str) -> bytes:
        data = (REAL / kind / name).read_bytes()
        return gzip.decompress(data) if name.endswith(".gz") else data

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/feeds/"):
            name = path.removeprefix("/feeds/")
            if name not in self.feeds:
                return web.Response(status=404)
            return web.Response(body=self.read("feeds", name), headers=self.feeds[name]["headers"])
        if path.startswith("/pages/"):
            name = path.removeprefix("/pages/")
            if not (REAL / "pages" / name).is_file():
                return web.Response(status=404)
            return web.Response(body=self.read("pages", name), headers={"Content-Type": "text/html"})
        if path.startswith("/tme/"):
            return self.telegram(request, path.removeprefix("/tme"))
        if path.startswith("/dzen/"):
            return self.dzen_page(request, path.removeprefix("/dzen"))
        return web.Response(status=404, text="not found")

    def telegram(self, request: web.Request, path: str) -> web.Response:
        name = path.removeprefix("/s/").strip("/")
        if not path.startswith("/s/") or name not in self.channels or "before" in request.query:
            return web.Response(status=404, text="not found")
        file = self.channels[name]
        body = self.read("tme", file).decode("utf-8")
        if self.tme[file]["fragment"]:
            body = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Telegram</title></head><body>'
                    f'<main class="tgme_main" data-url="/{name}"><section class="tgme_channel_history '
                    'js-message_history"><div class="tgme_widget_message_wrap js-widget_message_wrap">'
                    f'{body}</div></section></main></body></html>')
        return web.Response(text=body, content_type="text/html")

    def _stub(self, request: web.Request, file: str) -> web.Response:
        """The captured interstitial, sending the reader back to the URL it asked for."""
        html = self.read("dzen", file).decode("utf-8")
        retpath = f"https://dzen.ru{request.path.removeprefix('/dzen')}?is_autologin_ya=true"
        escaped = json.dumps(retpath)[1:-1].replace("/", "\\u002F")
        html = re.sub(r'("retpath"\s*:\s*")[^"]*(")', lambda m: m.group(1) + escaped + m.group(2), html, count=1)
        response = web.Response(text=html, content_type="text/html")
        response.set_cookie(SESSION_COOKIE, "granted", path="/")
        return response

    def dzen_page(self, request: web.Request, path: str) -> web.Response:
        if path.startswith("/api/"):
            return web.Response(status=404, text='{"error":"not found"}', content_type="application/json")
        stub = "blocker-sso-stub-article-2025-fbx-studio-tns_pars.html" if path.startswith("/a/") \
            else "blocker-sso-stub-channel-2026-treshkash323-dzen-rag.html"
        if path == f"/{STUCK_SLUG}" or SESSION_COOKIE not in request.cookies:
            return self._stub(request, stub)
        if path == f"/{LOGIN_SLUG}":
            body = self.read("dzen", "blocker-passport-login-viewsource-2026-mchomak-dzen_comenter.html")
            return web.Response(body=body, content_type="text/html")
        if path in self.dzen_pages:
            return web.Response(body=self.read("dzen", self.dzen_pages[path]), content_type="text/html")
        body = self.read("dzen", "blocker-404-2026-crosspostly-dzen.html")
        return web.Response(status=404, body=body, content_type="text/html")


# ----------------------------------------------------------------------------------- running

def offline_resolver() -> None:
    """Every name but the loopback fails to resolve: the bench never reaches the internet."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host in ("127.0.0.1", "localhost", "::1"):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "no internet in this bench")

    socket.getaddrinfo = resolve  # type: ignore[assignment]


@dataclass
class Run:
    status: int
    out: list[str]
    err: list[str]
    seconds: float
    crashed: str = ""


def run_cli(site: RealSite, workdir: Path, *args: str) -> Run:
    """``zendigest ARGS`` in this process, with a fresh database and a deployment's environment."""
    from bot.app.cli import main

    env = {"DATABASE_PATH": str(workdir / f"db-{time.monotonic_ns()}.sqlite3"), "FETCH_ALLOW_PRIVATE": "true",
           "DZEN_BASE_URL": f"{site.base}/dzen", "TELEGRAM_WEB_URL": f"{site.base}/tme"}
    os.environ.update(env)
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    crashed = ""
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except BaseException as exc:  # noqa: BLE001 - a crash is a finding, not the end of the bench
            import traceback

            status, crashed = 99, "".join(traceback.format_exception(exc))[-400:]
    return Run(status, out.getvalue().splitlines(), err.getvalue().splitlines(), time.monotonic() - started, crashed)


def fetch(site: RealSite, url: str) -> tuple[list, str]:
    """``fetch_articles`` as the bot calls it: (articles, error line)."""
    from bot.services.ingestion import fetch_articles
    from bot.net import HttpFetcher
    from bot.sources import SourceError

    async def go() -> tuple[list, str]:
        async with HttpFetcher(allow_private=True, dzen_base_url=f"{site.base}/dzen",
                               telegram_web_url=f"{site.base}/tme") as fetcher:
            try:
                return await fetch_articles(url, fetcher), ""
            except SourceError as exc:
                return [], str(exc)

    return asyncio.run(go())


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@dataclass
class Tally:
    kind: str
    right: int = 0
    misses: list[str] = field(default_factory=list)
    slowest: float = 0.0

    verbose: bool = False

    def check(self, name: str, run: Run, problems: list[str]) -> None:
        self.slowest = max(self.slowest, run.seconds)
        if self.verbose:
            print(f"{run.seconds:6.1f} s  {self.kind}  {name}: {'MISS' if problems else 'ok'}", flush=True)
        if run.crashed or any("Traceback" in line for line in run.err):
            problems.append("traceback: " + (run.crashed or " | ".join(run.err)[-300:]))
        if run.seconds > RUN_LIMIT_S:
            problems.append(f"took {run.seconds:.1f} s")
        if problems:
            self.misses.append(f"{name}: " + "; ".join(problems))
        else:
            self.right += 1


def refusal_problems(run: Run, words: tuple[str, ...]) -> list[str]:
    """A refused input: exit 1, one stderr line naming it, with one of ``words`` in the reason."""
    problems = []
    if run.status != 1 or run.out:
        problems.append(f"exit {run.status}, {len(run.out)} lines (wanted a refusal)")
    if len(run.err) != 1:
        problems.append(f"{len(run.err)} stderr lines: {run.err[:3]}")
    elif words and not any(w in run.err[0].lower() for w in words):
        problems.append(f"reason {run.err[0]!r}")
    return problems


def check_tme(site: RealSite, workdir: Path, tally: Tally) -> None:
    for file, exp in site.tme.items():
        url = f"https://t.me/s/{exp['channel']}"
        run = run_cli(site, workdir, "ingest", url)
        articles, error = fetch(site, url)
        got = {int(a.meta["post_id"]): a for a in articles}
        problems = [] if run.status == 0 else [f"exit {run.status}: {' | '.join(run.err)}"]
        for post in (p for p in exp["posts"] if p["has_text"]):
            found = got.get(post["id"])
            if found is None:
                problems.append(f"post {post['id']} missing" + (f" ({error})" if error else ""))
                continue
            if found.published is None or found.published.isoformat() != post["datetime"]:
                problems.append(f"post {post['id']} date {found.published}")
            if found.edited != post["edited"]:
                problems.append(f"post {post['id']} edited={found.edited}")
            if not squash(found.text).startswith(squash(post["text_start"])):
                problems.append(f"post {post['id']} text {found.text[:40]!r}")
        with_text = sum(1 for p in exp["posts"] if p["has_text"])
        if run.status == 0 and len(run.out) != with_text:
            problems.append(f"{len(run.out)} lines for {with_text} posts with text")
        tally.check(file, run, problems)


def check_feeds(site: RealSite, workdir: Path, tally: Tally) -> None:
    for file, exp in site.feeds.items():
        url = f"{site.base}/feeds/{file}"
        run = run_cli(site, workdir, "ingest", url)
        must = exp["must"]
        if run.status != 0 and must in ("refuse", "entries_or_refuse"):
            tally.check(file, run, refusal_problems(run, ()))
            continue
        problems = []
        if must == "refuse":
            problems.append(f"read ({len(run.out)} lines), should be refused")
        elif run.status != 0:
            problems.append(f"exit {run.status}: {' | '.join(run.err)}")
        elif not exp["min_lines"] <= len(run.out) <= exp["max_lines"]:
            problems.append(f"{len(run.out)} lines, wanted {exp['min_lines']}-{exp['max_lines']}")
        if run.status == 0 and must != "refuse" and run.out:
            articles, _error = fetch(site, url)
            titles = {exp.get("first_title"), exp.get("first_title_with_chardet")} - {None, ""}
            if titles and articles and squash(articles[0].title) not in {squash(t) for t in titles}:
                problems.append(f"first title {articles[0].title!r}")
            link = exp.get("first_link", "").replace("127.0.0.1:PORT", f"127.0.0.1:{site.port}")
            if link and not any(_same_link(a.url, link) for a in articles):
                problems.append(f"no item links to {link}")
        tally.check(file, run, problems)


def _same_link(ours: str, theirs: str) -> bool:
    from bot.sources import canonical_url

    return canonical_url(ours) == canonical_url(theirs)


def check_pages(site: RealSite, workdir: Path, tally: Tally) -> None:
    expected = json.loads((REAL / "pages" / "expected.json").read_text())
    for file, exp in expected.items():
        url = f"{site.base}/pages/{file}"
        run = run_cli(site, workdir, "ingest", url)
        problems = [] if run.status == 0 and len(run.out) == 1 else [f"exit {run.status}, {len(run.out)} lines: "
                                                                     f"{' | '.join(run.err)}"]
        articles, error = fetch(site, url)
        if not articles:
            problems.append(f"nothing read ({error})")
        else:
            text, title = squash(articles[0].text), squash(articles[0].title)
            if not same_headline(title, squash(exp["title"])):
                problems.append(f"title {title!r}")
            for needle in [exp["must_contain"], *exp["other_must_contain"]]:
                if squash(needle) not in text:
                    problems.append(f"text lacks {needle[:40]!r}")
            for needle in [exp["must_not_contain"], *exp["other_must_not_contain"]]:
                if squash(needle) in text:
                    problems.append(f"text has {needle[:40]!r}")
        tally.check(file, run, problems)


def same_headline(ours: str, want: str) -> bool:
    """The same headline, with or without its kicker or site name: one contains the other, and the
    shorter is at least half the longer (expected titles carry a kicker on some pages, not on others)."""
    a, b = sorted((ours.casefold(), want.casefold()), key=len)
    return bool(a) and a in b and len(a) >= 0.5 * len(b)


def check_dzen(site: RealSite, workdir: Path, tally: Tally) -> None:
    article = next(e for e in site.dzen.values() if e["kind"] == "article")
    run = run_cli(site, workdir, "ingest", article["url"])
    articles, error = fetch(site, article["url"])
    problems = [] if run.status == 0 and len(run.out) == 1 else [f"exit {run.status}: {' | '.join(run.err)}"]
    if not articles:
        problems.append(f"nothing read ({error})")
    else:
        text = articles[0].text.replace("\n\n", "\n")
        if squash(articles[0].title) != squash(article["title"]):
            problems.append(f"title {articles[0].title!r}")
        if not text.startswith(article["body_start"]) or not text.endswith(article["body_end"]):
            problems.append(f"body {text[:30]!r}…{text[-30:]!r}")
    tally.check("article " + article["file"], run, problems)

    for channel in (e for e in site.dzen.values() if e["kind"] == "channel"):
        run = run_cli(site, workdir, "ingest", channel["url"])
        articles, error = fetch(site, channel["url"])
        problems = [] if run.status == 0 else [f"exit {run.status}: {' | '.join(run.err)}"]
        if len(run.out) != channel["items"]:
            problems.append(f"{len(run.out)} lines for {channel['items']} articles")
        urls = {a.url for a in articles}
        for title, link in zip(channel["item_titles"], channel["item_urls"]):
            if link not in urls:
                problems.append(f"missing {link}")
            elif not squash(next(a.title for a in articles if a.url == link)).startswith(squash(title)[:40]):
                problems.append(f"title of {link}")
        if any("/shorts/" in u or "/video/" in u for u in urls):
            problems.append("short videos listed")
        tally.check("channel " + channel["file"], run, problems)

    blockers: list[tuple[str, str, tuple[str, ...]]] = [
        ("404", "https://dzen.ru/a/AAAAAAAAAAAAAAAA", ("not found", "404")),
        ("login wall", f"https://dzen.ru/{LOGIN_SLUG}", ("login", "sign-in", "вход")),
        ("interstitial that never lets go", f"https://dzen.ru/{STUCK_SLUG}", ("interstitial", "sso")),
    ]
    for name, url, words in blockers:
        run = run_cli(site, workdir, "ingest", url)
        problems = refusal_problems(run, words)
        if run.err and ("extractable" in run.err[0] or "no articles" in run.err[0]):
            problems.append("read as an empty page")
        tally.check(name, run, problems)


CHECKS: dict[str, Callable[[RealSite, Path, Tally], None]] = {
    "tme": check_tme, "feeds": check_feeds, "dzen": check_dzen, "pages": check_pages}


def main() -> int:
    global REAL
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", choices=sorted(CHECKS), action="append")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per run, as it ends")
    parser.add_argument("--real", type=Path, default=REAL, help="the captures (default: ../shared/real)")
    args = parser.parse_args()
    REAL = args.real.resolve()
    if not REAL.is_dir():
        print(f"real_sources: {REAL} is absent: this bench needs the captures in ../shared/real "
              "(see its README); nothing was run.", file=sys.stderr)
        return 2
    offline_resolver()
    site = RealSite()
    site.start()
    tallies = []
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # no developer .env is read
        for kind in args.kind or list(CHECKS):
            tally = Tally(kind, verbose=args.verbose)
            CHECKS[kind](site, Path(tmp), tally)
            tallies.append(tally)
    print(f"{'kind':<6} {'right':>5} {'total':>5} {'slowest run':>12}")
    for tally in tallies:
        total = tally.right + len(tally.misses)
        print(f"{tally.kind:<6} {tally.right:>5} {total:>5} {tally.slowest:>10.1f} s")
    for tally in tallies:
        for miss in tally.misses:
            print(f"MISS {tally.kind}: {miss}")
    return 0 if all(not t.misses for t in tallies) else 1


if __name__ == "__main__":
    sys.exit(main())
