"""Bot-level methods: identity, update delivery (polling/webhook), callbacks and commands."""

from __future__ import annotations

import json
import re
import time
from typing import TYPE_CHECKING, Any

from .errors import QUERY_TOO_OLD, bad_request
from .registry import api_method
from .updates import Webhook

if TYPE_CHECKING:
    from .core import Core
    from .params import Params

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_MAX_COMMANDS = 100
_MAX_ALERT = 200


@api_method("getMe")
async def get_me(core: Core, p: Params) -> dict[str, Any]:
    """The bot's User; the id is the numeric part of the token used."""
    return core.me(p.token)


async def _ok(core: Core, p: Params) -> bool:
    """Methods whose only observable effect is success in the sandbox."""
    return True


for _name in (
    "logOut",
    "close",
    "setChatMenuButton",
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "setMyDefaultAdministratorRights",
):
    api_method(_name)(_ok)


def _allowed(p: Params) -> list[str] | None:
    value = p.get_json("allowed_updates")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_request("can't parse allowed_updates JSON object")
    return value


@api_method("getUpdates")
async def get_updates(core: Core, p: Params) -> list[dict[str, Any]]:
    """Long polling with offset confirmation (see UpdateQueue.get_updates)."""
    return await core.updates.get_updates(
        offset=p.get_int("offset", 0) or 0,
        limit=p.get_int("limit", 100) or 100,
        timeout=p.get_float("timeout", 0.0),
        allowed=_allowed(p),
    )


@api_method("setWebhook")
async def set_webhook(core: Core, p: Params) -> bool:
    """Deliver updates by POST; an empty url removes the webhook like Telegram."""
    url = (p.get_str("url") or "").strip()
    drop = p.get_bool("drop_pending_updates")
    if not url:
        await core.updates.delete_webhook(drop)
        return True
    if not url.lower().startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get_str("secret_token")
    if secret and not _SECRET_RE.match(secret):
        raise bad_request("secret token contains unallowed characters")
    hook = Webhook(
        url=url,
        secret_token=secret or None,
        max_connections=p.get_int("max_connections", 40) or 40,
        allowed_updates=_allowed(p),
    )
    core.updates.set_webhook(hook, drop)
    return True


@api_method("deleteWebhook")
async def delete_webhook(core: Core, p: Params) -> bool:
    """Switch back to getUpdates."""
    await core.updates.delete_webhook(p.get_bool("drop_pending_updates"))
    return True


@api_method("getWebhookInfo")
async def get_webhook_info(core: Core, p: Params) -> dict[str, Any]:
    """WebhookInfo, including the last delivery error."""
    return core.updates.webhook_info()


@api_method("answerCallbackQuery")
async def answer_callback_query(core: Core, p: Params) -> bool:
    """Answer a button press once, within the query's lifetime."""
    query_id = p.get_str("callback_query_id") or ""
    query = core.callbacks.get(query_id)
    expired = query is None or query["answered"]
    if query is not None and time.monotonic() - query["at"] > core.limits.callback_query_ttl:
        expired = True
    if expired:
        raise bad_request(QUERY_TOO_OLD)
    text = p.get_str("text")
    if text and len(text) > _MAX_ALERT:
        raise bad_request("MESSAGE_TOO_LONG")
    query["answered"] = True
    core.callback_answers.append(
        {
            "callback_query_id": query_id,
            "text": text,
            "show_alert": p.get_bool("show_alert"),
            "url": p.get_str("url"),
            "cache_time": p.get_int("cache_time", 0),
        }
    )
    core.notifier.notify()
    return True


def _commands_key(p: Params) -> tuple[str, str]:
    scope = p.get_json("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), p.get_str("language_code") or ""


@api_method("setMyCommands")
async def set_my_commands(core: Core, p: Params) -> bool:
    """Validate commands like Telegram (lowercase, ≤ 32 chars, description 1..256)."""
    commands = p.get_json("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > _MAX_COMMANDS:
        raise bad_request("too many commands specified")
    for item in commands:
        if not isinstance(item, dict) or not _COMMAND_RE.match(str(item.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(item.get("description", "")).strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    clean = [{"command": c["command"], "description": c["description"]} for c in commands]
    core.commands[_commands_key(p)] = clean
    return True


@api_method("getMyCommands")
async def get_my_commands(core: Core, p: Params) -> list[dict[str, Any]]:
    """Commands for the exact scope and language (no fallback, as in the Bot API)."""
    return core.commands.get(_commands_key(p), [])


@api_method("deleteMyCommands")
async def delete_my_commands(core: Core, p: Params) -> bool:
    """Forget the commands of one scope/language."""
    core.commands.pop(_commands_key(p), None)
    return True
