"""`zendigest demo`: a scripted tour of the real bot on the sandbox, printed as a transcript.

It runs on a throwaway database so it never touches the user's own data.
"""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path

from bot.app.local import SANDBOX_CHANNEL_ID, LocalBot
from bot.app.terminal import format_message
from bot.config import Settings
from bot.sandbox import SentMessage
from bot.sources.files import read_text_file

READER = 2001
ADMIN = 2002


def _show(event: SentMessage | None, who: str = "bot") -> None:
    if event is not None:
        print(format_message(event, who), flush=True)


def _say(user: str, text: str) -> None:
    print(f"\n{user} ▸ {text}", flush=True)


async def demo(settings: Settings) -> int:
    with tempfile.TemporaryDirectory(prefix="zendigest-demo-") as tmp:
        settings = settings.model_copy(update={
            "database_path": Path(tmp) / "demo.sqlite3", "admin_ids": frozenset({ADMIN}),
            "channel_id": "@zendigest_demo", "bot_token": None,
            "rate_private_per_sec": 20.0,  # a tour, not a load test: don't pace replies at 1/s
        })
        async with LocalBot(settings) as local:
            sb = local.sandbox
            sb.add_user(READER, first_name="Reader", language_code="ru")
            sb.add_user(ADMIN, first_name="Admin", language_code="ru")
            for text in ("/start", "/summary"):
                _say("reader", text)
                _show(await sb.ask(text, user_id=READER, timeout=15))
            _say("reader", "/themes")
            card = await sb.ask("/themes", user_id=READER, timeout=15)
            _show(card)
            _say("reader", "[▶]")
            _show(await sb.click(card.chat_id, card.message_id, card.button("▶"), user_id=READER))

            with resources.as_file(resources.files("bot.data").joinpath("demo", "article.txt")) as path:
                doc = read_text_file(path)
            article, _ = await local.services.articles.add(doc.title, doc.text, kind="file")
            print(f"\n(admin ingests a new article: #{article.id} «{article.title}», "
                  f"themes: {', '.join(article.theme_slugs) or '-'})", flush=True)
            for text in ("/latest", "/search порты Каспия", "/theme transport-corridors", "/subscribe", "/digest"):
                _say("reader", text)
                mark = sb.mark()
                sb.send_text(text, user_id=READER)
                replies = 2 if text == "/subscribe" else 1  # the confirmation, then the settings keyboard
                for event in await sb.wait_for(READER, replies, after=mark, timeout=15):
                    _show(event)

            _say("admin", "/post Новый разбор выйдет в пятницу")
            mark = sb.mark()
            sb.send_text("/post Новый разбор выйдет в пятницу", user_id=ADMIN)
            rendered, preview = await sb.wait_for(ADMIN, 2, after=mark)  # the post as it will look, its options
            _show(rendered)
            _show(preview)
            _say("admin", "[Опубликовать]")
            await sb.click(preview.chat_id, preview.message_id, preview.button("Опубликовать"), user_id=ADMIN)
            _show((await sb.wait_for(SANDBOX_CHANNEL_ID, 1, after=0))[0], "channel")

            print("\n(the weekly follow-up digest runs)", flush=True)
            mark = sb.mark()
            await local.services.digests.followup()
            _show((await sb.wait_for(SANDBOX_CHANNEL_ID, 1, after=mark, timeout=15))[0], "channel")
    print("\nDemo finished.", flush=True)
    return 0
