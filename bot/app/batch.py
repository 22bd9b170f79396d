"""Batch commands: summarize and ingest from the command line (one line of output per article)."""

from __future__ import annotations

import json
import logging
import sys
from typing import Awaitable, Callable

from bot.config import Settings
from bot.net import HttpFetcher
from bot.nlp import TextEngine
from bot.sources.files import Document, InputError, is_url, read_file


def _fail(name: str, reason: str) -> None:
    print(f"zendigest: {name}: {reason}", file=sys.stderr)


def _quiet_extractor() -> None:
    """trafilatura logs "discarding data" as a warning for a page without text, which the one
    line printed by `_fail` already says: keep stderr to one line per bad input (unless -v)."""
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("trafilatura").setLevel(logging.ERROR)


async def _documents(fetcher: HttpFetcher, name: str) -> list[Document]:
    """A file is one document; a URL may be an article, a feed or a channel (several)."""
    from bot.services.ingestion import external_key, fetch_articles
    from bot.net import FetchError
    from bot.sources import SourceError

    if not is_url(name):
        try:
            return [read_file(name)]
        except (SourceError, OSError) as exc:  # an .html without article text, an unreadable file
            raise InputError(str(exc) if isinstance(exc, SourceError) else exc.strerror or str(exc)) from exc
    try:
        articles = await fetch_articles(name, fetcher)
    except (SourceError, FetchError) as exc:
        raise InputError(str(exc)) from exc
    return [Document(source=name, title=a.title, text=a.text, url=a.url, author=a.author, published=a.published,
                     kind=a.source_kind, external_id=external_key(a)) for a in articles]


async def _each_document(inputs: list[str], fetcher: HttpFetcher,
                         handle: Callable[[Document], Awaitable[None]]) -> int:
    """Run `handle` on every document of every input, in order; a refused input gets its one
    stderr line and the run's exit status becomes 1, the other inputs are still processed."""
    status = 0
    for name in inputs:
        try:
            docs = await _documents(fetcher, name)
        except InputError as exc:
            _fail(name, str(exc))
            status = 1
            continue
        for doc in docs:
            for note in doc.notes:
                print(f"zendigest: {name}: note: {note}", file=sys.stderr)
            await handle(doc)
    return status


async def summarize(settings: Settings, inputs: list[str], *, as_json: bool, sentences: int | None) -> int:
    """With LLM_* configured, `summary`/`tldr` are the model's retelling when it answers in time,
    else (and always without LLM_*) the extractive ones; the record's keys never change."""
    from bot.services.ingestion import make_fetcher
    from bot.services.articles import without_tldr
    from bot.text.llm import LlmSummarizer

    engine = TextEngine()
    fetcher = make_fetcher(settings)
    llm = LlmSummarizer(settings, fetcher)

    async def show(doc: Document) -> None:
        analysis = await engine.analyze(doc.title, doc.text, sentences=sentences)
        record = analysis.to_dict(doc.url or doc.source)
        if abstract := await llm.summarize(doc.title, doc.text):
            record["summary"] = abstract[:sentences] if sentences else abstract
            record["tldr"] = abstract[0]
        if as_json:
            print(json.dumps(record, ensure_ascii=False), flush=True)
            return
        print(f"# {analysis.title}\n\n{record['tldr']}\n")
        print("\n".join(f"- {s}" for s in without_tldr(record["summary"], record["tldr"])))
        themes = ", ".join(f"{t.slug} ({t.score:.2f})" for t in analysis.themes) or "-"
        print(f"\nthemes: {themes}\n", flush=True)

    try:
        return await _each_document(inputs, fetcher, show)
    finally:
        engine.close()
        await fetcher.aclose()


async def ingest(settings: Settings, inputs: list[str]) -> int:
    from bot.app.wiring import build_services

    _quiet_extractor()
    services = build_services(settings)
    await services.start()

    async def store(doc: Document) -> None:
        article, state = await services.articles.add(
            doc.title, doc.text, kind=doc.kind, url=doc.url, author=doc.author, published=doc.published,
            external_id=doc.external_id,
        )
        print(f"{article.id}\t{state}\t{article.title}", flush=True)

    try:
        return await _each_document(inputs, services.fetcher, store)
    finally:
        await services.close()


