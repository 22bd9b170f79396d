"""/post: preview, confirm/cancel, the admin's own formatting, refusal for non-admins, audit."""

from __future__ import annotations

from bot.app.local import SANDBOX_CHANNEL_ID, LocalBot
from storage import audit as audit_sql
from storage import posts as posts_sql
from tests.conftest import ADMIN_ID, READER_ID
from tests.posting import channel, control, labels, post_preview, press, publish, rendered

TRICKY = "Итоги <недели> & планы: a<b, \"кавычки\" и 5 > 3 <b>не жирный</b>"


async def test_admin_post_preview_then_publish_exactly_as_typed(app: LocalBot) -> None:
    mark = app.sandbox.mark()
    preview = await post_preview(app.sandbox, f"/post {TRICKY}")
    shown = await rendered(app.sandbox, mark)
    assert [m.text for m in shown] == [TRICKY] and shown[0].entities == []
    assert "Опубликовать" in " ".join(labels(preview)) and channel(app.sandbox) == []
    stale = preview.button("Опубликовать")
    published = await publish(app.sandbox, preview)
    posted = channel(app.sandbox)
    assert len(posted) == 1 and posted[0].text == TRICKY and posted[0].entities == []
    # the note links the post and offers to edit or delete it
    assert f"https://t.me/zen_test_channel/{posted[0].message_id}" in [d for row in published.buttons for _, d in row]
    assert {"✏️ Изменить", "🗑 Удалить"} <= set(labels(published))
    # a second press (double tap, stale button) never posts twice
    answer = await press(app.sandbox, preview, "Опубликовать", data=stale)
    assert answer.get("show_alert") and "уже опубликован" in answer["text"]
    assert len(channel(app.sandbox)) == 1
    audit = await app.services.store.call(audit_sql.recent, 10)
    assert [r.action for r in audit if r.action in ("post.draft", "post.confirm", "post.publish")] == [
        "post.publish", "post.confirm", "post.draft"]


async def test_post_keeps_the_formatting_the_admins_client_applied(app: LocalBot) -> None:
    text = "/post Важно: встреча в 😀 пятницу, подробности"
    # "Важно" bold, "подробности" a link — offsets in UTF-16 units of the whole message
    bold = {"type": "bold", "offset": 6, "length": 5}
    link = {"type": "text_link", "offset": 34, "length": 11, "url": "https://example.org/a"}
    preview = await post_preview(app.sandbox, text, entities=[bold, link])
    await publish(app.sandbox, preview)
    [posted] = channel(app.sandbox)
    assert posted.text == "Важно: встреча в 😀 пятницу, подробности"
    assert posted.entities == [{**bold, "offset": 0}, {**link, "offset": 28}]


async def test_cancel_sends_nothing(app: LocalBot) -> None:
    preview = await post_preview(app.sandbox, "/post Черновик")
    await press(app.sandbox, preview, "Отмена")
    assert channel(app.sandbox) == []
    drafts = await app.services.store.call(posts_sql.with_state, "cancelled")
    assert [d.text for d in drafts] == ["Черновик"]


async def test_non_admin_is_refused_and_nothing_happens(app: LocalBot) -> None:
    reply = await app.sandbox.ask("/post Взлом канала", user_id=READER_ID)
    assert "только для администраторов" in reply.text
    assert await app.services.store.call(posts_sql.with_state, "draft") == []
    # a reader who got hold of an admin's button is refused on press too
    preview = await post_preview(app.sandbox, "/post Настоящий пост")
    answer = await press(app.sandbox, preview, "Опубликовать", user_id=READER_ID)
    assert answer.get("show_alert") and channel(app.sandbox) == []
    audit = await app.services.store.call(audit_sql.recent, 10)
    refused = [row for row in audit if row.action == "refused"]
    assert len(refused) == 2 and all(row.user_id == READER_ID and not row.ok for row in refused)


async def test_post_without_text_explains_usage(app: LocalBot) -> None:
    reply = await app.sandbox.ask("/post", user_id=ADMIN_ID)
    assert "/post Текст" in reply.text


async def test_admin_sees_admin_commands_in_help(app: LocalBot) -> None:
    reply = await app.sandbox.ask("/help", user_id=ADMIN_ID)
    assert "/post" in reply.text and "/edit" in reply.text and "/delete" in reply.text


async def test_channel_admins_may_post_when_enabled_but_nothing_else(sandbox, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_settings

    editor = 7007
    sandbox.add_user(editor, first_name="Editor")
    async with LocalBot(make_settings(tmp_path, channel_admins_post=True), sandbox=sandbox) as local:
        sandbox.set_chat_admins(SANDBOX_CHANNEL_ID, [ADMIN_ID, editor])
        mark = sandbox.mark()
        sandbox.send_text("/post От редактора канала", user_id=editor)
        preview = await control(sandbox, mark, editor)
        await publish(sandbox, preview, user_id=editor)
        assert [m.text for m in sandbox.messages(SANDBOX_CHANNEL_ID)] == ["От редактора канала"]
        stats = await sandbox.ask("/stats", user_id=editor)
        assert "только для администраторов" in stats.text
        stranger = await sandbox.ask("/post Чужой", user_id=READER_ID)
        assert "только для администраторов" in stranger.text
        assert local.services.settings.channel_admins_post
