"""Users and chats known to the sandbox, and who administers them.

Telegram only lets a bot write to chats it has seen (a user who pressed Start, a group it was
added to, a channel where it is admin). Keeping an explicit registry lets the sandbox answer
"chat not found" for anything else, which catches bots that send to stale or made-up ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .errors import bad_request

_ADMIN_RIGHTS = (
    "can_manage_chat can_delete_messages can_manage_video_chats can_restrict_members"
    " can_promote_members can_change_info can_invite_users can_post_stories can_edit_stories"
    " can_delete_stories can_send_welcome_messages can_post_messages can_edit_messages"
    " can_pin_messages"
).split()


class ChatRegistry:
    """Users, chats (by id and @username), administrators and group migrations."""

    def __init__(self, bot_user: dict[str, Any]) -> None:
        self.bot_user = bot_user
        self.users: dict[int, dict[str, Any]] = {bot_user["id"]: bot_user}
        self.chats: dict[int, dict[str, Any]] = {}
        self.usernames: dict[str, int] = {}
        self.admins: dict[int, list[int]] = {}
        self.migrated: dict[int, int] = {}
        self.pinned: dict[int, int] = {}  # chat -> newest pinned message id

    # -- registration -------------------------------------------------------------------------

    def add_user(
        self, user_id: int, first_name: str, language_code: str | None, username: str | None
    ) -> dict[str, Any]:
        """Register a user and its private chat with the bot (as if the user pressed Start)."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        if username:
            chat["username"] = username
        self._store_chat(chat)
        return user

    def add_group(
        self,
        chat_id: int,
        title: str = "Group",
        type: str = "group",  # noqa: A002 - mirrors Telegram's field name
        admins: Iterable[int] = (),
    ) -> dict[str, Any]:
        """Register a group or supergroup the bot is a member of."""
        if type not in ("group", "supergroup"):
            raise ValueError(f"group type must be 'group' or 'supergroup', not {type!r}")
        chat = {"id": chat_id, "type": type, "title": title}
        self._store_chat(chat)
        self.admins[chat_id] = list(admins)
        return chat

    def add_channel(
        self, chat_id: int, username: str | None = None, title: str = "Channel"
    ) -> dict[str, Any]:
        """Register a channel where the bot is an administrator allowed to post."""
        chat: dict[str, Any] = {"id": chat_id, "type": "channel", "title": title}
        if username:
            chat["username"] = username.lstrip("@")
        self._store_chat(chat)
        self.admins[chat_id] = [self.bot_user["id"]]
        return chat

    def _store_chat(self, chat: dict[str, Any]) -> None:
        self.chats[chat["id"]] = chat
        if chat.get("username"):
            self.usernames[chat["username"].lower()] = chat["id"]

    def set_admins(self, chat_id: int, user_ids: Iterable[int]) -> None:
        """Replace the admin list; the first listed user is reported as the creator."""
        self.get(chat_id)
        self.admins[chat_id] = list(user_ids)

    def migrate(self, old_id: int, new_id: int) -> dict[str, Any]:
        """Upgrade a group to a supergroup with a new id, like Telegram does on upgrade."""
        old = self.get(old_id)
        new = {**old, "id": new_id, "type": "supergroup"}
        self._store_chat(new)
        self.admins[new_id] = list(self.admins.get(old_id, []))
        self.migrated[old_id] = new_id
        return new

    # -- lookup -------------------------------------------------------------------------------

    def get(self, chat_id: int) -> dict[str, Any]:
        """Chat by id for the test API (KeyError with a hint for typos in tests)."""
        try:
            return self.chats[chat_id]
        except KeyError:
            raise KeyError(f"chat {chat_id} is not registered in the sandbox") from None

    def user(self, user_id: int) -> dict[str, Any]:
        """User by id, registering a default user on first use so tests stay short."""
        return self.users.get(user_id) or self.add_user(user_id, "Test", "ru", None)

    def resolve(self, ref: Any) -> dict[str, Any]:
        """Chat addressed by an API call (int id, numeric string or "@username") or 400."""
        if ref in (None, ""):
            raise bad_request("chat_id is empty")
        chat_id: int | None
        text = str(ref).strip()
        if text.startswith("@"):
            chat_id = self.usernames.get(text[1:].lower())
        else:
            try:
                chat_id = int(text)
            except ValueError:
                chat_id = None
        if chat_id in self.migrated:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated[chat_id]},
            )
        if chat_id is None or chat_id not in self.chats:
            raise bad_request("chat not found")
        return self.chats[chat_id]

    def member(self, chat: dict[str, Any], user_id: int) -> dict[str, Any]:
        """ChatMember object for getChatMember."""
        user = self.users.get(user_id)
        if user is None:
            raise bad_request("user not found" if chat["type"] == "private" else "member not found")
        admins = self.admins.get(chat["id"], [])
        if chat["type"] == "private":
            return {"status": "member", "user": user}
        if user_id in admins:
            return self._admin(chat, user, creator=user_id == admins[0])
        return {"status": "member", "user": user}

    def administrators(self, chat: dict[str, Any]) -> list[dict[str, Any]]:
        """ChatMember list for getChatAdministrators."""
        if chat["type"] == "private":
            raise bad_request("there are no administrators in the private chat")
        admins = self.admins.get(chat["id"], [])
        return [
            self._admin(chat, self.user(uid), creator=i == 0) for i, uid in enumerate(admins)
        ]

    def bot_member(self, chat: dict[str, Any], status: str) -> dict[str, Any]:
        """The bot's ChatMember for my_chat_member updates (fields aiogram requires)."""
        bot = self.bot_user
        if status == "administrator":
            return self._admin(chat, bot, creator=False)
        if status == "kicked":
            return {"status": "kicked", "user": bot, "until_date": 0}
        if status in ("member", "left"):
            return {"status": status, "user": bot}
        raise ValueError(f"unsupported bot status {status!r}: administrator/member/left/kicked")

    @staticmethod
    def _admin(chat: dict[str, Any], user: dict[str, Any], *, creator: bool) -> dict[str, Any]:
        if creator and not user.get("is_bot"):
            return {"status": "creator", "user": user, "is_anonymous": False}
        member: dict[str, Any] = {"status": "administrator", "user": user, "is_anonymous": False}
        member["can_be_edited"] = False
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
        if chat["type"] != "channel":
            member.pop("can_post_messages")
            member.pop("can_edit_messages")
        return member

    def full_info(self, chat: dict[str, Any]) -> dict[str, Any]:
        """ChatFullInfo for getChat, with the fields aiogram requires."""
        info = dict(chat)
        info.update(accent_color_id=0, max_reaction_count=11)
        info["accepted_gift_types"] = {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        }
        if chat["type"] == "private":
            user = self.users.get(chat["id"], {})
            for key in ("last_name", "username"):
                if key in user:
                    info[key] = user[key]
        return info
