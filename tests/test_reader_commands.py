"""Every reader command, end to end: real aiogram polling the sandbox, real SQLite file."""

from __future__ import annotations

from bot.app.local import LocalBot
from tests.conftest import READER_ID

ANCHOR_TITLE = "Казахстан – ЕС в декабре 2025 года"
SLUGS = [
    "transport-corridors", "critical-raw-materials", "supply-chains", "visa-facilitation",
    "human-rights", "multi-vector-policy", "great-power-competition", "eu-rules-and-investment",
]


async def test_start_greets_and_points_to_summary(app: LocalBot) -> None:
    reply = await app.sandbox.ask("/start", user_id=READER_ID)
    assert "/summary" in reply.text and "/themes" in reply.text


async def test_help_lists_every_reader_command_but_not_admin_ones(app: LocalBot) -> None:
    reply = await app.sandbox.ask("/help", user_id=READER_ID)
    for command in ("/start", "/help", "/latest", "/summary", "/themes", "/theme", "/search"):
        assert command in reply.text
    assert "/post" not in reply.text


async def test_summary_without_argument_is_the_cleaned_anchor(app: LocalBot) -> None:
    reply = await app.sandbox.ask("/summary", user_id=READER_ID)
    assert ANCHOR_TITLE in reply.text
    assert "Антон Михайлов" in reply.text
    assert "Найти в Дзене" not in reply.text and "Подпишись" not in reply.text
    bullets = [line for line in reply.text.splitlines() if line.startswith("• ")]
    assert 2 <= len(bullets) <= 5
    # buttons open the theme cards of the themes found in the analysis
    assert any(data.startswith("to:") for row in reply.buttons for _, data in row)


async def test_summary_by_id_and_bad_arguments(app: LocalBot) -> None:
    anchor = await app.services.articles.anchor()
    assert anchor is not None
    by_id = await app.sandbox.ask(f"/summary {anchor.id}", user_id=READER_ID)
    assert ANCHOR_TITLE in by_id.text
    missing = await app.sandbox.ask("/summary 987654", user_id=READER_ID)
    assert "987654" in missing.text and "/latest" in missing.text
    garbage = await app.sandbox.ask("/summary <b>что-то</b> & ещё", user_id=READER_ID)
    assert "/summary 12" in garbage.text
    unreachable = await app.sandbox.ask("/summary https://dzen.ru/a/AAAAAAAAAAAAAAAA", user_id=READER_ID)
    assert "Не получилось" in unreachable.text  # fetched (from the closed test port) and refused, with the reason
    too_soon = await app.sandbox.ask("/summary https://dzen.ru/a/BBBBBBBBBBBBBBBB", user_id=READER_ID)
    assert "раз в 10 секунд" in too_soon.text  # readers cannot turn the bot into a crawler


async def test_themes_navigation_edits_the_same_message(app: LocalBot) -> None:
    card = await app.sandbox.ask("/themes", user_id=READER_ID)
    assert "Тема 1 из 8" in card.text
    forward = next(data for row in card.buttons for text, data in row if text == "▶")
    edited = await app.sandbox.click(card.chat_id, card.message_id, forward, user_id=READER_ID)
    assert edited is not None and edited.message_id == card.message_id
    assert "Тема 2 из 8" in edited.text
    back = next(data for row in edited.buttons for text, data in row if text == "◀")
    again = await app.sandbox.click(card.chat_id, card.message_id, back, user_id=READER_ID)
    assert again is not None and "Тема 1 из 8" in again.text
    # wrapping around from the first card goes to the last
    wrap = next(data for row in again.buttons for text, data in row if text == "◀")
    last = await app.sandbox.click(card.chat_id, card.message_id, wrap, user_id=READER_ID)
    assert last is not None and "Тема 8 из 8" in last.text


async def test_every_theme_card_quotes_the_anchor(app: LocalBot) -> None:
    anchor = await app.services.articles.anchor()
    assert anchor is not None
    for slug in SLUGS:
        reply = await app.sandbox.ask(f"/theme {slug}", user_id=READER_ID)
        assert "Что говорит анализ" in reply.text, slug
        claim = reply.text.split("Что говорит анализ", 1)[1].strip().splitlines()[0]
        first_words = " ".join(claim.split()[:4])
        assert first_words in anchor.text, (slug, claim)
        assert len(reply.text) < 4096


