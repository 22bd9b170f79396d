"""Transcripts of three sessions on the sandbox (a Russian reader, an English reader, an admin),
for reviewing every reply as people read it: `python bench/transcripts.py [--lines N]`.

Runs the real bot on a throwaway database; needs nothing outside the repository.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from bot.app.local import SANDBOX_CHANNEL_ID, LocalBot
from bot.app.terminal import format_message
from bot.config import Settings
from bot.sandbox import Sandbox, SentMessage

RU, EN, ADMIN = 2001, 2002, 2003
ARTICLE = (
    "Токаев и Каллас обсудили Средний коридор",
    "Президент Казахстана Касым-Жомарт Токаев встретился в Астане с Каей Каллас. Стороны договорились расширить "
    "пропускную способность портов Актау и Курык на Транскаспийском международном транспортном маршруте. "
    "Европейская комиссия также получила мандат на переговоры об упрощении выдачи виз.",
)


class Session:
    def __init__(self, sb: Sandbox, user_id: int, who: str, lines: int) -> None:
        self.sb, self.user_id, self.who, self.lines = sb, user_id, who, lines

    def show(self, event: SentMessage | None, who: str = "bot") -> None:
        if event is None:
            return
        text = format_message(event, who).splitlines()
        more = len(text) - self.lines
        print("\n".join(text[: self.lines]) + (f"\n  … ({more} more lines)" if more > 0 else ""), flush=True)

    async def say(self, text: str, replies: int = 1) -> list[SentMessage]:
        print(f"\n{self.who} ▸ {text}", flush=True)
        mark = self.sb.mark()
        self.sb.send_text(text, user_id=self.user_id)
        events = await self.sb.wait_for(self.user_id, replies, after=mark, timeout=20)
        for event in events:
            self.show(event)
        return events

    async def press(self, message: SentMessage, label: str, *, wait_message: bool = False) -> SentMessage | None:
        print(f"\n{self.who} ▸ [{label}]", flush=True)
        mark = self.sb.mark()
        seen = len(self.sb.callback_answers)
        if wait_message:
            self.sb.press_button(self.user_id, message.message_id, message.button(label), user_id=self.user_id)
            event = (await self.sb.wait_for(self.user_id, 1, after=mark, timeout=20, methods=("sendMessage",)))[0]
        else:
            event = await self.sb.click(self.user_id, message.message_id, message.button(label), user_id=self.user_id)
        for answer in self.sb.callback_answers[seen:]:
            if answer.get("text"):
                print(f"bot {'⚠' if answer.get('show_alert') else '◦'} {answer['text']}", flush=True)
        self.show(event)
        return event


async def russian_reader(local: LocalBot, lines: int) -> None:
    s = Session(local.sandbox, RU, "reader (ru)", lines)
    for text in ("/start", "/help"):
        await s.say(text)
    listed = (await s.say("/latest"))[0]
    await s.press(listed, "Открыть 1")
    card = (await s.say("/themes"))[0]
    listing = await s.press(card, "1/8")
    assert listing is not None
    visas = await s.press(listing, "Визов")
    assert visas is not None
    await s.press(visas, "Следить за темой")
    for text in ("/theme права", "/search Токаева", "/search Каллас"):
        await s.say(text)
    await s.say("/subscribe", replies=2)
    await s.say("/settings tz Ташкент")
    await s.say("/digest")
    await s.say("/summary https://dzen.ru/a/AAAAAAAAAAAAAAAA")
    await s.say("/frobnicate")


async def english_reader(local: LocalBot, lines: int) -> None:
    s = Session(local.sandbox, EN, "reader (en)", lines)
    for text in ("/start", "/help", "/summary"):
        await s.say(text)
    await s.say("/subscribe", replies=2)
    await s.say("/settings tz UTC+5")
    await s.say("/theme")
    await s.say("/digest")
    await s.say("/summary https://dzen.ru/a/BBBBBBBBBBBBBBBB")


async def admin(local: LocalBot, lines: int) -> None:
    s = Session(local.sandbox, ADMIN, "admin", lines)
    preview = (await s.say("/followup"))[0]
    await s.press(preview, "Опубликовать", wait_message=True)
    await local.services.outbox.wait_idle()
    channel = local.sandbox.messages(SANDBOX_CHANNEL_ID)
    if channel:
        s.show(channel[-1], "channel")
    await s.say("/followup")
    await s.say("/addsource http://127.0.0.1:9/feed.xml", replies=2)  # "fetching…", then the outcome in its place
    for text in ("/sources", "/stats", "/audit"):
        await s.say(text)


async def main(lines: int) -> None:
    with tempfile.TemporaryDirectory(prefix="zendigest-transcripts-") as tmp:
        settings = Settings(_env_file=None, bot_token=None, database_path=Path(tmp) / "t.sqlite3",  # type: ignore[call-arg]
                            admin_ids=str(ADMIN), channel_id="@zendigest_transcripts", timezone="Europe/Moscow",
                            rate_private_per_sec=50.0, dzen_base_url="http://127.0.0.1:9")
        async with LocalBot(settings) as local:
            for user_id, language in ((RU, "ru"), (EN, "en"), (ADMIN, "ru")):
                local.sandbox.add_user(user_id, first_name={RU: "Анна", EN: "Jane", ADMIN: "Админ"}[user_id],
                                       language_code=language)
            await local.services.articles.add(*ARTICLE, kind="file")
            print("(one new article is in the library: «" + ARTICLE[0] + "»)")
            print("\n=== Russian reader ===")
            await russian_reader(local, lines)
            print("\n=== English reader ===")
            await english_reader(local, lines)
            print("\n=== Admin ===")
            await admin(local, lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=14, help="lines shown per reply")
    asyncio.run(main(parser.parse_args().lines))
