"""Media methods: sendPhoto/Video/Animation/Document/Audio/Voice, sendMediaGroup, pinChatMessage.

Checks are Telegram's: a caption of at most 1,024 UTF-16 units, a file id of the right kind,
albums of 2–10 items where photos and videos mix but documents and audio stay among their own,
no keyboard on an album. As everywhere in the sandbox, every check runs before the rate limiter
so a refused call costs no flood-control quota.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from .compose import Content, publish, read_content, read_markup, reply_extra, send_flags
from .errors import bad_request
from .html import parse_formatted
from .limits import PIN
from .media import KINDS, check_album, media_ref
from .models import SentMessage
from .registry import api_method
from .text import check_caption_length, trim_formatted

if TYPE_CHECKING:
    from .core import Core
    from .params import Params

_GROUP_IDS = itertools.count(13_000_000_000_000_001)


def _send_media(kind: str, method: str):  # type: ignore[no-untyped-def]
    async def send(core: Core, p: Params) -> dict[str, Any]:
        chat = core.target_chat(p)
        media = media_ref(kind, p.get_str(kind))
        content = read_content(core, p, "caption", "caption_entities", caption=True)
        markup = read_markup(p)
        extra = reply_extra(core, chat, p)
        core.limiter.acquire(chat["id"], chat["type"], paid=p.get_bool("allow_paid_broadcast"))
        sent = publish(core, chat, method, content, markup, media=media, extra=extra, flags=send_flags(p))
        return sent.raw

    send.__doc__ = f"Send a {kind} by file_id, URL or upload; caption ≤ 1024 UTF-16 units."
    return send


for _kind in KINDS:
    _method = "send" + _kind.capitalize()
    api_method(_method)(_send_media(_kind, _method))


def _album_item(core: Core, p: Params, item: Any) -> tuple[Any, Content]:
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        raise bad_request("can't parse InputMedia JSON object")
    value = item.get("media")
    if isinstance(value, str) and value.startswith("attach://"):
        value = p.raw.get(value[len("attach://"):], value)
    media = media_ref(item["type"], value if isinstance(value, str) else None)
    raw = item.get("caption") or ""
    mode = item.get("parse_mode", p.get_str("parse_mode"))
    plain, entities = parse_formatted(
        raw, mode, item.get("caption_entities"), strict_ampersand=core.limits.strict_ampersand
    )
    plain, entities = trim_formatted(plain, entities)
    check_caption_length(plain)
    return media, Content(plain, entities, raw, mode)


@api_method("sendMediaGroup")
async def send_media_group(core: Core, p: Params) -> list[dict[str, Any]]:
    """Send an album: one message per item, all sharing a media_group_id."""
    chat = core.target_chat(p)
    items = p.get_json("media")
    if not isinstance(items, list):
        raise bad_request("can't parse media JSON object")
    parsed = [_album_item(core, p, item) for item in items]
    check_album([media.kind for media, _ in parsed])
    extra = reply_extra(core, chat, p)
    core.limiter.acquire(chat["id"], chat["type"], paid=p.get_bool("allow_paid_broadcast"))
    flags = {**send_flags(p), "media_group_id": str(next(_GROUP_IDS))}
    return [
        publish(core, chat, "sendMediaGroup", content, None, media=media, extra=extra, flags=flags).raw
        for media, content in parsed
    ]


def _live(core: Core, chat: dict[str, Any], message_id: int) -> SentMessage | dict[str, Any]:
    sent = core.store.live_bot(chat["id"], message_id)
    if sent is not None:
        return sent
    raw = core.store.find(chat["id"], message_id)
    if raw is None:
        raise bad_request("message to pin not found")
    return raw


@api_method("pinChatMessage")
async def pin_chat_message(core: Core, p: Params) -> bool:
    """Pin a message (the bot must be allowed to; a channel admin bot is)."""
    chat = core.target_chat(p)
    message_id = p.required_int("message_id", "message identifier is not specified")
    target = _live(core, chat, message_id)
    core.limiter.acquire(chat["id"], chat["type"], call=PIN)  # pins count like edits (SandboxLimits)
    core.chats.pinned[chat["id"]] = message_id
    if isinstance(target, SentMessage):
        target.pinned = True
        core.store.record(target, "pinChatMessage")
    return True
