"""Batch commands: summarize and ingest from the command line (one line of output per article)."""

from __future__ import annotations

import json
import sys

from bot.config import Settings
from bot.inputs import Document, InputError, is_url, read_file
from bot.nlp import TextEngine


def _fail(name: str, reason: str) -> None:
    print(f"zendigest: {name}: {reason}", file=sys.stderr)


async def _documents(settings: Settings, name: str) -> list[Document]:
    """A file is one document; a URL may be an article, a feed or a channel (several)."""
    if not is_url(name):
        return [read_file(name)]
    from bot.ingestion import fetch_articles, make_fetcher
    from bot.net import FetchError
    from bot.sources import SourceError

    async with make_fetcher(settings) as fetcher:
        try:
            articles = await fetch_articles(name, fetcher)
        except (SourceError, FetchError) as exc:
            raise InputError(str(exc)) from exc
    return [Document(source=name, title=a.title, text=a.text, url=a.url, author=a.author, published=a.published,
                     kind=a.source_kind, external_id=a.external_id) for a in articles]


async def summarize(settings: Settings, inputs: list[str], *, as_json: bool, sentences: int | None) -> int:
    engine = TextEngine()
    status = 0
    try:
        for name in inputs:
            try:
                docs = await _documents(settings, name)
            except InputError as exc:
                _fail(name, str(exc))
                status = 1
                continue
            for doc in docs:
                analysis = await engine.analyze(doc.title, doc.text, sentences=sentences)
                if as_json:
                    print(json.dumps(analysis.to_dict(doc.url or doc.source), ensure_ascii=False), flush=True)
                else:
                    print(f"# {analysis.title}\n\n{analysis.tldr}\n")
                    print("\n".join(f"- {s}" for s in analysis.summary))
                    themes = ", ".join(f"{t.slug} ({t.score:.2f})" for t in analysis.themes) or "-"
                    print(f"\nthemes: {themes}\n", flush=True)
    finally:
        engine.close()
    return status


async def ingest(settings: Settings, inputs: list[str]) -> int:
    from bot.app import build_services

    services = build_services(settings)
    await services.start()
    status = 0
    try:
        for name in inputs:
            try:
                docs = await _documents(settings, name)
            except InputError as exc:
                _fail(name, str(exc))
                status = 1
                continue
            for doc in docs:
                article, state = await services.library.add(
                    doc.title, doc.text, kind=doc.kind, url=doc.url, author=doc.author, published=doc.published,
                    external_id=doc.external_id,
                )
                print(f"{article.id}\t{state}\t{article.title}", flush=True)
    finally:
        await services.close()
    return status


async def backup(settings: Settings, destination: str) -> int:
    from storage.db import Store, backup_to

    async with Store(settings.database_path) as store:
        await store.call(backup_to, destination)
    print(f"backed up {settings.database_path} to {destination}")
    return 0
