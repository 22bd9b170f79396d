"""What the command line prints for people: a summary that does not say its first sentence twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.app.local import LocalBot
from tests.conftest import READER_ID

ROOT = Path(__file__).resolve().parents[1]
ANCHOR = ROOT / "bot" / "data" / "anchors" / "kazakhstan-eu-december-2025.dzen.txt"


def test_summarize_lists_key_sentences_after_the_tldr_without_repeating_it(tmp_path: Path) -> None:
    env = {**os.environ, "BOT_TOKEN": "", "DATABASE_PATH": str(tmp_path / "cli.sqlite3")}
    done = subprocess.run([sys.executable, "-m", "bot", "summarize", str(ANCHOR)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    blocks = done.stdout.split("\n\n")
    tldr, bullets = blocks[1].strip(), [line[2:] for line in blocks[2].splitlines() if line.startswith("- ")]
    assert tldr and bullets
    assert tldr not in bullets and not bullets[0].startswith(tldr[:40])


async def test_summary_in_the_chat_does_not_repeat_the_tldr(app: LocalBot) -> None:
    reply = await app.sandbox.ask("/summary", user_id=READER_ID)
    tldr = next(line for line in reply.text.splitlines() if line.startswith("Коротко:"))[len("Коротко: "):]
    bullets = [line[2:] for line in reply.text.splitlines() if line.startswith("• ")]
    assert bullets and all(not b.startswith(tldr[:40].rstrip("…")) for b in bullets)
