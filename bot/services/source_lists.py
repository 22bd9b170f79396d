"""OPML 2.0 subscription lists: export of the bot's sources, and the plan of an import.

Export writes the attributes common feed readers read (Feedly, Inoreader, NetNewsWire, Miniflux,
FreshRSS): ``type="rss"``, ``text``, ``title``, ``xmlUrl``, ``htmlUrl`` on one flat level, with
ElementTree doing the escaping. Import parses with listparser (it copes with the nested
categories and sloppy attributes real exports have) after the same hostile-XML refusal the feed
parser applies: an entity declaration or external reference is refused before any parser expands
it. Nothing here touches the network or the database: the service decides what is new.
"""

from __future__ import annotations

import asyncio
import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import defusedxml
import defusedxml.ElementTree as DefusedET
import listparser

from bot.net import FetchError
from bot.refusal import Refusal
from bot.services.ingestion import IngestStopped
from bot.sources import SourceError
from bot.sources.urls import canonical_url, detect_source

if TYPE_CHECKING:
    from bot.services.audit import Audit
    from bot.clock import Clock
    from bot.services.ingestion import Ingestion

MAX_BYTES = 1_000_000  # a 1 MB list is ~5,000 feeds: far beyond any real reader's export
MAX_FEEDS = 500
MAX_URL = 2_000


class OpmlError(Refusal):
    """The file is not a usable OPML list (the reason is shown to the admin)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # an i18n key: opml_bad_xml | opml_hostile | opml_empty | opml_too_big


@dataclass(frozen=True)
class Outline:
    """One source as exported: what a feed reader needs to subscribe and label it."""

    xml_url: str
    title: str
    html_url: str | None = None


@dataclass(frozen=True)
class Candidate:
    url: str  # as the bot would store it (canonical), or as written when refused
    title: str
    refused: str | None = None  # i18n key of the reason, None when importable


def export(outlines: list[Outline], *, title: str, created: datetime) -> bytes:
    """A complete OPML 2.0 document (UTF-8, XML declaration), flat list of rss outlines."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(created)
    body = ET.SubElement(root, "body")
    for item in outlines:
        attrs = {"type": "rss", "text": item.title, "title": item.title, "xmlUrl": item.xml_url}
        if item.html_url:
            attrs["htmlUrl"] = item.html_url
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    out = io.BytesIO()
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return out.getvalue() + b"\n"


def html_url(kind: str, url: str) -> str:
    """The human page of a source: the channel itself, or the site a feed belongs to."""
    if kind in ("dzen_channel", "page"):
        return url
    if kind == "telegram_channel":
        return url.replace("/s/", "/", 1)
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _refuse_hostile(content: bytes) -> None:
    try:
        DefusedET.fromstring(content, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden,
            defusedxml.DTDForbidden, defusedxml.NotSupportedError) as exc:
        raise OpmlError("opml_hostile") from exc
    except DefusedET.ParseError:
        raise OpmlError("opml_bad_xml") from None


def _refusal(url: str) -> str | None:
    if len(url) > MAX_URL:
        return "opml_refused_long"
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return "opml_refused_scheme"
    return None


def read(content: bytes) -> list[Candidate]:
    """Every feed of the list in document order, each importable or refused with a reason.

    Duplicates inside the file (the same feed in two folders, as readers export tags) are
    refused by name so the preview's counts add up to what the file holds."""
    if len(content) > MAX_BYTES:
        raise OpmlError("opml_too_big")
    _refuse_hostile(content)
    parsed = listparser.parse(content)  # bytes: listparser never fetches
    if not parsed.get("version", "").startswith("opml"):
        raise OpmlError("opml_bad_xml")
    feeds = parsed.get("feeds") or []
    if not feeds:
        raise OpmlError("opml_empty")
    seen: set[str] = set()
    out: list[Candidate] = []
    for feed in feeds[:MAX_FEEDS]:
        raw = (feed.get("url") or "").strip()
        title = (feed.get("title") or "").strip() or raw
        refused = _refusal(raw)
        url = raw if refused else detect_source(canonical_url(raw)).url  # tracking tags dropped
        if refused is None and url in seen:
            refused = "opml_refused_duplicate"
        seen.add(url)
        out.append(Candidate(url, title[:200], refused))
    return out


@dataclass(frozen=True)
class ImportPlan:
    """What confirming would do: the preview's three lists, in the file's order."""

    new: tuple[Candidate, ...]
    existing: tuple[Candidate, ...]
    refused: tuple[Candidate, ...]


@dataclass(frozen=True)
class ImportResult:
    added: tuple[Candidate, ...]
    failed: tuple[tuple[Candidate, str], ...]  # (feed, why fetching or detecting it failed)


def plan(candidates: list[Candidate], known_urls: set[str]) -> ImportPlan:
    ok = [c for c in candidates if c.refused is None]
    return ImportPlan(tuple(c for c in ok if c.url not in known_urls), tuple(c for c in ok if c.url in known_urls),
                      tuple(c for c in candidates if c.refused is not None))


class SourceLists:
    """/sources export and the .opml import of an admin: preview first, sources added on confirm.

    A preview waits in memory under its message (the file itself stays on Telegram's side): after
    a restart the button says to send the file again, and nothing was changed meanwhile."""

    def __init__(self, ingestion: "Ingestion", audit: "Audit", clock: "Clock") -> None:
        self.ingestion = ingestion
        self.audit = audit
        self.clock = clock
        self._pending: dict[tuple[int, int], ImportPlan] = {}

    async def export(self, admin_id: int | None) -> tuple[bytes, int]:
        rows = await self.ingestion.sources()
        outlines = [Outline(r.url, r.name or r.url, html_url(r.kind, r.url)) for r in rows]
        await self.audit.record(admin_id, "source.export", {"sources": len(outlines)})
        return export(outlines, title="Zen Digest sources", created=self.clock.now()), len(outlines)

    async def preview(self, content: bytes) -> ImportPlan:
        """Parse off the event loop (a list of hundreds of feeds is real XML work)."""
        candidates = await asyncio.to_thread(read, content)
        known = {r.url for r in await self.ingestion.sources()}
        return plan(candidates, known)

    def hold(self, chat_id: int, message_id: int, plan: ImportPlan) -> None:
        self._pending[(chat_id, message_id)] = plan

    def take(self, chat_id: int, message_id: int) -> ImportPlan | None:
        return self._pending.pop((chat_id, message_id), None)

    async def apply(self, plan: ImportPlan, admin_id: int | None) -> ImportResult:
        """Each new feed as /addsource would add it (detected, archive stored as backfill); one
        that cannot be fetched is reported and the rest go on."""
        added: list[Candidate] = []
        failed: list[tuple[Candidate, str]] = []
        async with self.ingestion.job():
            for index, candidate in enumerate(plan.new):
                try:
                    await self.ingestion.add_source(candidate.url, admin_id)
                except (SourceError, FetchError) as exc:
                    failed.append((candidate, str(exc)))
                except IngestStopped:  # a graceful stop: the rest is reported, sending the file again adds it
                    failed += [(c, "stopped: the bot is restarting") for c in plan.new[index:]]
                    break
                else:
                    added.append(candidate)
        await self.audit.record(admin_id, "source.import", {"added": len(added), "failed": len(failed),
                                                            "existing": len(plan.existing), "refused": len(plan.refused)},
                                ok=not failed)
        return ImportResult(tuple(added), tuple(failed))
