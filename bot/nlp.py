"""The text engine behind an async door: all NLP runs on one worker thread, never on the loop."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Callable, TypeVar

from bot.text import Analysis, ThemeCatalog, analyze, load_catalog, warm_up
from bot.text.lang import lemmas
from bot.text.proposer import Proposal, propose_themes

T = TypeVar("T")


class TextEngine:
    """Serialises NLP calls on a dedicated thread so a long article never stalls replies."""

    def __init__(self, catalog: ThemeCatalog | None = None) -> None:
        self.catalog = catalog or load_catalog()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlp")

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(fn, *args, **kwargs))

    async def warm_up(self) -> None:
        await self._run(warm_up)

    async def analyze(self, title: str, text: str, *, sentences: int | None = None) -> Analysis:
        return await self._run(analyze, title, text, catalog=self.catalog, sentences=sentences)

    async def propose(self, title: str, text: str) -> Proposal:
        """Themes proposed for a new anchor analysis (see ``bot.text.proposer``)."""
        return await self._run(propose_themes, title, text)

    async def lemmas(self, text: str) -> list[str]:
        return await self._run(lemmas, text)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
