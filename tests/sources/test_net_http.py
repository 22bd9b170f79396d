"""HttpFetcher: URL mapping, redirects, SSRF guard, size cap, timeouts, conditional GET, decoding."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
from typing import TYPE_CHECKING

import httpx
import pytest
from aiohttp import web

from bot.net import BlockedAddressError, FetchError, HttpFetcher
from bot.net.charset import decode_body
from bot.net.guard import address_problem

if TYPE_CHECKING:
    from tests.sources.conftest import LoopbackServer


# ---------------------------------------------------------------- URL mapping


async def test_dzen_url_is_fetched_from_base_and_reported_public(server: LoopbackServer, fetcher: HttpFetcher):
    server.add("/a/XYZ", "<p>article</p>")
    result = await fetcher.get("https://dzen.ru/a/XYZ")
    assert server.paths == ["/a/XYZ"]
    assert result.url == "https://dzen.ru/a/XYZ"
    assert result.status == 200 and result.text == "<p>article</p>"


async def test_legacy_zen_hosts_map_to_dzen(server: LoopbackServer, fetcher: HttpFetcher):
    server.add("/media/slug/x-66a1b2c3d4e5f60718293a4b", "old")
    result = await fetcher.get("https://zen.yandex.ru/media/slug/x-66a1b2c3d4e5f60718293a4b?from=feed")
    assert result.url == "https://dzen.ru/media/slug/x-66a1b2c3d4e5f60718293a4b?from=feed"
    assert server.paths == ["/media/slug/x-66a1b2c3d4e5f60718293a4b?from=feed"]


async def test_base_url_with_path_prefix(server: LoopbackServer):
    server.add("/mirror/dzen/a/XYZ", "ok")
    server.redirect("/mirror/dzen/old", "/mirror/dzen/a/XYZ")
    async with HttpFetcher(allow_private=True, dzen_base_url=server.base + "/mirror/dzen/") as client:
        result = await client.get("https://dzen.ru/old")
    assert result.url == "https://dzen.ru/a/XYZ"
    assert result.redirects == ["https://dzen.ru/old"]


async def test_redirect_hops_map_back_to_public_form(server: LoopbackServer, fetcher: HttpFetcher):
    # relative Location, absolute Location on the mirror host, and absolute public Location
    server.redirect("/s/closed", "/closed")
    server.add("/closed", "join page")
    server.redirect("/s/abs", server.base + "/abs_target")
    server.add("/abs_target", "x")
    server.redirect("/a/pub", "https://dzen.ru/a/final")
    server.add("/a/final", "y")
    assert (await fetcher.get("https://t.me/s/closed")).url == "https://t.me/closed"
    assert (await fetcher.get("https://t.me/s/abs")).url == "https://t.me/abs_target"
    assert (await fetcher.get("https://dzen.ru/a/pub")).url == "https://dzen.ru/a/final"


async def test_too_many_redirects(server: LoopbackServer):
    server.redirect("/loop", "/loop")
    async with HttpFetcher(allow_private=True, max_redirects=3) as client:
        with pytest.raises(FetchError, match="^too many redirects$"):
            await client.get(server.base + "/loop")
    assert len(server.requests) == 4


async def test_http_error_status(server: LoopbackServer, fetcher: HttpFetcher):
    with pytest.raises(FetchError, match="^HTTP 404$") as info:
        await fetcher.get("https://dzen.ru/missing")
    assert info.value.status == 404 and info.value.url == "https://dzen.ru/missing"


async def test_user_agent_and_accept_sent(server: LoopbackServer, fetcher: HttpFetcher):
    server.add("/ua", "ok")
    await fetcher.get(server.base + "/ua", accept="application/json")
    headers = server.requests[0].headers
    assert headers["User-Agent"].startswith("ZenDigestBot/0.1")
    assert headers["Accept"] == "application/json"


# ---------------------------------------------------------------- SSRF guard


def test_address_policy():
    def problem(ip: str, allow_private: bool) -> str | None:
        return address_problem(ipaddress.ip_address(ip), allow_private=allow_private)

    for always in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "0.0.0.0", "0.1.2.3", "224.0.0.1",
                   "fe80::1", "240.0.0.1", "ff02::1"):
        assert problem(always, True) == f"address {ipaddress.ip_address(always)} is not allowed", always
    for tunnelled in ("::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1"):
        assert problem(tunnelled, True) == "address 169.254.169.254 is not allowed", tunnelled
    for private in ("127.0.0.1", "::1", "10.0.0.1", "192.168.1.1", "172.16.0.1", "fc00::1", "::ffff:127.0.0.1"):
        assert problem(private, False) is not None, private
        assert problem(private, True) is None, private
    for public in ("77.88.55.242", "149.154.167.99", "2a00:1450:4010::1"):
        assert problem(public, False) is None


async def test_loopback_refused_without_allow_private(server: LoopbackServer):
    server.add("/x", "secret")
    async with HttpFetcher(allow_private=False) as client:
        with pytest.raises(BlockedAddressError, match="^address 127.0.0.1 is not allowed$"):
            await client.get(server.base + "/x")
        # a host *name* resolving to loopback is caught where the connection is opened
        with pytest.raises(BlockedAddressError, match=r"^address (127\.0\.0\.1|::1) is not allowed$"):
            await client.get(server.base.replace("127.0.0.1", "localhost") + "/x")
    assert server.requests == []


async def test_redirect_to_metadata_refused_even_with_allow_private(server: LoopbackServer, fetcher: HttpFetcher):
    server.redirect("/meta", "http://169.254.169.254/latest/meta-data/")
    server.redirect("/meta6", "http://[fd00:ec2::254]/latest/")
    with pytest.raises(BlockedAddressError, match="^address 169.254.169.254 is not allowed$") as info:
        await fetcher.get("https://dzen.ru/meta")
    assert info.value.url == "http://169.254.169.254/latest/meta-data/"
    with pytest.raises(BlockedAddressError, match="fd00:ec2::254"):
        await fetcher.get("https://dzen.ru/meta6")


@pytest.mark.parametrize("target, address", [
    ("http://127.0.0.1:8080/admin", "127.0.0.1"),
    ("http://[::1]/", "::1"),
    ("http://10.0.0.5/internal", "10.0.0.5"),
])
async def test_redirect_hop_to_private_address_refused(target: str, address: str):
    """The first hop is public (mocked transport); the redirect to a private address is refused."""
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "public.example"
        return httpx.Response(302, headers={"Location": target})

    async with HttpFetcher(allow_private=False, transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(BlockedAddressError, match=f"^address {re.escape(address)} is not allowed$"):
            await client.get("https://public.example/start")


async def test_unpinned_fallback_resolves_before_each_hop(server: LoopbackServer):
    async with HttpFetcher(allow_private=False) as client:
        client._resolve_before_hop = True  # what happens if httpx ever drops the pool hook
        with pytest.raises(BlockedAddressError, match="is not allowed"):
            await client.get(server.base.replace("127.0.0.1", "localhost") + "/x")
    assert server.requests == []


@pytest.mark.parametrize("url, reason", [
    ("file:///etc/passwd", "unsupported URL scheme 'file'"),
    ("ftp://example.com/x", "unsupported URL scheme 'ftp'"),
    ("gopher://example.com/", "unsupported URL scheme 'gopher'"),
])
async def test_non_http_schemes_refused(url: str, reason: str):
    async with HttpFetcher() as client:
        with pytest.raises(FetchError, match=f"^{reason}$"):
            await client.get(url)


async def test_redirect_to_file_scheme_refused(server: LoopbackServer, fetcher: HttpFetcher):
    server.redirect("/to-file", "file:///etc/passwd")
    with pytest.raises(FetchError, match="^unsupported URL scheme 'file'$"):
        await fetcher.get(server.base + "/to-file")


# ---------------------------------------------------------------- size and time limits


async def test_streamed_50mb_body_aborted_at_cap(server: LoopbackServer, fetcher: HttpFetcher):
    sent = {"bytes": 0}
    chunk = b"x" * 65536
    hung_up = asyncio.Event()

    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        try:
            while sent["bytes"] < 50_000_000:
                await response.write(chunk)
                sent["bytes"] += len(chunk)
        except (ConnectionResetError, RuntimeError):
            pass
        finally:  # also when aiohttp cancels the handler of a closed connection
            hung_up.set()
        return response

    server.add("/huge", handler=huge)
    with pytest.raises(FetchError, match="^response larger than 5 MB$"):
        await fetcher.get(server.base + "/huge")
    await asyncio.wait_for(hung_up.wait(), 10)  # the stream ended...
    assert sent["bytes"] < 50_000_000  # ...because the client closed it, not because all was read


async def test_announced_content_length_over_cap(server: LoopbackServer):
    async def liar(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": "60000000", "Content-Type": "text/plain"})
        await response.prepare(request)
        await response.write(b"tiny")
        return response

    server.add("/liar", handler=liar)
    async with HttpFetcher(allow_private=True, max_bytes=1_000_000) as client:
        with pytest.raises(FetchError, match="^response larger than 1 MB$"):
            await client.get(server.base + "/liar")


async def test_slow_server_times_out(server: LoopbackServer):
    """The timeout bounds the whole request: a server that never answers and one that keeps
    trickling bytes (each well within any per-read timeout) are both given up on."""
    done = asyncio.Event()  # set when the test is over: neither server finishes before that
    answered: list[str] = []

    async def slow(request: web.Request) -> web.Response:
        await done.wait()
        answered.append("slow")
        return web.Response(text="late")

    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        with contextlib.suppress(ConnectionResetError, RuntimeError):
            while not done.is_set():
                await response.write(b".")
                await asyncio.sleep(0.02)
            answered.append("trickle")
        return response

    server.add("/slow", handler=slow)
    server.add("/trickle", handler=trickle)
    try:
        async with HttpFetcher(allow_private=True, timeout=0.2) as client:
            for path in ("/slow", "/trickle"):
                with pytest.raises(FetchError, match=r"^timed out after 0\.2 s$"):
                    await asyncio.wait_for(client.get(server.base + path), 10)  # 10 s: only a hung fetch
        assert answered == []  # given up on before either server finished
    finally:
        done.set()


# ---------------------------------------------------------------- conditional GET


async def test_conditional_get(server: LoopbackServer, fetcher: HttpFetcher):
    async def feed(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(text="<rss/>", headers={"ETag": '"v1"', "Last-Modified": "Mon, 15 Dec 2025 09:30:00 GMT"})

    server.add("/feed", handler=feed)
    first = await fetcher.get(server.base + "/feed")
    assert (first.etag, first.last_modified, first.not_modified) == ('"v1"', "Mon, 15 Dec 2025 09:30:00 GMT", False)
    second = await fetcher.get(server.base + "/feed", etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.status == 304 and second.content == b""
    assert server.requests[1].headers["If-Modified-Since"] == "Mon, 15 Dec 2025 09:30:00 GMT"


# ---------------------------------------------------------------- decoding


async def test_cp1251_pages_decoded(server: LoopbackServer, fetcher: HttpFetcher):
    server.add_fixture("/meta", "pages/article-cp1251.html", content_type="text/html")
    server.add_fixture("/bare", "pages/article-cp1251-nometa.html", content_type="text/html")
    server.add("/header", "Привет, мир".encode("cp1251"), content_type="text/plain; charset=windows-1251")
    for path in ("/meta", "/bare"):
        result = await fetcher.get(server.base + path)
        assert "Казахстан и ЕС: итоги декабря" in result.text, path
        assert result.encoding == "cp1251"
    assert (await fetcher.get(server.base + "/header")).text == "Привет, мир"


def test_decode_order():
    utf8 = "Дзен".encode("utf-8")
    assert decode_body(utf8, "text/html") == ("Дзен", "utf-8")
    # a wrong HTTP charset that cannot decode strictly falls through to the next layer
    assert decode_body(b'<meta charset="windows-1251">' + "тест".encode("cp1251"), "text/html; charset=utf-8")[1] == "cp1251"
    assert decode_body("Привет".encode("koi8-r") + " мир, как дела".encode("koi8-r"))[1] == "koi8-r"
    assert decode_body(b"\xef\xbb\xbfabc")[0] == "abc"
    xml = '<?xml version="1.0" encoding="windows-1251"?><rss>Лента</rss>'.encode("cp1251")
    assert "Лента" in decode_body(xml, "application/xml")[0]


# ---------------------------------------------------------------- post_json


async def test_post_json(server: LoopbackServer, fetcher: HttpFetcher):
    async def echo(request: web.Request) -> web.Response:
        return web.json_response({"got": await request.json(), "auth": request.headers.get("Authorization")})

    server.add("/v1/chat", handler=echo)
    server.add("/text", "not json", content_type="text/plain")
    answer = await fetcher.post_json(server.base + "/v1/chat", {"q": "привет"}, headers={"Authorization": "Bearer k"})
    assert answer == {"got": {"q": "привет"}, "auth": "Bearer k"}
    with pytest.raises(FetchError, match="^response is not JSON$"):
        await fetcher.post_json(server.base + "/text", {})
    with pytest.raises(FetchError, match="^HTTP 404$"):
        await fetcher.post_json(server.base + "/nowhere", {})
    with pytest.raises(FetchError, match="169.254.169.254"):
        await fetcher.post_json("http://169.254.169.254/v1", {})


def test_declared_utf8_with_a_few_bad_bytes_stays_utf8():
    """Issue 19.10: one broken byte must not turn a whole UTF-8 page into cp1251 mojibake."""
    page = ('<html><head><meta charset="utf-8"></head><body><p>Казахстан и Европейский союз обсудили '
            'Транскаспийский маршрут.</p><p>Паромы пойдут чаще.</p></body></html>').encode("utf-8")
    broken = page.replace("обсудили".encode("utf-8"), b"\xd0" + "бсудили".encode("utf-8"), 1) + b"\x97"
    for content_type in ("text/html", "text/html; charset=utf-8"):
        text, encoding = decode_body(broken, content_type)
        assert encoding == "utf-8"
        assert "Казахстан и Европейский союз" in text and "Паромы пойдут чаще." in text
        assert text.count("\ufffd") == 2
    # a page that is really windows-1251 but says UTF-8 is still read as windows-1251
    mislabelled = '<meta charset="utf-8"><p>Паромы через Каспий пойдут чаще.</p>'.encode("cp1251")
    assert decode_body(mislabelled, "text/html") == (mislabelled.decode("cp1251"), "cp1251")


async def test_double_gzip_bomb_is_stopped_at_the_cap_before_inflating(server: LoopbackServer):
    """Issue 19.2: a 20 kB body with ``Content-Encoding: gzip, gzip`` that inflates to 256 MB is refused
    at the cap without ever holding much more than the cap (it used to inflate a whole chunk at once:
    1.8 kB on the wire took the process from 100 MB to 2.1 GB, see bench_ingest.py --mode bomb)."""
    import gzip
    import tracemalloc
    import zlib

    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = gzip.compress(b"".join([inner.compress(bytes(16 << 20)) for _ in range(16)] + [inner.flush()]), 9)
    assert len(body) < 20_000
    server.add("/bomb", body, content_type="text/html", headers={"Content-Encoding": "gzip, gzip"})
    async with HttpFetcher(allow_private=True, max_bytes=1_000_000) as client:
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match="^response larger than 1 MB$"):
                await client.get(server.base + "/bomb")
            _now, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 8_000_000, f"peak {peak / 1e6:.0f} MB while reading a body capped at 1 MB"


async def test_compressed_bodies_are_read_and_deep_stacks_refused(server: LoopbackServer, fetcher: HttpFetcher):
    import gzip
    import zlib

    text = "Паромы через Каспий пойдут чаще. " * 2000
    raw = text.encode("utf-8")
    deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    server.add("/gzip", gzip.compress(raw), headers={"Content-Encoding": "gzip"})
    server.add("/two-members", gzip.compress(raw[:1000]) + gzip.compress(raw[1000:]), headers={"Content-Encoding": "gzip"})
    server.add("/raw-deflate", deflate.compress(raw) + deflate.flush(), headers={"Content-Encoding": "deflate"})
    server.add("/zlib-deflate", zlib.compress(raw), headers={"Content-Encoding": "deflate"})
    server.add("/gzip-gzip", gzip.compress(gzip.compress(raw)), headers={"Content-Encoding": "gzip, gzip"})
    for path in ("/gzip", "/two-members", "/raw-deflate", "/zlib-deflate", "/gzip-gzip"):
        assert (await fetcher.get(server.base + path)).text == text, path
    assert server.requests[0].headers["Accept-Encoding"] == "gzip, deflate"
    server.add("/three", gzip.compress(gzip.compress(gzip.compress(raw))), headers={"Content-Encoding": "gzip, gzip, gzip"})
    server.add("/br", b"\x1b", headers={"Content-Encoding": "br"})
    server.add("/corrupt", b"not gzip at all", headers={"Content-Encoding": "gzip"})
    for path, reason in (("/three", "3 stacked content encodings refused"),
                         ("/br", "unsupported content encoding 'br'"), ("/corrupt", "the gzip body is corrupt")):
        with pytest.raises(FetchError, match=f"^cannot decode the response body: {reason}$"):
            await fetcher.get(server.base + path)


async def test_cookies_live_in_the_callers_jar_only(server: LoopbackServer, fetcher: HttpFetcher):
    """A session cookie goes back within one jar (one poll) and never into another request."""
    async def set_cookie(request: web.Request) -> web.Response:
        response = web.Response(text="ok")
        response.set_cookie("session", "s3cret", path="/")
        return response

    server.add("/login", handler=set_cookie)
    server.add("/page", "page")
    jar = httpx.Cookies()
    await fetcher.get(server.base + "/login", cookies=jar)
    await fetcher.get(server.base + "/page", cookies=jar)
    await fetcher.get(server.base + "/page")
    await fetcher.get(server.base + "/page", cookies=httpx.Cookies())
    sent = [r.headers.get("Cookie") for r in server.requests]
    assert sent == [None, "session=s3cret", None, None]


async def test_polite_requests_take_turns_per_host(server: LoopbackServer):
    """At most two requests at a time to one host, whatever the caller gathers."""
    running = {"now": 0, "most": 0}

    async def page(request: web.Request) -> web.Response:
        running["now"] += 1
        running["most"] = max(running["most"], running["now"])
        await asyncio.sleep(0.05)
        running["now"] -= 1
        return web.Response(text="page")

    server.add("/item", handler=page)
    async with HttpFetcher(allow_private=True, host_pause=0.0) as client:
        await asyncio.gather(*(client.get(f"{server.base}/item?n={n}", polite=True) for n in range(8)))
        assert (running["most"], len(server.requests)) == (2, 8)
        await asyncio.gather(*(client.get(f"{server.base}/item?m={n}") for n in range(8)))
    assert running["most"] > 2  # without polite=True nothing waits
