"""The command line as a person (or a container) meets it: start-up errors, inputs people have,
--version and --help, and Ctrl-C in the terminal chat. Every run is a real subprocess."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[1]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Only what a deployment sets (no developer `.env`: the runs start in tmp_path)."""
    return {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
            "DATABASE_PATH": str(tmp_path / "cli.sqlite3"), **extra}


def zendigest(tmp_path: Path, *args: str, stdin: bytes | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp_path, env=clean_env(tmp_path, **env),
                          input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
                          capture_output=True, timeout=120)


def test_version_and_help_say_what_input_may_be(tmp_path: Path) -> None:
    version = zendigest(tmp_path, "--version")
    assert version.returncode == 0
    assert version.stdout.decode().startswith("zendigest ") and any(c.isdigit() for c in version.stdout.decode())
    for command in ("summarize", "ingest"):
        helped = zendigest(tmp_path, command, "--help")
        text = " ".join(helped.stdout.decode().split())
        assert helped.returncode == 0
        for what in (".txt", ".html", "- for standard input", "RSS/Atom feed", "t.me/NAME", "dzen.ru/NAME"):
            assert what in text, (command, what)


def test_run_without_token_and_without_a_terminal_is_one_configuration_error(tmp_path: Path) -> None:
    """A container without BOT_TOKEN must not start the sandbox and exit 0 into a restart loop."""
    done = zendigest(tmp_path, "run", BOT_TOKEN="")
    err = done.stderr.decode().strip().splitlines()
    assert done.returncode == 2
    assert len(err) == 1 and err[0].startswith("zendigest: configuration error: BOT_TOKEN is not set"), err
    assert done.stdout == b""


async def test_run_with_a_refused_token_is_one_line(tmp_path: Path) -> None:
    async with Sandbox() as sandbox:
        sandbox.revoke_token("42:not-the-sandbox-token")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, stdin=subprocess.DEVNULL,
            env=clean_env(tmp_path, BOT_TOKEN="42:not-the-sandbox-token", TELEGRAM_API_URL=sandbox.base_url),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        _, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    lines = err.decode().strip().splitlines()
    assert proc.returncode == 2
    assert lines == ["zendigest: Telegram refused BOT_TOKEN (401 Unauthorized): check the token @BotFather gave you"]


def test_run_with_a_malformed_token_is_one_line(tmp_path: Path) -> None:
    done = zendigest(tmp_path, "run", BOT_TOKEN="not a token")
    assert done.returncode == 2
    assert done.stderr.decode().strip().splitlines() == [
        "zendigest: BOT_TOKEN is not a bot token (it looks like 123456789:AAE…, from @BotFather)"]


