"""Admin posts to the channel: a stored draft, previewed, then published once on confirmation."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot

from bot.audit import AuditLog
from bot.clock import Clock
from bot.config import Settings
from bot.render import plain
from storage import posts as posts_sql
from storage.db import Store


class PostError(Exception):
    """A reason to show the admin (i18n key in `args[0]`)."""


@dataclass(frozen=True)
class Draft:
    id: int
    text: str
    target: str


class Posting:
    def __init__(self, store: Store, clock: Clock, settings: Settings, audit: AuditLog) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.audit = audit

    def target(self) -> int | str:
        target = self.settings.channel_chat_id
        if target is None:
            raise PostError("post_no_channel")
        return target

    async def draft(self, admin_id: int, chat_id: int, text: str) -> Draft:
        target = str(self.target())
        post_id = await self.store.call(
            posts_sql.create, admin_id=admin_id, chat_id=chat_id, target=target, text=text, now=self.clock.iso()
        )
        await self.audit.record(admin_id, "post.draft", {"post_id": post_id, "chars": len(text)})
        return Draft(post_id, text, target)

    async def set_preview(self, post_id: int, message_id: int) -> None:
        await self.store.call(posts_sql.update, post_id, self.clock.iso(), preview_message_id=message_id)

    async def publish(self, bot: Bot, post_id: int, admin_id: int) -> int:
        """Send a draft to the channel exactly once, even if the button is pressed twice."""
        post = await self.store.call(posts_sql.get, post_id)
        if post is None:
            raise PostError("post_unknown")
        if not await self.store.call(posts_sql.transition, post_id, "draft", "sending", self.clock.iso()):
            raise PostError("post_already_done")
        target = int(post["target"]) if post["target"].lstrip("-").isdigit() else post["target"]
        try:
            sent = await bot.send_message(target, plain(post["text"]))
        except Exception as exc:
            await self.store.call(posts_sql.update, post_id, self.clock.iso(), state="failed")
            await self.audit.record(admin_id, "post.publish", {"post_id": post_id, "error": str(exc)}, ok=False)
            raise PostError("post_failed") from exc
        await self.store.call(posts_sql.update, post_id, self.clock.iso(), state="sent", sent_message_id=sent.message_id)
        await self.audit.record(admin_id, "post.publish", {"post_id": post_id, "message_id": sent.message_id})
        return sent.message_id

    async def cancel(self, post_id: int, admin_id: int) -> None:
        if not await self.store.call(posts_sql.transition, post_id, "draft", "cancelled", self.clock.iso()):
            raise PostError("post_already_done")
        await self.audit.record(admin_id, "post.cancel", {"post_id": post_id})
