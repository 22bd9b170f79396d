"""Figures for /stats, gathered from each table's own queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from storage import articles as articles_sql
from storage import digests as digests_sql
from storage import outbox as outbox_sql
from storage import sources as sources_sql
from storage import subscriptions as subs_sql
from storage.db import Store
from storage.rows import DigestWindow, Source, SubscriberCounts
from storage.timeutil import to_db


@dataclass(frozen=True)
class Stats:
    subscribers: SubscriberCounts
    articles_by_kind: list[tuple[str, int]]  # (kind, articles)
    articles_by_theme: list[tuple[str, int]]  # (theme slug, articles)
    recent_windows: list[DigestWindow]
    deliveries_24h: dict[str, int]
    sources: list[Source]


class Statistics:
    """/stats: read-only figures across the tables (each through its own storage module)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def collect(self) -> Stats:
        since = to_db(self.clock.now() - timedelta(hours=24))
        call = self.store.call
        return Stats(
            subscribers=await call(subs_sql.counts),
            articles_by_kind=await call(articles_sql.counts_by_kind),
            articles_by_theme=await call(articles_sql.counts_by_theme),
            recent_windows=await call(digests_sql.recent_windows, 5),
            deliveries_24h=await call(outbox_sql.counts_since, since),
            sources=await call(sources_sql.all_sources),
        )
