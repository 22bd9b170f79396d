"""Wiring: the services, the Bot and the Dispatcher that `zendigest run`, the demo and the tests share."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.filters import ExceptionTypeFilter
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app.scheduler import add_interval_job, build_scheduler
from bot.clock import Clock
from bot.config import Settings
from bot.delivery import Outbox, RateLimits, Sender, Throttle
from bot.delivery.chats import Chats
from bot.digests.followups import Followups
from bot.digests.service import Digests
from bot.i18n import LANGUAGES, Translator
from bot.net import HttpFetcher
from bot.nlp import TextEngine
from bot.posting import Posting
from bot.posting.channel import ChannelPosts
from bot.refusal import Refusal
from bot.services.admin_notices import AdminNotices
from bot.services.anchor_setup import AnchorSetup
from bot.services.anchors import ensure_anchors, stored_catalog
from bot.services.articles import Articles
from bot.services.audit import Audit
from bot.services.broadcasts import Broadcasts
from bot.services.ingestion import Ingestion, make_fetcher
from bot.services.source_lists import SourceLists
from bot.services.statistics import Statistics
from bot.services.storage_alarm import StorageAlarm
from bot.services.subscriptions import Subscriptions
from bot.services.summaries import Summaries
from bot.services.themes import Themes
from bot.services.word_filters import WordFilters
from bot.telegram.commands import admin_commands, reader_commands
from bot.telegram.middlewares import AdminOnly, ContextMiddleware
from bot.telegram.permissions import ChatAdmins
from bot.text.llm import LlmSummarizer
from handlers import GATES, get_routers
from handlers.errors import on_error, on_refusal
from storage.db import Store

log = logging.getLogger(__name__)


@dataclass
class Services:
    """The process's services, built once by `build_services` and finished by `attach_bot`:
    `zendigest run`, the CLI's batch commands, the demo and the tests all go through both."""

    settings: Settings
    clock: Clock
    store: Store
    engine: TextEngine
    articles: Articles
    themes: Themes
    audit: Audit
    posting: Posting
    subscriptions: Subscriptions
    word_filters: WordFilters  # per subscription: mute / only words
    statistics: Statistics  # /stats
    digests: Digests
    chat_admins: ChatAdmins
    scheduler: AsyncIOScheduler
    fetcher: HttpFetcher
    ingestion: Ingestion
    # Delivery: every API call passes `throttle`; `sender` splits; `outbox` is the durable fan-out.
    throttle: Throttle
    chats: Chats
    sender: Sender
    outbox: Outbox
    broadcasts: Broadcasts
    storage_alarm: StorageAlarm  # the admins hear once when the database refuses writes
    channel_posts: ChannelPosts
    source_lists: SourceLists  # OPML export and import of the sources
    anchor_setup: AnchorSetup  # /anchor: admins make an analysis an anchor
    summaries: Summaries  # /summary, deep links and "Open": which article, stored or previewed
    admin_notices: AdminNotices  # operational notices to every admin, once a bot is attached
    followups: Followups  # /followup's Publish button

    def handler_data(self) -> dict[str, Any]:
        """What handlers get injected (by parameter name): the services they call, never the
        store, the clock, the scheduler, the throttle, the fetcher or this container."""
        return {name: getattr(self, name) for name in HANDLER_SERVICES}

    async def start(self) -> None:
        """Open storage, load models and the shipped anchors (idempotent)."""
        await self.store.open()
        await self.engine.warm_up()
        await ensure_anchors(self.store, self.articles)
        await self.articles.reindex_search()
        self.engine.catalog = await stored_catalog(self.store)
        # The models are loaded for good: moving them out of the collector's sight keeps full
        # collections (triggered by big digest or ingest runs) from pausing the loop for 100+ ms.
        gc.collect()
        gc.freeze()
        _return_freed_memory()

    async def attach_bot(self, bot: Bot) -> None:
        """Finish what needs the bot: every API call paced (replies too), the sender bound, digest
        links to the bot, admin notices on; then resume the deliveries a crash left unfinished."""
        self.throttle.install(bot)
        self.sender.bind(bot)
        self.digests.bot_username = (await bot.me()).username
        self.ingestion.notify = self.storage_alarm.notify = self.admin_notices.notify
        await self.outbox.start()

    async def stop(self) -> None:
        """Graceful stop, in order: no new jobs, running ingestions report where they stopped
        while the bot can still say so, in-flight sends finish (the rest resumes on the next start)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.ingestion.stop()
        await self.outbox.stop()
        await self.broadcasts.stop()
        await self.close()

    async def close(self) -> None:
        await self.fetcher.aclose()
        await self.store.close()
        self.engine.close()


HANDLER_SERVICES = (
    "settings", "articles", "themes", "summaries", "subscriptions", "word_filters", "digests", "statistics", "audit",
    "posting", "broadcasts", "ingestion", "source_lists", "anchor_setup", "channel_posts", "chats", "chat_admins",
    "sender", "storage_alarm", "followups",
)


def _return_freed_memory() -> None:
    """Hand the heap pages freed while loading models back to the OS (glibc keeps them).

    Loading navec and the NER model leaves ~25 MB of freed temporaries in malloc's arenas; the
    process would otherwise carry them in its RSS for its whole life. A no-op off glibc.
    """
    libc_name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(libc_name) if libc_name else None
        if libc is not None and hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)
    except OSError:
        pass


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    clock = clock or Clock()
    store = Store(settings.database_path)
    engine = TextEngine()
    fetcher = make_fetcher(settings)
    articles = Articles(store, engine, clock, llm=LlmSummarizer(settings, fetcher))  # extractive-only when LLM_* unset
    audit = Audit(store, clock)
    themes = Themes(store, articles)
    word_filters = WordFilters(store, clock)
    chats = Chats(store, clock)
    sender = Sender(paid=settings.paid_broadcast)
    throttle = Throttle(RateLimits.from_settings(settings), chats)
    outbox = Outbox(store, clock, sender, throttle=throttle)
    ingestion = Ingestion(store, articles, fetcher, clock, audit)
    digests = Digests(store, articles, themes, word_filters, clock, settings, outbox.enqueue)
    return Services(
        settings=settings, clock=clock, store=store, engine=engine, articles=articles, themes=themes, audit=audit,
        posting=Posting(store, clock, settings, audit, sender, outbox),
        subscriptions=Subscriptions(store, clock, settings, themes), word_filters=word_filters,
        digests=digests, followups=Followups(digests, themes, audit),
        statistics=Statistics(store, clock),
        chat_admins=ChatAdmins(), scheduler=build_scheduler(settings),
        fetcher=fetcher, ingestion=ingestion, channel_posts=ChannelPosts(ingestion, settings),
        throttle=throttle, chats=chats, sender=sender, outbox=outbox,
        broadcasts=Broadcasts(store, outbox, sender, audit), storage_alarm=StorageAlarm(store),
        source_lists=SourceLists(ingestion, audit, clock),
        anchor_setup=AnchorSetup(store, articles, engine, ingestion, audit, clock, settings),
        summaries=Summaries(articles, themes, ingestion), admin_notices=AdminNotices(settings, chats, sender),
    )


def build_bot(token: str, api_url: str) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
    return Bot(token=token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


async def _on_startup(bot: Bot, services: Services) -> None:
    await services.start()
    await services.attach_bot(bot)
    await services.posting.resume()
    await services.digests.start_schedule()
    # Every job is an idempotent catch-up pass: a missed run is simply made up by the next one.
    alarm = services.storage_alarm
    add_interval_job(services.scheduler, "digests", services.digests.tick, seconds=60, alarm=alarm)
    add_interval_job(services.scheduler, "sources", services.ingestion.poll_due, seconds=60, alarm=alarm)
    services.scheduler.start()
    await _publish_commands(bot, services.settings)
    log.info("bot started")


async def _publish_commands(bot: Bot, settings: Settings) -> None:
    """Telegram's command menu: reader commands for everybody, plus the admin ones in each
    admin's private chat (a chat the bot has never seen is skipped until next start)."""
    for language in LANGUAGES:
        tr = Translator(language)
        code = None if language == "ru" else language
        readers = [BotCommand(command=c.name, description=tr(f"cmd_{c.name}")) for c in reader_commands()]
        admins = readers + [BotCommand(command=c.name, description=tr(f"cmd_{c.name}")) for c in admin_commands()]
        await bot.set_my_commands(readers, language_code=code)
        for admin_id in sorted(settings.admin_ids):
            try:
                await bot.set_my_commands(admins, scope=BotCommandScopeChat(chat_id=admin_id), language_code=code)
            except TelegramAPIError as exc:
                log.info("admin command menu not set", extra={"admin_id": admin_id, "reason": exc.message})


def build_dispatcher(services: Services) -> Dispatcher:
    dp = Dispatcher(**services.handler_data())
    dp.update.outer_middleware(ContextMiddleware(services.chats, services.storage_alarm))
    for router in get_routers():
        gate = GATES.get(router.name or "")
        if gate is not None:
            # Inner middleware: refuses (and audits) exactly where an admin handler would have run.
            admin_only = AdminOnly(services.settings, services.chat_admins, services.audit,
                                   channel_admins=gate == "posters")
            router.message.middleware(admin_only)
            router.callback_query.middleware(admin_only)
        dp.include_router(router)
    dp.errors.register(on_refusal, ExceptionTypeFilter(Refusal))
    dp.errors.register(on_error)

    async def on_startup(bot: Bot) -> None:
        await _on_startup(bot, services)

    async def on_shutdown() -> None:
        await services.stop()
        log.info("bot stopped")

    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    return dp

