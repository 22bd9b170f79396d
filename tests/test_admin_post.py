"""/post: preview, confirm/cancel, exactly-as-typed channel text, refusal for non-admins, audit."""

from __future__ import annotations

from bot.local import SANDBOX_CHANNEL_ID, LocalBot
from storage import audit as audit_sql
from storage import posts as posts_sql
from tests.conftest import ADMIN_ID, READER_ID

TRICKY = "Итоги <недели> & планы: a<b, \"кавычки\" и 5 > 3"


def channel_messages(app: LocalBot) -> list:
    return app.sandbox.messages(SANDBOX_CHANNEL_ID)


async def test_admin_post_preview_then_publish_exactly_as_typed(app: LocalBot) -> None:
    preview = await app.sandbox.ask(f"/post {TRICKY}", user_id=ADMIN_ID)
    assert TRICKY in preview.text
    labels = [text for row in preview.buttons for text, _ in row]
    assert any("Опубликовать" in label for label in labels) and any("Отмена" in label for label in labels)
    assert channel_messages(app) == []
    publish = preview.button("Опубликовать")
    await app.sandbox.click(preview.chat_id, preview.message_id, publish, user_id=ADMIN_ID)
    posted = channel_messages(app)
    assert len(posted) == 1 and posted[0].text == TRICKY
    # a second press (double tap, stale button) never posts twice
    await app.sandbox.click(preview.chat_id, preview.message_id, publish, user_id=ADMIN_ID, timeout=1.0)
    assert len(channel_messages(app)) == 1
    audit = await app.services.store.call(audit_sql.recent, 10)
    assert any(row["action"] == "post.publish" and row["ok"] for row in audit)


async def test_cancel_sends_nothing(app: LocalBot) -> None:
    preview = await app.sandbox.ask("/post Черновик", user_id=ADMIN_ID)
    await app.sandbox.click(preview.chat_id, preview.message_id, preview.button("Отмена"), user_id=ADMIN_ID)
    assert channel_messages(app) == []
    drafts = await app.services.store.call(posts_sql.with_state, "cancelled")
    assert [d["text"] for d in drafts] == ["Черновик"]


async def test_non_admin_is_refused_and_nothing_happens(app: LocalBot) -> None:
    reply = await app.sandbox.ask("/post Взлом канала", user_id=READER_ID)
    assert "только для администраторов" in reply.text
    assert await app.services.store.call(posts_sql.with_state, "draft") == []
    # a reader who got hold of an admin's button is refused on press too
    preview = await app.sandbox.ask("/post Настоящий пост", user_id=ADMIN_ID)
    await app.sandbox.click(preview.chat_id, preview.message_id, preview.button("Опубликовать"), user_id=READER_ID, timeout=1.0)
    assert channel_messages(app) == []
    assert app.sandbox.callback_answers[-1].get("show_alert")
    audit = await app.services.store.call(audit_sql.recent, 10)
    refused = [row for row in audit if row["action"] == "refused"]
    assert len(refused) == 2 and all(row["user_id"] == READER_ID and not row["ok"] for row in refused)


async def test_post_without_text_explains_usage(app: LocalBot) -> None:
    reply = await app.sandbox.ask("/post", user_id=ADMIN_ID)
    assert "/post Текст" in reply.text


async def test_admin_sees_admin_commands_in_help(app: LocalBot) -> None:
    reply = await app.sandbox.ask("/help", user_id=ADMIN_ID)
    assert "/post" in reply.text


async def test_channel_admins_may_post_when_enabled_but_nothing_else(sandbox, tmp_path) -> None:
    from tests.conftest import make_settings

    editor = 7007
    sandbox.add_user(editor, first_name="Editor")
    async with LocalBot(make_settings(tmp_path, channel_admins_post=True), sandbox=sandbox) as local:
        sandbox.set_chat_admins(SANDBOX_CHANNEL_ID, [ADMIN_ID, editor])
        preview = await sandbox.ask("/post От редактора канала", user_id=editor)
        assert preview.buttons, preview.text
        mark = sandbox.mark()
        sandbox.press_button(preview.chat_id, preview.message_id, preview.button("Опубликовать"), user_id=editor)
        await sandbox.wait_for(editor, 1, after=mark, methods=("sendMessage",))
        assert [m.text for m in sandbox.messages(SANDBOX_CHANNEL_ID)] == ["От редактора канала"]
        stats = await sandbox.ask("/stats", user_id=editor)
        assert "только для администраторов" in stats.text
        stranger = await sandbox.ask("/post Чужой", user_id=READER_ID)
        assert "только для администраторов" in stranger.text
        assert local.services.settings.channel_admins_post
