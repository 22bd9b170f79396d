"""/followup, /stats, /audit for admins; refusals for others; `zendigest digest --dry-run`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.app.local import SANDBOX_CHANNEL_ID, LocalBot
from storage import audit as audit_sql
from tests.articles import CORRIDOR
from tests.conftest import ADMIN_ID, READER_ID
from tests.posting import post_preview

ROOT = Path(__file__).resolve().parents[1]


async def test_followup_now_posts_to_the_channel_and_is_audited(app: LocalBot) -> None:
    await app.services.articles.add(*CORRIDOR, kind="file")
    preview = await app.sandbox.ask("/followup", user_id=ADMIN_ID, timeout=10)
    assert "материалов 1" in preview.text and app.sandbox.messages(SANDBOX_CHANNEL_ID) == []
    mark = app.sandbox.mark()
    app.sandbox.press_button(ADMIN_ID, preview.message_id, preview.button("Опубликовать"), user_id=ADMIN_ID)
    done = (await app.sandbox.wait_for(ADMIN_ID, 1, after=mark, methods=("sendMessage",)))[0]
    assert done.text.startswith("Обзор изменений опубликован: материалов 1")
    await app.services.outbox.wait_idle()
    posted = app.sandbox.messages(SANDBOX_CHANNEL_ID)
    assert len(posted) == 1 and CORRIDOR[0] in posted[0].text
    rows = await app.services.store.call(audit_sql.recent, 5)
    assert rows[0].action == "followup" and rows[0].user_id == ADMIN_ID


async def test_stats_and_audit_show_what_happened(app: LocalBot) -> None:
    mark = app.sandbox.mark()
    app.sandbox.send_text("/subscribe", user_id=READER_ID)
    await app.sandbox.wait_for(READER_ID, 2, after=mark)
    await post_preview(app.sandbox, "/post Проверка")  # the post, then its control message
    await app.services.articles.add(*CORRIDOR, kind="file")
    await app.services.audit.record(ADMIN_ID, "ingest", {"url": "http://127.0.0.1/x", "error": "address 127.0.0.1 is not allowed"},
                                    ok=False)
    stats = await app.sandbox.ask("/stats", user_id=ADMIN_ID)
    assert "активных 1" in stats.text and "еженедельно 1" in stats.text
    assert "опорный анализ — 1" in stats.text and "файл — 1" in stats.text
    assert "Материалы по темам: 🚆 Транспортные коридоры — 1" in stats.text
    assert "anchor" not in stats.text and "transport-corridors" not in stats.text and "Доставка за 24 ч" in stats.text
    audit = await app.sandbox.ask("/audit", user_id=ADMIN_ID)
    lines = audit.text.splitlines()
    assert lines[1] == "Время — Москва (UTC+3)."
    assert lines[2].startswith("⛔ ") and lines[2].endswith(
        " · Admin (9001) · загрузка материалов по ссылке http://127.0.0.1/x — адрес 127.0.0.1 загружать нельзя: "
        "он ведёт во внутреннюю сеть")
    assert lines[3].startswith("✅ ") and lines[3].endswith(" · Admin (9001) · черновик поста #1")
    assert "{" not in audit.text and "None" not in audit.text and "post.draft" not in audit.text


async def test_ops_commands_are_refused_for_readers(app: LocalBot) -> None:
    for command in ("/followup", "/stats", "/audit", "/broadcast Всем привет"):
        reply = await app.sandbox.ask(command, user_id=READER_ID)
        assert "только для администраторов" in reply.text, command
    assert app.sandbox.messages(SANDBOX_CHANNEL_ID) == []


def test_digest_command_dry_run_prints_the_followup(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_PATH": str(tmp_path / "cli.sqlite3"), "BOT_TOKEN": "", "CHANNEL_ID": "@cli_test"}
    article = tmp_path / "corridor.txt"
    article.write_text(f"{CORRIDOR[0]}\n\n{CORRIDOR[1]}\n", encoding="utf-8")
    stored = subprocess.run([sys.executable, "-m", "bot", "ingest", str(article)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert stored.returncode == 0, stored.stderr
    done = subprocess.run([sys.executable, "-m", "bot", "digest", "--followup", "--dry-run"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "что изменилось после декабрьского анализа" in done.stdout and CORRIDOR[0] in done.stdout
    assert "Без новостей с " in done.stdout
    refused = subprocess.run([sys.executable, "-m", "bot", "digest"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "BOT_TOKEN" in refused.stderr and "Traceback" not in refused.stderr


async def test_every_admin_command_and_button_is_refused_for_a_reader(app: LocalBot) -> None:
    from bot.telegram.commands import admin_commands
    from storage import posts as posts_sql
    from storage import sources as sources_sql

    for command in admin_commands():
        arg = {"TEXT": "Текст", "ID": "1", "URL": "https://example.org/feed"}.get(command.args.split()[0] if command.args else "", "")
        if command.name == "schedule":
            arg = "2099-01-01 10:00 Текст"
        reply = await app.sandbox.ask(f"/{command.name} {arg}".strip(), user_id=READER_ID)
        assert "только для администраторов" in reply.text, command.name
    # buttons an admin was shown: a reader pressing them changes nothing either
    mark = app.sandbox.mark()
    app.sandbox.send_text("/subscribe", user_id=READER_ID)  # someone for the broadcast to reach
    await app.sandbox.wait_for(READER_ID, 2, after=mark)
    post_control = await post_preview(app.sandbox, "/post Черновик")
    broadcast_preview = await app.sandbox.ask("/broadcast Всем", user_id=ADMIN_ID)
    presses = 0
    for preview in (post_control, broadcast_preview):
        assert sum(len(row) for row in preview.buttons) >= 2, preview.text
        presses += sum(len(row) for row in preview.buttons)
        for row in preview.buttons:
            for _, data in row:
                assert await app.sandbox.click(preview.chat_id, preview.message_id, data, user_id=READER_ID) is None
                assert app.sandbox.callback_answers[-1].get("show_alert")
    assert app.sandbox.messages(SANDBOX_CHANNEL_ID) == []
    assert await app.services.store.call(sources_sql.all_sources) == []
    assert [p.text for p in await app.services.store.call(posts_sql.with_state, "draft")] == ["Черновик"]
    refused = [r for r in await app.services.store.call(audit_sql.recent, 100) if r.action == "refused"]
    assert len(refused) == len(admin_commands()) + presses


async def test_command_menus_for_readers_and_for_admins(app: LocalBot) -> None:
    menus = {scope: [c["command"] for c in commands] for (scope, _), commands in app.sandbox.commands.items()}
    reader_menu = next(m for scope, m in menus.items() if str(ADMIN_ID) not in scope)
    admin_menu = next(m for scope, m in menus.items() if str(ADMIN_ID) in scope)
    assert "summary" in reader_menu and "post" not in reader_menu
    assert {"summary", "post", "broadcast", "stats"} <= set(admin_menu)
