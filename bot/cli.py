"""`zendigest` / `python -m bot`: run, demo, summarize, ingest, digest (PRODUCT.md command line)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from pydantic import ValidationError

from bot.config import Settings
from bot.logs import setup_logging


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zendigest", description="Zen Digest: Telegram digests of a Dzen/Telegram channel")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot (no BOT_TOKEN: local sandbox + terminal chat)")
    sub.add_parser("demo", help="scripted tour on the sandbox; prints the transcript")
    s = sub.add_parser("summarize", help="summarize .txt/.html files or URLs")
    s.add_argument("inputs", nargs="+", metavar="INPUT")
    s.add_argument("--json", action="store_true", help="one JSON object per input per line")
    s.add_argument("--sentences", type=int, metavar="N", help="summary length in sentences")
    i = sub.add_parser("ingest", help="store articles from files, URLs, feeds or channels")
    i.add_argument("inputs", nargs="+", metavar="INPUT")
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
        from bot.batch import summarize

        if args.sentences is not None and not 1 <= args.sentences <= 20:
            print("zendigest: --sentences must be between 1 and 20", file=sys.stderr)
            return 2
        return asyncio.run(summarize(settings, args.inputs, as_json=args.json, sentences=args.sentences))
    if args.command == "ingest":
        from bot.batch import ingest

        return asyncio.run(ingest(settings, args.inputs))
    if args.command == "digest":
        from bot.batch import digest

        return asyncio.run(digest(settings, followup=args.followup, chat_id=args.chat, dry_run=args.dry_run))
    if args.command == "backup":
        from bot.batch import backup

        return asyncio.run(backup(settings, args.destination))
    if args.command == "demo":
        from bot.demo import demo

        return asyncio.run(demo(settings))
    from bot.runner import run

    try:
        return asyncio.run(run(settings))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
