"""Drafts of media an admin sends or forwards: albums gathered into one draft, captions kept with
their entities, file ids reused, Telegram's limits said at preview."""

from __future__ import annotations

from bot.app.local import LocalBot
from storage import posts as posts_sql
from tests.conftest import ADMIN_ID
from tests.posting import channel, control, labels, publish, rendered, toggle

BOLD = [{"type": "bold", "offset": 0, "length": 6}, {"type": "italic", "offset": 7, "length": 5}]


async def test_a_forwarded_album_becomes_one_draft_and_the_channel_gets_the_same_album(app: LocalBot) -> None:
    sb = app.sandbox
    sb.add_channel(-100555, username="news_source", title="Источник")
    mark = sb.mark()
    items = sb.send_album(["photo", "video", "photo"], user_id=ADMIN_ID, caption="Альбом недели",
                          caption_entities=BOLD, forward_from_chat_id=-100555)
    preview = await control(sb, mark)
    shown = await rendered(sb, mark)
    assert [m.media for m in shown] == ["photo", "video", "photo"] and shown[0].text == "Альбом недели"
    assert len(await app.services.store.call(posts_sql.with_state, "draft")) == 1
    await publish(sb, preview)
    posted = channel(sb)
    assert [m.media for m in posted] == ["photo", "video", "photo"]
    assert len({m.media_group_id for m in posted}) == 1 and posted[0].media_group_id
    assert posted[0].text == "Альбом недели" and posted[0].entities == BOLD
    sent_ids = [items[0]["photo"][-1]["file_id"], items[1]["video"]["file_id"], items[2]["photo"][-1]["file_id"]]
    assert [m.file for m in posted] == sent_ids  # the admin's files, not re-uploads


async def test_each_kind_of_media_becomes_a_draft_with_its_caption(app: LocalBot) -> None:
    sb = app.sandbox
    for kind in ("photo", "video", "animation", "document", "audio", "voice"):
        mark = sb.mark()
        sent = sb.send_media(kind, user_id=ADMIN_ID, caption=f"Подпись {kind}", caption_entities=BOLD[:1])
        preview = await control(sb, mark)
        [shown] = await rendered(sb, mark)
        assert shown.media == kind and shown.text == f"Подпись {kind}", kind
        await publish(sb, preview)
        posted = channel(sb)[-1]
        file_id = sent[kind][-1]["file_id"] if kind == "photo" else sent[kind]["file_id"]
        assert (posted.media, posted.file, posted.text, posted.entities) == (kind, file_id, f"Подпись {kind}",
                                                                            BOLD[:1]), kind


async def test_a_long_caption_is_offered_as_media_then_text(app: LocalBot) -> None:
    sb = app.sandbox
    caption = "Длинная подпись. " * 70  # 1 190 characters
    mark = sb.mark()
    sb.send_media("photo", user_id=ADMIN_ID, caption=caption, caption_entities=BOLD[:1])
    preview = await control(sb, mark)
    assert "1189 знаков из 1024" in preview.text
    assert not any("Опубликовать" in label for label in labels(preview))  # checked now, not at publish
    preview = await toggle(sb, preview, "Медиа, затем текст")
    assert any("Опубликовать" in label for label in labels(preview))
    await publish(sb, preview)
    photo, text = channel(sb)
    assert photo.media == "photo" and photo.text == ""
    assert text.media is None and text.text == caption.strip() and text.entities == BOLD[:1]


async def test_albums_telegram_would_refuse_are_stopped_at_preview(app: LocalBot) -> None:
    sb = app.sandbox
    mark = sb.mark()
    sb.send_album(["photo", "document"], user_id=ADMIN_ID, caption="Смешанный")
    preview = await control(sb, mark)
    assert "не примет" in preview.text and "document, photo" in preview.text
    assert not any("Опубликовать" in label for label in labels(preview))
    assert channel(sb) == []


async def test_post_as_a_reply_to_a_photo_and_a_sticker_is_refused(app: LocalBot) -> None:
    sb = app.sandbox
    photo = sb.send_media("photo", user_id=ADMIN_ID, caption="Фото дня")
    await control(sb, 0)
    mark = sb.mark()
    sb.send_text("/post", user_id=ADMIN_ID, reply_to_message_id=photo["message_id"])
    preview = await control(sb, mark)
    await publish(sb, preview)
    assert [(m.media, m.text) for m in channel(sb)] == [("photo", "Фото дня")]
    mark = sb.mark()
    sb.inject_update({"message": {"message_id": 999, "date": 0, "chat": sb.core.chats.get(ADMIN_ID),
                                  "from": sb.core.chats.user(ADMIN_ID), "forward_origin": {
                                      "type": "hidden_user", "sender_user_name": "X", "date": 0},
                                  "sticker": {"file_id": "CAAC1", "file_unique_id": "u", "type": "regular",
                                              "width": 1, "height": 1, "is_animated": False, "is_video": False}}})
    [refusal] = await sb.wait_for(ADMIN_ID, 1, after=mark)
    assert "не опубликовать" in refusal.text
