"""/broadcast end to end on a sandbox enforcing Telegram's limits, with faults injected."""

from __future__ import annotations

import asyncio

from bot.app.local import LocalBot
from storage import audit as audit_sql
from storage import chats as chats_sql
from storage import outbox as outbox_sql
from tests.conftest import ADMIN_ID, READER_ID
from tests.delivery.conftest import BOTH_MODELS, add_subscribers, floods, texts

TRICKY = 'Итоги <недели> & планы: a<b, "кавычки", 5 > 3 &amp; <b>не тег</b> &#x1F600;'


async def start_broadcast(app: LocalBot, text: str) -> int:
    preview = await app.sandbox.ask(f"/broadcast {text}", user_id=ADMIN_ID)
    assert "Предпросмотр" in preview.text and text in preview.text
    await app.sandbox.click(ADMIN_ID, preview.message_id, preview.button("Отправить"), user_id=ADMIN_ID)
    jobs = await app.services.store.call(outbox_sql.jobs_with_state, "running")
    done = await app.services.store.call(outbox_sql.jobs_with_state, "done")
    return (jobs or done)[-1].id


async def admin_message(app: LocalBot, prefix: str, contains: str = "", timeout: float = 20.0) -> str:
    """The admin's message starting with `prefix` once it contains `contains` (edits included)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        for message in app.sandbox.messages(ADMIN_ID):
            if message.text.startswith(prefix) and contains in message.text:
                return message.text
        await app.sandbox.core.notifier.wait(deadline - loop.time())  # woken by each send or edit
    raise AssertionError(app.sandbox.dump(ADMIN_ID, f"no message {prefix!r} containing {contains!r}"))


async def wait_report(app: LocalBot, timeout: float = 20.0) -> str:
    """The final report: the progress message itself, edited (one message per broadcast)."""
    return await admin_message(app, "✅", timeout=timeout)


async def audited(app: LocalBot, action: str, timeout: float = 10.0) -> set[str]:
    """Recent audit actions once ``action`` is among them: the final report is shown to the
    admin first and recorded right after, so seeing the report does not mean the row is there."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        actions = {entry.action for entry in await app.services.store.call(audit_sql.recent, 10)}
        if action in actions or loop.time() > deadline:
            return actions
        await asyncio.sleep(0.01)


@BOTH_MODELS
async def test_broadcast_reaches_every_subscriber_exactly_as_typed(delivery_app: LocalBot) -> None:
    app = delivery_app
    subscribers = await add_subscribers(app, range(20001, 20041))
    job_id = await start_broadcast(app, TRICKY)
    report = await wait_report(app)
    assert f"Доставлено: {len(subscribers)}" in report
    for chat_id in subscribers:
        assert texts(app.sandbox, chat_id) == [TRICKY]
    assert app.sandbox.stats["rejected_429"] == 0, floods(app.sandbox)
    shown = [m for m in app.sandbox.messages(ADMIN_ID) if "Рассылка #" in m.text]
    assert len(shown) == 1 and shown[0].text.startswith("✅ Рассылка #") and "…" not in shown[0].text
    assert shown[0].edit_count >= 1  # the progress message became the report
    rows = await app.services.store.call(outbox_sql.rows_of, job_id)
    assert all(r.state == "sent" and r.message_ids for r in rows)
    assert {"broadcast.draft", "broadcast.confirm", "broadcast.done"} <= await audited(app, "broadcast.done")


