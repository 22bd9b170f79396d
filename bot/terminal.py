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

    async def run(self) -> None:
        self._print("Zen Digest sandbox chat. Type /start, /summary, /themes …; a number presses a button; "
                    "/quit or Ctrl-D leaves.")
        followers = [asyncio.create_task(self._follow(self.user_id, "bot"))]
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
            await asyncio.sleep(0.5)  # let the last replies print
        finally:
            if lines is not None:
                asyncio.get_running_loop().remove_reader(sys.stdin.fileno())  # False if never added
            for task in followers:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

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
                self.sandbox.press_button(self.user_id, self.button_message, self.buttons[index], user_id=self.user_id)
                return
            self._print(f"(no button {line}; the last message has {len(self.buttons)})")
            return
        self.sandbox.send_text(line, user_id=self.user_id)