async def test_run_without_network_retries_with_one_line_each_and_no_traceback(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, stdin=subprocess.DEVNULL,
        env=clean_env(tmp_path, BOT_TOKEN="42:token", TELEGRAM_API_URL="http://127.0.0.1:9"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert proc.stderr is not None
    seen: list[str] = []
    try:
        while sum("retrying in" in line for line in seen) < 2:
            line = await asyncio.wait_for(proc.stderr.readline(), timeout=60)
            assert line, seen  # the process must keep trying, not exit
            seen.append(line.decode())
    finally:
        proc.terminate()
        rest = await asyncio.wait_for(proc.stderr.read(), timeout=30)
        await proc.wait()
    retries = [line for line in seen if "retrying in" in line]
    assert "cannot reach Telegram at http://127.0.0.1:9" in retries[0]
    assert "retrying in 1 s" in retries[0] and "retrying in 2 s" in retries[1]  # backoff grows
    assert "Traceback" not in "".join(seen) + rest.decode()


def test_untitled_text_file_gets_a_title_from_its_text_and_a_note(tmp_path: Path) -> None:
    untitled = tmp_path / "untitled.txt"
    untitled.write_text("Казахстан и ЕС открыли новый контейнерный маршрут через Каспий. Поезда пойдут "
                        "раз в неделю.\n\nВторой абзац о Среднем коридоре и паромах.\n", encoding="utf-8")
    titled = tmp_path / "titled.txt"
    titled.write_text("Паромы на Каспии\n\nНовый график паромов из Актау в Баку. Рейсы каждый день.\n",
                      encoding="utf-8")
    done = zendigest(tmp_path, "summarize", "--json", str(untitled), str(titled))
    assert done.returncode == 0, done.stderr.decode()
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r["title"] for r in records] == [
        "Казахстан и ЕС открыли новый контейнерный маршрут через Каспий", "Паромы на Каспии"]
    said = " ".join([records[0]["tldr"], *records[0]["summary"]])
    assert "контейнерный маршрут" in said and "Среднем коридоре" in said  # the opening is text, not lost
    assert done.stderr.decode().strip().splitlines() == [
        f"zendigest: {untitled}: note: no title line; title taken from the text: "
        "Казахстан и ЕС открыли новый контейнерный маршрут через Каспий"]


def test_one_paragraph_file_is_not_swallowed_as_a_title(tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    one.write_text("Переговоры об упрощении визового режима между ЕС и Казахстаном продолжатся весной, "
                   "сообщили в МИД", encoding="utf-8")
    done = zendigest(tmp_path, "summarize", "--json", str(one))
    assert done.returncode == 0, done.stderr.decode()
    record = json.loads(done.stdout)
    assert record["title"].startswith("Переговоры об упрощении визового режима")
    assert record["tldr"].startswith("Переговоры об упрощении")  # the text itself was summarised


def test_dash_reads_standard_input(tmp_path: Path) -> None:
    text = "Транзит через Казахстан\n\nОбъём контейнерных перевозок по Среднему коридору вырос вдвое.\n"
    done = zendigest(tmp_path, "summarize", "--json", "-", stdin=text.encode())
    assert done.returncode == 0, done.stderr.decode()
    record = json.loads(done.stdout)
    assert record["title"] == "Транзит через Казахстан"
    assert "вырос вдвое" in record["tldr"]
    stored = zendigest(tmp_path, "ingest", "-", stdin=text.encode())
    assert stored.returncode == 0, stored.stderr.decode()
    assert stored.stdout.decode().strip().split("\t")[1:] == ["new", "Транзит через Казахстан"]


def test_empty_standard_input_is_refused_with_a_reason(tmp_path: Path) -> None:
    done = zendigest(tmp_path, "summarize", "-", stdin=b"\n\n")
    assert done.returncode == 1
    assert done.stderr.decode().strip() == "zendigest: -: the text is empty"


def test_ctrl_c_leaves_the_terminal_chat_at_once(tmp_path: Path) -> None:
    """Without the fix the process waited in a thread's readline until Enter was pressed."""
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--sandbox"], cwd=tmp_path,
                            env=clean_env(tmp_path, BOT_TOKEN=""), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            # a background CI job may start us with SIGINT ignored; a terminal never does
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert proc.stdout is not None
        banner = ""
        while "sandbox chat" not in banner:
            banner = proc.stdout.readline()
            assert banner, proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGINT)  # stdin stays open: nobody presses Enter
        assert proc.wait(timeout=30) == 0
        assert "Traceback" not in (proc.stderr.read() if proc.stderr else "")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_text_files_in_utf8_with_a_few_bad_bytes_and_in_cp1251_read_right(tmp_path: Path) -> None:
    title, body = "Паромы на Каспии", "Новый график паромов из Актау в Баку. Рейсы каждый день, кроме воскресенья."
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes(f"{title}\n\n{body}".encode() + b" \xff\xfe " + "Конец.".encode())
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(f"{title}\n\n{body}".encode("cp1251"))
    done = zendigest(tmp_path, "summarize", "--json", str(damaged), str(legacy))
    assert done.returncode == 0, done.stderr.decode()
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r["title"] for r in records] == [title, title]  # not mojibake
    assert all("Актау" in r["tldr"] for r in records)


def test_a_follow_up_schedule_that_cannot_fire_is_one_configuration_error(tmp_path: Path) -> None:
    """A typo in FOLLOWUP_CRON stops the start with the variable named, not a traceback at the first
    digest tick (nor a bot that silently never sends a follow-up)."""
    for spec in ("0 10 * * 9", "every monday", "0 9 31 2 *"):
        done = zendigest(tmp_path, "run", "--sandbox", FOLLOWUP_CRON=spec)
        err = done.stderr.decode().strip().splitlines()
        assert done.returncode == 2, (spec, err)
        assert len(err) == 1 and "FOLLOWUP_CRON" in err[0] and "Traceback" not in done.stderr.decode(), (spec, err)
