"""The one outbound HTTP client of the project (everything except the Bot API itself).

Why a wrapper around ``httpx.AsyncClient`` rather than the client directly:

* Sources are admin-supplied URLs, so each redirect hop goes through the SSRF guard
  (``bot.net.guard``); redirects are therefore followed here, by hand.
* ``DZEN_BASE_URL`` / ``TELEGRAM_WEB_URL`` redirect whole sites to mirrors or loopback test
  servers while callers keep seeing public ``https://dzen.ru/...`` URLs (``bot.net.urlmap``).
* Bodies are streamed with a hard size cap, and the whole request (DNS, connect, every
  hop, body) runs under one deadline, so a trickling server cannot hold a poller forever.
  Compressed bodies are inflated here, a bounded step at a time (``bot.net.decompress``), so
  the cap holds before the memory is spent, not after.
* Cookies live only as long as the caller wants: the client itself keeps none (a shared jar
  would carry one site's session into every later request of the process); a poll that needs
  a session (Dzen's SSO interstitial) passes its own ``httpx.Cookies`` jar to ``get``.
* ``polite=True`` requests queue per host (``bot.net.polite``): item pages of one feed are
  fetched one or two at a time with a pause, never all at once.
* Text decoding knows about windows-1251 (``bot.net.charset``).
* ``post_json(..., trusted=True)`` is the one door for endpoints the *operator* configured
  (the LLM server, typically on 127.0.0.1 or the LAN): see ``post_json``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any
from urllib.parse import urlencode

import httpx

from bot.net.charset import decode_body
from bot.net.decompress import ACCEPT_ENCODING, DecodingError, decode_steps, decoders_for
from bot.net.errors import BlockedAddressError, FetchError, human_seconds, human_size
from bot.net.guard import GuardedTransport, check_url, resolve_checked
from bot.net.polite import PAUSE_S, HostPacer
from bot.net.urlmap import Mirror, UrlMapper
from bot.numbers import parse_int

# httpcore's DEBUG trace prints every request and response header, Cookie and Set-Cookie included:
# with `-v` a Dzen session would end up in the log. Its INFO and above carry no headers.
logging.getLogger("httpcore").setLevel(logging.INFO)

DEFAULT_USER_AGENT = "ZenDigestBot/0.1 (+https://github.com/zendigest)"
DEFAULT_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


@dataclass
class FetchResult:
    """A successful (2xx or 304) response, reported under its public URL."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        """Media type without parameters, lower case ("" when absent)."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @cached_property
    def _decoded(self) -> tuple[str, str]:
        return decode_body(self.content, self.headers.get("content-type"))

    @property
    def text(self) -> str:
        """Body as text: HTTP charset, then in-document declaration, then detection."""
        return self._decoded[0]

    @property
    def encoding(self) -> str:
        return self._decoded[1]


