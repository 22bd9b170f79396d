"""/anchor end to end on the sandbox: an admin makes a new analysis an anchor (by URL, or as a
reply to a forwarded channel post), edits the proposed themes and confirms; readers then choose
the anchor in /themes, new articles are tagged with its themes, and its follow-up runs apart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone
from html import escape
from pathlib import Path

import pytest

from bot.app.local import SANDBOX_CHANNEL_ID, LocalBot
from bot.clock import FrozenClock
from bot.sandbox import Sandbox
from bot.sandbox.models import SentMessage
from storage import audit as audit_sql
from storage import themes as themes_sql
from tests.anchor_article import PARAGRAPHS, TEXT, TITLE
from tests.conftest import ADMIN_ID, READER_ID, make_settings
from tests.sources.conftest import LoopbackServer, server  # noqa: F401 - the loopback site fixture

SHIPPED = {"transport-corridors", "critical-raw-materials", "supply-chains", "visa-facilitation", "human-rights",
           "multi-vector-policy", "great-power-competition", "eu-rules-and-investment"}
PAGE = ("<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>")


START = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)  # a Tuesday
FOLLOWUP_SLOT = datetime(2026, 3, 16, 7, 0, tzinfo=timezone.utc)  # the next Monday, 10:00 Moscow (FOLLOWUP_CRON)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
async def app(sandbox: Sandbox, tmp_path: Path, server: LoopbackServer,  # noqa: F811
              clock: FrozenClock) -> AsyncIterator[LocalBot]:
    server.add("/uz-eu-2026", PAGE.format(title=escape(TITLE), body="".join(f"<p>{escape(p)}</p>" for p in PARAGRAPHS)))
    async with LocalBot(make_settings(tmp_path), sandbox=sandbox, clock=clock) as local:
        yield local


async def _say(app: LocalBot, text: str, *, user_id: int = ADMIN_ID, count: int = 1, **kw: object) -> SentMessage:
    mark = app.sandbox.mark()
    app.sandbox.send_text(text, user_id=user_id, **kw)  # type: ignore[arg-type]
    return (await app.sandbox.wait_for(user_id, count, after=mark, timeout=20))[-1]


async def _press(app: LocalBot, message: SentMessage, label: str, *, user_id: int = ADMIN_ID) -> SentMessage:
    reaction = await app.sandbox.click(message.chat_id, message.message_id, message.button(label), user_id=user_id)
    assert reaction is not None, label
    return reaction


def _listed(editor: SentMessage) -> list[str]:
    """The theme titles in the editor's "all themes" list, in order."""
    tail = editor.text.split("Все темы:")[1].strip().splitlines()
    return [line.split(" ", 2)[2] for line in tail]


async def _audit_actions(app: LocalBot) -> list[str]:
    rows = await app.services.store.call(audit_sql.recent, 50)
    return [r.action for r in reversed(rows) if r.ok]


