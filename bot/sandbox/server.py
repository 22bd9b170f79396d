"""HTTP front of the sandbox: Telegram's URL scheme, envelopes and transport-level faults."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiohttp import web

from .api_files import download
from .core import TOKEN_RE, Core
from .errors import ApiError, bad_request, not_found, unauthorized
from .params import read_params
from .registry import lookup

log = logging.getLogger(__name__)


def _reply(payload: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(payload, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )


def _error(exc: ApiError) -> web.Response:
    return _reply(exc.envelope(), exc.error_code)


class SandboxServer:
    """aiohttp application bound to a :class:`Core`, started on a loopback port."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self.app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._file)
        self.app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self, host: str, port: int) -> None:
        # handler_cancellation: a long poll whose client went away must stop waiting, otherwise
        # it could terminate the next getUpdates with a spurious 409.
        self._runner = web.AppRunner(
            self.app, handle_signals=False, shutdown_timeout=1.0, handler_cancellation=True,
            access_log=None,
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the real port when port=0

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _file(self, request: web.Request) -> web.Response:
        return await download(self.core, request)

    async def _unknown(self, request: web.Request) -> web.Response:
        return _error(not_found())

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        method = request.match_info["method"]
        if not TOKEN_RE.match(token) or token in self.core.revoked_tokens:
            return _error(unauthorized())
        entry = lookup(method)
        name = entry[0] if entry else method
        # Counted from arrival to answer so tests can see a long poll waiting or sends pipelined.
        self.core.in_flight[name] += 1
        self.core.notifier.notify()
        try:
            return await self._answer(request, method, name, token)
        finally:
            self.core.in_flight[name] -= 1

    async def _answer(self, request: web.Request, method: str, name: str, token: str) -> web.StreamResponse:
        faults = self.core.faults
        delay = faults.delay_for(name)
        if delay > 0:
            await asyncio.sleep(delay)
        await faults.pass_holds(name)
        if faults.take_drop(name):
            return self._drop(request)
        try:
            raw = await read_params(request)
        except ApiError as exc:
            return _error(exc)
        except ValueError:
            return _error(bad_request("can't parse request"))
        try:
            result = await self.core.call(method, raw, token)
        except ApiError as exc:
            return _error(exc)
        except Exception as exc:  # a sandbox bug must not look like a network failure
            log.exception("sandbox failed on %s", name)
            return _error(ApiError(500, f"Internal Server Error: sandbox bug: {exc!r}"))
        return _reply({"ok": True, "result": result})

    @staticmethod
    def _drop(request: web.Request) -> web.StreamResponse:
        """Close the socket without an answer: the client sees a disconnected server."""
        transport = request.transport
        if transport is not None:
            transport.abort()
        raise asyncio.CancelledError  # aiohttp treats this as "client went away"; nothing sent
