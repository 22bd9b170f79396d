"""Forum supergroups and their topics, as a bot meets them.

In a forum every message but the General topic's carries ``message_thread_id`` (the id of the
topic's creation message) and ``is_topic_message``; a bot's send with ``message_thread_id`` lands
in that topic. A topic can be closed (only administrators may write there; the bot is not one
here) or deleted: Telegram then answers 400 "TOPIC_CLOSED" / "message thread not found", which is
how a bot learns that a topic subscription is dead — no update announces a deletion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import bad_request
from .text import bot_command_entities

if TYPE_CHECKING:
    from .params import Params
    from .sandbox import Sandbox

THREAD_NOT_FOUND = "message thread not found"
TOPIC_CLOSED = "TOPIC_CLOSED"


@dataclass
class Topic:
    thread_id: int
    name: str
    closed: bool = False
    deleted: bool = False


class Forums:
    """Topics per forum chat (a chat becomes a forum by getting its first topic)."""

    def __init__(self) -> None:
        self.topics: dict[int, dict[int, Topic]] = {}

    def thread_extra(self, chat: dict[str, Any], p: Params) -> dict[str, Any]:
        """The Message fields of a send into a topic; Telegram's 400s for dead topics."""
        thread_id = p.get_int("message_thread_id")
        if not thread_id or not chat.get("is_forum"):
            return {}
        topic = self.topics.get(chat["id"], {}).get(thread_id)
        if topic is None or topic.deleted:
            raise bad_request(THREAD_NOT_FOUND)
        if topic.closed:
            raise bad_request(TOPIC_CLOSED)
        return {"message_thread_id": thread_id, "is_topic_message": True}


def add_forum(sb: Sandbox, chat_id: int, title: str = "Forum", admins: tuple[int, ...] = ()) -> dict[str, Any]:
    """A supergroup with topics enabled, the bot a member."""
    chat = sb.add_group(chat_id, title, type="supergroup", admins=admins)
    chat["is_forum"] = True
    sb.core.forums.topics.setdefault(chat_id, {})
    return chat


def create_topic(sb: Sandbox, chat_id: int, name: str, *, user_id: int) -> int:
    """A member opens a topic; returns its message_thread_id (the creation message's id)."""
    core = sb.core
    chat = core.chats.get(chat_id)
    if not chat.get("is_forum"):
        raise ValueError(f"chat {chat_id} is not a forum (use add_forum)")
    thread_id = core.store.next_id(chat_id)
    core.forums.topics[chat_id][thread_id] = Topic(thread_id, name)
    message = {"message_id": thread_id, "date": core.now(), "chat": chat, "from": dict(core.chats.user(user_id)),
               "message_thread_id": thread_id, "is_topic_message": True,
               "forum_topic_created": {"name": name, "icon_color": 7322096}}
    core.store.add_user_message(message)
    return thread_id


def close_topic(sb: Sandbox, chat_id: int, thread_id: int, *, by: int | None = None) -> dict[str, Any] | None:
    """Only administrators may write there now. With `by` (who closed it), the "topic closed"
    service message Telegram posts in the topic is injected too; returns it."""
    core = sb.core
    core.forums.topics[chat_id][thread_id].closed = True
    if by is None:
        return None
    message = {"message_id": core.store.next_id(chat_id), "date": core.now(), "chat": core.chats.get(chat_id),
               "from": dict(core.chats.user(by)), "message_thread_id": thread_id, "is_topic_message": True,
               "forum_topic_closed": {}}
    core.store.add_user_message(message)
    core.updates.inject({"message": message})
    return message


def delete_topic(sb: Sandbox, chat_id: int, thread_id: int) -> None:
    """The topic and its messages are gone; nothing tells the bot."""
    sb.core.forums.topics[chat_id][thread_id].deleted = True


def say_in_topic(sb: Sandbox, text: str, *, user_id: int, chat_id: int, thread_id: int) -> dict[str, Any]:
    """A member writes in a topic; returns the injected Message."""
    core = sb.core
    chat = core.chats.get(chat_id)
    message: dict[str, Any] = {
        "message_id": core.store.next_id(chat_id), "date": core.now(), "chat": chat,
        "from": dict(core.chats.user(user_id)), "text": text, "message_thread_id": thread_id,
        "is_topic_message": True,
    }
    if entities := bot_command_entities(text):
        message["entities"] = entities
    core.store.add_user_message(message)
    core.updates.inject({"message": message})
    return message


def in_topic(sb: Sandbox, chat_id: int, thread_id: int | None) -> list[str]:
    """Texts of the bot's live messages in one topic (None: the General topic), oldest first."""
    return [m.text for m in sb.messages(chat_id) if m.raw.get("message_thread_id") == thread_id]

