"""kill -9 while a /post confirm is being carried out (issue 19 point 6): after the restart the
channel has each post exactly once, the admin is told once, and the stale Publish button says
the post is done — not that its time has passed.

Three kills in one run (each start of the real process loads the text engine): while the channel
send is held by Telegram (the sandbox's hold: answered only on release, dropped with its client);
right after the post was recorded as sent; and while a scheduled album, whose time has come, is
being sent.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.sandbox import Sandbox
from tests.conftest import ADMIN_ID
from tests.delivery.test_crash import BotProcess, until
from tests.posting import control, note, post_preview, press

CHANNEL_ID = -1002000000009
FIRST = "Пост, который переживёт kill -9"
SECOND = "Второй пост, убитый сразу после отправки"


def post_states(database: Path, text: str) -> tuple[str | None, str | None]:
    """(the post row's state, its outbox row's state) as the database has them now."""
    with sqlite3.connect(database) as db:
        found = db.execute("select id, state from posts where text = ?", [text]).fetchone()
        if found is None:
            return None, None
        row = db.execute("select state from outbox where key = ?", [f"post:{found[0]}"]).fetchone()
    return found[1], row[0] if row else None


def in_flight(database: Path, text: str) -> bool:
    """The post's send has begun (its row claimed, the attempt counted) and has not finished."""
    with sqlite3.connect(database) as db:
        found = db.execute("select send_attempts, state from posts where text = ?", [text]).fetchone()
    return found is not None and found[0] == 1 and found[1] != "sent"


async def let_go(sb: Sandbox, method: str) -> None:
    """Stop holding ``method`` once the dead process's held requests are gone: the sandbox drops
    a request whose client went away, so none of them is carried out late."""
    await until(lambda: sb.core.in_flight[method] == 0, 20, f"the held {method} to be dropped")
    sb.release()


def published_notes(sb: Sandbox, post_id: int) -> int:
    return sum(1 for m in sb.messages(ADMIN_ID) if f"Пост #{post_id} опубликован" in m.text)


async def test_sigkill_during_post_confirm_posts_exactly_once(tmp_path: Path) -> None:
    database = tmp_path / "post.sqlite3"
    async with Sandbox() as sb:
        sb.add_user(ADMIN_ID, first_name="Admin")
        sb.add_channel(CHANNEL_ID, username="crash_channel", title="Crash")
        process = BotProcess(sb, database, tmp_path / "bot.log")
        process.env.update(CHANNEL_ID="@crash_channel", DELIVERY_TIME_SCALE="1")
        try:
            await process.start()
            # 1. Telegram holds the channel send; the process dies in the middle of the request.
            preview = await post_preview(sb, f"/post {FIRST}", timeout=60)
            stale = preview.button("Опубликовать")
            sb.hold(["sendMessage"])
            sb.press_button(preview.chat_id, preview.message_id, stale, user_id=ADMIN_ID)
            await until(lambda: in_flight(database, FIRST), 20, "the post in flight")
            await sb.wait_in_flight("sendMessage", 1, timeout=20)
            await process.kill()
            await let_go(sb, "sendMessage")
            assert sb.messages(CHANNEL_ID) == []
            await process.start()
            told = await note(sb, 0, "Пост #1 опубликован", timeout=60)
            assert [m.text for m in sb.messages(CHANNEL_ID)] == [FIRST]
            # the send that died in flight may have reached a real Telegram: the admin is told to look
            assert "удалите лишний" in told.text
            answer = await press(sb, preview, "Опубликовать", data=stale)
            assert "уже опубликован" in answer["text"] and "прошло" not in answer["text"]

            # 2. Killed as soon as the post is recorded as sent (its note may not be out yet).
            preview = await post_preview(sb, f"/post {SECOND}", timeout=10)
            sb.press_button(preview.chat_id, preview.message_id, preview.button("Опубликовать"), user_id=ADMIN_ID)
            await until(lambda: post_states(database, SECOND)[0] == "sent", 20, "the second post sent")
            await process.kill()
            await process.start()
            await note(sb, 0, "Пост #2 опубликован", timeout=60)
            await until(lambda: post_states(database, SECOND) == ("sent", "sent"), 20, "the second post settled")
            assert [m.text for m in sb.messages(CHANNEL_ID)] == [FIRST, SECOND]
            # the first note went out after the restart, once; the second may have been in flight
            # at the kill (then the outbox resends it: a note is the one thing allowed twice)
            assert published_notes(sb, 1) == 1 and published_notes(sb, 2) >= 1

            # 3. A scheduled album: its time comes (the row's not_before moved to the past, as the
            #    clock would), Telegram holds the album, the process dies mid-request.
            mark = sb.mark()
            sb.send_album(["photo", "video"], user_id=ADMIN_ID, caption="Альбом по расписанию")
            await control(sb, mark, timeout=10)
            preview = await post_preview(sb, "/schedule 2099-01-01 10:00", timeout=10)
            mark = sb.mark()
            sb.press_button(preview.chat_id, preview.message_id, preview.button("Опубликовать"), user_id=ADMIN_ID)
            await note(sb, mark, "запланирован", timeout=10)
            sb.hold(["sendMediaGroup"])
            with sqlite3.connect(database) as db:
                db.execute("update outbox set not_before = '2000-01-01T00:00:00+00:00' where key = 'post:3'")
            await until(lambda: in_flight(database, "Альбом по расписанию"), 20, "the album in flight")
            await sb.wait_in_flight("sendMediaGroup", 1, timeout=20)
            await process.kill()
            await let_go(sb, "sendMediaGroup")
            assert not [m for m in sb.messages(CHANNEL_ID) if m.media_group_id]
            await process.start()
            await note(sb, 0, "Пост #3 опубликован", timeout=60)
            album = [m for m in sb.messages(CHANNEL_ID) if m.media_group_id]
            assert [m.media for m in album] == ["photo", "video"] and album[0].text == "Альбом по расписанию"
            assert published_notes(sb, 3) == 1
        finally:
            await process.stop()
