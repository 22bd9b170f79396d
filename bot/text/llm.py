"""Optional abstractive summaries from an OpenAI-compatible ``/chat/completions`` endpoint.

Extractive is the default and the fallback (PRODUCT.md): with ``LLM_BASE_URL`` and ``LLM_MODEL``
set, ``LlmSummarizer.summarize`` asks the model for a short retelling and returns its sentences,
and on *any* failure (timeout, refused connection, HTTP error, oversized or malformed answer,
empty or rambling content) it returns ``None`` after one warning line, so callers simply keep
the extractive summary.  A reader therefore never waits longer than ``timeout`` for the model.

Why through ``HttpFetcher`` rather than an httpx client of its own: one client keeps one set of
size caps, deadlines and proxy/guard rules.  The endpoint comes from the operator's own
configuration and is usually a local server (``http://127.0.0.1:11434/v1``), so the request is
made with ``trusted=True``: loopback/private addresses allowed, everything else still enforced.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from bot.config import Settings
from bot.net import FetchError, HttpFetcher
from bot.text.lang import sentences

log = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 256_000
MAX_INPUT_CHARS = 12_000  # ~3-4k tokens of Russian: fits small local models' context windows
MAX_ANSWER_CHARS = 1_500  # 2-4 sentences are far shorter; longer means the model ignored the brief
MAX_SENTENCES = 6
MIN_TEXT_CHARS = 200  # a short post is its own summary; a model would only pad it
COOLDOWN = 30.0  # after a transport/HTTP failure, don't make the next articles wait for a dead server

SYSTEM_PROMPT = (
    "Ты — редактор новостного дайджеста. Перескажи статью в 2–4 предложениях "
    "на языке статьи. Только факты из текста, без оценок и домыслов. "
    "Без вступлений, заголовков, списков и разметки: сразу связный пересказ."
)

SYSTEM_PROMPT_EN = (
    "You are the editor of a news digest. Retell the article in English in 2–4 sentences, "
    "for a reader who does not read Russian. Only facts from the text, no opinions or guesses. "
    "No introductions, headings, lists or markup: a plain, connected retelling."
)
PROMPTS = {"ru": SYSTEM_PROMPT, "en": SYSTEM_PROMPT_EN}  # "ru": in the article's own language

_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)  # reasoning models' scratchpad
_MARKER = re.compile(r"^\s*(?:(?:[-*•–—]+|\d{1,2}[.)]|#{1,6})\s+)+")
_EMPHASIS = re.compile(r"(\*\*|__|`)")
_TERMINAL = (".", "!", "?", "…", "»", '"', ")")


class LlmSummarizer:
    """One request per article to the configured model; ``None`` whenever anything is off."""

    def __init__(self, settings: Settings, fetcher: HttpFetcher, *, max_bytes: int = MAX_RESPONSE_BYTES) -> None:
        self.base_url = (settings.llm_base_url or "").strip().rstrip("/")
        self.model = (settings.llm_model or "").strip()
        self.api_key = (settings.llm_api_key or "").strip()
        self.fetcher = fetcher
        self.timeout = settings.llm_timeout
        self.max_bytes = max_bytes
        self._paused_until = 0.0
        if self.base_url and not self.model:
            log.warning("LLM_BASE_URL is set but LLM_MODEL is not: abstractive summaries are off")

    @property
    def enabled(self) -> bool:
        """Both the endpoint and the model are configured (an OpenAI-compatible API needs a model)."""
        return bool(self.base_url and self.model)

    @property
    def url(self) -> str:
        """``{LLM_BASE_URL}/chat/completions``; a base that already names the route is kept."""
        return self.base_url if self.base_url.endswith("/chat/completions") else f"{self.base_url}/chat/completions"

    def payload(self, title: str, text: str, language: str = "ru") -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": [
                {"role": "system", "content": PROMPTS.get(language, SYSTEM_PROMPT)},
                {"role": "user", "content": f"Заголовок: {title.strip()}\n\n{_clip(text, MAX_INPUT_CHARS)}"},
            ],
            "temperature": 0.2,
            "max_tokens": 400,
            "stream": False,
        }

    async def summarize(self, title: str, text: str, language: str = "ru") -> list[str] | None:
        """The model's retelling as sentences, or ``None`` (disabled, skipped or failed).
        `language` "en": retold in English for readers who do not read Russian."""
        too_short = len(text.strip()) < MIN_TEXT_CHARS and language == "ru"  # a translation is never padding
        if not self.enabled or too_short or time.monotonic() < self._paused_until:
            return None
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            answer = await self.fetcher.post_json(self.url, self.payload(title, text, language), headers=headers,
                                                  timeout=self.timeout, max_bytes=self.max_bytes, trusted=True)
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, the extractive summary stands
            # Down, slow or broken (FetchError says which): spare the next articles the same wait.
            self._paused_until = time.monotonic() + COOLDOWN
            reason = str(exc) if isinstance(exc, FetchError) else f"{type(exc).__name__}: {exc}"
            log.warning("LLM summary failed, extractive summary used", extra={"reason": reason})
            return None
        result = parse_answer(answer)
        if isinstance(result, str):
            log.warning("LLM summary rejected, extractive summary used", extra={"reason": result})
            return None
        return result


def parse_answer(answer: dict[str, Any]) -> list[str] | str:
    """Sentences of ``choices[0].message.content``, or why the answer is unusable (a string)."""
    try:
        choice = answer["choices"][0]
        content = choice["message"]["content"]
    except (KeyError, IndexError, TypeError):
        return "no choices[0].message.content in the answer"
    if not isinstance(content, str):
        return "content is not a string"
    lines = [_MARKER.sub("", _EMPHASIS.sub("", line)).strip() for line in _THINK.sub("", content).splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > 1 and lines[0].endswith(":") and len(lines[0]) < 60:
        lines = lines[1:]  # "Краткий пересказ:" despite the prompt
    cleaned = "\n".join(lines)
    if not cleaned:
        return "empty content"
    if len(cleaned) > MAX_ANSWER_CHARS:
        return f"content longer than {MAX_ANSWER_CHARS} characters"
    found = sentences(cleaned)
    if choice.get("finish_reason") == "length" and found and not found[-1].endswith(_TERMINAL):
        found = found[:-1]  # cut off by max_tokens mid-sentence
    if not found:
        return "no complete sentence"
    return found[:MAX_SENTENCES]


def _clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a paragraph or word boundary when there is one nearby."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    boundary = max(cut.rfind("\n"), cut.rfind(" "))
    return cut[:boundary] if boundary > limit * 0.8 else cut


__all__ = ["LlmSummarizer", "parse_answer"]