async def test_unknown_and_missing_slug_list_the_catalog(app: LocalBot) -> None:
    reply = await app.sandbox.ask("/theme no-such-<theme>", user_id=READER_ID)
    assert "no-such-<theme>" in reply.text
    assert len([b for row in reply.buttons for b in row]) == len(SLUGS)  # every theme, as a button
    usage = await app.sandbox.ask("/theme", user_id=READER_ID)
    assert usage.text == "Выберите тему анализа:" and "Транспортные коридоры" in usage.buttons[0][0][0]
    card = await app.sandbox.click(READER_ID, usage.message_id, usage.button("Визов"), user_id=READER_ID)
    assert card is not None and card.message_id == usage.message_id and "Тема 4 из 8" in card.text
    by_title = await app.sandbox.ask("/theme визов", user_id=READER_ID)
    assert "Тема 4 из 8" in by_title.text


async def test_latest_empty_then_lists_ingested(app: LocalBot) -> None:
    empty = await app.sandbox.ask("/latest", user_id=READER_ID)
    assert "пока нет" in empty.text
    article, status = await app.services.articles.add(
        "Средний коридор: новые грузы через Каспий",
        "Объём перевозок по Транскаспийскому международному транспортному маршруту вырос. "
        "Казахстан и ЕС договорились о модернизации портов Актау и Курык.",
        kind="file",
    )
    assert status == "new"
    listed = await app.sandbox.ask("/latest", user_id=READER_ID)
    assert listed.text.splitlines()[2].startswith("1. Средний коридор: новые грузы через Каспий · ")
    assert listed.text.splitlines()[3].startswith("Объём перевозок по Транскаспийскому")  # the one-line snippet
    opened = await app.sandbox.click(READER_ID, listed.message_id, listed.button("Открыть 1"), user_id=READER_ID)
    assert opened is not None and opened.text.startswith("📰 Средний коридор: новые грузы через Каспий")
    assert f"/summary {article.id}" in opened.text


async def test_search_finds_russian_word_forms(app: LocalBot) -> None:
    # "коридоры" (nominative plural) must find the anchor, which says "коридоров"/"коридор"
    found = await app.sandbox.ask("/search транспортными коридорами", user_id=READER_ID)
    assert ANCHOR_TITLE in found.text
    nothing = await app.sandbox.ask("/search квантовая гравитация", user_id=READER_ID)
    assert "ничего не нашлось" in nothing.text
    usage = await app.sandbox.ask("/search", user_id=READER_ID)
    assert "/search" in usage.text


async def test_unknown_command_and_plain_text_get_pointers(app: LocalBot) -> None:
    unknown = await app.sandbox.ask("/frobnicate", user_id=READER_ID)
    assert "/frobnicate" in unknown.text and "/help" in unknown.text
    text = await app.sandbox.ask("привет", user_id=READER_ID)
    assert "/help" in text.text


async def test_english_speakers_get_english(app: LocalBot) -> None:
    app.sandbox.add_user(4242, first_name="Jane", language_code="en")
    reply = await app.sandbox.ask("/help", user_id=4242)
    assert "What I can do" in reply.text


async def test_a_crashing_handler_still_answers(app: LocalBot, monkeypatch) -> None:
    async def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(app.services.articles, "latest", broken)
    reply = await app.sandbox.ask("/latest", user_id=READER_ID)
    assert "Что-то пошло не так" in reply.text and "disk on fire" not in reply.text
    still_alive = await app.sandbox.ask("/start", user_id=READER_ID)
    assert "/summary" in still_alive.text


