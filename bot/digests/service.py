"""Digest runs: who is due, composing each distinct window once, and handing messages to delivery.

Exactly-once per window: a window is recorded in `digest_windows` and enqueued under the key
"<kind>:<recipient>:<window end>", which the outbox refuses to take twice; a crash between the two
steps is repaired on the next tick because both are idempotent.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, AsyncIterator, Awaitable, Callable
from zoneinfo import ZoneInfoNotFoundError

from bot.clock import Clock
from bot.config import Settings
from bot.delivery import OutboxItem
from bot.digests import compose, render
from bot.i18n import LANGUAGES, Translator
from bot.schedule import cron_slot, next_cron_slot, parse_cron, personal_slot
from bot.services.articles import Articles
from bot.services.themes import AnchorRef, Themes
from bot.services.word_filters import Matcher, WordFilters, compile_filters
from storage import digests as digests_sql
from storage import subscriptions as subs_sql
from storage.db import Store
from storage.rows import DigestRow, Subscription, Theme
from storage.timeutil import to_db

log = logging.getLogger(__name__)
ON_DEMAND_LOOKBACK = timedelta(days=7)


# Outbox.enqueue: each item's key ("<kind>:<recipient>:<window end>") is unique in the outbox, so
# a window handed over twice (a retried tick, a restart between composing and recording) is sent once.
Deliver = Callable[[str, list[OutboxItem]], Awaitable[Any]]


@dataclass
class DueBatch:
    envelopes: list[OutboxItem]
    marks: list[tuple[int, int, str, str | None]]  # (chat, thread, slot handled, window end sent or None)
    empty: int  # due subscribers with nothing new: no message


@dataclass
class TickReport:
    personal_sent: int = 0
    personal_empty: int = 0
    followup: "FollowupRun | None" = None
    envelopes: list[OutboxItem] = field(default_factory=list)  # the personal digests (also on a dry run)


@dataclass(frozen=True)
class FollowupOutlook:
    """One anchor's follow-up schedule as admins see it: when it fires next, and what it would say."""

    anchor: AnchorRef
    schedule: str  # the spec in effect (the anchor's own, or FOLLOWUP_CRON)
    custom: bool  # False: the anchor follows FOLLOWUP_CRON
    next: datetime | None
    last: datetime | None  # the previous follow-up's end
    waiting: int  # articles the next follow-up would list now


@dataclass(frozen=True)
class Outlook:
    """Why nothing is due right now: when each schedule fires next (for `digest --dry-run`)."""

    subscriptions: int
    next_personal: tuple[tuple[int, datetime], ...]  # (chat, next slot), soonest first
    followups: tuple[FollowupOutlook, ...]  # every anchor's, the first anchor first


@dataclass(frozen=True)
class FollowupDraft:
    digest: compose.FollowupDigest
    start: datetime | None  # the previous follow-up's end (None: none yet)
    themes: dict[str, Theme]
    claims: dict[str, str]  # per theme, the anchor's claim recapped above the new articles
    window: str = "all"  # the anchor's windows in digest_windows (the first anchor's kept their name)
    key: str = "followup"  # the outbox key prefix of its messages
    title: str | None = None  # an admin-made anchor's follow-up names its analysis


@dataclass
class FollowupRun:
    digest: compose.FollowupDigest
    envelopes: list[OutboxItem] = field(default_factory=list)
    new_window: bool = True


