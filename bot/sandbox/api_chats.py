"""Chat-level methods: chat info, membership and chat actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import bad_request
from .limits import PIN
from .registry import api_method

if TYPE_CHECKING:
    from .core import Core
    from .params import Params

_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document"
    " choose_sticker find_location record_video_note upload_video_note".split()
)


@api_method("sendChatAction")
async def send_chat_action(core: Core, p: Params) -> bool:
    """"typing…" indicator; fails with 403 for blocked chats like real sends do."""
    core.target_chat(p)
    if p.get_str("action") not in _ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


@api_method("getChat")
async def get_chat(core: Core, p: Params) -> dict[str, Any]:
    """ChatFullInfo of a known chat."""
    return core.chats.full_info(core.target_chat(p))


@api_method("getChatMember")
async def get_chat_member(core: Core, p: Params) -> dict[str, Any]:
    """Membership of one user (admins come from add_group/set_chat_admins)."""
    chat = core.target_chat(p)
    user_id = p.required_int("user_id", "user not found")
    return core.chats.member(chat, user_id)


@api_method("getChatAdministrators")
async def get_chat_administrators(core: Core, p: Params) -> list[dict[str, Any]]:
    """Administrators of a group/supergroup/channel."""
    return core.chats.administrators(core.target_chat(p))


@api_method("getChatMemberCount")
async def get_chat_member_count(core: Core, p: Params) -> int:
    """A plausible member count (the sandbox does not track members)."""
    chat = core.target_chat(p)
    return 2 if chat["type"] == "private" else max(len(core.chats.admins.get(chat["id"], [])), 2)


@api_method("getChatMenuButton")
async def get_chat_menu_button(core: Core, p: Params) -> dict[str, Any]:
    """The default menu button."""
    return {"type": "commands"}


@api_method("unpinChatMessage")
async def unpin_chat_message(core: Core, p: Params) -> bool:
    """Unpin a message (or the latest pinned one); counted like a pin."""
    chat = core.target_chat(p)
    core.limiter.acquire(chat["id"], chat["type"], call=PIN)
    return True
