"""/ingest URL, /sources, /addsource URL, /delsource ID — admins only."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.delivery import Sender
from bot.i18n import Translator
from bot.numbers import parse_id
from bot.services.ingestion import Ingestion
from bot.services.subscriptions import Subscriptions
from bot.telegram import admin_render, render
from handlers.admin_opml import export_button
from handlers.errors import delivered, in_place


async def ingest(message: Message, command: CommandObject, tr: Translator, ingestion: Ingestion) -> None:
    admin_id = message.from_user and message.from_user.id
    url = await ingestion.command_url(command.args, admin_id, "ingest", "ingest_usage")
    async with ingestion.job(), in_place(message, tr("fetching", url=render.plain(url)), tr) as progress:
        stored = await ingestion.ingest_command(url, admin_id)
        await progress.edit_text(render.ingested(stored, tr), disable_web_page_preview=True)


async def add_source(message: Message, command: CommandObject, tr: Translator, ingestion: Ingestion) -> None:
    admin_id = message.from_user and message.from_user.id
    url = await ingestion.command_url(command.args, admin_id, "source.add", "addsource_usage")
    async with ingestion.job(), in_place(message, tr("fetching", url=render.plain(url)), tr) as progress:
        source, created, count = await ingestion.add_source_command(url, admin_id)
        key = "source_added" if created else "source_exists"
        kind = render.plain(admin_render.kind_label(source.kind, tr))
        await progress.edit_text(tr(key, id=source.id, kind=kind, url=render.plain(source.url), count=count))


async def sources(message: Message, tr: Translator, ingestion: Ingestion, sender: Sender, subscriptions: Subscriptions) -> None:
    zone = await subscriptions.zone_of(message.chat.id)
    delivered(await sender.send(message.chat.id, admin_render.source_list(await ingestion.sources(), zone, tr),
                                link_preview=False, reply_markup=export_button(tr)))


async def del_source(message: Message, command: CommandObject, tr: Translator, ingestion: Ingestion) -> None:
    source_id = parse_id(command.args)
    if source_id is None:
        await message.answer(tr("delsource_usage"))
        return
    deleted = await ingestion.delete_source(source_id, message.from_user and message.from_user.id)
    await message.answer(tr("source_deleted" if deleted else "source_unknown", id=source_id))


def make_router() -> Router:
    router = Router(name="admin_sources")
    router.message.register(ingest, Command("ingest"))
    router.message.register(add_source, Command("addsource"))
    router.message.register(sources, Command("sources"))
    router.message.register(del_source, Command("delsource"))
    return router
