"""A chat in the terminal on top of the sandbox: type messages, read replies, press buttons by number.

This is what `zendigest run` gives without a token, so a person can try the real bot (same
dispatcher, same database) with nothing but a shell.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from typing import Callable, TextIO

from bot.numbers import parse_id
from bot.sandbox import Sandbox, SentMessage

EDIT_METHODS = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "sendPhoto", "copyMessage", "forwardMessage")


def format_message(event: SentMessage, who: str, numbering: list[str] | None = None) -> str:
    """Message text, then its buttons as [n] labels (numbering collects their callback data)."""
    verb = "✎" if event.method.startswith("edit") else "▸"
    lines = [f"{who} {verb} " + event.text.replace("\n", "\n  ")]
    for row in event.buttons:
        labels = []
        for text, data in row:
            if numbering is not None and data is not None:
                numbering.append(data)
                labels.append(f"[{len(numbering)}] {text}")
            else:
                labels.append(f"[{text}]")
        lines.append("  " + "  ".join(labels))
    return "\n".join(lines)


class TerminalChat:
    def __init__(self, sandbox: Sandbox, user_id: int, channel_id: int | None, out: TextIO = sys.stdout,
                 read_line: Callable[[], str] | None = None) -> None:
        self.sandbox = sandbox
        self.user_id = user_id
        self.channel_id = channel_id
        self.out = out
        self.read_line = read_line
        self.buttons: list[str] = []
        self.button_message: int | None = None
        self.pressed: set[str] = set()  # callback query ids of this person's presses
        self._sent_mark: int | None = None

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def _follow(self, chat_id: int, who: str) -> None:
        after = self.sandbox.mark()
        while True:
            try:
                events = await self.sandbox.wait_for(chat_id, 1, after=after, timeout=3600, methods=EDIT_METHODS)
            except AssertionError:
                continue
            event = events[0]
            after = event.seq + 1
            if chat_id == self.user_id and event.buttons:
                self.buttons, self.button_message = [], event.message_id
                self._print(format_message(event, who, self.buttons))
            else:
                self._print(format_message(event, who))

    async def _follow_answers(self) -> None:
        """Answers to button presses: a toast prints as "bot ◦ text", an alert as "bot ⚠ text"
        (what a phone shows over the chat, which would otherwise be lost in a terminal)."""
        seen = len(self.sandbox.callback_answers)
        while True:
            await self.sandbox.core.notifier.wait(3600)
            answers = self.sandbox.callback_answers
            for answer in answers[seen:]:
                if answer["callback_query_id"] in self.pressed and answer.get("text"):
                    mark = "⚠" if answer.get("show_alert") else "◦"
                    self._print(f"bot {mark} {answer['text']}")
            seen = len(answers)

    async def run(self) -> None:
        self._print("Zen Digest sandbox chat. Type /start, /summary, /themes …; a number presses a button; "
                    "/quit or Ctrl-D leaves.")
        followers = [asyncio.create_task(self._follow(self.user_id, "bot")), asyncio.create_task(self._follow_answers())]
        if self.channel_id is not None:
            followers.append(asyncio.create_task(self._follow(self.channel_id, "channel")))
        lines = self._stdin_lines() if self.read_line is None else None
        try:
            while True:
                if lines is not None:
                    line = await lines.get()
                else:
                    line = await asyncio.to_thread(self.read_line)  # type: ignore[arg-type]
                if not line or line.strip() in ("/quit", "/exit"):
                    break
                self.handle(line.strip())
            await self._last_reply()
        finally:
            if lines is not None:
                asyncio.get_running_loop().remove_reader(sys.stdin.fileno())  # False if never added
            for task in followers:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _last_reply(self) -> None:
        """At the end of input, wait (a while, not forever) for the answer to the last message, so
        piped input (`echo /start | zendigest run --sandbox`) prints its reply before leaving."""
        if self._sent_mark is not None:
            with contextlib.suppress(AssertionError):
                await self.sandbox.wait_for(self.user_id, 1, after=self._sent_mark, timeout=15, methods=EDIT_METHODS)
        await asyncio.sleep(0.2)  # the follower prints what just arrived

    @staticmethod
    def _stdin_lines() -> asyncio.Queue[str]:
        """Lines of standard input, read by the event loop itself (no thread blocked in readline), so
        Ctrl-C leaves at once instead of waiting for Enter; "" marks the end of input."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str] = asyncio.Queue()
        fd = sys.stdin.fileno()
        pending = bytearray()

        def readable() -> None:
            chunk = os.read(fd, 65536)
            if not chunk:
                loop.remove_reader(fd)
                if pending:
                    queue.put_nowait(pending.decode("utf-8", errors="replace"))
                queue.put_nowait("")
                return
            pending.extend(chunk)
            while (end := pending.find(b"\n")) >= 0:
                queue.put_nowait(pending[: end + 1].decode("utf-8", errors="replace"))
                del pending[: end + 1]

        try:
            loop.add_reader(fd, readable)
        except PermissionError:  # a regular file cannot be polled, and never blocks: read it whole
            for line in sys.stdin.read().splitlines(keepends=True):
                queue.put_nowait(line)
            queue.put_nowait("")
        return queue

    def handle(self, line: str) -> None:
        if not line:
            return
        pressed = parse_id(line)
        if pressed is not None and self.button_message is not None:
            index = pressed - 1
            if 0 <= index < len(self.buttons):
                self.pressed.add(self.sandbox.press_button(self.user_id, self.button_message, self.buttons[index],
                                                           user_id=self.user_id))
                return
            self._print(f"(no button {line}; the last message has {len(self.buttons)})")
            return
        self._sent_mark = self.sandbox.mark()
        self.sandbox.send_text(line, user_id=self.user_id)
