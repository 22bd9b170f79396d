"""The audit trail of admin actions (allowed and refused), written through the store."""

from __future__ import annotations

from typing import Any

from bot.clock import Clock
from storage import audit as audit_sql
from storage import chats as chats_sql
from storage.db import Store
from storage.rows import AuditEntry


class Audit:
    """The audit trail (`audit`, injected as `audit`): every service records its own admin actions here."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def record(self, user_id: int | None, action: str, detail: dict[str, Any] | None = None, *, ok: bool = True) -> int:
        return await self.store.call(
            audit_sql.record, at=self.clock.iso(), user_id=user_id, action=action, detail=detail, ok=ok
        )

    async def recent(self, limit: int = 20) -> list[AuditEntry]:
        return await self.store.call(audit_sql.recent, limit)

    async def names(self, user_ids: set[int]) -> dict[int, str]:
        """How people appear in /audit: the name their private chat with the bot carries."""
        found: dict[int, str] = {}
        for user_id in sorted(user_ids):
            chat = await self.store.call(chats_sql.get, user_id)
            if chat and chat.title:
                found[user_id] = f"{chat.title} ({user_id})"
        return found
