"""The follow-up digest as the channel, subscribers and the admin see it: never empty, never
before its first slot, previewed before /followup publishes, and the same "new" as theme cards."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.app.batch import digest as digest_command
from bot.app.local import SANDBOX_CHANNEL_ID, LocalBot
from bot.clock import FrozenClock
from bot.sandbox import SANDBOX_TOKEN, Sandbox
from tests.articles import CORRIDOR, VISAS
from tests.conftest import ADMIN_ID, CHANNEL, READER_ID, make_settings

START = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)  # Tuesday; the weekly slot is Monday 10:00 Moscow
FIRST_SLOT = datetime(2026, 12, 7, 7, 0, tzinfo=timezone.utc)
SECOND_SLOT = datetime(2026, 12, 14, 7, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


async def tick(app: LocalBot) -> None:
    await app.services.digests.tick()
    await app.services.outbox.wait_idle()


def followups(sb: Sandbox, chat_id: int) -> list[str]:
    return [m.text for m in sb.messages(chat_id) if "что изменилось" in m.text]


async def press(sb: Sandbox, message, label: str) -> str:
    """Press a button of the admin's preview; the text of the bot's next message."""
    mark = sb.mark()
    sb.press_button(ADMIN_ID, message.message_id, message.button(label), user_id=ADMIN_ID)
    return (await sb.wait_for(ADMIN_ID, 1, after=mark, methods=("sendMessage",)))[0].text


async def test_a_fresh_bot_posts_no_empty_followup_and_waits_for_its_first_slot(app: LocalBot, clock: FrozenClock) -> None:
    await app.sandbox.ask("/subscribe", user_id=READER_ID)
    await tick(app)  # the previous Monday's slot passed before the bot ever ran: not due
    clock.set(FIRST_SLOT)
    await tick(app)  # the first slot, with nothing new: nothing goes out
    await tick(app)
    assert followups(app.sandbox, SANDBOX_CHANNEL_ID) == [] and followups(app.sandbox, READER_ID) == []

    clock.advance(hours=2)
    await app.services.articles.add(*CORRIDOR, kind="file")
    await tick(app)  # an article arriving after the slot waits for the next one
    assert followups(app.sandbox, SANDBOX_CHANNEL_ID) == []
    clock.set(SECOND_SLOT)
    await tick(app)
    posted = followups(app.sandbox, SANDBOX_CHANNEL_ID)
    assert len(posted) == 1 and CORRIDOR[0] in posted[0]
    assert "Материалы с 07.12.2026 по 14.12.2026" in posted[0]  # since the previous (empty) slot
    assert len(followups(app.sandbox, READER_ID)) == 1


async def test_followup_command_previews_then_publishes_once(app: LocalBot, clock: FrozenClock) -> None:
    sb = app.sandbox
    nothing = await sb.ask("/followup", user_id=ADMIN_ID)
    assert re.match(r"Нового с \d\d\.\d\d\.\d{4} нет — обзор изменений не нужен", nothing.text), nothing.text
    assert nothing.buttons == [] and sb.messages(SANDBOX_CHANNEL_ID) == []

    clock.advance(hours=1)
    await app.services.articles.add(*CORRIDOR, kind="file")
    clock.advance(hours=1)
    preview = await sb.ask("/followup", user_id=ADMIN_ID)
    assert preview.text.startswith("Предпросмотр обзора изменений: материалов 1")
    assert CORRIDOR[0] in preview.text and "Без новостей с " in preview.text
    assert sb.messages(SANDBOX_CHANNEL_ID) == []  # nothing is sent before Publish

    note = await press(sb, preview, "Опубликовать")
    assert note == "Обзор изменений опубликован: материалов 1, получателей 1."
    await app.services.outbox.wait_idle()
    channel = followups(sb, SANDBOX_CHANNEL_ID)
    assert len(channel) == 1 and CORRIDOR[0] in channel[0]
    me = (await app.bot.me()).username if app.bot else ""
    links = [e["url"] for e in sb.messages(SANDBOX_CHANNEL_ID)[-1].entities if e.get("type") == "text_link"]
    assert f"https://t.me/{me}?start=theme_transport-corridors" in links  # the theme opens its card in the bot
    assert any(link.startswith(f"https://t.me/{me}?start=a_") for link in links)  # "Открыть" opens the summary
    # a second press of the old button sends nothing again
    assert "уже опубликован" in await press(sb, preview, "Опубликовать")
    assert len(followups(sb, SANDBOX_CHANNEL_ID)) == 1

    clock.advance(hours=1)
    after = await sb.ask("/followup", user_id=ADMIN_ID)
    assert after.text.startswith("Нового с 01.12.2026 нет")

    clock.advance(hours=1)
    await app.services.articles.add(*VISAS, kind="file")
    second = await sb.ask("/followup", user_id=ADMIN_ID)
    assert await press(sb, second, "Отмена") == "Обзор изменений не опубликован."
    assert len(followups(sb, SANDBOX_CHANNEL_ID)) == 1


async def test_late_article_is_dated_inside_the_period_and_cards_agree(app: LocalBot, clock: FrozenClock) -> None:
    """An article dated 03.12 that arrives after a follow-up of 05.12 goes into the next one,
    whose period then starts at 03.12; the card lists the same articles as new."""
    sb = app.sandbox
    clock.set(datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc))
    await app.services.articles.add(*VISAS, kind="file")
    preview = await sb.ask("/followup", user_id=ADMIN_ID)
    await press(sb, preview, "Опубликовать")
    clock.advance(hours=3)
    await app.services.articles.add(*CORRIDOR, kind="file", published=datetime(2026, 12, 3, 8, 0, tzinfo=timezone.utc))
    clock.advance(hours=1)
    late = await sb.ask("/followup", user_id=ADMIN_ID)
    assert "Материалы с 03.12.2026 по 05.12.2026" in late.text
    assert "03.12.2026 · " + CORRIDOR[0] in late.text and VISAS[0] not in late.text
    card = await sb.ask("/theme transport-corridors", user_id=READER_ID)
    assert "03.12.2026 — " + CORRIDOR[0] in card.text


async def test_cli_followup_twice_posts_once_and_says_why(sandbox: Sandbox, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    sandbox.add_channel(SANDBOX_CHANNEL_ID, username=CHANNEL.lstrip("@"), title="Zen Digest channel")
    settings = make_settings(tmp_path, bot_token=SANDBOX_TOKEN, telegram_api_url=sandbox.base_url)
    assert await digest_command(settings, followup=True, chat_id=None, dry_run=False) == 0
    assert sandbox.messages(SANDBOX_CHANNEL_ID) == []  # nothing new: nothing posted
    assert "nothing new since" in capsys.readouterr().err

    from bot.app.batch import ingest

    article = tmp_path / "corridor.txt"
    article.write_text(f"{CORRIDOR[0]}\n\n{CORRIDOR[1]}\n", encoding="utf-8")
    assert await ingest(settings, [str(article)]) == 0
    assert await digest_command(settings, followup=True, chat_id=None, dry_run=False) == 0
    assert await digest_command(settings, followup=True, chat_id=None, dry_run=False) == 0
    posted = sandbox.messages(SANDBOX_CHANNEL_ID)
    assert len(posted) == 1 and CORRIDOR[0] in posted[0].text
    err = capsys.readouterr().err
    assert "1 digest message(s) sent" in err and "nothing new since" in err


async def test_cli_dry_run_says_who_is_due_when(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = make_settings(tmp_path)
    assert await digest_command(settings, followup=False, chat_id=None, dry_run=True) == 0
    err = capsys.readouterr().err
    assert "nothing is due now" in err and "no active subscriptions" in err
    assert "follow-up: next at" in err and "Europe/Moscow" in err


async def test_cli_dry_run_names_the_next_subscriber_due(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from storage import chats as chats_sql
    from storage import subscriptions as subs_sql
    from storage.db import Store

    settings = make_settings(tmp_path)
    async with Store(settings.database_path) as store:
        await store.call(chats_sql.remember, {"id": READER_ID, "type": "private", "title": "Reader"}, "2026-12-01T00:00:00+00:00")
        await store.call(subs_sql.subscribe, READER_ID, {"frequency": "daily", "weekday": 0, "hour": 9,
                                                         "timezone": "Asia/Almaty", "themes": None, "followups": 1},
                         "2099-01-01T00:00:00+00:00")  # just handled: nothing due until its next 09:00
    assert await digest_command(settings, followup=False, chat_id=None, dry_run=True) == 0
    err = capsys.readouterr().err
    assert "nothing is due now" in err
    assert f"personal digests: 1 subscription(s); next: chat {READER_ID} at " in err
