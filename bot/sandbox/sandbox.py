"""The Sandbox facade: lifecycle, registration of users/chats, faults and observations.

One object per test (or per ``run`` session without a token): it owns the HTTP server the
real aiogram Bot talks to and exposes the same state to the test in-process.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .core import SANDBOX_TOKEN, Core
from .faults import DEACTIVATED, Failure
from .interact import Interaction
from .interact_media import MediaInteraction
from .limits import SandboxLimits
from .models import CallRecord, SentMessage
from .server import SandboxServer

if TYPE_CHECKING:
    from aiogram import Bot


class Sandbox(Interaction, MediaInteraction):
    """A loopback Telegram Bot API plus the test-side controls of it."""

    def __init__(
        self,
        limits: SandboxLimits | None = None,
        token: str = SANDBOX_TOKEN,
        *,
        bot_username: str = "zen_digest_sandbox_bot",
        bot_name: str = "Zen Digest",
    ) -> None:
        self.limits = limits or SandboxLimits()
        self.token = token
        self.core = Core(self.limits, token, bot_username, bot_name)
        self._server = SandboxServer(self.core)
        self.host = "127.0.0.1"

    def revoke_token(self, token: str) -> None:
        """Answer 401 Unauthorized to every call made with ``token`` (a revoked or mistyped token)."""
        self.core.revoked_tokens.add(token)

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> Sandbox:
        """Listen on ``host:port`` (0 = a free port); returns self for chaining."""
        self.host = host
        await self._server.start(host, port)
        return self

    async def stop(self) -> None:
        """Release long polls, stop webhook delivery and close the server."""
        self.core.faults.release()
        await self.core.updates.close()
        await self._server.stop()

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """Root URL for ``TelegramAPIServer.from_base``."""
        return f"http://{self.host}:{self._server.port}"

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's User object (id from the token)."""
        return self.core.bot_user

    def make_bot(self, parse_mode: str | None = "HTML", token: str | None = None) -> Bot:
        """An aiogram Bot wired to this sandbox (see client.make_bot)."""
        from .client import make_bot

        return make_bot(self.base_url, token or self.token, parse_mode=parse_mode)

    # -- registration -------------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str = "Test",
        language_code: str | None = "ru",
        username: str | None = None,
    ) -> dict[str, Any]:
        """Register a user who has started the bot (the private chat becomes known)."""
        return self.core.chats.add_user(user_id, first_name, language_code, username)

    def add_group(
        self,
        chat_id: int,
        title: str = "Group",
        type: str = "group",  # noqa: A002 - Telegram's field name
        admins: Iterable[int] = (),
    ) -> dict[str, Any]:
        """Register a group/supergroup with the bot as member."""
        return self.core.chats.add_group(chat_id, title, type, admins)

    def add_channel(
        self, chat_id: int, username: str | None = None, title: str = "Channel"
    ) -> dict[str, Any]:
        """Register a channel (addressable as "@username") where the bot may post."""
        return self.core.chats.add_channel(chat_id, username, title)

    def set_chat_admins(self, chat_id: int, user_ids: Iterable[int]) -> None:
        """Administrators for getChatMember/getChatAdministrators (first one = creator)."""
        self.core.chats.set_admins(chat_id, user_ids)

    # -- faults -------------------------------------------------------------------------------

    def block_chat(
        self, chat_id: int, description: str = "Forbidden: bot was blocked by the user"
    ) -> None:
        """Sends to ``chat_id`` fail with 403 ``description``."""
        self.core.faults.block_chat(chat_id, description)

    def unblock_chat(self, chat_id: int) -> None:
        """Undo block_chat/deactivate_user/kick_from_chat."""
        self.core.faults.unblock_chat(chat_id)

    def deactivate_user(self, user_id: int) -> None:
        """The user deleted their account: 403 "Forbidden: user is deactivated"."""
        self.core.faults.block_chat(user_id, DEACTIVATED)

    def kick_from_chat(self, chat_id: int) -> None:
        """The bot was removed from a group/supergroup/channel: 403 on sends."""
        self.core.faults.kick(self.core.chats.get(chat_id))

    def migrate_group(self, old_id: int, new_id: int, *, notify: bool = False) -> dict[str, Any]:
        """Upgrade a group to a supergroup; sends to ``old_id`` get 400 + migrate_to_chat_id.

        With ``notify`` the service messages Telegram sends on upgrade are injected too
        (migrate_to_chat_id in the old chat, migrate_from_chat_id in the new one).
        """
        core = self.core
        old = core.chats.get(old_id)
        new = core.chats.migrate(old_id, new_id)
        if notify:
            admins = core.chats.admins.get(new_id) or [core.bot_user["id"]]
            actor = core.chats.user(admins[0])
            service = ((old, "migrate_to_chat_id", new_id), (new, "migrate_from_chat_id", old_id))
            for chat, key, value in service:
                message = {
                    "message_id": core.store.next_id(chat["id"]),
                    "date": core.now(),
                    "chat": chat,
                    "from": actor,
                    key: value,
                }
                self.inject_update({"message": message})
        return new

    def fail_next(
        self,
        method: str,
        status: int = 500,
        count: int = 1,
        description: str | None = None,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` ("*" = any) fail with ``status``.

        ``description`` defaults to the HTTP reason ("Internal Server Error", "Bad Gateway").
        """
        failure = Failure.server_error(method, status, count, description, parameters)
        self.core.faults.add_failure(failure)

    def set_delay(self, seconds: float, methods: Iterable[str] | None = None) -> None:
        """Answer ``methods`` (all when None) only after ``seconds``; 0 removes the delay."""
        self.core.faults.set_delay(seconds, tuple(methods) if methods else None)

    def hold(self, methods: Iterable[str] | None = None) -> None:
        """Keep answers to ``methods`` (all when None) until :meth:`release` (see ``wait_in_flight``)."""
        self.core.faults.hold(tuple(methods) if methods else None)

    def release(self) -> None:
        """Answer every held request and stop holding."""
        self.core.faults.release()

    def drop_connections(self, count: int = 1, methods: Iterable[str] | None = None) -> None:
        """Abort the next ``count`` requests' connections without an answer."""
        self.core.faults.drop_connections(count, tuple(methods) if methods else None)

    # -- observations -------------------------------------------------------------------------

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Current bot messages of the chat (edits applied, deleted ones excluded)."""
        return self.core.store.messages(chat_id)

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        """Current state of one bot message (also if deleted: check ``.deleted``)."""
        try:
            return self.core.store.bot[(chat_id, message_id)]
        except KeyError:
            raise KeyError(f"the bot never sent message {message_id} to chat {chat_id}") from None

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        """answerCallbackQuery parameters in order (callback_query_id, text, show_alert...)."""
        return self.core.callback_answers

    @property
    def calls(self) -> list[CallRecord]:
        """Every API call the sandbox answered, in completion order."""
        return self.core.calls

    @property
    def stats(self) -> dict[str, Any]:
        """sent, edited, rejected_429, limit_violations, errors by code, calls, by_method."""
        return self.core.stats()

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """setMyCommands state keyed by (scope JSON, language_code)."""
        return self.core.commands

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot."""
        return self.core.updates.pending

    @property
    def dropped_updates(self) -> list[dict[str, Any]]:
        """Updates discarded because of allowed_updates."""
        return self.core.updates.dropped

    @property
    def webhook_info(self) -> dict[str, Any]:
        """Same object getWebhookInfo returns."""
        return self.core.updates.webhook_info()
