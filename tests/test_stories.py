"""One story once: the same event reported by three sites is one digest entry naming the other
two ("также пишут: …"), in personal digests and in the follow-up; a different event on the same topic
stays its own entry. The reports are invented (three retellings of one made-up event)."""

from __future__ import annotations

from bot.app.local import LocalBot
from bot.clock import FrozenClock
from tests.conftest import READER_ID
from tests.weekly import clock, run_slot, subscribe  # noqa: F401 - fixtures
FERRY = [
    ("https://portnews.example/aktau-ferry", "В порт Актау пришёл первый паром линии Актау – Баку",
     "Первый паром новой линии Актау – Баку пришёл в порт Актау с 52 контейнерами из Китая. Линия "
     "Транскаспийского маршрута будет работать дважды в неделю, сообщил оператор порта Актау."),
    ("https://caspian.example/news/ferry", "Паром из Баку доставил в Актау 52 контейнера",
     "Оператор порта Актау принял первый паром регулярной линии Баку – Актау: на борту 52 контейнера с "
     "грузами из Китая. Рейсы Транскаспийского маршрута будут выполняться два раза в неделю."),
    ("https://www.silkway.example/2026/aktau", "Открыта паромная линия Актау – Баку",
     "Регулярная паромная линия Актау – Баку открыта: первый паром доставил в порт Актау 52 контейнера "
     "китайских грузов. По словам оператора порта, суда Транскаспийского маршрута пойдут дважды в неделю."),
]
OTHER = ("https://portnews.example/kuryk", "Порт Курык расширит зерновой терминал",
         "Порт Курык на Каспии расширит зерновой терминал к осени: мощность вырастет вдвое, а экспорт "
         "зерна по Среднему коридору в Европу станет дешевле, заявили в администрации порта.")




async def store_reports(app: LocalBot, clock: FrozenClock) -> None:
    for url, title, text in [*FERRY, OTHER]:
        clock.advance(minutes=1)
        await app.services.articles.add(title, text, kind="feed", url=url, published=clock.now())


async def test_three_sources_of_one_story_give_one_digest_entry(app: LocalBot, clock: FrozenClock) -> None:
    sb = app.sandbox
    await subscribe(app)
    await store_reports(app, clock)
    await run_slot(app, clock)
    digest = next(m for m in sb.messages(READER_ID) if "Ваш дайджест" in m.text)
    shown = [title for _, title, _ in FERRY if title in digest.text]
    assert len(shown) == 1, digest.text  # the newest report stands for the story
    assert shown[0] == FERRY[-1][1]
    assert "также пишут: caspian.example, portnews.example" in digest.text
    links = {e.get("url") for e in digest.entities if e.get("type") == "text_link"}
    assert {FERRY[0][0], FERRY[1][0]} <= links  # each other source links to its own report
    assert OTHER[1] in digest.text  # another event on the same topic stays its own entry
    assert digest.text.count("также пишут:") == 1


async def test_the_follow_up_lists_one_story_once_too(app: LocalBot, clock: FrozenClock) -> None:
    await store_reports(app, clock)
    run = await app.services.digests.followup(dry_run=True)
    assert run is not None and run.envelopes
    text = run.envelopes[0].html
    assert sum(title in text for _, title, _ in FERRY) == 1
    assert "также пишут:" in text and "caspian.example" in text and "portnews.example" in text
