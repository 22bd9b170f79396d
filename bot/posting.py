"""Admin posts to the channel: a stored draft, previewed, then published once — now or at a
scheduled time (a minutely job publishes due posts; state transitions make every send single)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.audit import AuditLog
from bot.clock import Clock
from bot.config import Settings, chat_ref
from bot.delivery import Sender
from bot.errors import Refusal
from storage import posts as posts_sql
from storage.db import Store
from storage.timeutil import from_db, to_db

DRAFT_EDIT_WINDOW = timedelta(minutes=30)


class PostError(Refusal):
    """Why a post cannot be drafted, published or cancelled."""


@dataclass(frozen=True)
class Draft:
    id: int
    html: str
    target: str
    scheduled_at: datetime | None = None


def parse_schedule(args: str | None, zone: str, now: datetime) -> tuple[datetime, str]:
    """`YYYY-MM-DD HH:MM TEXT` in the admin's zone → (aware UTC time, text); refuses the past."""
    parts = (args or "").split(maxsplit=2)
    if len(parts) < 3:
        raise PostError("schedule_usage")
    try:
        local = datetime.strptime(f"{parts[0]} {parts[1]}", "%Y-%m-%d %H:%M")
    except ValueError:
        raise PostError("schedule_bad_time", value=f"{parts[0]} {parts[1]}") from None
    try:
        when = local.replace(tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))
    except OverflowError:  # 0001-01-01 00:00 east of UTC is before the first representable instant
        raise PostError("schedule_bad_time", value=f"{parts[0]} {parts[1]}") from None
    if when <= now:
        raise PostError("schedule_in_past", value=f"{parts[0]} {parts[1]}", zone=zone)
    return when, parts[2]


class Posting:
    def __init__(self, store: Store, clock: Clock, settings: Settings, audit: AuditLog, sender: Sender) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.audit = audit
        self.sender = sender

    def target(self) -> int | str:
        target = self.settings.channel_chat_id
        if target is None:
            raise PostError("post_no_channel")
        return target

    async def draft(self, admin_id: int, chat_id: int, html: str, scheduled_at: datetime | None = None) -> Draft:
        target = str(self.target())
        post_id = await self.store.call(
            posts_sql.create, admin_id=admin_id, chat_id=chat_id, target=target, text=html, now=self.clock.iso(),
            scheduled_at=to_db(scheduled_at),
        )
        await self.audit.record(admin_id, "post.draft", {"post_id": post_id, "chars": len(html),
                                                         "scheduled_at": to_db(scheduled_at)})
        return Draft(post_id, html, target, scheduled_at)

    async def open_draft(self, admin_id: int) -> dict | None:
        """The admin's newest unconfirmed draft, if recent: new text sent now replaces its text."""
        since = to_db(self.clock.now() - DRAFT_EDIT_WINDOW)
        return await self.store.call(posts_sql.latest_draft, admin_id, since)

    async def replace_text(self, post_id: int, admin_id: int, html: str) -> Draft:
        post = await self.store.call(posts_sql.get, post_id)
        if post is None or post["state"] != "draft":
            raise PostError("post_already_done")
        await self.store.call(posts_sql.update, post_id, self.clock.iso(), text=html)
        await self.audit.record(admin_id, "post.edit", {"post_id": post_id, "chars": len(html)})
        return Draft(post_id, html, post["target"], from_db(post["scheduled_at"]))

    async def set_preview(self, post_id: int, message_id: int) -> None:
        await self.store.call(posts_sql.update, post_id, self.clock.iso(), preview_message_id=message_id)

    async def confirm(self, post_id: int, admin_id: int) -> str:
        """Publish now, or queue a scheduled draft; returns "published" or "scheduled"."""
        post = await self.store.call(posts_sql.get, post_id)
        if post is None:
            raise PostError("post_unknown")
        if post["scheduled_at"]:
            if from_db(post["scheduled_at"]) <= self.clock.now():
                raise PostError("schedule_in_past", value=post["scheduled_at"], zone="UTC")
            if not await self.store.call(posts_sql.transition, post_id, "draft", "scheduled", self.clock.iso()):
                raise PostError("post_already_done")
            await self.audit.record(admin_id, "post.schedule", {"post_id": post_id, "at": post["scheduled_at"]})
            return "scheduled"
        if not await self.store.call(posts_sql.transition, post_id, "draft", "sending", self.clock.iso()):
            raise PostError("post_already_done")
        await self._send(post, admin_id)
        return "published"

    async def _send(self, post: dict, admin_id: int | None) -> int:
        result = await self.sender.send(chat_ref(post["target"]), post["text"])
        if not result.ok:
            await self.store.call(posts_sql.update, post["id"], self.clock.iso(), state="failed")
            await self.audit.record(admin_id, "post.publish", {"post_id": post["id"], "error": result.error}, ok=False)
            raise PostError("post_failed")
        await self.store.call(posts_sql.update, post["id"], self.clock.iso(), state="sent",
                              sent_message_id=result.message_ids[0])
        await self.audit.record(admin_id, "post.publish", {"post_id": post["id"], "message_ids": result.message_ids})
        return result.message_ids[0]

    async def recover(self) -> int:
        """At start: posts a crash caught mid-send go back to the queue (at most one duplicate each,
        like the outbox's in-flight rows) instead of being silently lost."""
        return await self.store.call(posts_sql.requeue_sending, self.clock.iso())

    async def publish_due(self) -> int:
        """The scheduler job: every scheduled post whose time has come, each claimed exactly once."""
        due = await self.store.call(posts_sql.due, self.clock.iso())
        sent = 0
        for post in due:
            if await self.store.call(posts_sql.transition, post["id"], "scheduled", "sending", self.clock.iso()):
                try:
                    await self._send(post, None)
                    sent += 1
                except PostError:
                    continue
        return sent

    async def cancel(self, post_id: int, admin_id: int) -> None:
        for state in ("draft", "scheduled"):
            if await self.store.call(posts_sql.transition, post_id, state, "cancelled", self.clock.iso()):
                await self.audit.record(admin_id, "post.cancel", {"post_id": post_id, "was": state})
                return
        post = await self.store.call(posts_sql.get, post_id)
        raise PostError("post_unknown" if post is None else "post_already_done", id=post_id)

    async def queue(self) -> list[dict]:
        return await self.store.call(posts_sql.with_state, "scheduled")
