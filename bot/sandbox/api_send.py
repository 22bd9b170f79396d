"""Message-producing methods: sendMessage, copyMessage, forwardMessage (media: api_media).

Each validates everything first and consults the rate limiter last, so a rejected request
(400) does not consume flood-control quota — matching what a bot observes in production.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .compose import Content, publish, read_content, read_markup, reply_extra, send_flags
from .errors import bad_request
from .media import MediaRef, media_of_message
from .registry import api_method

if TYPE_CHECKING:
    from .core import Core
    from .params import Params


@api_method("sendMessage")
async def send_message(core: Core, p: Params) -> dict[str, Any]:
    """Send a text message."""
    chat = core.target_chat(p)
    content = read_content(core, p, "text", "entities", caption=False)
    markup = read_markup(p)
    extra = reply_extra(core, chat, p)
    preview = p.get_json("link_preview_options")
    if isinstance(preview, dict) and preview:
        extra["link_preview_options"] = preview
    core.limiter.acquire(chat["id"], chat["type"], paid=p.get_bool("allow_paid_broadcast"))
    return publish(core, chat, "sendMessage", content, markup, extra=extra, flags=send_flags(p)).raw


def _source(core: Core, p: Params, missing: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(source chat, source message) of a copy/forward, or Telegram's "not found" 400."""
    from_chat = core.chats.resolve(p.raw.get("from_chat_id"))
    message_id = p.required_int("message_id", "message identifier is not specified")
    original = core.store.find(from_chat["id"], message_id)
    if original is None:
        raise bad_request(missing)
    return from_chat, original


def _original_content(original: dict[str, Any]) -> tuple[Content, MediaRef | None]:
    """(text or caption with entities, medium or None) of an existing message."""
    media = media_of_message(original)
    if media is not None:
        text, entities = original.get("caption", ""), original.get("caption_entities", [])
    else:
        text, entities = original.get("text", ""), original.get("entities", [])
    return Content(text, [dict(e) for e in entities], None, None), media


def _origin(core: Core, from_chat: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    """MessageOrigin of a forwarded message."""
    if "forward_origin" in original:
        return original["forward_origin"]
    date = original["date"]
    if from_chat["type"] == "channel":
        return {
            "type": "channel",
            "chat": from_chat,
            "message_id": original["message_id"],
            "date": date,
        }
    sender = original.get("from") or core.bot_user
    return {"type": "user", "sender_user": sender, "date": date}


@api_method("copyMessage")
async def copy_message(core: Core, p: Params) -> dict[str, Any]:
    """Copy without a link to the original; returns only the new MessageId."""
    chat = core.target_chat(p)
    from_chat, original = _source(core, p, "message to copy not found")
    content, media = _original_content(original)
    if media is not None and p.has("caption"):  # a copy of media may get a new caption
        content = read_content(core, p, "caption", "caption_entities", caption=True)
    markup = read_markup(p)
    extra = reply_extra(core, chat, p)
    core.limiter.acquire(chat["id"], chat["type"], paid=p.get_bool("allow_paid_broadcast"))
    source = (from_chat["id"], original["message_id"])
    sent = publish(
        core, chat, "copyMessage", content, markup, media=media, source=source, extra=extra,
        flags=send_flags(p),
    )
    return {"message_id": sent.message_id}


@api_method("forwardMessage")
async def forward_message(core: Core, p: Params) -> dict[str, Any]:
    """Forward with attribution (forward_origin); keyboards are not forwarded."""
    chat = core.target_chat(p)
    from_chat, original = _source(core, p, "message to forward not found")
    content, media = _original_content(original)
    core.limiter.acquire(chat["id"], chat["type"], paid=p.get_bool("allow_paid_broadcast"))
    extra = {"forward_origin": _origin(core, from_chat, original)}
    source = (from_chat["id"], original["message_id"])
    sent = publish(
        core, chat, "forwardMessage", content, None, media=media, source=source, extra=extra,
        flags=send_flags(p),
    )
    return sent.raw
