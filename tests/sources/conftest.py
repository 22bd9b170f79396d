"""Loopback HTTP server and fetcher fixtures for the source tests.

Tests never reach the internet: every URL (``https://dzen.ru/...``, ``https://t.me/...``)
is mapped by ``HttpFetcher`` onto one aiohttp server on 127.0.0.1, whose routes each test
registers.  The fetcher therefore needs ``allow_private=True``; guard tests build their
own fetchers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.net.http import HttpFetcher

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def fixture_bytes(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


def fixture_text(relative: str) -> str:
    return fixture_bytes(relative).decode("utf-8")


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    handler: Handler | None = None


class LoopbackServer:
    """aiohttp server whose answers are registered per path (or exact path+query)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[web.Request] = []
        self._server: TestServer | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.port}"

    @property
    def paths(self) -> list[str]:
        """``path?query`` of every request received, in order."""
        return [r.path_qs for r in self.requests]

    def add(self, path: str, body: bytes | str = b"", *, status: int = 200,
            content_type: str = "text/html; charset=utf-8", headers: dict[str, str] | None = None,
            handler: Handler | None = None) -> None:
        """Register an answer for ``path`` (matched with its query first, then without)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        all_headers = {"Content-Type": content_type} if content_type else {}
        all_headers.update(headers or {})
        self.routes[path] = Route(data, status, all_headers, handler)

    def add_fixture(self, path: str, relative: str, **kwargs: object) -> None:
        self.add(path, fixture_bytes(relative), **kwargs)  # type: ignore[arg-type]

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.add(path, b"", status=status, content_type="", headers={"Location": location})

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        route = self.routes.get(request.path_qs) or self.routes.get(request.path)
        if route is None:
            return web.Response(status=404, text="not found")
        if route.handler is not None:
            return await route.handler(request)
        return web.Response(status=route.status, body=route.body, headers=route.headers)


class FixtureFiles:
    """Access to tests/fixtures/sources (a fixture, so tests need not import conftest)."""

    root = FIXTURES

    @staticmethod
    def bytes(relative: str) -> bytes:
        return fixture_bytes(relative)

    @staticmethod
    def text(relative: str) -> str:
        return fixture_text(relative)


@pytest.fixture
def fx() -> FixtureFiles:
    return FixtureFiles()


@pytest.fixture
async def server() -> AsyncIterator[LoopbackServer]:
    srv = LoopbackServer()
    await srv.start()
    yield srv
    await srv.close()


@pytest.fixture
async def fetcher(server: LoopbackServer) -> AsyncIterator[HttpFetcher]:
    """Fetcher mapping dzen.ru and t.me onto the loopback server."""
    client = HttpFetcher(allow_private=True, timeout=5.0, dzen_base_url=server.base,
                         telegram_web_url=server.base)
    yield client
    await client.aclose()