async def backup(settings: Settings, destination: str) -> int:
    from storage.db import Store, backup_to

    async with Store(settings.database_path) as store:
        await store.call(backup_to, destination)
    print(f"backed up {settings.database_path} to {destination}")
    return 0


def _print_envelopes(envelopes: list) -> None:
    from bot.delivery.split import plain_text

    for envelope in envelopes:
        print(f"--- to {envelope.chat_id} ({envelope.key})\n{plain_text(envelope.html)}\n", flush=True)


async def digest(settings: Settings, *, followup: bool, chat_id: int | None, dry_run: bool) -> int:
    """Compose digests now; without --dry-run send them through the outbox (needs BOT_TOKEN)."""
    from bot.app.wiring import build_bot, build_services

    if not dry_run and settings.sandbox_mode:
        print("zendigest: sending needs BOT_TOKEN (or use --dry-run to print)", file=sys.stderr)
        return 2
    services = build_services(settings)
    await services.start()
    bot = None
    try:
        if not dry_run:
            bot = build_bot(settings.bot_token or "", settings.telegram_api_url)
            await services.attach_bot(bot)  # the same finishing steps as `zendigest run`
        envelopes = await _compose(services, followup=followup, chat_id=chat_id, dry_run=dry_run)
        if dry_run:
            _print_envelopes(envelopes)
        else:
            await services.outbox.wait_idle(timeout=3600)
        print(f"{len(envelopes)} digest message(s) {'composed' if dry_run else 'sent'}", file=sys.stderr)
    finally:
        await services.stop()  # in-flight sends finish; what is left resumes with the bot
        if bot is not None:
            await bot.session.close()
    return 0


async def _compose(services, *, followup: bool, chat_id: int | None, dry_run: bool) -> list:
    from bot.delivery import OutboxItem

    digests = services.digests
    if followup:
        run = await digests.followup(dry_run=dry_run, chat_id=chat_id)
        if run is not None and not run.envelopes and run.digest.count and dry_run:  # nobody to send to: show it anyway
            run = await digests.followup(dry_run=True, chat_id=0)
        if run is not None and run.digest.count == 0:
            print(f"zendigest: nothing new since {run.digest.since:%Y-%m-%d %H:%M} UTC: no follow-up "
                  f"{'composed' if dry_run else 'sent'}", file=sys.stderr)
        return run.envelopes if run else []
    if chat_id is None:
        report = await digests.tick(dry_run=dry_run)
        if not report.envelopes and not (report.followup and report.followup.envelopes):
            await _explain_nothing_due(services)
        return report.envelopes + (report.followup.envelopes if report.followup else [])
    html, since = await digests.on_demand(chat_id, "ru")
    if html is None:
        print(f"zendigest: nothing new for chat {chat_id} since {since:%Y-%m-%d %H:%M} UTC", file=sys.stderr)
        return []
    envelope = OutboxItem(chat_id, html, key=f"manual:{chat_id}:{services.clock.iso()}")
    if not dry_run:
        await digests.deliver("digest", [envelope])
    return [envelope]


async def _explain_nothing_due(services) -> None:
    """Nothing due: say who is due when, so an empty run is not a mystery."""
    outlook = await services.digests.outlook()
    zone = services.settings.timezone

    def local(value) -> str:
        from zoneinfo import ZoneInfo

        return f"{value.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}"

    lines = ["zendigest: nothing is due now."]
    if not outlook.subscriptions:
        lines.append("  personal digests: no active subscriptions")
    else:
        soonest = ", ".join(f"chat {chat} at {local(slot)}" for chat, slot in outlook.next_personal[:3])
        lines.append(f"  personal digests: {outlook.subscriptions} subscription(s); next: {soonest}")
    for k, followup in enumerate(outlook.followups):  # each anchor on its own schedule
        last = f"the last one ended {local(followup.last)}" if followup.last else "none sent yet"
        schedule = followup.schedule if followup.custom else f"FOLLOWUP_CRON {followup.schedule}"
        nxt = local(followup.next) if followup.next else "never"
        label = "follow-up" if k == 0 else f"follow-up of “{followup.anchor.title}”"
        lines.append(f"  {label}: next at {nxt} ({schedule}; {last}); {followup.waiting} new article(s) on the "
                     f"analysis's themes so far")
    print("\n".join(lines), file=sys.stderr)
