"""Optional LLM summaries against a loopback OpenAI-compatible server: used when it answers well
and in time, extractive otherwise (PRODUCT.md: "extractive is the default and the fallback")."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.app import batch
from bot.app.local import LocalBot
from bot.config import Settings
from bot.net import BlockedAddressError, FetchError, HttpFetcher
from bot.sandbox import Sandbox
from bot.text.llm import MAX_INPUT_CHARS, LlmSummarizer, parse_answer
from tests.articles import CORRIDOR
from tests.conftest import READER_ID, make_settings

PAGE = Path(__file__).resolve().parent / "fixtures" / "sources" / "pages" / "article-cp1251.html"


def retelling(title: str) -> str:
    """What the fake model answers: recognisable per article, wrapped in markdown to be cleaned."""
    return f"Краткий пересказ:\n1. **Статья** «{title}» пересказана моделью.\n2. Второе предложение пересказа."


class FakeLlm:
    """/v1/chat/completions on 127.0.0.1 whose behaviour each test picks with ``mode``."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[dict[str, Any]] = []
        self.answered = 0  # answers sent back (a "slow" one only once the test is over)
        self._release = asyncio.Event()  # lets a "slow" handler end when the test is over
        self._server: TestServer | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/news/page", self._page)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()

    async def close(self) -> None:
        self._release.set()
        if self._server is not None:
            await self._server.close()

    @property
    def port(self) -> int:
        assert self._server is not None and self._server.port is not None
        return self._server.port

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _page(self, request: web.Request) -> web.Response:
        return web.Response(body=PAGE.read_bytes(), content_type="text/html")

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append({"auth": request.headers.get("Authorization"), "body": body})
        user = body["messages"][-1]["content"] if body.get("messages") else ""
        title = user.split("\n", 1)[0].removeprefix("Заголовок: ")
        if self.mode == "slow":
            try:
                await asyncio.wait_for(self._release.wait(), 10)
            except asyncio.TimeoutError:
                pass
        self.answered += 1
        if self.mode == "500":
            return web.json_response({"error": {"message": "model crashed"}}, status=500)
        if self.mode == "garbage":
            return web.Response(text="<html>upstream error</html>", content_type="application/json")
        if self.mode == "no_choices":
            return web.json_response({"object": "chat.completion", "choices": []})
        content = {"empty": "  \n ", "oversized": "слово " * 60_000}.get(self.mode, retelling(title))
        return web.json_response({"object": "chat.completion", "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]})


@pytest.fixture
async def llm() -> AsyncIterator[FakeLlm]:
    fake = FakeLlm()
    await fake.start()
    yield fake
    await fake.close()


def llm_settings(tmp_path: Path, fake: FakeLlm, **overrides: object) -> Settings:
    values: dict[str, object] = {"llm_base_url": fake.base + "/v1", "llm_model": "test-model"}
    return make_settings(tmp_path, **{**values, **overrides})


@pytest.fixture
def corridor_file(tmp_path: Path) -> Path:
    path = tmp_path / "corridor.txt"
    path.write_text(f"{CORRIDOR[0]}\n\n{CORRIDOR[1]}\n", encoding="utf-8")
    return path


async def summarize_json(settings: Settings, path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """`zendigest summarize FILE --json`, in process (same event loop as the fake server)."""
    assert await batch.summarize(settings, [str(path)], as_json=True, sentences=None) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


# ------------------------------------------------------------------ in the chat


async def test_summary_shows_the_retelling_and_keeps_extractive_analysis(
        tmp_path: Path, sandbox: Sandbox, llm: FakeLlm) -> None:
    settings = llm_settings(tmp_path, llm, llm_api_key="sekret")
    async with LocalBot(settings, sandbox=sandbox) as app:
        article, status = await app.services.articles.add(*CORRIDOR, kind="file")
        reply = await app.sandbox.ask(f"/summary {article.id}", user_id=READER_ID)
        asked = len(llm.requests)
        again, again_status = await app.services.articles.add(*CORRIDOR, kind="file")
        preview = await app.sandbox.ask(f"/summary {llm.base}/news/page", user_id=READER_ID, timeout=10)
    assert status == "new" and again_status == "unchanged"
    assert "Пересказ (нейросеть):" in reply.text and "Коротко:" in reply.text
    assert f"• Статья «{CORRIDOR[0]}» пересказана моделью.\n• Второе предложение пересказа." in reply.text
    assert "Краткий пересказ" not in reply.text and "**" not in reply.text
    # the stored analysis keeps its extractive summary for themes and digests
    assert article.abstract == [f"Статья «{CORRIDOR[0]}» пересказана моделью.", "Второе предложение пересказа."]
    assert article.summary and all(s in CORRIDOR[1] for s in article.summary)
    assert again.abstract == article.abstract and asked == 2  # the anchor at startup, then the article
    # a reader's /summary of an outside URL (not stored) gets one too
    assert "Пересказ (нейросеть):" in preview.text and "итоги декабря" in preview.text
    assert len(llm.requests) == 3  # re-adding the same text did not ask the model again
    request = llm.requests[1]
    assert request["auth"] == "Bearer sekret"
    body = request["body"]
    assert body["model"] == "test-model" and body["temperature"] == 0.2 and body["max_tokens"] <= 500
    assert body["messages"][0]["role"] == "system" and "2–4 предложениях" in body["messages"][0]["content"]
    assert body["messages"][1]["content"].startswith(f"Заголовок: {CORRIDOR[0]}\n\n")


async def test_failing_model_shows_the_extractive_summary(tmp_path: Path, sandbox: Sandbox, llm: FakeLlm) -> None:
    llm.mode = "500"
    async with LocalBot(llm_settings(tmp_path, llm), sandbox=sandbox) as app:
        article, _ = await app.services.articles.add(*CORRIDOR, kind="file")
        reply = await app.sandbox.ask(f"/summary {article.id}", user_id=READER_ID)
    assert llm.requests and article.abstract == []
    assert "Пересказ (нейросеть)" not in reply.text and "Коротко:" in reply.text


# ------------------------------------------------------------------ zendigest summarize --json


async def test_summarize_json_uses_the_retelling(tmp_path: Path, llm: FakeLlm, corridor_file: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    extractive = await summarize_json(make_settings(tmp_path), corridor_file, capsys)
    # production default: private addresses refused for sources, yet the operator's LLM is reachable
    record = await summarize_json(llm_settings(tmp_path, llm, fetch_allow_private=False), corridor_file, capsys)
    assert record.keys() == extractive.keys()
    assert record["summary"] == [f"Статья «{CORRIDOR[0]}» пересказана моделью.", "Второе предложение пересказа."]
    assert record["tldr"] == record["summary"][0]
    assert record["themes"] == extractive["themes"]
    assert len(llm.requests) == 1 and llm.requests[0]["auth"] is None  # no LLM_API_KEY, no header


async def test_slow_model_falls_back_within_the_timeout(tmp_path: Path, llm: FakeLlm, corridor_file: Path,
                                                       capsys: pytest.CaptureFixture[str],
                                                       caplog: pytest.LogCaptureFixture) -> None:
    extractive = await summarize_json(make_settings(tmp_path), corridor_file, capsys)
    llm.mode = "slow"  # answers only when the test ends (or after 10 s)
    with caplog.at_level(logging.WARNING, logger="bot.text.llm"):
        record = await summarize_json(llm_settings(tmp_path, llm, llm_timeout=0.2), corridor_file, capsys)
    assert record == extractive  # the reader got the extractive summary...
    assert len(llm.requests) == 1 and llm.answered == 0  # ...while the model was still thinking
    warnings = [r for r in caplog.records if r.name == "bot.text.llm"]
    assert len(warnings) == 1 and warnings[0].reason == "timed out after 0.2 s"  # LLM_TIMEOUT, as set


@pytest.mark.parametrize("mode", ["500", "garbage", "no_choices", "empty", "oversized"])
async def test_bad_answers_fall_back_to_extractive(tmp_path: Path, llm: FakeLlm, corridor_file: Path, mode: str,
                                                   capsys: pytest.CaptureFixture[str],
                                                   caplog: pytest.LogCaptureFixture) -> None:
    extractive = await summarize_json(make_settings(tmp_path), corridor_file, capsys)
    llm.mode = mode
    with caplog.at_level(logging.WARNING, logger="bot.text.llm"):
        record = await summarize_json(llm_settings(tmp_path, llm), corridor_file, capsys)
    assert record == extractive
    assert len(llm.requests) == 1
    assert len([r for r in caplog.records if r.name == "bot.text.llm"]) == 1


@pytest.mark.parametrize("overrides", [{"llm_base_url": None}, {"llm_model": None}, {"llm_base_url": ""}])
async def test_without_configuration_no_request_is_made(tmp_path: Path, llm: FakeLlm, corridor_file: Path,
                                                        overrides: dict[str, object],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    settings = llm_settings(tmp_path, llm, **overrides)
    assert not LlmSummarizer(settings, HttpFetcher()).enabled
    record = await summarize_json(settings, corridor_file, capsys)
    assert record["summary"] and llm.requests == []


# ------------------------------------------------------------------ the summarizer and the fetcher


async def test_failure_pauses_the_model_so_the_next_article_does_not_wait(tmp_path: Path, llm: FakeLlm) -> None:
    llm.mode = "500"
    async with HttpFetcher() as fetcher:
        summarizer = LlmSummarizer(llm_settings(tmp_path, llm), fetcher)
        assert await summarizer.summarize(*CORRIDOR) is None
        llm.mode = "ok"
        assert await summarizer.summarize(*CORRIDOR) is None  # cooling down: not asked
        assert len(llm.requests) == 1
        summarizer._paused_until = 0.0
        assert await summarizer.summarize(*CORRIDOR)
        assert await summarizer.summarize("Коротко", "Один короткий пост.") is None  # nothing to retell
    assert len(llm.requests) == 2


def test_payload_clips_long_text_and_url_accepts_either_base(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, llm_base_url="http://127.0.0.1:11434/v1/", llm_model="qwen")
    summarizer = LlmSummarizer(settings, HttpFetcher())
    assert summarizer.url == "http://127.0.0.1:11434/v1/chat/completions"
    user = summarizer.payload("Заголовок статьи", "слово " * 5_000)["messages"][1]["content"]
    assert len(user) <= MAX_INPUT_CHARS + 40 and user.endswith("слово")
    full = make_settings(tmp_path, llm_base_url="http://h/v1/chat/completions", llm_model="m")
    assert LlmSummarizer(full, HttpFetcher()).url == "http://h/v1/chat/completions"


def test_parse_answer_cleans_markdown_and_rejects_junk() -> None:
    def answer(content: object, finish: str = "stop") -> dict[str, Any]:
        return {"choices": [{"message": {"content": content}, "finish_reason": finish}]}

    text = "<think>план</think>\nИтог:\n- **Порты** расширят.\n* Грузы пойдут быстрее!\n### 3) Всё."
    assert parse_answer(answer(text)) == ["Порты расширят.", "Грузы пойдут быстрее!", "Всё."]
    assert parse_answer(answer("Первое предложение. Второе обрезано на полу", "length")) == ["Первое предложение."]
    for junk in (answer(""), answer(None), answer("а" * 1_600), answer("Обрыв без конца", "length"),
                 {"choices": []}, {"error": "x"}, {"choices": ["text"]}):
        assert isinstance(parse_answer(junk), str), junk


async def test_trusted_post_reaches_the_operators_local_server_only(llm: FakeLlm) -> None:
    payload = {"model": "m", "messages": [{"role": "user", "content": "Заголовок: T\n\nтекст"}]}
    async with HttpFetcher() as fetcher:  # production default: loopback refused
        url = f"{llm.base}/v1/chat/completions"
        with pytest.raises(BlockedAddressError):
            await fetcher.post_json(url, payload)
        assert (await fetcher.post_json(url, payload, trusted=True))["choices"]
        with pytest.raises(BlockedAddressError):  # cloud metadata stays refused
            await fetcher.post_json("http://169.254.169.254/v1/chat/completions", payload, trusted=True)
        with pytest.raises(FetchError, match="unsupported URL scheme"):
            await fetcher.post_json("file:///etc/passwd", payload, trusted=True)
        # A host *name* is checked when connecting: the trusted call's keep-alive connection
        # lives in its own pool, so an untrusted request to the same name is still refused.
        named = f"http://localhost:{llm.port}"
        assert (await fetcher.post_json(f"{named}/v1/chat/completions", payload, trusted=True))["choices"]
        with pytest.raises(BlockedAddressError):
            await fetcher.get(f"{named}/news/page")
        with pytest.raises(BlockedAddressError):
            await fetcher.post_json(f"{named}/v1/chat/completions", payload)
    assert len(llm.requests) == 2
