"""Figures for /stats, gathered from each table's own queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from storage import articles as articles_sql
from storage import digests as digests_sql
from storage import outbox as outbox_sql
from storage import sources as sources_sql
from storage import subscriptions as subs_sql
from storage.db import Store
from storage.timeutil import to_db


@dataclass(frozen=True)
class Stats:
    subscribers: dict[str, Any]
    articles_by_kind: list[dict[str, Any]]
    articles_by_theme: list[dict[str, Any]]
    recent_windows: list[dict[str, Any]]
    deliveries_24h: dict[str, int]
    sources: list[dict[str, Any]]


async def collect(store: Store, clock: Clock) -> Stats:
    since = to_db(clock.now() - timedelta(hours=24))
    return Stats(
        subscribers=await store.call(subs_sql.counts),
        articles_by_kind=await store.call(articles_sql.counts_by_kind),
        articles_by_theme=await store.call(articles_sql.counts_by_theme),
        recent_windows=await store.call(digests_sql.recent_windows, 5),
        deliveries_24h=await store.call(outbox_sql.counts_since, since),
        sources=await store.call(sources_sql.all_sources),
    )