async def test_admin_makes_an_analysis_an_anchor_by_url(app: LocalBot, server: LoopbackServer) -> None:  # noqa: F811
    shipped_before = await app.services.store.call(themes_sql.themes)
    editor = await _say(app, f"/anchor {server.base}/uz-eu-2026", count=2)  # "reading…", then the editor
    assert f"Опорный анализ: «{TITLE}»" in editor.text and "Тема 1 из" in editor.text
    titles = _listed(editor)
    assert 3 <= len(titles) <= 8
    # the card quotes the analysis's own sentences
    assert any(sentence in editor.text for sentence in TEXT.replace("\n\n", " ").split(". "))

    # rename the first theme: the admin is asked, sends a title, sees the card renamed
    ask = await _press(app, editor, "Переименовать")
    assert f"«{titles[0]}»" in ask.text
    renamed = await _say(app, "Большое партнёрство <ЕС>")
    assert "Большое партнёрство &lt;ЕС&gt;" not in renamed.text  # shown as text, not double-escaped
    assert _listed(renamed)[0] == "Большое партнёрство <ЕС>" and _listed(renamed)[1:] == titles[1:]

    # drop the last theme
    last = await _press(app, renamed, "◀")
    assert f"Тема {len(titles)} из {len(titles)}" in last.text
    dropped = await _press(app, last, "Удалить")
    assert _listed(dropped) == ["Большое партнёрство <ЕС>", *titles[1:-1]]

    # merge the third theme into the second
    second = await _press(app, await _press(app, dropped, "▶"), "▶")
    assert "Тема 2 из" in second.text
    pick = await _press(app, second, "Объединить")
    assert f"«{titles[1]}»" in pick.text
    merged = await _press(app, pick, titles[2])
    assert _listed(merged) == ["Большое партнёрство <ЕС>", titles[1], *titles[3:-1]]
    assert "Тема 2 из" in merged.text

    done = await _press(app, merged, "Подтвердить")
    assert f"«{TITLE}» теперь опорный анализ" in done.text and "Большое партнёрство &lt;ЕС&gt;" not in done.text
    anchors = await app.services.store.call(themes_sql.anchors)
    assert len(anchors) == 2
    new_themes = await app.services.store.call(themes_sql.themes, anchors[1].id)
    assert [t.title for t in new_themes] == _listed(merged)
    slugs = [t.slug for t in new_themes]
    assert len(set(slugs)) == len(slugs) and not SHIPPED & set(slugs)
    assert all(slug in done.text for slug in slugs)
    assert await app.services.store.call(themes_sql.themes, anchors[0].id) == shipped_before
    # the merged theme quotes both themes' sentences
    assert "Железная дорога Китай — Киргизия — Узбекистан" in " ".join(new_themes[1].claims)
    assert "Зелёный водород" in " ".join(new_themes[1].claims)

    actions = await _audit_actions(app)
    assert [a for a in actions if a.startswith("anchor.")] == [
        "anchor.propose", "anchor.rename_asked", "anchor.rename", "anchor.drop", "anchor.merge", "anchor.confirm"]

    # a second press of "confirm" (a double tap) adds nothing
    again = await app.sandbox.click(done.chat_id, done.message_id, merged.button("Подтвердить"), user_id=ADMIN_ID)
    assert again is None and len(await app.services.store.call(themes_sql.anchors)) == 2


async def test_readers_choose_the_anchor_and_new_articles_get_its_themes(app: LocalBot, server: LoopbackServer,  # noqa: F811
                                                                         clock: FrozenClock) -> None:
    # with one anchor, /themes is the December card as before
    first = await _say(app, "/themes", user_id=READER_ID)
    assert "1/8" in str(first.buttons)
    editor = await _say(app, f"/anchor {server.base}/uz-eu-2026", count=2)
    titles = _listed(editor)
    await _press(app, editor, "Подтвердить")

    chooser = await _say(app, "/themes", user_id=READER_ID)
    assert "Чьи темы показать" in chooser.text
    card = await _press(app, chooser, TITLE[:20], user_id=READER_ID)
    assert titles[0] in card.text and f"1/{len(titles)}" in str(card.buttons)
    first_theme = (await app.services.store.call(themes_sql.themes, 2))[0]
    assert first_theme.claims[0][:60] in card.text  # what the analysis says: its own sentences
    counter = await _press(app, card, f"1/{len(titles)}", user_id=READER_ID)  # the list: this anchor's themes only
    assert sum(len(row) for row in counter.buttons) == len(titles)
    card = await _press(app, counter, titles[0], user_id=READER_ID)
    following = await _press(app, card, "▶", user_id=READER_ID)
    assert titles[1] in following.text and f"2/{len(titles)}" in str(following.buttons)
    december = await _press(app, chooser, "Казахстан", user_id=READER_ID)
    assert "1/8" in str(december.buttons)

    energy = "Под Самаркандом построят солнечную электростанцию"
    article, _ = await app.services.articles.add(
        energy, "Европейские компании построят в Узбекистане солнечные и ветровые электростанции. Зелёный "
                "водород с этих станций будут экспортировать в Европу по трубопроводу через Каспий. Европейский "
                "инвестиционный банк выделил кредит на солнечный парк.", kind="file")
    new_slugs = {t.slug for t in await app.services.store.call(themes_sql.themes, 2)}
    assert new_slugs & set(article.theme_slugs)

    # the scheduled pass sends each anchor's follow-up on its own: the new one names its
    # analysis and lists the new article under its theme; a second pass sends nothing again
    clock.set(FOLLOWUP_SLOT)
    await app.services.digests.tick()
    await app.services.outbox.wait_idle()
    posted = [m.text for m in app.sandbox.messages(SANDBOX_CHANNEL_ID)]
    assert len(posted) == 2, posted
    december = next(text for text in posted if "после декабрьского анализа" in text)
    ours = next(text for text in posted if f"«{TITLE}»: что изменилось после анализа" in text)
    assert energy in ours and titles[0] not in december and TITLE not in december  # the analysis is no news
    assert "В анализе: " in ours  # the recap of the analysis's claim above the new article
    await app.services.digests.tick()
    await app.services.outbox.wait_idle()
    assert len(app.sandbox.messages(SANDBOX_CHANNEL_ID)) == 2


