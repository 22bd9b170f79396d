"""A digest as a reader reads it: each article once, under its main theme, with its other themes
named, a one-line snippet and an "Open" link to its summary in the bot."""

from __future__ import annotations

from bot.app.local import LocalBot
from tests.conftest import READER_ID

BOTH = (
    "Средний коридор и визы: ЕС обсудил с Казахстаном грузы и поездки",
    "Казахстан и Европейский союз договорились расширить пропускную способность портов Актау и Курык на "
    "Транскаспийском международном транспортном маршруте, Средний коридор получит европейское финансирование. "
    "Европейская комиссия также получила мандат на переговоры об упрощении выдачи виз и о реадмиссии: "
    "граждане Казахстана смогут быстрее получать шенгенские визы.",
)


async def test_an_article_on_two_themes_is_listed_once_and_a_duplicate_copy_not_at_all(app: LocalBot) -> None:
    article, _ = await app.services.articles.add(*BOTH, kind="file")
    assert len(article.theme_slugs) >= 2, article.theme_slugs
    await app.services.articles.add(BOTH[0], BOTH[1] + " Источник: лента агентства.", kind="feed",
                                   url="https://example.org/news/corridor-visas")
    reply = await app.sandbox.ask("/digest", user_id=READER_ID)
    text = reply.text
    assert text.count(BOTH[0]) == 1  # two themes, two stored copies: one line
    line = text.splitlines()[[i for i, ln in enumerate(text.splitlines()) if BOTH[0] in ln][0] + 2]
    assert line.startswith("также: ") and line.endswith("· Открыть")
    me = (await app.bot.me()).username if app.bot else ""
    links = [e["url"] for e in reply.entities if e.get("type") == "text_link"]
    assert "https://example.org/news/corridor-visas" in links  # the copy with a link is the one shown
    assert any(u.startswith(f"https://t.me/{me}?start=a_") for u in links)
    opened = await app.sandbox.ask(f"/start a_{article.id}", user_id=READER_ID)  # where "Открыть" leads
    assert opened.text.startswith("📰 " + BOTH[0])


async def test_deep_links_open_a_theme_card_and_an_article(app: LocalBot) -> None:
    card = await app.sandbox.ask("/start theme_visa-facilitation", user_id=READER_ID)
    assert "Тема 4 из 8" in card.text and card.button("🔔 Следить за темой")
    anchor = await app.services.articles.anchor()
    assert anchor is not None
    summary = await app.sandbox.ask(f"/start a_{anchor.id}", user_id=READER_ID)
    assert summary.text.startswith("📰 Казахстан – ЕС в декабре 2025 года")
    stale = await app.sandbox.ask("/start a_987654", user_id=READER_ID)  # a link to nothing: the greeting
    assert stale.text.startswith("Здравствуйте!")
    counter = await app.sandbox.ask("/themes", user_id=READER_ID)
    listing = await app.sandbox.click(READER_ID, counter.message_id, counter.button("1/8"), user_id=READER_ID)
    assert listing is not None and listing.message_id == counter.message_id and listing.text == "Выберите тему анализа:"
    assert len([b for row in listing.buttons for b in row]) == 8


async def test_a_digest_telegram_refuses_is_reported_instead_of_vanishing(app: LocalBot) -> None:
    await app.services.articles.add(*BOTH, kind="file")
    app.sandbox.fail_next("sendMessage", 400, description="Bad Request: the digest was refused")
    reply = await app.sandbox.ask("/digest", user_id=READER_ID)
    assert reply.text == "Не получилось отправить ответ: Telegram его не принял. Попробуйте ещё раз чуть позже."
    again = await app.sandbox.ask("/digest", user_id=READER_ID)  # nothing was lost: asking again works
    assert BOTH[0] in again.text
