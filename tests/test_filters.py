"""Word filters of a subscription on the sandbox: typed and by buttons, applied to personal digests
(every word form), and the digest says how many articles they left out."""

from __future__ import annotations

from bot.app.local import LocalBot
from bot.clock import FrozenClock
from tests.articles import CORRIDOR, VISAS
from tests.conftest import READER_ID
from tests.weekly import clock, run_slot, subscribe  # noqa: F401 - fixtures

SANCTIONS = (
    "Брюссель готовит новый пакет ограничений",
    "Евросоюз обсуждает новый пакет мер против банков третьих стран. Компании, торгующие с Россией, "
    "могут попасть под санкциями, если будут помогать обходить ограничения, заявили в Еврокомиссии.",
)
TOKAYEV = (
    "Президент подписал указ о транспортной стратегии",
    "Указ Касым-Жомарта Токаева о развитии Среднего коридора предусматривает новые паромы через Каспий "
    "и модернизацию порта Актау для грузов из Китая в Европу.",
)




async def say(app: LocalBot, text: str) -> str:
    return (await app.sandbox.ask(text, user_id=READER_ID)).text


async def subscribed_digest(app: LocalBot, clock: FrozenClock, *docs: tuple[str, str]) -> str:
    """Store the articles after the subscription, reach the weekly slot, return the digest text."""
    clock.advance(minutes=1)
    for i, (title, text) in enumerate(docs):
        await app.services.articles.add(title, text, kind="feed", url=f"https://news{i}.example/a/{i}")
    await run_slot(app, clock)
    digests = [m.text for m in app.sandbox.messages(READER_ID) if "Ваш дайджест" in m.text]
    assert len(digests) == 1, digests
    return digests[0]


async def test_a_muted_word_keeps_an_article_out_of_the_digest_and_the_digest_says_so(
        app: LocalBot, clock: FrozenClock) -> None:
    await subscribe(app)
    assert "Скрываю материалы со словом «санкции»" in await say(app, "/settings mute санкции")
    digest = await subscribed_digest(app, clock, CORRIDOR, SANCTIONS)  # "санкциями" in the text
    assert CORRIDOR[0] in digest and SANCTIONS[0] not in digest
    assert "Скрыто вашими фильтрами слов: 1" in digest


async def test_only_a_name_keeps_articles_naming_that_person_in_any_case(app: LocalBot, clock: FrozenClock) -> None:
    await subscribe(app)
    assert "Показываю только материалы со словом «токаев»" in await say(app, "/settings only Токаев")
    digest = await subscribed_digest(app, clock, TOKAYEV, VISAS)  # "Токаева" in the text
    assert TOKAYEV[0] in digest and VISAS[0] not in digest
    assert "Скрыто вашими фильтрами слов: 1" in digest


async def test_filters_are_listed_added_by_typing_and_removed_by_button(app: LocalBot) -> None:
    sb = app.sandbox
    await subscribe(app)
    menu = await sb.ask("/settings", user_id=READER_ID)
    screen = await sb.click(READER_ID, menu.message_id, menu.button("Фильтры слов"), user_id=READER_ID)
    assert screen is not None and "Фильтров нет" in screen.text
    prompt = await sb.click(READER_ID, screen.message_id, screen.button("Скрыть слово"), user_id=READER_ID)
    assert prompt is not None and "Напишите слово" in prompt.text
    listed = await sb.ask("Визы", user_id=READER_ID)
    assert "Скрываю материалы со словом «визы»" in listed.text and "Скрывать материалы со словами: визы" in listed.text
    refused = await sb.ask("/settings only санкц.*", user_id=READER_ID)
    assert "только буквы, цифры" in refused.text
    removed = await sb.click(READER_ID, listed.message_id, listed.button("✖"), user_id=READER_ID)
    assert removed is not None and "Фильтров нет" in removed.text
    assert await app.services.word_filters.of(READER_ID) == []
