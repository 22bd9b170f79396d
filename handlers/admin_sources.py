"""/ingest URL, /sources, /addsource URL, /delsource ID — admins only."""

from __future__ import annotations

import re
from typing import Awaitable, Callable, TypeVar

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.telegram import admin_render

from bot.telegram import render
from bot.services.audit import AuditLog
from bot.delivery import Sender
from bot.i18n import Translator
from bot.services.ingestion import Ingestion, IngestStopped
from bot.services.lookup import parse_article_ref
from bot.numbers import parse_id
from bot.net import FetchError
from bot.sources import SourceError
from bot.services.subscriptions import Subscriptions
from handlers.admin_opml import export_button

T = TypeVar("T")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.I)


def _url(command: CommandObject) -> str | None:
    ref = parse_article_ref(command.args)
    return ref.value if ref is not None and ref.kind == "url" else None


def _other_scheme(args: str | None) -> str | None:
    """The scheme of a non-web URL (file://, ftp://, gopher://), so that it is refused by name
    rather than answered with the usage line as if no link had been given."""
    match = _SCHEME.match((args or "").strip())
    scheme = match.group(1).lower() if match else None
    return scheme if scheme not in (None, "http", "https") else None


async def _fetching(message: Message, command: CommandObject, tr: Translator, audit: AuditLog, action: str,
                    usage: str, work: Callable[[str], Awaitable[T]]) -> tuple[str, Message, T] | None:
    """Shared by /ingest and /addsource: check the URL, show "fetching…", run, report a failure
    in place of the progress line (and in the audit log)."""
    url = _url(command)
    assert message.from_user is not None
    if url is None:
        scheme = _other_scheme(command.args)
        if scheme is None:
            await message.answer(tr(usage))
            return None
        reason = f"unsupported URL scheme '{scheme}' (only http and https links are fetched)"
        await audit.record(message.from_user.id, action, {"url": (command.args or "")[:200], "error": reason}, ok=False)
        await message.answer(tr("fetch_failed", reason=render.plain(tr("reason_scheme"))))
        return None
    progress = await message.answer(tr("fetching", url=render.plain(url)))
    try:
        return url, progress, await work(url)
    except (SourceError, FetchError) as exc:
        await audit.record(message.from_user.id, action, {"url": url, "error": str(exc)}, ok=False)
        await progress.edit_text(render.fetch_failed(exc, tr))
        return None
    except IngestStopped as exc:
        await audit.record(message.from_user.id, action, {"url": url, "stopped": f"{exc.done}/{exc.total}"}, ok=False)
        command_line = f"/{(command.command or action)} {url}"
        await progress.edit_text(tr("ingest_stopped", done=exc.done, total=exc.total,
                                    command=render.plain(command_line)))
        return None


async def ingest(message: Message, command: CommandObject, tr: Translator, ingestion: Ingestion, audit: AuditLog) -> None:
    async with ingestion.job():
        done = await _fetching(message, command, tr, audit, "ingest", "ingest_usage", ingestion.ingest_url)
        if done is None:
            return
        url, progress, stored = done
        await audit.record(message.from_user and message.from_user.id, "ingest", {"url": url, "articles": len(stored)})
        await progress.edit_text(render.ingested(stored, tr), disable_web_page_preview=True)


async def add_source(message: Message, command: CommandObject, tr: Translator, ingestion: Ingestion,
                     audit: AuditLog) -> None:
    admin_id = message.from_user.id if message.from_user else None
    async with ingestion.job():
        done = await _fetching(message, command, tr, audit, "source.add", "addsource_usage",
                               lambda url: ingestion.add_source(url, admin_id))
        if done is None:
            return
        url, progress, (source, created, count) = done
        await audit.record(admin_id, "source.add", {"url": url, "id": source["id"], "created": created})
        key = "source_added" if created else "source_exists"
        kind = render.plain(admin_render.kind_label(source["kind"], tr))
        await progress.edit_text(tr(key, id=source["id"], kind=kind, url=render.plain(source["url"]), count=count))


async def sources(message: Message, tr: Translator, ingestion: Ingestion, sender: Sender, subscriptions: Subscriptions) -> None:
    zone = await subscriptions.zone_of(message.chat.id)
    await sender.send(message.chat.id, admin_render.source_list(await ingestion.sources(), zone, tr), link_preview=False,
                      reply_markup=export_button(tr))


async def del_source(message: Message, command: CommandObject, tr: Translator, ingestion: Ingestion,
                     audit: AuditLog) -> None:
    source_id = parse_id(command.args)
    if source_id is None:
        await message.answer(tr("delsource_usage"))
        return
    assert message.from_user is not None
    deleted = await ingestion.delete_source(source_id)
    await audit.record(message.from_user.id, "source.delete", {"id": source_id}, ok=deleted)
    await message.answer(tr("source_deleted" if deleted else "source_unknown", id=source_id))


def make_router() -> Router:
    router = Router(name="admin_sources")
    router.message.register(ingest, Command("ingest"))
    router.message.register(add_source, Command("addsource"))
    router.message.register(sources, Command("sources"))
    router.message.register(del_source, Command("delsource"))
    return router