async def test_summary_of_an_article_opens_its_own_theme_cards(app: LocalBot) -> None:
    from tests.articles import VISAS

    article, _ = await app.services.articles.add(*VISAS, kind="file")
    reply = await app.sandbox.ask(f"/summary {article.id}", user_id=READER_ID)
    data = reply.button("Визов")
    assert data.startswith("ac:")
    card = await app.sandbox.click(READER_ID, reply.message_id, data, user_id=READER_ID)
    assert card is not None and card.message_id != reply.message_id
    assert "В материале:" in card.text and VISAS[0] in card.text
    claim = card.text.split("Что говорит материал", 1)[1].strip().splitlines()[0]
    assert " ".join(claim.split()[:4]) in VISAS[1]
    anchor_card = await app.sandbox.click(READER_ID, card.message_id, card.button("декабрьском анализе"), user_id=READER_ID)
    assert anchor_card is not None and "Что говорит анализ" in anchor_card.text


async def test_search_finds_names_in_every_case_form(app: LocalBot) -> None:
    article, _ = await app.services.articles.add(
        "Токаев встретился с Каллас в Астане",
        "Президент Казахстана Касым-Жомарт Токаев обсудил с Каей Каллас транспортные коридоры. "
        "Канцлер Шольц и президент Мирзиёев прислали поздравления.",
        kind="file",
    )
    for query in ("Токаев", "Токаева", "Токаеву", "токаевым", "Шольца", "Шольцу", "Мирзиёева", "Астана", "Каллас",
                  "Токаева Каллас"):
        found = await app.sandbox.ask(f"/search {query}", user_id=READER_ID)
        assert "Токаев встретился с Каллас в Астане" in found.text, (query, found.text)
    nothing = await app.sandbox.ask("/search Токаева Байден", user_id=READER_ID)
    assert "ничего не нашлось" in nothing.text
    assert article.id


async def test_articles_indexed_before_names_are_reindexed_on_start(app: LocalBot) -> None:
    article, _ = await app.services.articles.add("Визит в Брюссель", "Токаев прилетел в Брюссель.", kind="file")

    def forget_names(db) -> None:  # as stored by a bot before names were indexed in all forms
        db.execute("update articles set search_lemmas = 'токай прилететь в брюссель', search_version = 0 where id = ?",
                   [article.id])
        db.conn.commit()

    await app.services.store.call(forget_names)
    missed = await app.sandbox.ask("/search Токаева", user_id=READER_ID)
    assert "ничего не нашлось" in missed.text
    assert await app.services.articles.reindex_search() == 1
    found = await app.sandbox.ask("/search Токаева", user_id=READER_ID)
    assert "Визит в Брюссель" in found.text


async def feed(app: LocalBot, text: str, *, user_id: int, chat_id: int) -> None:
    """One message through the real dispatcher, returning when every handler has finished (so
    "no answer" is a fact, not a timeout)."""
    from aiogram.types import Update

    from bot.sandbox.text import bot_command_entities

    core = app.sandbox.core
    message = {"message_id": core.store.next_id(chat_id), "date": core.now(), "chat": core.chats.get(chat_id),
               "from": dict(core.chats.user(user_id)), "text": text, "entities": bot_command_entities(text)}
    assert app.dp is not None and app.bot is not None
    await app.dp.feed_update(app.bot, Update.model_validate({"update_id": 10**9 + message["message_id"], "message": message},
                                                            context={"bot": app.bot}))


async def test_group_answers_only_commands_meant_for_this_bot(app: LocalBot) -> None:
    sb = app.sandbox
    group = -4100
    sb.add_group(group, title="Readers club", type="supergroup")
    me = (await app.bot.me()).username if app.bot else ""
    for text in ("/summary@other_bot", "/frobnicate", "/frobnicate@other_bot", f"/frobnicate@{me}"):
        await feed(app, text, user_id=READER_ID, chat_id=group)
    assert sb.messages(group) == []  # not meant for this bot, or not a command it has: silence
    for text in (f"/help@{me}", "/start"):
        await feed(app, text, user_id=READER_ID, chat_id=group)
    assert [m.text.split("\n")[0][:12] for m in sb.messages(group)] == ["Что я умею:", "Здравствуйте"]
    private = await sb.ask("/frobnicate", user_id=READER_ID)  # in a private chat: a pointer to /help
    assert "/frobnicate" in private.text and "/help" in private.text
