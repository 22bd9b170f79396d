"""Building bot messages: validated content in, Telegram Message objects and log events out.

Shared by the send and edit methods so a message looks the same whichever way it was produced
(sendMessage, copyMessage, an edit) and aiogram's pydantic models accept it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import NOT_MODIFIED, bad_request
from .limits import EDIT
from .markup import buttons_of, load_markup, validate_markup
from .media import MediaRef, message_fields
from .models import SentMessage
from .text import check_caption_length, check_text_length, trim_formatted

if TYPE_CHECKING:
    from .core import Core
    from .params import Params

_KEPT_ON_EDIT = ("reply_to_message", "forward_origin")


@dataclass
class Content:
    """Validated text or caption of a message, in both raw and parsed form."""

    text: str  # plain text, what the user sees
    entities: list[dict[str, Any]]
    html: str | None
    parse_mode: str | None


def read_content(
    core: Core, p: Params, field: str, entities_field: str, *, caption: bool
) -> Content:
    """Parse and length-check a text (``caption=False``) or caption field of a call."""
    raw = p.get_str(field) or ""
    if not raw and not caption:
        raise bad_request("message text is empty")
    parse_mode = p.get_str("parse_mode")
    plain, entities = core.format(raw, parse_mode, p.get_json(entities_field))
    plain, entities = trim_formatted(plain, entities)
    if caption:
        check_caption_length(plain)
    else:
        check_text_length(plain)
    return Content(plain, entities, raw, parse_mode)


def send_flags(p: Params) -> dict[str, Any]:
    """SentMessage fields from a send call's delivery options (what the channel's readers get)."""
    return {"silent": p.get_bool("disable_notification"), "protected": p.get_bool("protect_content")}


def read_markup(p: Params) -> dict[str, Any] | None:
    """Validated reply_markup; only an inline keyboard is kept on the message."""
    return validate_markup(load_markup(p.raw.get("reply_markup")))


def render(core: Core, chat: dict[str, Any], sent: SentMessage, extra: dict[str, Any]) -> None:
    """(Re)build ``sent.raw``: the Message object returned by the API and put in updates."""
    message: dict[str, Any] = {"message_id": sent.message_id, "date": sent.date, "chat": chat}
    if chat["type"] == "channel":
        message["sender_chat"] = chat
    else:
        message["from"] = core.bot_user
    if sent.media is not None and sent.file is not None:
        message.update(message_fields(MediaRef(sent.media, sent.file)))
        if sent.text:
            message["caption"] = sent.text
        if sent.entities:
            message["caption_entities"] = sent.entities
    else:
        message["text"] = sent.text
        if sent.entities:
            message["entities"] = sent.entities
    if sent.media_group_id:
        message["media_group_id"] = sent.media_group_id
    if sent.protected:
        message["has_protected_content"] = True
    if sent.reply_markup:
        message["reply_markup"] = sent.reply_markup
    if sent.edit_count:
        message["edit_date"] = core.now()
    message.update(extra)
    sent.raw = message


def publish(
    core: Core,
    chat: dict[str, Any],
    method: str,
    content: Content,
    markup: dict[str, Any] | None,
    *,
    media: MediaRef | None = None,
    source: tuple[int, int] | None = None,
    extra: dict[str, Any] | None = None,
    flags: dict[str, Any] | None = None,
) -> SentMessage:
    """Create a new bot message in ``chat`` (rate limits must already be accounted).

    ``flags``: SentMessage fields set by the call's options (silent, protected, media_group_id).
    """
    sent = SentMessage(
        message_id=core.store.next_id(chat["id"]),
        chat_id=chat["id"],
        method=method,
        text=content.text,
        html=content.html,
        parse_mode=content.parse_mode,
        entities=content.entities,
        reply_markup=markup,
        buttons=buttons_of(markup),
        date=core.now(),
        photo=media.file if media is not None and media.kind == "photo" else None,
        media=media.kind if media is not None else None,
        file=media.file if media is not None else None,
        source=source,
        **(flags or {}),
    )
    render(core, chat, sent, extra or {})
    core.sent += 1
    core.store.record(sent, method)
    return sent


def apply_edit(
    core: Core,
    chat: dict[str, Any],
    sent: SentMessage,
    method: str,
    content: Content | None,
    markup: dict[str, Any] | None,
) -> dict[str, Any]:
    """Reject no-op edits, account the edit for flood control, apply it; returns the Message.

    Telegram compares the parsed text/entities and the keyboard, so re-sending the same HTML
    with different but equivalent markup is still "not modified".
    """
    same_content = content is None or (
        content.text == sent.text and content.entities == sent.entities
    )
    if same_content and markup == sent.reply_markup:
        raise bad_request(NOT_MODIFIED)
    core.limiter.acquire(chat["id"], chat["type"], call=EDIT)
    if content is not None:
        sent.text, sent.entities = content.text, content.entities
        sent.html, sent.parse_mode = content.html, content.parse_mode
    sent.reply_markup, sent.buttons = markup, buttons_of(markup)
    sent.edit_count += 1
    render(core, chat, sent, {k: sent.raw[k] for k in _KEPT_ON_EDIT if k in sent.raw})
    core.edited += 1
    core.store.record(sent, method)
    return sent.raw


def reply_extra(core: Core, chat: dict[str, Any], p: Params) -> dict[str, Any]:
    """reply_to_message for replies; Telegram refuses replies to missing messages. Also the
    topic of a send into a forum (forums.py), refused when the topic is closed or deleted."""
    topic = core.forums.thread_extra(chat, p)
    reply_id, allow_without = p.reply_to()
    if not reply_id:
        return topic
    original = core.store.find(chat["id"], reply_id)
    if original is None:
        if allow_without:
            return topic
        raise bad_request("message to be replied not found")
    return {**topic, "reply_to_message": {k: v for k, v in original.items() if k != "reply_to_message"}}