class Digests:
    def __init__(self, store: Store, articles: Articles, themes: Themes, word_filters: WordFilters, clock: Clock,
                 settings: Settings, deliver: Deliver) -> None:
        self.store = store
        self.articles = articles
        self.themes = themes
        self.clock = clock
        self.settings = settings
        self.deliver = deliver
        self.bot_username: str | None = None  # set at startup, for the t.me link to the theme cards
        self.word_filters = word_filters

    async def _themes(self) -> tuple[list[str], dict[str, Theme]]:
        catalog = await self.themes.catalog()
        return [t.slug for t in catalog], {t.slug: t for t in catalog}

    # -- personal ---------------------------------------------------------------------------

    async def on_demand(self, chat_id: int, language: str, thread: int = 0) -> tuple[str | None, datetime]:
        """/digest: what is new since the last delivered digest (or the last week), on the themes
        of the chat's active subscription (all themes without one); not recorded."""
        sub = await self.store.call(subs_sql.get, chat_id, thread)
        themes = sub.themes if sub and sub.active else None
        now = self.clock.now()
        since = sub.last_sent_end if sub and sub.last_sent_end else now - ON_DEMAND_LOOKBACK
        if sub and since > now - timedelta(hours=1):
            since = now - ON_DEMAND_LOOKBACK
        order, by_slug = await self._themes()
        rows = await self.store.call(digests_sql.articles_between, to_db(since), to_db(now))
        matcher = await asyncio.to_thread(compile_filters, await self.word_filters.of(chat_id, thread))
        digest = await asyncio.to_thread(
            lambda: compose.Window.build(rows, order, since).digest(themes, allows=matcher.allows if matcher else None))
        if digest.empty:
            return None, since
        return render.personal(digest, by_slug, Translator(language), self.bot_username), since

    async def compose_due(self, now: datetime, *, batch: int = 500) -> AsyncIterator[DueBatch]:
        """Every due personal digest, composed but not sent, in batches (so 10,000 rendered
        digests never sit in memory at once).

        SQL runs on the store's reader connections, the rest on a worker thread: with 10,000 subscribers
        the schedule arithmetic and rendering would otherwise hold the event loop."""
        subs = await self.store.call(subs_sql.scheduled)
        due = await asyncio.to_thread(_select_due, subs, now)
        if not due:
            return
        order, by_slug = await self._themes()
        end = to_db(max(slot for _, slot in due))
        windows: dict[datetime | None, list[DigestRow]] = {}
        for start in {sub.last_sent_end for sub, _ in due}:
            windows[start] = await self.store.call(digests_sql.articles_between, to_db(start), end, limit=500)
        # every window ends at `end`: the widest starts first (None: from the beginning)
        widest = windows[min(windows, key=lambda start: (start is not None, start or now))]

        def index() -> dict[datetime | None, compose.Window]:
            story = compose.story_map(widest)
            return {start: compose.Window.build(rows, order, start, story) for start, rows in windows.items()}

        indexed = await asyncio.to_thread(index)
        matchers = await self.word_filters.matchers()
        for first in range(0, len(due), batch):
            yield await asyncio.to_thread(_render_due, due[first:first + batch], indexed, by_slug, self.bot_username,
                                          matchers)

    # -- follow-up --------------------------------------------------------------------------

    async def _anchor_key(self, slug: str | None) -> tuple[AnchorRef, str, str] | None:
        """The anchor (the first when `slug` is None) with its window name and outbox key prefix:
        the first anchor keeps the names it always had, so its windows carry on."""
        anchors = await self.themes.anchors()
        index = next((k for k, a in enumerate(anchors) if slug is None or a.slug == slug), None)
        if index is None:
            return None
        ref = anchors[index]
        return (ref, "all", "followup") if index == 0 else (ref, f"all:{ref.slug}", f"followup:{ref.slug}")

    async def compose_followup(self, until: datetime | None = None, anchor: str | None = None) -> FollowupDraft | None:
        """The follow-up of one anchor (the first unless `anchor` names another) for the window
        since its previous one (the first: since the analysis), composed but not sent; None
        without that anchor. Each anchor has its own windows and its own themes."""
        keyed = await self._anchor_key(anchor)
        article = await self.articles.anchor(keyed[0].slug) if keyed else None
        if keyed is None or article is None:
            return None
        ref, window, key = keyed
        until = until or self.clock.now()
        start = await self.store.call(digests_sql.last_window_end, "followup", window)
        rows = await self.store.call(digests_sql.new_since_analysis, to_db(article.date) or "", start=to_db(start),
                                     until=to_db(until))
        catalog = await self.themes.catalog(ref.id)
        order, by_slug = [t.slug for t in catalog], {t.slug: t for t in catalog}
        digest = compose.followup(rows, order, start or article.date, until)
        hits = {slug: article.theme(slug) for slug in order}
        claims = {slug: hit.sentences[0] if hit and hit.sentences else "" for slug, hit in hits.items()}
        return FollowupDraft(digest, start, by_slug, claims, window, key, None if window == "all" else ref.title)

    def render_followup(self, draft: FollowupDraft, language: str) -> str:
        return render.followup(draft.digest, draft.themes, draft.claims, Translator(language), self.bot_username,
                               title=draft.title)

    async def followup_recipients(self) -> list[tuple[int | str, int, str]]:
        """The channel (in Russian, like its articles) and every subscriber who opted in, as
        (chat, forum topic or 0, language)."""
        recipients: list[tuple[int | str, int, str]] = []
        if self.settings.channel_chat_id is not None:
            recipients.append((self.settings.channel_chat_id, 0, "ru"))
        subs = await self.store.call(subs_sql.followup_recipients)
        return recipients + [(chat, thread, language or "ru") for chat, thread, language in subs]

    async def followup(self, *, until: datetime | None = None, dry_run: bool = False,
                       chat_id: int | None = None, scheduled: bool = False,
                       anchor: str | None = None) -> FollowupRun | None:
        """Compose the follow-up and, unless dry_run, deliver it to the channel and opted-in chats
        (or only `chat_id`). A follow-up with nothing new is never sent: the run comes back with
        no envelopes. A scheduled run records even an empty window, so the slot is done and the
        next follow-up starts after it; an on-demand run with nothing new changes nothing."""
        draft = await self.compose_followup(until, anchor)
        if draft is None:
            return None
        digest = draft.digest
        run = FollowupRun(digest, new_window=False)
        end = to_db(digest.until) or ""
        if digest.count == 0:
            if scheduled and not dry_run:
                await self._record_followup(draft, end)
            return run
        recipients = [(chat_id, 0, "ru")] if chat_id is not None else await self.followup_recipients()
        rendered: dict[str, str] = {}
        for recipient, thread, language in recipients:
            if language not in rendered:
                rendered[language] = self.render_followup(draft, language)
            to = subs_sql.recipient(recipient, thread) if isinstance(recipient, int) else recipient
            run.envelopes.append(OutboxItem(recipient, rendered[language], key=f"{draft.key}:{to}:{end}",
                                            thread_id=thread or None))
        if dry_run:
            return run
        if chat_id is None:
            run.new_window = await self._record_followup(draft, end)
        await self.deliver("followup", run.envelopes)
        return run

    async def _record_followup(self, draft: FollowupDraft, end: str) -> bool:
        return await self.store.call(digests_sql.record_window, kind="followup", recipient=draft.window,
                                     start=to_db(draft.start), end=end, articles=draft.digest.count,
                                     now=self.clock.iso())

    async def start_schedule(self) -> None:
        """Called when the bot starts: the first scheduled follow-up is the first slot after the
        very first start (a no-op on later starts)."""
        await self.store.call(digests_sql.schedule_start, "followup", self.clock.iso())

    def schedule_of(self, ref: AnchorRef) -> str:
        """The anchor's own follow-up schedule, or FOLLOWUP_CRON when it has none."""
        return ref.followup_cron or self.settings.followup_cron

    async def _followup_due(self, now: datetime, *, record: bool = True, anchor: str | None = None) -> datetime | None:
        """The newest slot of the anchor's schedule not yet handled and later than the moment
        that schedule was switched on (the bot's first start, or for an anchor made or
        rescheduled later, that moment): a new schedule waits for its first slot instead of
        sending at once for a slot that passed before it existed."""
        started = await self.store.call(digests_sql.schedule_start, "followup", self.clock.iso(), record=record)
        keyed = await self._anchor_key(anchor)
        if keyed is None:
            return None
        ref, window, _ = keyed
        since = max(filter(None, (started, ref.followup_since)))
        slot = cron_slot(parse_cron(self.schedule_of(ref), self.settings.timezone), now)
        last = await self.store.call(digests_sql.last_window_end, "followup", window)
        if slot is None or slot <= since or (last and last >= slot):
            return None
        return slot

    async def outlook(self) -> Outlook:
        now = self.clock.now()
        subs = await self.store.call(subs_sql.scheduled)
        upcoming = []
        for sub in subs:
            period = timedelta(days=1 if sub.frequency == "daily" else 7)
            slot = personal_slot(now + period, frequency=sub.frequency, hour=sub.hour, weekday=sub.weekday,
                                 zone=sub.timezone)
            if slot is not None:
                upcoming.append((sub.chat_id, slot))
        followups = []
        for ref in await self.themes.anchors():
            keyed = await self._anchor_key(ref.slug)
            draft = await self.compose_followup(anchor=ref.slug)
            last = await self.store.call(digests_sql.last_window_end, "followup", keyed[1]) if keyed else None
            spec = self.schedule_of(ref)
            followups.append(FollowupOutlook(ref, spec, ref.followup_cron is not None,
                                             next_cron_slot(spec, self.settings.timezone, now), last,
                                             draft.digest.count if draft else 0))
        return Outlook(len(subs), tuple(sorted(upcoming, key=lambda x: x[1])), tuple(followups))

    # -- the minutely job -------------------------------------------------------------------

    async def tick(self, *, dry_run: bool = False) -> TickReport:
        """Deliver every due personal digest and a due follow-up; safe to run at any time, any
        number of times (missed slots collapse into the newest one). A dry run composes the
        same messages and records nothing."""
        now = self.clock.now()
        report = TickReport()
        async for batch in self.compose_due(now):
            report.personal_empty += batch.empty
            report.personal_sent += len(batch.envelopes)
            if dry_run:
                report.envelopes += batch.envelopes
                continue
            if batch.envelopes:
                await self.deliver("digest", batch.envelopes)
            if batch.marks:
                await self.store.call(subs_sql.mark_slots, batch.marks, self.clock.iso())
        # Every anchor's follow-up on its own windows; the report keeps the first anchor's run.
        for k, ref in enumerate(await self.themes.anchors()):
            try:
                slot = await self._followup_due(now, record=not dry_run, anchor=ref.slug)
            except ValueError as exc:  # a schedule written by hand that does not parse: the others still run
                log.warning("follow-up skipped: its schedule does not parse",
                            extra={"anchor": ref.slug, "reason": str(exc)[:200]})
                continue
            run = await self.followup(until=slot, dry_run=dry_run, scheduled=True, anchor=ref.slug) if slot else None
            if k == 0:
                report.followup = run
        return report


