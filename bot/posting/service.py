"""Admin posts to the channel: drafts with options, previewed, then published through the outbox.

Confirming a draft starts its outbox job (draft → running, atomically, so a double tap or a stale
button cannot post twice) with one row for the channel, `not_before` its scheduled time. The
outbox claims, paces, retries and resumes that row like any other and hands it to
:meth:`Posting._deliver`; when the row settles the admin is told, with "Изменить" / "Удалить"
and a link. After publishing, /edit and /delete act on the channel's message ids.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.exceptions import TelegramBadRequest

from bot.clock import Clock
from bot.config import Settings, chat_ref
from bot.delivery import Outbox, OutboxItem, SendResult, Sender
from bot.delivery.sender import PartHook, describe
from bot.i18n import Translator
from bot.posting.content import Media, PostContent
from bot.posting.markup import published_keyboard
from bot.posting.options import Buttons, PostOptions
from bot.posting.publisher import Publisher
from bot.refusal import Refusal
from bot.services.audit import Audit
from storage import chats as chats_sql
from storage import outbox as outbox_sql
from storage import posts as posts_sql
from storage.db import Store
from storage.rows import PostRow
from storage.timeutil import to_db

KIND = "post"  # the outbox job kind and payload type of channel posts
DRAFT_EDIT_WINDOW = timedelta(minutes=30)
DELETE_WINDOW = timedelta(hours=48)  # Telegram lets bots delete messages younger than this
ALBUM_QUIET = 0.7  # seconds without a new item before an album is taken as complete


class PostError(Refusal):
    """Why a post cannot be drafted, published, edited, deleted or cancelled."""


@dataclass(frozen=True)
class Post:
    id: int
    admin_id: int
    chat_id: int  # the admin chat where it was previewed
    target: str
    state: str  # draft | queued | sent | failed | cancelled | deleted
    content: PostContent
    options: PostOptions
    job_id: int | None
    scheduled_at: datetime | None = None
    message_ids: tuple[int, ...] = ()
    published_at: datetime | None = None
    preview_message_id: int | None = None
    send_attempts: int = 0

    @classmethod
    def from_row(cls, row: PostRow) -> Post:
        return cls(
            id=row.id, admin_id=row.admin_id, chat_id=row.chat_id, target=row.target, state=row.state,
            content=PostContent.from_json(row.content), options=PostOptions.from_json(row.options),
            job_id=row.job_id, scheduled_at=row.scheduled_at, message_ids=row.message_ids,
            published_at=row.published_at, preview_message_id=row.preview_message_id,
            send_attempts=row.send_attempts,
        )


def parse_schedule(args: str | None, zone: str, now: datetime) -> tuple[datetime, str]:
    """`YYYY-MM-DD HH:MM [TEXT]` in the admin's zone → (aware UTC time, TEXT or ""); refuses the past."""
    parts = (args or "").split(maxsplit=2)
    if len(parts) < 2:
        raise PostError("schedule_usage")
    value = f"{parts[0]} {parts[1]}"
    try:
        local = datetime.strptime(value, "%Y-%m-%d %H:%M")
        when = local.replace(tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))
    except (ValueError, OverflowError):
        raise PostError("schedule_bad_time", value=value) from None
    if when <= now:
        raise PostError("schedule_in_past", value=value, zone=zone)
    return when, parts[2] if len(parts) > 2 else ""


def post_link(target: str, message_id: int) -> str | None:
    """t.me link of a channel message: by @username, or t.me/c/ for a numeric id (members only)."""
    ref = chat_ref(target)
    if isinstance(ref, str):
        return f"https://t.me/{ref.lstrip('@')}/{message_id}"
    text = str(ref)
    return f"https://t.me/c/{text[4:]}/{message_id}" if text.startswith("-100") else None


