"""reply_markup validation with Telegram's limits and error texts.

Keyboards are where bots most often break in production without noticing locally: a
callback_data that grows past 64 bytes once a long id is packed into it, or a keyboard with
one button per article that passes 100 buttons. The sandbox rejects both like Telegram does.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import bad_request

MAX_CALLBACK_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_INLINE_ROW = 8
_URL_SCHEMES = ("http://", "https://", "tg://")
_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)


def load_markup(raw: Any) -> dict[str, Any] | None:
    """Decode a reply_markup field (JSON string from form data, or an object from a JSON body)."""
    if raw in (None, ""):
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise bad_request("can't parse reply keyboard markup JSON object") from None
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return raw


def validate_markup(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Validate any reply_markup; return the inline keyboard to store on the message, if any.

    Telegram echoes only inline keyboards in Message.reply_markup; reply keyboards, force_reply
    and remove_keyboard affect the client UI but are not part of the message.
    """
    if markup is None:
        return None
    if "inline_keyboard" in markup:
        _validate_inline(markup["inline_keyboard"])
        return {"inline_keyboard": markup["inline_keyboard"]}
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('field "keyboard" must be an Array')
        return None
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return None
    raise bad_request("can't parse reply keyboard markup JSON object")


def _validate_inline(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request('field "inline_keyboard" must be an Array of Array')
    total = sum(len(r) for r in rows)
    if total > MAX_INLINE_BUTTONS or any(len(r) > MAX_INLINE_ROW for r in rows):
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            _validate_button(button)


def _validate_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request(
            "can't parse inline keyboard button: Field \"text\" must be of type String"
        )
    if not text.strip():
        raise bad_request("BUTTON_TEXT_EMPTY")
    actions = [key for key in _ACTIONS if key in button]
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.lower().startswith(_URL_SCHEMES) or " " in url:
            raise bad_request("BUTTON_URL_INVALID")


def buttons_of(markup: dict[str, Any] | None) -> list[list[tuple[str, str | None]]]:
    """Inline keyboard as rows of (text, callback_data or url) — the test-friendly view."""
    if not markup:
        return []
    return [
        [(b.get("text", ""), b.get("callback_data", b.get("url"))) for b in row]
        for row in markup.get("inline_keyboard", [])
    ]
