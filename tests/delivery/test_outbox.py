"""The outbox on the whole bot: long texts, idempotent keys, resuming after a crash."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.app.local import LocalBot
from bot.delivery import OutboxItem
from bot.delivery.split import plain_text, split_html
from bot.sandbox.text import utf16_len
from storage import outbox as outbox_sql
from tests.delivery.conftest import add_subscribers
from tests.delivery.test_split import long_article


async def test_long_text_arrives_in_order_within_limits(delivery_app: LocalBot) -> None:
    app = delivery_app
    (chat,) = await add_subscribers(app, [30001])
    source = long_article()
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Ещё", callback_data="more")]])
    enqueued = await app.services.outbox.enqueue("digest", [OutboxItem(chat, source, keyboard)])
    assert enqueued is not None and enqueued.added == 1
    await app.services.outbox.wait_idle(10)
    received = app.sandbox.messages(chat)
    assert len(received) == len(split_html(source)) >= 5
    assert [bool(m.buttons) for m in received] == [False] * (len(received) - 1) + [True]  # keyboard on the last part
    assert all(utf16_len(m.text) <= 4096 for m in received)
    assert " ".join(m.text for m in received).split() == plain_text(source).split()
    (row,) = await app.services.store.call(outbox_sql.rows_of, enqueued.job_id)
    assert row.state == "sent" and list(row.message_ids) == [m.message_id for m in received]
    assert app.sandbox.stats["rejected_429"] == 0


async def test_same_keys_enqueue_nothing_twice(delivery_app: LocalBot) -> None:
    app = delivery_app
    chats = await add_subscribers(app, [30101, 30102])
    items = [OutboxItem(c, f"Дайджест для {c}", key=f"personal:{c}:2025-12-22") for c in chats]
    first = await app.services.outbox.enqueue("digest", items)  # what Digests hands over
    second = await app.services.outbox.enqueue("digest", items)
    assert first is not None and (first.added, first.skipped) == (2, 0)
    assert second is not None and (second.added, second.skipped) == (0, 2)
    await app.services.outbox.wait_idle(10)
    assert all(len(app.sandbox.messages(c)) == 1 for c in chats)
    job = await app.services.outbox.job(second.job_id)
    assert job is not None and job.state == "done"


async def test_rows_left_in_flight_by_a_crash_are_resumed(delivery_app: LocalBot) -> None:
    """Simulated crash: rows claimed (`sending`), one long row with its first part delivered."""
    app = delivery_app
    outbox, store, clock = app.services.outbox, app.services.store, app.services.clock
    chats = await add_subscribers(app, range(30201, 30211))
    await outbox.stop()
    source = long_article(9000)
    items = [OutboxItem(c, f"Сообщение {c}") for c in chats[1:]] + [OutboxItem(chats[0], source)]
    enqueued = await outbox.enqueue("broadcast", items)
    assert enqueued is not None
    claimed = await store.call(outbox_sql.claim, 100, clock.iso())
    assert len(claimed) == len(chats)
    long_row = next(r for r in claimed if r.chat_id == chats[0])
    first_part = await app.services.sender.send(chats[0], split_html(source)[0])
    await store.call(outbox_sql.record_parts, long_row.id, first_part.message_ids, chats[0], clock.iso())
    await outbox.start()  # what the next process does on startup
    await outbox.wait_idle(10)
    received = app.sandbox.messages(chats[0])
    assert len(received) == len(split_html(source))  # the part delivered before the crash is not resent
    assert " ".join(m.text for m in received).split() == plain_text(source).split()
    assert all(len(app.sandbox.messages(c)) == 1 for c in chats[1:])
    progress = await outbox.progress(enqueued.job_id)
    assert progress is not None and (progress.sent, progress.failed, progress.left) == (len(chats), 0, 0)
