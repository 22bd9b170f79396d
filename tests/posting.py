"""Test helpers for channel posting: find the preview's control message, publish, read the channel."""

from __future__ import annotations

import time

from bot.app.local import SANDBOX_CHANNEL_ID
from bot.sandbox import Sandbox, SentMessage
from tests.conftest import ADMIN_ID


def labels(message: SentMessage) -> list[str]:
    return [text for row in message.buttons for text, _ in row]


async def _first(sb: Sandbox, chat_id: int, after: int, match, timeout: float, what: str) -> SentMessage:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        for event in sb.core.store.events(chat_id, after):
            if match(event):
                return sb.message(chat_id, event.message_id)
        if time.monotonic() > deadline:
            raise AssertionError(sb.dump(chat_id, f"timed out waiting for {what}"))
        await sb.core.notifier.wait(deadline - time.monotonic())


async def control(sb: Sandbox, after: int, chat_id: int = ADMIN_ID, timeout: float = 5.0) -> SentMessage:
    """The preview's control message (the one offering "Отмена") sent after ``after``."""
    return await _first(sb, chat_id, after, lambda e: e.method == "sendMessage" and any(
        "Отмена" in label for label in labels(e)), timeout, "a preview with an Отмена button")


async def rendered(sb: Sandbox, after: int, chat_id: int = ADMIN_ID) -> list[SentMessage]:
    """The post as previewed: the bot's messages after ``after`` up to the control message."""
    found = []
    for event in sb.core.store.events(chat_id, after):
        if any("Отмена" in label for label in labels(event)):
            break
        if event.method != "editMessageReplyMarkup":
            found.append(sb.message(chat_id, event.message_id))
    return found


async def post_preview(sb: Sandbox, text: str, user_id: int = ADMIN_ID, *, timeout: float = 5.0,
                       **kwargs) -> SentMessage:  # type: ignore[no-untyped-def]
    mark = sb.mark()
    sb.send_text(text, user_id=user_id, **kwargs)
    return await control(sb, mark, user_id, timeout)


async def note(sb: Sandbox, after: int, needle: str, chat_id: int = ADMIN_ID, timeout: float = 5.0) -> SentMessage:
    """The first message after ``after`` whose text contains ``needle``."""
    return await _first(sb, chat_id, after, lambda e: e.method == "sendMessage" and needle in e.text, timeout,
                        f"a message containing {needle!r}")


async def publish(sb: Sandbox, preview: SentMessage, user_id: int = ADMIN_ID) -> SentMessage:
    """Press "Опубликовать" and return the note saying the post is out."""
    mark = sb.mark()
    sb.press_button(preview.chat_id, preview.message_id, preview.button("Опубликовать"), user_id=user_id)
    return await note(sb, mark, "опубликован", preview.chat_id)


async def press(sb: Sandbox, message: SentMessage, label: str, user_id: int = ADMIN_ID, *,
                data: str | None = None) -> dict:
    """Press a button (by label, or a stale one by its ``data``) and return the bot's callback answer."""
    data = data or message.button(label)
    query_id = sb.press_button(message.chat_id, message.message_id, data, user_id=user_id)
    deadline = time.monotonic() + 5
    while True:
        for answer in sb.callback_answers:
            if answer["callback_query_id"] == query_id:
                return answer
        if time.monotonic() > deadline:
            raise AssertionError(sb.dump(message.chat_id, f"no answer to {label!r}"))
        await sb.core.notifier.wait(deadline - time.monotonic())  # answers wake it too


def channel(sb: Sandbox) -> list[SentMessage]:
    return sb.messages(SANDBOX_CHANNEL_ID)


async def toggle(sb: Sandbox, preview: SentMessage, label: str) -> SentMessage:
    """Press an option button and return the control message once it shows the new state."""
    mark = sb.mark()
    await press(sb, preview, label)
    await sb.wait_for(preview.chat_id, 1, after=mark, methods=("editMessageText",))
    return sb.message(preview.chat_id, preview.message_id)
