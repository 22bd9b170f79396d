"""Editing and deleting bot messages.

Reproduces the two edit errors bots trip over most: "message is not modified" (pressing the
same button twice) and "message to edit not found" (editing a deleted or foreign message).
Like Telegram, an edit without reply_markup removes the inline keyboard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .compose import apply_edit, read_content, read_markup
from .errors import bad_request
from .limits import DELETE
from .models import SentMessage
from .registry import api_method

if TYPE_CHECKING:
    from .core import Core
    from .params import Params


def _editable(core: Core, p: Params) -> tuple[dict[str, Any], SentMessage]:
    """The chat and live bot message an edit call targets, or Telegram's 400."""
    if p.has("inline_message_id") and not p.has("chat_id"):
        raise bad_request("message to edit not found")  # inline messages are not emulated
    chat = core.target_chat(p)
    message_id = p.required_int("message_id", "message identifier is not specified")
    sent = core.store.live_bot(chat["id"], message_id)
    if sent is None:
        if core.store.find(chat["id"], message_id) is not None:
            raise bad_request("message can't be edited")
        raise bad_request("message to edit not found")
    return chat, sent


async def _edit_content(core: Core, p: Params, method: str, *, caption: bool) -> dict[str, Any]:
    """editMessageText / editMessageCaption: the message kind must match the edited field."""
    chat, sent = _editable(core, p)
    if caption and sent.media is None:
        raise bad_request("there is no caption in the message to edit")
    if not caption and sent.media is not None:
        raise bad_request("there is no text in the message to edit")
    field, entities = ("caption", "caption_entities") if caption else ("text", "entities")
    content = read_content(core, p, field, entities, caption=caption)
    return apply_edit(core, chat, sent, method, content, read_markup(p))


@api_method("editMessageText")
async def edit_message_text(core: Core, p: Params) -> dict[str, Any]:
    """Replace the text (and keyboard) of a text message."""
    return await _edit_content(core, p, "editMessageText", caption=False)


@api_method("editMessageCaption")
async def edit_message_caption(core: Core, p: Params) -> dict[str, Any]:
    """Replace the caption (and keyboard) of a media message."""
    return await _edit_content(core, p, "editMessageCaption", caption=True)


@api_method("editMessageReplyMarkup")
async def edit_message_reply_markup(core: Core, p: Params) -> dict[str, Any]:
    """Replace or remove only the inline keyboard."""
    chat, sent = _editable(core, p)
    return apply_edit(core, chat, sent, "editMessageReplyMarkup", None, read_markup(p))


DELETE_WINDOW = 48 * 3600  # "a message can only be deleted if it was sent less than 48 hours ago"


@api_method("deleteMessage")
async def delete_message(core: Core, p: Params) -> bool:
    """Delete a bot message (or a user message in a private chat) younger than 48 hours."""
    chat = core.chats.resolve(p.raw.get("chat_id"))
    message_id = p.required_int("message_id", "message identifier is not specified")
    found = core.store.find(chat["id"], message_id)
    if found is None:
        raise bad_request("message to delete not found")
    if core.now() - int(found.get("date", 0)) >= DELETE_WINDOW:
        raise bad_request("message can't be deleted for everyone")
    core.limiter.acquire(chat["id"], chat["type"], call=DELETE)
    core.store.delete(chat["id"], message_id)
    return True
