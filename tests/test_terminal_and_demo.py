"""What a person sees without a token: the terminal chat, and the scripted demo."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path

from bot.app.local import SANDBOX_CHANNEL_ID, LocalBot
from bot.app.terminal import TerminalChat
from tests.conftest import READER_ID

ROOT = Path(__file__).resolve().parents[1]


def scripted(lines: list[str], out: io.StringIO, wait_for: dict[int, str]) -> callable:
    """stdin stand-in: before line i, wait until the output shows wait_for[i] (like a person reading)."""
    feed = iter(enumerate(lines))

    def read_line() -> str:
        try:
            index, line = next(feed)
        except StopIteration:
            return ""
        expected = wait_for.get(index)
        for _ in range(200):
            if expected is None or expected in out.getvalue():
                break
            threading.Event().wait(0.05)
        return line + "\n"

    return read_line


async def test_terminal_chat_types_commands_and_presses_buttons_by_number(app: LocalBot) -> None:
    out = io.StringIO()
    lines = ["/start", "/themes", "3", "/quit"]
    read_line = scripted(lines, out, {1: "/summary", 2: "Тема 1 из 8", 3: "Тема 2 из 8"})
    await TerminalChat(app.sandbox, READER_ID, SANDBOX_CHANNEL_ID, out=out, read_line=read_line).run()
    text = out.getvalue()
    assert "bot ▸ Здравствуйте" in text
    assert "[3] ▶" in text
    assert "bot ✎" in text and "Тема 2 из 8" in text  # the button edited the card in place


async def test_terminal_chat_shows_what_a_button_answers(app: LocalBot) -> None:
    out = io.StringIO()
    lines = ["/theme visa-facilitation", "4", "/quit"]
    read_line = scripted(lines, out, {1: "[4] 🔔 Следить за темой", 2: "bot ⚠"})
    await TerminalChat(app.sandbox, READER_ID, SANDBOX_CHANNEL_ID, out=out, read_line=read_line).run()
    text = out.getvalue()
    assert "bot ⚠ Вы подписаны на дайджест по этой теме: дайджест еженедельно, Пн в 10:00" in text  # the alert
    assert "✅ Вы следите за темой" in text  # and the button now shows it


def test_run_lang_en_makes_the_terminal_user_english(tmp_path: Path) -> None:
    env = {**os.environ, "BOT_TOKEN": "", "DATABASE_PATH": str(tmp_path / "en.sqlite3")}
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--sandbox", "--lang", "en"], cwd=ROOT, env=env,
                          input="/start\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "bot ▸ Hello!" in done.stdout and "the channel's articles are in Russian" in done.stdout


def test_demo_plays_the_tour_and_exits_0(tmp_path: Path) -> None:
    env = {**os.environ, "BOT_TOKEN": "", "DATABASE_PATH": str(tmp_path / "untouched.sqlite3")}
    done = subprocess.run([sys.executable, "-m", "bot", "demo"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    for expected in ("reader ▸ /summary", "Казахстан – ЕС в декабре 2025 года", "Тема 2 из 8", "/subscribe",
                     "channel ▸ Новый разбор выйдет в пятницу", "что изменилось после декабрьского анализа",
                     "Demo finished."):
        assert expected in done.stdout, expected
    assert not (tmp_path / "untouched.sqlite3").exists()  # the demo never touches the user's database