async def test_broadcast_survives_floods_5xx_blocked_users_and_a_migrated_group(delivery_app: LocalBot) -> None:
    app, sb = delivery_app, delivery_app.sandbox
    readers = await add_subscribers(app, range(21001, 21061))
    (group,) = await add_subscribers(app, [-5001], chat_type="group")
    blocked, deactivated = readers[3], readers[7]
    sb.block_chat(blocked)
    sb.deactivate_user(deactivated)
    sb.migrate_group(group, -1005001)
    sb.fail_next("sendMessage", 429, count=3, description="Too Many Requests: retry after 2", parameters={"retry_after": 2})
    sb.fail_next("sendMessage", 502, count=5)
    sb.set_delay(0.05, ["sendMessage"])
    await start_broadcast(app, "Срочно: <обновление> & новости")
    report = await wait_report(app)
    assert "Доставлено: 59 из 61, ошибок: 2" in report and "Forbidden" in report
    for chat_id in [*readers, -1005001]:
        if chat_id not in (blocked, deactivated):
            assert texts(sb, chat_id) == ["Срочно: <обновление> & новости"], chat_id
    store = app.services.store
    assert await store.call(chats_sql.active_ids, [blocked, deactivated]) == set()
    recipients = await store.call(outbox_sql.recipients)
    assert blocked not in recipients and deactivated not in recipients  # subscriptions stop
    assert -1005001 in recipients and group not in recipients  # the subscription moved along
    assert app.services.throttle.stats.flood_waits >= 3  # the injected storm (plus any genuine 429)


async def test_cancel_double_tap_and_non_admin(delivery_app: LocalBot) -> None:
    app, sb = delivery_app, delivery_app.sandbox
    readers = await add_subscribers(app, range(22001, 22006))
    preview = await sb.ask("/broadcast Не отправлять", user_id=ADMIN_ID)
    mark = sb.mark()
    await sb.click(ADMIN_ID, preview.message_id, preview.button("Отмена"), user_id=ADMIN_ID)
    (cancelled,) = await sb.wait_for(ADMIN_ID, 1, after=mark, methods=("sendMessage",))
    assert "отменена" in cancelled.text
    again = await sb.click(ADMIN_ID, preview.message_id, preview.button("Отправить"), user_id=ADMIN_ID, timeout=1)
    assert again is None and sb.callback_answers[-1].get("show_alert")
    refused = await sb.ask("/broadcast Взлом", user_id=READER_ID)
    assert "только для администраторов" in refused.text
    preview = await sb.ask("/broadcast Один раз", user_id=ADMIN_ID)
    send = preview.button("Отправить")
    await sb.click(ADMIN_ID, preview.message_id, send, user_id=READER_ID, timeout=1)
    await sb.click(ADMIN_ID, preview.message_id, send, user_id=ADMIN_ID)
    await sb.click(ADMIN_ID, preview.message_id, send, user_id=ADMIN_ID, timeout=1)
    await wait_report(app)
    for chat_id in readers:
        assert texts(sb, chat_id) == ["Один раз"]
    usage = await sb.ask("/broadcast", user_id=ADMIN_ID)
    assert "/broadcast Текст" in usage.text


@BOTH_MODELS
async def test_replies_are_not_queued_behind_a_broadcast(delivery_app: LocalBot) -> None:
    """Readers asking during a broadcast are answered ahead of it (only the few broadcast
    messages already on their way go out in between), the admin sees live progress, and no call
    of any kind — sends, the preview's button removal, progress edits — is answered 429."""
    app, sb = delivery_app, delivery_app.sandbox
    subscribers = set(await add_subscribers(app, range(23001, 23301)))  # ~1 s at the scaled 300/s
    await start_broadcast(app, "Большая рассылка")
    readers = [READER_ID, *range(1101, 1105)]  # one reply per chat per nominal second: take turns
    for reader in readers[1:]:
        sb.add_user(reader, first_name=f"R{reader}")
    between = []
    for reader in readers:
        asked = len(sb.calls)
        reply = await sb.ask("/help", user_id=reader)
        assert reply.text
        answered = next(i for i, c in enumerate(sb.calls) if i >= asked and c.params.get("chat_id") == str(reader))
        between.append(sum(1 for c in sb.calls[asked:answered] if c.params.get("chat_id") in {str(i) for i in subscribers}))
    left = (await app.services.outbox.progress(1)).left
    assert left > 0, "the broadcast should still be running while the replies were asked"
    assert max(between) < len(subscribers) // 10, between
    await wait_report(app)
    edits = [c for c in sb.calls if c.method == "editMessageText" and c.params.get("chat_id") == str(ADMIN_ID)]
    assert len(edits) >= 2, "the admin saw live progress"
    assert sb.stats["rejected_429"] == 0, sb.stats["rejected_429_by_chat"]
    assert all(len(texts(sb, chat_id)) == 1 for chat_id in subscribers)