class Posting:
    def __init__(self, store: Store, clock: Clock, settings: Settings, audit: Audit, sender: Sender,
                 outbox: Outbox) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.audit = audit
        self.sender = sender
        self.outbox = outbox
        self.publisher = Publisher(sender)
        outbox.register(KIND, self._deliver)
        outbox.subscribe(self._on_job_event)

    def target(self) -> int | str:
        target = self.settings.channel_chat_id
        if target is None:
            raise PostError("post_no_channel")
        return target

    async def get(self, post_id: int) -> Post | None:
        row = await self.store.call(posts_sql.get, post_id)
        return Post.from_row(row) if row else None

    async def _require(self, post_id: int, *states: str) -> Post:
        post = await self.get(post_id)
        if post is None:
            raise PostError("post_unknown", id=post_id)
        if states and post.state not in states:
            key = {"draft": "post_not_published", "deleted": "post_gone"}.get(post.state, "post_already_done")
            raise PostError(key, id=post_id)
        return post

    async def _save(self, post: Post, **fields: Any) -> Post:
        if "content" in fields:
            fields["text"] = fields["content"].caption[0]
            fields["content"] = fields["content"].to_json()
        if "options" in fields:
            fields["options"] = fields["options"].to_json()
        await self.store.call(posts_sql.update, post.id, self.clock.iso(), **fields)
        fresh = await self.get(post.id)
        assert fresh is not None
        return fresh

    # -- drafts -------------------------------------------------------------------------------

    async def draft(self, admin_id: int, chat_id: int, content: PostContent,
                    scheduled_at: datetime | None = None) -> Post:
        target = str(self.target())
        job_id = await self.outbox.draft(KIND, created_by=admin_id)
        post_id = await self.store.call(
            posts_sql.create, admin_id=admin_id, chat_id=chat_id, target=target, content=content.to_json(),
            options=PostOptions().to_json(), now=self.clock.iso(), job_id=job_id, text=content.caption[0],
            scheduled_at=to_db(scheduled_at),
        )
        await self.audit.record(admin_id, "post.draft", {"post_id": post_id, "kind": content.label,
                                                         "chars": len(content.caption[0]),
                                                         "scheduled_at": to_db(scheduled_at)})
        post = await self.get(post_id)
        assert post is not None
        return post

    async def add_album_item(self, admin_id: int, chat_id: int, group: str, media: Media, order: int) -> tuple[int, bool]:
        """One item of an album the admin sent: gathered into one draft per media group."""
        target = str(self.target())
        item = {"kind": media.kind, "file_id": media.file_id, "caption": media.caption, "entities": list(media.entities)}
        post_id, created = await self.store.call(
            posts_sql.add_album_item, admin_id=admin_id, chat_id=chat_id, target=target, group=group, item=item,
            order=order, now=self.clock.iso(), job_kind=KIND, options=PostOptions().to_json())
        if created:
            await self.audit.record(admin_id, "post.draft", {"post_id": post_id, "kind": "album"})
        return post_id, created

    async def album_complete(self, post_id: int) -> Post:
        """The album draft once no new item arrived for ALBUM_QUIET seconds (the items of one
        album come as separate updates, all within a moment)."""
        count = -1
        while True:
            post = await self._require(post_id)
            if len(post.content.media) == count:
                return post
            count = len(post.content.media)
            await asyncio.sleep(ALBUM_QUIET)

    async def open_draft(self, admin_id: int) -> Post | None:
        """The admin's newest unconfirmed draft, if recent: text sent now edits it."""
        since = to_db(self.clock.now() - DRAFT_EDIT_WINDOW)
        row = await self.store.call(posts_sql.latest_draft, admin_id, since)
        return Post.from_row(row) if row else None

    async def replace_text(self, post: Post, admin_id: int, text: PostContent) -> Post:
        post = await self._require(post.id, "draft")
        fresh = await self._save(post, content=post.content.with_text(text.text, text.entities))
        await self.audit.record(admin_id, "post.edit", {"post_id": post.id, "chars": len(text.text)})
        return fresh

    async def set_buttons(self, post: Post, admin_id: int, buttons: Buttons) -> Post:
        post = await self._require(post.id, "draft")
        fresh = await self._save(post, options=replace(post.options, buttons=buttons))
        await self.audit.record(admin_id, "post.buttons", {"post_id": post.id, "rows": len(buttons)})
        return fresh

    async def toggle(self, post_id: int, admin_id: int, name: str) -> Post:
        post = await self._require(post_id, "draft")
        fresh = await self._save(post, options=post.options.toggled(name))
        await self.audit.record(admin_id, "post.option", {"post_id": post_id, name: getattr(fresh.options, name)})
        return fresh

    def schedule_time(self, args: str | None, zone: str) -> tuple[datetime, str]:
        """`/schedule` arguments read against this service's clock (the past is refused)."""
        return parse_schedule(args, zone, self.clock.now())

    async def schedule(self, admin_id: int, chat_id: int, when: datetime, content: PostContent | None) -> Post:
        """/schedule: `content` (typed after the time, or replied to) as a new scheduled draft;
        without content the admin's open draft, with all its options."""
        if content is not None:
            return await self.draft(admin_id, chat_id, content, scheduled_at=when)
        open_draft = await self.open_draft(admin_id)
        if open_draft is None:
            raise PostError("schedule_usage")
        return await self.schedule_draft(open_draft, admin_id, when)

    async def schedule_draft(self, post: Post, admin_id: int, when: datetime) -> Post:
        post = await self._require(post.id, "draft")
        fresh = await self._save(post, scheduled_at=to_db(when))
        await self.audit.record(admin_id, "post.edit", {"post_id": post.id, "scheduled_at": to_db(when)})
        return fresh

    async def set_preview(self, post_id: int, message_id: int) -> None:
        await self.store.call(posts_sql.update, post_id, self.clock.iso(), preview_message_id=message_id)

    # -- confirm, cancel, queue ---------------------------------------------------------------

    async def confirm(self, post_id: int, admin_id: int) -> Post:
        """Hand the draft to the outbox exactly once (now, or at its scheduled time)."""
        post = await self._require(post_id)
        if post.state != "draft" or post.job_id is None:
            raise PostError("post_already_done", id=post_id)
        if post.content.problems(post.options.split_caption):
            raise PostError("post_has_problems", id=post_id)
        if post.scheduled_at is not None and post.scheduled_at <= self.clock.now():
            raise PostError("schedule_in_past", value=post.scheduled_at.strftime("%Y-%m-%d %H:%M"), zone="UTC")
        item = OutboxItem(chat_ref(post.target), "", key=f"{KIND}:{post.id}",
                          payload={"type": KIND, "post_id": post.id}, not_before=to_db(post.scheduled_at))
        if await self.outbox.enqueue(KIND, [item], job_id=post.job_id, priority=5) is None:
            raise PostError("post_already_done", id=post_id)
        await self.store.call(posts_sql.transition, post.id, "draft", "queued", self.clock.iso())
        action = "post.schedule" if post.scheduled_at else "post.confirm"
        await self.audit.record(admin_id, action, {"post_id": post.id, "at": to_db(post.scheduled_at)})
        return replace(post, state="queued")

    async def cancel(self, post_id: int, admin_id: int) -> None:
        post = await self._require(post_id)
        if post.state == "draft" and await self.store.call(posts_sql.transition, post_id, "draft", "cancelled",
                                                           self.clock.iso()):
            if post.job_id is not None:
                await self.outbox.cancel_draft(post.job_id)
        elif post.state == "queued" and await self.store.call(outbox_sql.cancel_pending, f"{KIND}:{post.id}",
                                                               self.clock.iso()):
            await self.store.call(posts_sql.transition, post_id, "queued", "cancelled", self.clock.iso())
        else:
            raise PostError("post_already_done", id=post_id)
        await self.audit.record(admin_id, "post.cancel", {"post_id": post_id, "was": post.state})

    async def queue(self) -> list[Post]:
        rows = await self.store.call(posts_sql.with_state, "queued")
        return [Post.from_row(r) for r in rows]

    # -- after publishing ---------------------------------------------------------------------

    async def request_edit(self, post_id: int, admin_id: int) -> Post:
        post = await self._require(post_id, "sent")
        return await self._save(post, edit_requested_by=admin_id, edit_requested_at=self.clock.iso())

    async def pending_edit(self, admin_id: int) -> Post | None:
        row = await self.store.call(posts_sql.pending_edit, admin_id, to_db(self.clock.now() - DRAFT_EDIT_WINDOW))
        return Post.from_row(row) if row else None

    async def edit_published(self, post_id: int, admin_id: int, text: PostContent) -> Post:
        """Replace the published text or caption; URL buttons and media stay."""
        post = await self._require(post_id, "sent")
        content = post.content.with_text(text.text, text.entities)
        problems = content.problems(post.options.split_caption)
        if problems:
            raise PostError(problems[0].key, **problems[0].params)
        try:
            await self.publisher.edit(chat_ref(post.target), list(post.message_ids), content, post.options)
        except TelegramBadRequest as exc:
            if "not modified" not in exc.message:
                await self.audit.record(admin_id, "post.edit_published", {"post_id": post_id, "error": describe(exc)},
                                        ok=False)
                raise PostError("post_edit_failed", error=describe(exc)) from None
        fresh = await self._save(post, content=content, edit_requested_by=None, edit_requested_at=None)
        await self.audit.record(admin_id, "post.edit_published", {"post_id": post_id, "chars": len(text.text)})
        return fresh

    async def delete_published(self, post_id: int, admin_id: int) -> Post:
        """Remove a published post from the channel (Telegram allows it for 48 hours)."""
        post = await self._require(post_id, "sent")
        refusal = None
        if post.published_at is not None and self.clock.now() - post.published_at >= DELETE_WINDOW:
            refusal = PostError("post_delete_too_old", id=post_id)
        else:
            try:
                await self.publisher.delete(chat_ref(post.target), list(post.message_ids))
            except TelegramBadRequest as exc:
                if "not found" not in exc.message:  # already gone by hand: deleted all the same
                    key = "post_delete_too_old" if "can't be deleted" in exc.message else "post_delete_failed"
                    refusal = PostError(key, id=post_id, error=exc.message)
        if refusal is not None:
            await self.audit.record(admin_id, "post.delete", {"post_id": post_id, "refused": refusal.key}, ok=False)
            raise refusal
        fresh = await self._save(post, state="deleted")
        await self.audit.record(admin_id, "post.delete", {"post_id": post_id, "message_ids": list(post.message_ids)})
        return fresh

    # -- the outbox side ----------------------------------------------------------------------

    async def _deliver(self, chat_id: int | str, payload: dict[str, Any], done: list[int],
                       on_part: PartHook) -> SendResult:
        """Send one post for the outbox; its message ids are recorded on the post row."""
        post = await self.get(int(payload["post_id"]))
        if post is None or post.state in ("cancelled", "deleted"):
            return SendResult(chat_id, ok=False, error="post withdrawn")
        if post.state == "sent":  # recorded just before a crash: nothing left to send
            return SendResult(chat_id, [])
        await self.store.call(posts_sql.begin_send, post.id, self.clock.iso())
        result = await self.publisher.send(chat_id, post.content, post.options, done=done, on_part=on_part)
        if result.ok:
            await self._save(post, state="sent", message_ids=json.dumps(done + result.message_ids),
                             published_at=self.clock.iso())
        return result

    async def _on_job_event(self, job_id: int, finished: bool) -> None:
        if finished:
            row = await self.store.call(posts_sql.by_job, job_id)
            if row is not None:
                await self._settle(Post.from_row(row))

    async def resume(self) -> int:
        """At start: tell admins about posts that went out (or failed) while nobody reported it."""
        settled = 0
        for row in await self.store.call(posts_sql.unsettled):
            job = await self.outbox.job(row.job_id) if row.job_id else None
            if job is not None and job.state == "done":
                await self._settle(Post.from_row(row))
                settled += 1
        return settled

    async def _settle(self, post: Post) -> None:
        """Record how the post's outbox row ended and tell the admin — through the outbox too,
        keyed by the post, so the note survives a crash and is queued once however often this
        runs (the outbox listener, and `resume` after a restart)."""
        rows = await self.store.call(outbox_sql.rows_of, post.job_id)
        outcome = rows[0] if rows else None
        if outcome is None or outcome.state == "cancelled":
            return
        tr = Translator.for_code(await self.store.call(chats_sql.language, post.chat_id))
        fresh = await self.get(post.id) or post
        if outcome.state == "failed" and fresh.state != "sent":
            await self.store.call(posts_sql.update, post.id, self.clock.iso(), state="failed")
            detail: dict[str, Any] = {"post_id": post.id, "error": outcome.error}
            text = PostError("post_publish_failed", id=post.id, error=outcome.error or "?").text(tr)
            markup = None
        else:
            if fresh.state != "sent":  # sent as plain HTML (a post queued by an older version)
                fresh = await self._save(fresh, state="sent", message_ids=json.dumps(list(outcome.message_ids)),
                                         published_at=self.clock.iso())
            detail = {"post_id": post.id, "message_ids": list(fresh.message_ids)}
            link = post_link(fresh.target, fresh.message_ids[0]) if fresh.message_ids else None
            text, markup = tr("post_published_id", id=post.id), published_keyboard(post.id, link, tr)
            if fresh.send_attempts > 1:  # an earlier attempt died in flight: Telegram may have taken it
                text += "\n" + tr("post_maybe_twice")
        note = OutboxItem(post.chat_id, text, markup, key=f"{KIND}-note:{post.id}")
        enqueued = await self.outbox.enqueue(f"{KIND}-note", [note])
        if enqueued is not None and enqueued.added:
            await self.audit.record(post.admin_id, "post.publish", detail, ok="error" not in detail)
        await self.store.call(posts_sql.mark_notified, post.id)
