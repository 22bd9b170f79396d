"""`zendigest` / `python -m bot`: run, demo, summarize, ingest, digest (PRODUCT.md command line)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from pydantic import ValidationError

from bot.app.logs import setup_logging
from bot.config import Settings


INPUT_HELP = (
    "INPUT is a .txt file (a title line, a blank line, then the text; without a title line the title is "
    "taken from the text, and a copied Dzen page is cleaned of the site's header and footer), an .html "
    "page, - for standard input (text or HTML), or an http(s) URL: an article page, an RSS/Atom feed, a "
    "Dzen channel (dzen.ru/NAME) or a Telegram channel (t.me/NAME)."
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("zendigest")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zendigest", description="Zen Digest: Telegram digests of a Dzen/Telegram channel")
    p.add_argument("--version", action="version", version=f"zendigest {_version()}")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run the bot (no BOT_TOKEN: local sandbox + terminal chat)",
                       description="Run the bot on Telegram (BOT_TOKEN set: long polling, or a webhook with "
                                   "WEBHOOK_URL). Without BOT_TOKEN, in a terminal: the local Bot API sandbox "
                                   "and a chat in this terminal. Without BOT_TOKEN and without a terminal "
                                   "(a container, a service) it stops with a configuration error.")
    r.add_argument("--sandbox", action="store_true",
                   help="the local sandbox chat even without a terminal (reads lines from standard input)")
    r.add_argument("--lang", choices=("ru", "en"), default="ru",
                   help="the sandbox chat's user speaks this language (en: try the bot as an English reader)")
    sub.add_parser("demo", help="scripted tour on the sandbox; prints the transcript")
    s = sub.add_parser("summarize", help="summarize .txt/.html files or URLs", epilog=INPUT_HELP,
                       description="Print the summary, tl;dr and themes of each INPUT.")
    s.add_argument("inputs", nargs="+", metavar="INPUT", help="file, URL or - (see below)")
    s.add_argument("--json", action="store_true", help="one JSON object per input per line")
    s.add_argument("--sentences", type=int, metavar="N", help="summary length in sentences")
    i = sub.add_parser("ingest", help="store articles from files, URLs, feeds or channels", epilog=INPUT_HELP,
                       description="Store each INPUT's articles in the database; prints "
                                   "ID<TAB>new|updated|unchanged<TAB>TITLE per article.")
    i.add_argument("inputs", nargs="+", metavar="INPUT", help="file, URL or - (see below)")
    d = sub.add_parser("digest", help="build (and send) a digest")
    d.add_argument("--followup", action="store_true", help="the follow-up digest of the anchor analysis")
    d.add_argument("--chat", type=int, metavar="ID", help="only this chat")
    d.add_argument("--dry-run", action="store_true", help="print, do not send")
    b = sub.add_parser("backup", help="consistent copy of the database (safe while the bot runs)")
    b.add_argument("destination", metavar="FILE")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]).upper()
            print(f"zendigest: configuration error in {where}: {err['msg']}", file=sys.stderr)
        return 2
    setup_logging(verbose=args.verbose, fmt=settings.log_format)
    chatty = args.command == "run" and not settings.sandbox_mode
    if not chatty and not args.verbose:
        # Batch commands print results and the sandbox chat shares the terminal: warnings only.
        logging.getLogger().setLevel(logging.WARNING)
    if args.command == "summarize":
        from bot.app.batch import summarize

        if args.sentences is not None and not 1 <= args.sentences <= 20:
            print("zendigest: --sentences must be between 1 and 20", file=sys.stderr)
            return 2
        return asyncio.run(summarize(settings, args.inputs, as_json=args.json, sentences=args.sentences))
    if args.command == "ingest":
        from bot.app.batch import ingest

        return asyncio.run(ingest(settings, args.inputs))
    if args.command == "digest":
        from bot.app.batch import digest

        return asyncio.run(digest(settings, followup=args.followup, chat_id=args.chat, dry_run=args.dry_run))
    if args.command == "backup":
        from bot.app.batch import backup

        return asyncio.run(backup(settings, args.destination))
    if args.command == "demo":
        from bot.app.demo import demo

        return asyncio.run(demo(settings))
    from bot.app.runner import StartError, run

    if settings.sandbox_mode and not (args.sandbox or sys.stdin.isatty()):
        print("zendigest: configuration error: BOT_TOKEN is not set. Put BOT_TOKEN=... in the environment "
              "or .env (the local sandbox chat needs a terminal, or `zendigest run --sandbox`).", file=sys.stderr)
        return 2
    try:
        return asyncio.run(run(settings, language=args.lang))
    except StartError as exc:
        print(f"zendigest: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