async def test_followup_now_previews_each_anchor_and_posts_the_one_confirmed(app: LocalBot,
                                                                            server: LoopbackServer) -> None:  # noqa: F811
    editor = await _say(app, f"/anchor {server.base}/uz-eu-2026", count=2)
    await _press(app, editor, "Подтвердить")
    energy = "Под Самаркандом построят солнечную электростанцию"
    await app.services.articles.add(energy, "Европейские компании построят в Узбекистане солнечные электростанции. "
                                           "Зелёный водород будут экспортировать в Европу через Каспий.", kind="file")
    mark = app.sandbox.mark()
    app.sandbox.send_text("/followup", user_id=ADMIN_ID)
    december, ours = await app.sandbox.wait_for(ADMIN_ID, 2, after=mark, timeout=20)  # one answer per anchor
    assert december.text.startswith("Нового с 01.12.2025 нет")  # the December anchor: nothing on its themes
    assert f"«{TITLE}»: что изменилось после анализа" in ours.text and energy in ours.text
    assert app.sandbox.messages(SANDBOX_CHANNEL_ID) == []  # nothing before Publish
    mark = app.sandbox.mark()
    app.sandbox.press_button(ours.chat_id, ours.message_id, ours.button("Опубликовать"), user_id=ADMIN_ID)
    [note] = await app.sandbox.wait_for(ADMIN_ID, 1, after=mark, methods=("sendMessage",))
    assert "Обзор изменений опубликован: материалов 1" in note.text
    await app.services.outbox.wait_idle()
    posted = [m.text for m in app.sandbox.messages(SANDBOX_CHANNEL_ID)]
    assert len(posted) == 1 and f"«{TITLE}»" in posted[0] and energy in posted[0]
    rows = await app.services.store.call(audit_sql.recent, 1)
    assert rows[0].action == "followup" and "anchor" in rows[0].detail


