"""An English reader: English around the Russian articles, told once that the articles are Russian."""

from __future__ import annotations

import re

from bot.app.local import LocalBot

EN_READER = 4343


def cyrillic_outside(text: str, allowed: list[str]) -> list[str]:
    """Cyrillic words left once the Russian content (titles, quotes) is taken out."""
    for piece in allowed:
        text = text.replace(piece, "")
    return re.findall(r"[А-Яа-яЁё]+", text)


async def test_english_reader_session(app: LocalBot) -> None:
    sb = app.sandbox
    sb.add_user(EN_READER, first_name="Jane", language_code="en")
    start = await sb.ask("/start", user_id=EN_READER)
    assert "the channel's articles are in Russian" in start.text
    assert cyrillic_outside(start.text, ["NOWости"]) == []
    help_ = await sb.ask("/help", user_id=EN_READER)
    assert cyrillic_outside(help_.text, []) == [] and "/summary [number or link]" in help_.text
    mark = sb.mark()
    sb.send_text("/subscribe", user_id=EN_READER)
    confirmation, keyboard = await sb.wait_for(EN_READER, 2, after=mark)
    assert confirmation.text == ("Done, you are subscribed: a digest weekly, Mon at 10:00, Moscow (UTC+3); themes: "
                                 "All themes; follow-ups on. Change it with the buttons below.")
    assert cyrillic_outside(keyboard.text, []) == []
    zone = await sb.ask("/settings tz Tashkent", user_id=EN_READER)
    assert "Time zone: Tashkent (UTC+5)" in zone.text
    themes = await sb.ask("/theme", user_id=EN_READER)
    assert themes.text == "Choose a theme of the analysis:"
    assert all(cyrillic_outside(text, []) == [] for row in themes.buttons for text, _ in row)
    nothing = await sb.ask("/digest", user_id=EN_READER)
    assert re.fullmatch(r"Nothing new since \d{1,2} [A-Z][a-z]{2} \d{4}\.", nothing.text), nothing.text
    failed = await sb.ask("/summary https://dzen.ru/a/AAAAAAAAAAAAAAAA", user_id=EN_READER)
    assert failed.text.startswith("That did not work: ") and cyrillic_outside(failed.text, []) == []


async def test_with_an_llm_english_readers_are_offered_english_retellings(tmp_path, sandbox) -> None:
    from tests.test_llm import FakeLlm, llm_settings

    fake = FakeLlm()
    await fake.start()
    try:
        async with LocalBot(llm_settings(tmp_path, fake), sandbox=sandbox) as app:
            sb = app.sandbox
            sb.add_user(EN_READER, first_name="Jane", language_code="en")
            summary = await sb.ask("/summary", user_id=EN_READER)
            english = await sb.click(EN_READER, summary.message_id, summary.button("In English"), user_id=EN_READER)
            assert english is not None and english.text.startswith("🇬🇧 Казахстан – ЕС в декабре 2025 года")
            assert "Machine retelling in English of a Russian text:" in english.text
            assert "Retelling in English" in sb.callback_answers[-1]["text"]
            assert "Retell the article in English" in fake.requests[-1]["body"]["messages"][0]["content"]
            card = await sb.ask("/theme visa-facilitation", user_id=EN_READER)
            retold = await sb.click(EN_READER, card.message_id, card.button("In English"), user_id=EN_READER)
            assert retold is not None and retold.text.startswith("🇬🇧 🛂 Visa facilitation")
            russian = await sb.ask("/summary", user_id=1001)  # Russian readers read the original
            assert all("English" not in text and "По-английски" not in text for row in russian.buttons for text, _ in row)
    finally:
        await fake.close()
