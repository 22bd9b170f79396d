"""Operational notices (a source disabled after repeated failures, the database refusing writes)
to every admin's private chat, each in the language that admin writes in."""

from __future__ import annotations

from html import escape

from bot.config import Settings
from bot.delivery import Sender
from bot.delivery.chats import Chats
from bot.i18n import Translator


class AdminNotices:
    def __init__(self, settings: Settings, chats: Chats, sender: Sender) -> None:
        self.settings = settings
        self.chats = chats
        self.sender = sender

    async def notify(self, key: str, params: dict[str, object]) -> None:
        """`key`: an i18n key; `params` are shown verbatim (escaped: URLs, error texts)."""
        values = {k: escape(str(v), quote=False) for k, v in params.items()}
        for admin_id in sorted(self.settings.admin_ids):
            tr = Translator.for_code(await self.chats.language(admin_id))
            await self.sender.send(admin_id, tr(key, **values))