def _select_due(subs: list[Subscription], now: datetime) -> list[tuple[Subscription, datetime]]:
    """Subscriptions whose newest slot has not been handled yet, with that slot."""
    due = []
    for sub in subs:
        try:
            slot = personal_slot(now, frequency=sub.frequency, hour=sub.hour, weekday=sub.weekday, zone=sub.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            # One row this process cannot schedule (a zone missing from this machine's tz
            # database, a value written by hand) must not stop everyone else's digests.
            log.warning("subscription skipped: cannot compute its slot",
                        extra={"chat_id": sub.chat_id, "timezone": sub.timezone, "reason": str(exc)[:200]})
            continue
        if slot is not None and (sub.last_slot is None or sub.last_slot < slot):
            due.append((sub, slot))
    return due


def _render_due(due: list[tuple[Subscription, datetime]], indexed: dict[datetime | None, compose.Window],
                by_slug: dict[str, Theme], bot_username: str | None,
                matchers: dict[tuple[int, int], Matcher]) -> DueBatch:
    """Cut each subscriber's digest out of its shared window and render it from cached pieces."""
    translators = {language: Translator(language) for language in LANGUAGES}
    envelopes: list[OutboxItem] = []
    marks: list[tuple[int, int, str, str | None]] = []
    empty = 0
    for sub, slot in due:
        end = to_db(slot) or ""
        matcher = matchers.get((sub.chat_id, sub.thread_id))
        digest = indexed[sub.last_sent_end].digest(sub.themes, until=slot, allows=matcher.allows if matcher else None)
        if digest.empty:
            empty += 1
            marks.append((sub.chat_id, sub.thread_id, end, None))
            continue
        tr = translators.get(sub.language or "ru", translators["ru"])
        to = subs_sql.recipient(sub.chat_id, sub.thread_id)
        envelopes.append(OutboxItem(sub.chat_id, render.personal(digest, by_slug, tr, bot_username),
                                    key=f"personal:{to}:{end}", thread_id=sub.thread_id or None))
        marks.append((sub.chat_id, sub.thread_id, end, end))
    return DueBatch(envelopes, marks, empty)
