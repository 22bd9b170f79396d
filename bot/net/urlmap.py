"""Public URL <-> fetch URL mapping for DZEN_BASE_URL and TELEGRAM_WEB_URL.

Every ``dzen.ru`` (and legacy ``zen.yandex.*``, ``m.dzen.ru``) URL is fetched from the
configured Dzen base, every ``t.me`` URL from the Telegram web base; the rest of the code
only ever sees the public form, so stored links and dedup keys do not depend on whether a
mirror or a loopback test server answered.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

DZEN_HOSTS = frozenset({"dzen.ru", "www.dzen.ru", "m.dzen.ru", "zen.yandex.ru", "zen.yandex.com",
                        "zen.yandex.by", "zen.yandex.kz", "zen.yandex.ua"})
TELEGRAM_HOSTS = frozenset({"t.me", "www.t.me", "telegram.me", "www.telegram.me"})


@dataclass(frozen=True)
class Mirror:
    """One public site and where its URLs are actually fetched from."""

    public: httpx.URL  # e.g. https://dzen.ru
    hosts: frozenset[str]  # public host names that belong to this site
    base: httpx.URL  # e.g. http://127.0.0.1:8080/dzen

    @property
    def prefix(self) -> str:
        return self.base.path.rstrip("/")

    def owns_public(self, url: httpx.URL) -> bool:
        return url.host.lower().rstrip(".") in self.hosts

    def owns_fetch(self, url: httpx.URL) -> bool:
        if (url.scheme, url.host.lower(), url.port) != (self.base.scheme, self.base.host.lower(), self.base.port):
            return False
        return url.path == self.prefix or url.path.startswith(self.prefix + "/") or not self.prefix


def _target(url: httpx.URL) -> str:
    """Path plus query, as sent on the request line."""
    return url.raw_path.decode("ascii")


class UrlMapper:
    """Maps public URLs to the URLs actually requested, and redirect targets back."""

    def __init__(self, *, dzen_base_url: str, telegram_web_url: str) -> None:
        self._mirrors = (
            Mirror(httpx.URL("https://dzen.ru"), DZEN_HOSTS, httpx.URL(dzen_base_url)),
            Mirror(httpx.URL("https://t.me"), TELEGRAM_HOSTS, httpx.URL(telegram_web_url)),
        )

    def normalize_public(self, url: httpx.URL) -> tuple[httpx.URL, Mirror | None]:
        """Rewrite known public hosts to their one public origin (zen.yandex.ru -> dzen.ru)."""
        for mirror in self._mirrors:
            if mirror.owns_public(url):
                return httpx.URL(str(mirror.public).rstrip("/") + _target(url)), mirror
        return url, None

    def to_fetch(self, public: httpx.URL) -> tuple[httpx.URL, httpx.URL, Mirror | None]:
        """Return (normalized public URL, URL to request, owning mirror)."""
        public, mirror = self.normalize_public(public)
        if mirror is None:
            return public, public, None
        base = str(mirror.base.copy_with(path=mirror.prefix or "/", query=None, fragment=None)).rstrip("/")
        return public, httpx.URL(base + _target(public)), mirror

    def to_public(self, fetched: httpx.URL, prefer: Mirror | None = None) -> httpx.URL:
        """Map a requested/redirected URL back to its public form.

        ``prefer`` is the site of the hop that produced the URL: when one test server plays
        both Dzen and Telegram, the redirect stays on the site it came from.
        """
        ordered = ([prefer] if prefer else []) + [m for m in self._mirrors if m is not prefer]
        for mirror in ordered:
            if mirror.owns_fetch(fetched):
                rest = _target(fetched)[len(mirror.prefix):] or "/"
                return httpx.URL(str(mirror.public).rstrip("/") + rest)
        return self.normalize_public(fetched)[0]