class HttpFetcher:
    """Guarded, size-capped, deadline-bound HTTP client; create one and reuse it."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        max_bytes: int = 5_000_000,
        timeout: float = 10.0,
        max_redirects: int = 5,
        user_agent: str = DEFAULT_USER_AGENT,
        dzen_base_url: str = "https://dzen.ru",
        telegram_web_url: str = "https://t.me",
        transport: httpx.AsyncBaseTransport | None = None,
        host_pause: float = PAUSE_S,
    ) -> None:
        self.allow_private = allow_private
        self.pacer = HostPacer(pause=host_pause)
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.max_redirects = max_redirects
        self.mapper = UrlMapper(dzen_base_url=dzen_base_url, telegram_web_url=telegram_web_url)
        if transport is None:
            guarded = GuardedTransport(allow_private=allow_private)
            # Pinned: the transport itself resolves+checks at connect time.  Otherwise (a
            # future httpx without the pool hook) resolve+check before each hop instead.
            self._resolve_before_hop = not guarded.pinned
            transport = guarded
        else:
            # A custom transport replaces the socket layer (tests, mocks): only the URL-level
            # checks apply, name resolution is whatever that transport does.
            self._resolve_before_hop = False
        self._transport = transport
        self._trusted_pool: GuardedTransport | None = None  # see _trusted_transport()
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(timeout),
            trust_env=False,
            headers={"User-Agent": user_agent, "Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8",
                     "Accept-Encoding": ACCEPT_ENCODING},
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),  # keeps nothing: see above
        )

    async def __aenter__(self) -> HttpFetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._trusted_pool is not None:
            await self._trusted_pool.aclose()

    # ------------------------------------------------------------------ public API

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
        headers: Mapping[str, str] | None = None,
        cookies: httpx.Cookies | None = None,
        polite: bool = False,
    ) -> FetchResult:
        """GET ``url`` following up to ``max_redirects`` guarded redirects.

        Returns ``not_modified=True`` (empty content) on 304 for a conditional request;
        raises ``FetchError`` for anything else that is not a 2xx answer.  ``headers`` add to or
        replace the defaults (a browser User-Agent for Dzen); ``cookies`` is the caller's jar,
        sent and updated on every hop; ``polite`` waits for the host's turn (``bot.net.polite``).
        """
        all_headers = {"Accept": accept or DEFAULT_ACCEPT, **(headers or {})}
        if etag:
            all_headers["If-None-Match"] = etag
        if last_modified:
            all_headers["If-Modified-Since"] = last_modified
        call = self._get(url, all_headers, etag, last_modified, cookies)
        if not polite:
            return await self._with_deadline(call, url)
        async with self.pacer.slot(self._parse(url).host):
            return await self._with_deadline(call, url)

    async def post_form(self, url: str, fields: Mapping[str, str], *, headers: Mapping[str, str] | None = None,
                        cookies: httpx.Cookies | None = None) -> FetchResult:
        """POST a form as a browser submits it and follow the answer's redirects with GET.

        For interstitials that expect their form replayed (Dzen's SSO stub): the same guard,
        cap and deadline as ``get``, the caller's cookie jar on every hop."""
        body = urlencode(dict(fields)).encode("ascii")
        all_headers = {"Accept": DEFAULT_ACCEPT, "Content-Type": "application/x-www-form-urlencoded", **(headers or {})}

        async def submit() -> FetchResult:
            public, mirror, response = await self._send("POST", self._parse(url), all_headers, body, cookies=cookies)
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECT_CODES and location:
                    target = self.mapper.to_public(response.url.join(location.strip()), prefer=mirror)
                    get_headers = {k: v for k, v in all_headers.items() if k != "Content-Type"}
                    return await self._get(str(target), get_headers, None, None, cookies)
                return await self._result(public, response, None, None, [])
            finally:
                await response.aclose()

        return await self._with_deadline(submit(), url)

    async def post_json(
        self,
        url: str,
        payload: dict[str, Any],
        *,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
        max_bytes: int | None = None,
        trusted: bool = False,
    ) -> dict[str, Any]:
        """POST a JSON body and return the JSON object answered (no redirects followed).

        ``trusted=True`` is only for URLs from the operator's own configuration (LLM_BASE_URL),
        never for anything a user or admin typed: such an endpoint is routinely a local server,
        so loopback and private addresses are allowed as if ``allow_private`` were set.  Still
        enforced: the http(s) scheme allow-list, the always-blocked ranges (cloud metadata,
        link-local), the size cap and the deadline.
        """
        deadline = timeout if timeout is not None else self.timeout
        call = self._post_json(url, payload, dict(headers or {}), deadline, max_bytes or self.max_bytes, trusted)
        return await self._with_deadline(call, url, deadline)

    # ------------------------------------------------------------------ internals

    async def _with_deadline(self, call: Any, url: str, seconds: float | None = None) -> Any:
        seconds = self.timeout if seconds is None else seconds
        try:
            async with asyncio.timeout(seconds):
                return await call
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise FetchError(f"timed out after {human_seconds(seconds)}", url=url) from exc
        except FetchError:
            raise
        except httpx.HTTPError as exc:
            raise FetchError(_describe_transport_error(exc), url=url) from exc

    def _parse(self, url: str) -> httpx.URL:
        try:
            parsed = httpx.URL(url.strip())
        except (httpx.InvalidURL, TypeError) as exc:
            raise FetchError("invalid URL", url=url) from exc
        if parsed.scheme not in ("http", "https"):
            raise FetchError(f"unsupported URL scheme '{parsed.scheme}'", url=url)
        return parsed

    async def _check_hop(self, target: httpx.URL, allow_private: bool) -> None:
        check_url(target, allow_private=allow_private)
        if self._resolve_before_hop:
            await resolve_checked(target.host, target.port or (443 if target.scheme == "https" else 80),
                                  allow_private=allow_private)

    def _trusted_transport(self) -> httpx.AsyncBaseTransport | None:
        """Where trusted requests go when the shared pool refuses private addresses.

        A separate connection pool (a transport, not a second client): a keep-alive connection
        opened to a private address for a trusted call must never be reused by an untrusted
        request to the same host name, which would skip the connect-time guard.  ``None`` means
        the shared client already allows what a trusted call needs.
        """
        if self.allow_private or not isinstance(self._transport, GuardedTransport):
            return None
        if self._trusted_pool is None:
            self._trusted_pool = GuardedTransport(allow_private=True)
        return self._trusted_pool

    async def _send(self, method: str, public: httpx.URL, headers: dict[str, str],
                    content: bytes | None = None, timeout: float | None = None,
                    trusted: bool = False, cookies: httpx.Cookies | None = None,
                    ) -> tuple[httpx.URL, Mirror | None, httpx.Response]:
        """Guard, map and send one hop; returns the normalized public URL and the open response."""
        allow_private = self.allow_private or trusted
        try:
            check_url(public, allow_private=allow_private)
            public, target, mirror = self.mapper.to_fetch(public)
            await self._check_hop(target, allow_private)
        except FetchError as exc:
            exc.url = exc.url or str(public)
            raise
        request = self._client.build_request(method, target, headers=headers, content=content,
                                             timeout=httpx.Timeout(timeout or self.timeout))
        if cookies is not None:
            cookies.set_cookie_header(request)
        pool = self._trusted_transport() if trusted else None
        if pool is None:
            response = await self._client.send(request, stream=True)
            if cookies is not None:
                cookies.extract_cookies(response)
            return public, mirror, response
        response = await pool.handle_async_request(request)
        response.request = request
        return public, mirror, response

    async def _get(self, url: str, headers: dict[str, str], etag: str | None,
                   last_modified: str | None, cookies: httpx.Cookies | None = None) -> FetchResult:
        public = self._parse(url)
        visited: list[str] = []
        for _hop in range(self.max_redirects + 1):
            public, mirror, response = await self._send("GET", public, headers, cookies=cookies)
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECT_CODES and location:
                    visited.append(str(public))
                    next_target = response.url.join(location.strip())
                    public = self.mapper.to_public(next_target, prefer=mirror)
                    continue
                return await self._result(public, response, etag, last_modified, visited)
            finally:
                await response.aclose()
        raise FetchError("too many redirects", url=str(public))

    async def _result(self, public: httpx.URL, response: httpx.Response, etag: str | None,
                      last_modified: str | None, visited: list[str]) -> FetchResult:
        status = response.status_code
        new_etag = response.headers.get("etag")
        new_modified = response.headers.get("last-modified")
        if status == 304:
            return FetchResult(url=str(public), status=status, headers=response.headers, content=b"",
                               etag=new_etag or etag, last_modified=new_modified or last_modified,
                               not_modified=True, redirects=visited)
        if not 200 <= status < 300:
            raise FetchError(f"HTTP {status}", status=status, url=str(public))
        content = await self._read_capped(response, self.max_bytes, public)
        return FetchResult(url=str(public), status=status, headers=response.headers, content=content,
                           etag=new_etag, last_modified=new_modified, redirects=visited)

    async def _read_capped(self, response: httpx.Response, limit: int, public: httpx.URL) -> bytes:
        """Read and inflate the body a bounded step at a time, aborting as soon as it exceeds ``limit``."""
        too_large = FetchError(f"response larger than {human_size(limit)}", status=response.status_code,
                               url=str(public))
        announced = response.headers.get("content-length", "")
        size = parse_int(announced)  # a page may announce anything ("²", 40 digits): only ASCII counts
        if size is not None and size > limit:
            raise too_large
        try:
            layers = decoders_for(response.headers.get("content-encoding"))
            chunks: list[bytes] = []
            size = 0
            async for raw in response.aiter_raw():
                for piece in decode_steps(layers, raw):
                    size += len(piece)
                    if size > limit:
                        raise too_large
                    chunks.append(piece)
        except DecodingError as exc:
            raise FetchError(f"cannot decode the response body: {exc}", status=response.status_code,
                             url=str(public)) from exc
        return b"".join(chunks)

    async def _post_json(self, url: str, payload: dict[str, Any], headers: dict[str, str],
                         timeout: float, max_bytes: int, trusted: bool = False) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers.setdefault("Content-Type", "application/json")
        headers.setdefault("Accept", "application/json")
        public, _mirror, response = await self._send("POST", self._parse(url), headers, body, timeout, trusted)
        try:
            if response.status_code in _REDIRECT_CODES:
                raise FetchError(f"unexpected redirect (HTTP {response.status_code})",
                                 status=response.status_code, url=str(public))
            content = await self._read_capped(response, max_bytes, public)
            if not 200 <= response.status_code < 300:
                raise FetchError(f"HTTP {response.status_code}", status=response.status_code, url=str(public))
        finally:
            await response.aclose()
        try:
            data = json.loads(decode_body(content, response.headers.get("content-type"))[0])
        except ValueError as exc:
            raise FetchError("response is not JSON", url=str(public)) from exc
        if not isinstance(data, dict):
            raise FetchError("response is not a JSON object", url=str(public))
        return data


def _describe_transport_error(exc: httpx.HTTPError) -> str:
    """One-line reason for an httpx transport failure."""
    host = ""
    try:
        host = exc.request.url.host
    except RuntimeError:
        pass
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect to {host}" if host else "cannot connect"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "server closed the connection or sent a broken response"
    if isinstance(exc, httpx.DecodingError):
        return "cannot decode the response body"
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return "invalid URL"
    if isinstance(exc, httpx.ReadError):
        return "the connection broke while reading the answer"
    if isinstance(exc, httpx.WriteError):
        return "the connection broke while sending the request"
    # The library's own text (often a whole exception chain) is for the log, not for the reader.
    return f"network error ({type(exc).__name__})"


__all__ = ["BlockedAddressError", "FetchError", "FetchResult", "HttpFetcher", "DEFAULT_USER_AGENT"]