async def test_anchor_as_a_reply_to_a_forwarded_post_survives_a_restart(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    async with LocalBot(settings, sandbox=sandbox) as local:
        forwarded = sandbox.send_text(f"{TITLE}\n\n{TEXT}", user_id=ADMIN_ID, forward_from_chat_id=SANDBOX_CHANNEL_ID)
        await sandbox.wait_for(ADMIN_ID, 2)  # forwarding makes a post draft (the post and its buttons), as before
        editor = await _say(local, "/anchor", count=2, reply_to_message_id=forwarded["message_id"])
        assert f"Опорный анализ: «{TITLE}»" in editor.text
        ask = await _press(local, editor, "Переименовать")
        assert "Пришлите новое название" in ask.text
    async with LocalBot(settings, sandbox=sandbox) as local:
        renamed = await _say(local, "Новая тема")
        assert _listed(renamed)[0] == "Новая тема"
        done = await _press(local, renamed, "Подтвердить")
        assert "теперь опорный анализ" in done.text
        anchors = await local.services.store.call(themes_sql.anchors)
        article = await local.services.articles.get(anchors[1].article_id)
        assert article is not None and article.url == "https://t.me/zen_test_channel/1"


async def test_anchor_is_refused_for_readers_and_bad_input_is_explained(app: LocalBot,
                                                                        server: LoopbackServer) -> None:  # noqa: F811
    refused = await _say(app, f"/anchor {server.base}/uz-eu-2026", user_id=READER_ID)
    assert "только для администраторов" in refused.text
    rows = await app.services.store.call(audit_sql.recent, 5)
    assert rows[0].action == "refused" and rows[0].user_id == READER_ID and not rows[0].ok
    usage = await _say(app, "/anchor")
    assert "/anchor URL" in usage.text
    short = app.sandbox.send_text("Коротко о главном.", user_id=ADMIN_ID)
    await app.sandbox.wait_for(ADMIN_ID, 1)
    too_short = await _say(app, "/anchor", count=2, reply_to_message_id=short["message_id"])
    assert "слишком короткий" in too_short.text
    channel = await _say(app, "/anchor https://t.me/zen_test_channel", count=2)
    assert "нужен сам анализ, не лента" in channel.text
    missing = await _say(app, f"/anchor {server.base}/nowhere", count=2)
    assert missing.text == "Не получилось: такой страницы нет (404)"
    # the reader cannot press the admin's editor buttons either
    editor = await _say(app, f"/anchor {server.base}/uz-eu-2026", count=2)
    answer = await app.sandbox.click(editor.chat_id, editor.message_id, editor.button("Подтвердить"), user_id=READER_ID)
    assert answer is None and len(await app.services.store.call(themes_sql.anchors)) == 1
    assert (await app.services.store.call(audit_sql.recent, 1))[0].action == "refused"
    # a title that is not one is refused and the theme keeps its own; cancelling closes the proposal
    titles = _listed(editor)
    await _press(app, editor, "Переименовать")
    refused_title = await _say(app, "Очень " * 20)
    assert "до 60 символов" in refused_title.text
    cancelled = await _press(app, editor, "Отмена")
    assert "Предложение отменено" in cancelled.text
    late = await app.sandbox.click(editor.chat_id, editor.message_id, editor.button("Подтвердить"), user_id=ADMIN_ID)
    assert late is None and len(await app.services.store.call(themes_sql.anchors)) == 1
    assert "уже подтверждено или отменено" in app.sandbox.core.callback_answers[-1].get("text", "")
    after = await _say(app, "Просто текст")  # no longer awaited as a title: an ordinary message again
    assert titles[0] not in after.text


async def test_an_english_admin_edits_in_english(app: LocalBot, server: LoopbackServer) -> None:  # noqa: F811
    mark = app.sandbox.mark()
    app.sandbox.send_text(f"/anchor {server.base}/uz-eu-2026", user_id=ADMIN_ID, language_code="en")
    reading, editor = await app.sandbox.wait_for(ADMIN_ID, 2, after=mark, timeout=20)
    assert reading.text == "Reading the analysis and proposing themes…"
    assert f"Anchor analysis: “{TITLE}”" in editor.text and "Theme 1 of" in editor.text
    assert [label for row in editor.buttons for label, _ in row][3:] == [
        "✏️ Rename", "🗑 Drop", "🔗 Merge", "🗓 Follow-up schedule", "✅ Confirm", "✖ Cancel"]
    assert "🗓 Follow-ups: mon 10:00 (Europe/Moscow, FOLLOWUP_CRON)" in editor.text  # the proposed default
