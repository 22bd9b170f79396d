"""Wire protocol: URL scheme, tokens, envelopes and every request encoding."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode

from bot.sandbox import SANDBOX_TOKEN, Sandbox

from .conftest import USER


async def test_get_me_with_production_style_session(sb: Sandbox) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(sb.base_url))
    bot = Bot(token=SANDBOX_TOKEN, session=session,
              default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    try:
        me = await bot.get_me()
        assert me.id == 123456789 == bot.id and me.is_bot
        assert me.username == "zen_digest_sandbox_bot"
        other = Bot(token="42:other-bot", session=session)
        assert (await other.get_me()).id == 42  # any well-formed token; id = its digits
    finally:
        await session.close()


async def _call(sb: Sandbox, method: str, token: str | None = None, http_method: str = "POST",
                **kwargs: Any) -> tuple[int, dict[str, Any]]:
    url = f"{sb.base_url}/bot{token or sb.token}/{method}"
    async with aiohttp.ClientSession() as http:
        async with http.request(http_method, url, **kwargs) as resp:
            return resp.status, await resp.json()


async def test_request_encodings_and_method_case(sb: Sandbox) -> None:
    markup = {"inline_keyboard": [[{"text": "b", "callback_data": "x"}]]}
    json_status, json_body = await _call(
        sb, "sendMessage", json={"chat_id": USER, "text": "<b>json</b>", "parse_mode": "HTML",
                                  "reply_markup": markup})
    assert json_status == 200 and json_body["ok"] is True
    assert json_body["result"]["reply_markup"] == markup
    form_status, _ = await _call(sb, "SENDMESSAGE", data={"chat_id": str(USER), "text": "form"})
    form = aiohttp.FormData()
    form.add_field("chat_id", str(USER))
    form.add_field("text", "multipart")
    form.add_field("reply_markup", '{"inline_keyboard": [[{"text": "b", "url": "https://x.org"}]]}')
    multi_status, _ = await _call(sb, "sendmessage", data=form)
    query_status, _ = await _call(sb, "sendMessage", http_method="GET",
                                  params={"chat_id": USER, "text": "query"})
    assert (form_status, multi_status, query_status) == (200, 200, 200)
    assert [m.text for m in sb.messages(USER)] == ["json", "form", "multipart", "query"]
    assert sb.messages(USER)[2].buttons == [[("b", "https://x.org")]]
    assert [c.method for c in sb.calls] == ["sendMessage"] * 4  # canonical spelling


async def test_errors_use_telegram_envelope(sb: Sandbox) -> None:
    assert await _call(sb, "getMe", token="not-a-token") == (
        401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    assert await _call(sb, "sendSticker") == (
        404, {"ok": False, "error_code": 404, "description": "Not Found"})
    status, body = await _call(sb, "sendMessage", json={"chat_id": USER})
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")
    status, body = await _call(sb, "sendMessage", json={"chat_id": USER, "text": "x",
                                                        "reply_markup": "{nope"})
    assert body["description"] == "Bad Request: can't parse reply keyboard markup JSON object"
    status, body = await _call(sb, "getUpdates", json={"timeout": 0.05})
    assert (status, body) == (200, {"ok": True, "result": []})
    assert [c.status for c in sb.calls] == [404, 400, 400, 200]
