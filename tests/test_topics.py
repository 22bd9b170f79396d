"""Forum topics on the sandbox: /subscribe inside a topic subscribes that topic, its digests and
replies go there, /settings there manages it, and a deleted or closed topic ends only its own
subscription (the way a blocked chat ends a chat's)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.app.local import LocalBot
from bot.clock import FrozenClock
from bot.sandbox.forums import add_forum, close_topic, create_topic, delete_topic, in_topic, say_in_topic
from storage import subscriptions as subs_sql
from tests.articles import CORRIDOR, UNRELATED, VISAS
from tests.conftest import READER_ID
from tests.weekly import SLOT, clock, run_slot  # noqa: F401 - fixtures

FORUM = -1001234567




async def in_topic_say(app: LocalBot, text: str, thread: int, replies: int = 1) -> list[str]:
    sb = app.sandbox
    mark = sb.mark()
    say_in_topic(sb, text, user_id=READER_ID, chat_id=FORUM, thread_id=thread)
    sent = await sb.wait_for(FORUM, replies, after=mark)
    assert all(m.raw.get("message_thread_id") == thread for m in sent), [m.raw for m in sent]
    return [m.text for m in sent]


async def digest_run(app: LocalBot, clock: FrozenClock, when: datetime, doc: tuple[str, str], n: int) -> None:
    clock.set(when - timedelta(hours=3))  # before both topics' slots (09:00 and 10:00 Moscow)
    await app.services.articles.add(doc[0], doc[1], kind="feed", url=f"https://news.example/{n}")
    await run_slot(app, clock, when)


async def test_a_topic_subscription_delivers_into_its_topic_and_a_deleted_topic_ends_it(
        app: LocalBot, clock: FrozenClock) -> None:
    sb = app.sandbox
    add_forum(sb, FORUM, "Central Asia watchers", admins=(READER_ID,))
    news = create_topic(sb, FORUM, "Новости", user_id=READER_ID)
    trade = create_topic(sb, FORUM, "Торговля", user_id=READER_ID)
    replies = await in_topic_say(app, "/subscribe", news, replies=3)
    assert "тема форума подписана отдельно" in " ".join(replies)
    await in_topic_say(app, "/subscribe", trade, replies=3)
    assert await app.services.subscriptions.get(FORUM) is None  # the chat itself is not subscribed

    hours = await in_topic_say(app, "/settings hour 9", trade)  # settings of that topic only
    assert "в 09:00" in hours[0]
    assert (await app.services.subscriptions.get(FORUM, news)).hour == 10
    mark = sb.mark()
    say_in_topic(sb, "/theme supply-chains", user_id=READER_ID, chat_id=FORUM, thread_id=news)
    card = (await sb.wait_for(FORUM, 1, after=mark))[0]
    assert "✅ Вы следите за темой" in str(card.buttons)  # the topic's own subscription: all themes
    sb.press_button(FORUM, card.message_id, card.button("следите"), user_id=READER_ID)
    await sb.wait_for(FORUM, 1, after=mark + 1, methods=("editMessageReplyMarkup",))
    assert "supply-chains" not in (await app.services.subscriptions.get(FORUM, news)).themes
    assert (await app.services.subscriptions.get(FORUM, trade)).themes is None

    await digest_run(app, clock, SLOT, CORRIDOR, 1)
    assert any("Ваш дайджест" in t and CORRIDOR[0] in t for t in in_topic(sb, FORUM, news))
    assert not any("Ваш дайджест" in t for t in in_topic(sb, FORUM, None))  # nothing in General

    delete_topic(sb, FORUM, news)
    await digest_run(app, clock, SLOT + timedelta(days=7), VISAS, 2)
    assert not (await app.services.subscriptions.get(FORUM, news)).active
    assert (await app.services.subscriptions.get(FORUM, trade)).active  # the other topic goes on
    assert any("Ваш дайджест" in t and VISAS[0] in t for t in in_topic(sb, FORUM, trade))
    assert (await app.services.store.call(lambda db: db["chats"].get(FORUM)))["active"] == 1

    close_topic(sb, FORUM, trade)
    await digest_run(app, clock, SLOT + timedelta(days=14), UNRELATED, 3)
    assert not (await app.services.subscriptions.get(FORUM, trade)).active
    rows = await app.services.store.call(subs_sql.scheduled)
    assert [(r.chat_id, r.thread_id) for r in rows if r.chat_id == FORUM] == []


async def test_a_topic_closed_by_an_admin_ends_its_subscription_at_once(app: LocalBot) -> None:
    sb = app.sandbox
    add_forum(sb, FORUM, "Central Asia watchers", admins=(READER_ID,))
    news = create_topic(sb, FORUM, "Новости", user_id=READER_ID)
    await in_topic_say(app, "/subscribe", news, replies=3)
    close_topic(sb, FORUM, news, by=READER_ID)  # Telegram posts "topic closed" in the topic
    for _ in range(250):  # until the bot has handled that update (no send needed to find out)
        if not (await app.services.subscriptions.get(FORUM, news)).active:
            break
        await asyncio.sleep(0.02)
    assert not (await app.services.subscriptions.get(FORUM, news)).active
