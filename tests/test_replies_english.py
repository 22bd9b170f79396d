"""An English reader: English around the Russian articles, told once that the articles are Russian."""

from __future__ import annotations

import re

from bot.local import LocalBot

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
    failed = await sb.ask("/summary https://dzen.ru/a/AAAAAAAAAAAAAAAA", user_id=EN_READER)
    assert failed.text.startswith("That did not work: ") and cyrillic_outside(failed.text, []) == []
