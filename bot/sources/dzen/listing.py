"""Dzen channel listings: launcher JSON API and the three eras of channel-page state.

All variants end up as ``ListedItem``s plus the next-page link.  Item fields are read
defensively from several spellings because each era (and each API endpoint) names them
differently; unknown keys are ignored.  A page without any known state marker is a
``SourceError`` - Dzen renames its state about yearly and that must surface as an alert,
not as an empty channel.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from bot.sources.dzen.blocking import raise_if_blocked
from bot.sources.dzen.embedded import dig, first_str, keyed_objects, params_ssr_data, server_states
from bot.sources.model import ListedItem, SourceError
from bot.sources.text import html_to_text, parse_datetime
from bot.sources.urls import DZEN, canonical_url, dzen_publication_id

Listing = tuple[list[ListedItem], str | None]

_LINK_KEYS = ("share_link", "shareLink", "link", "url", "href")
_TEXT_KEYS = ("text", "snippet", "description", "subtitle")
_DATE_KEYS = ("publication_date", "publicationDate", "publishTime", "publish_time", "creationTime",
              "creation_time", "date", "time")
_IMAGE_KEYS = ("image", "imageUrl", "image_url", "preview_image", "thumbnail", "cover")
_VIDEO_TYPES = frozenset({"video", "gif", "short", "shorts", "video_card", "short_video"})
_SHORT_TYPES = frozenset({"short", "shorts", "short_video"})


def _raw_item(entry: dict[str, Any]) -> dict[str, Any]:
    """Some answers wrap the item as ``{"rawItem": {...}}`` (FN)."""
    inner = entry.get("rawItem")
    return {**entry, **inner} if isinstance(inner, dict) else entry


def _image(raw: dict[str, Any]) -> str | None:
    for key in _IMAGE_KEYS:
        value = raw.get(key)
        if isinstance(value, dict):
            value = first_str(value, "url", "src", "href")
        if isinstance(value, str) and value.startswith(("http://", "https://", "//")):
            return "https:" + value if value.startswith("//") else value
    return None


def _external_id(raw: dict[str, Any], url: str) -> str | None:
    for key in ("publication_object_id", "publicationObjectId", "publication_id", "publicationId", "id"):
        value = raw.get(key)
        if isinstance(value, str):
            value = value.removeprefix("native:").lower()
            if len(value) == 24 and all(c in "0123456789abcdef" for c in value):
                return value
    return dzen_publication_id(url)


def item_from_json(raw: dict[str, Any], *, channel_title: str | None = None,
                   force_video: bool = False) -> ListedItem | None:
    """One listing entry; ``None`` for entries without a link or a title (ads, stubs)."""
    raw = _raw_item(raw)
    link = first_str(raw, *_LINK_KEYS)
    title = first_str(raw, "title", "name")
    if not link or not title:
        return None
    url = canonical_url(urljoin(DZEN + "/", link))
    if not url.startswith(("https://", "http://")):
        return None
    published = None
    for key in _DATE_KEYS:
        published = parse_datetime(raw.get(key))
        if published:
            break
    kind_field = str(raw.get("type") or "").lower()
    path = urlsplit(url).path
    is_video = force_video or "video" in raw or kind_field in _VIDEO_TYPES \
        or path.startswith(("/video/watch/", "/shorts/"))
    kind = "video" if is_video else "post" if path.startswith("/b/") else "article"
    snippet = first_str(raw, *_TEXT_KEYS)
    source = raw.get("source") if isinstance(raw.get("source"), dict) else {}
    return ListedItem(
        url=url,
        title=html_to_text(title),
        snippet=html_to_text(snippet) if snippet else None,
        published=published,
        external_id=_external_id(raw, url),
        is_video=is_video,
        image=_image(raw),
        author=first_str(source, "title") or channel_title,
        kind=kind,
    )


def _entries(container: Any) -> list[tuple[dict[str, Any], bool, bool]]:
    """Flatten a list/dict of items into (item, video?, short?), expanding groups: tab groups
    (``{"tab": "shorts", "items": [...]}``) and the 2026 "floors" (``channel_article_floor``,
    ``channel_short_video_floor``), which may sit in one list with plain items."""
    if isinstance(container, dict):
        container = list(container.values())
    out: list[tuple[dict[str, Any], bool, bool]] = []
    for entry in container if isinstance(container, list) else []:
        if not isinstance(entry, dict):
            continue
        nested = entry.get("items")
        if isinstance(nested, list) and ("tab" in entry or not first_str(entry, *_LINK_KEYS)):
            tab = str(entry.get("tab") or "").lower()
            short = tab in ("shorts", "short") or "short" in str(entry.get("type") or "").lower()
            video = short or tab in ("video", "videos")
            out.extend((item, video or v, short or sh) for item, v, sh in _entries(nested))
        else:
            out.append((entry, False, False))
    return out


def _is_short(raw: dict[str, Any], url: str) -> bool:
    """Short videos carry no text worth a digest line: the listing skips them."""
    kind = str(_raw_item(raw).get("type") or "").lower()
    return kind in _SHORT_TYPES or urlsplit(url).path.startswith("/shorts/")


def items_from_entries(container: Any, channel_title: str | None = None) -> list[ListedItem]:
    """ListedItems from a raw ``items`` container, deduplicated by canonical URL, short videos skipped."""
    items: list[ListedItem] = []
    seen: set[str] = set()
    for raw, force_video, short in _entries(container):
        item = item_from_json(raw, channel_title=channel_title, force_video=force_video)
        if item and (short or _is_short(raw, item.url)):
            continue
        if item and item.url not in seen:
            seen.add(item.url)
            items.append(item)
    return items


def _absolute(link: Any) -> str | None:
    return urljoin(DZEN + "/", link) if isinstance(link, str) and link.strip() else None


def next_page_id(link: str | None) -> str | None:
    """The ``next_page_id`` query parameter of a ``more.link`` (used to detect loops)."""
    if not link:
        return None
    values = parse_qs(urlsplit(link).query).get("next_page_id")
    return values[0] if values else None


def parse_launcher(json_text: str | bytes) -> Listing:
    """Items and next link of ``/api/v3/launcher/export`` or ``/launcher/more`` answers."""
    try:
        data = json.loads(json_text)
    except ValueError as exc:
        raise SourceError("Dzen launcher answer is not JSON") from exc
    if not isinstance(data, dict):
        raise SourceError("Dzen launcher answer is not a JSON object")
    status = data.get("status")
    if isinstance(status, dict) and status.get("type") and not data.get("items"):
        detail = f" ({status['text']})" if status.get("text") else ""
        raise SourceError(f"Dzen launcher answered '{status['type']}'{detail}")
    if not isinstance(data.get("items"), list):
        raise SourceError("Dzen launcher answer has no items list")
    title = first_str(data.get("header"), "title") or first_str(dig(data, "channel", "source"), "title")
    return items_from_entries(data["items"], title), _absolute(dig(data, "more", "link"))


def _from_ssr(ssr: dict[str, Any]) -> Listing | None:
    export = ssr.get("exportResponse") if isinstance(ssr.get("exportResponse"), dict) else ssr
    feed = export.get("feedData") if isinstance(export, dict) else None
    if not isinstance(feed, dict):
        return None
    title = first_str(dig(export, "channel", "source"), "title")
    return items_from_entries(feed.get("items"), title), _absolute(dig(feed, "more", "link"))


def _from_server_state(state: dict[str, Any]) -> Listing | None:
    title = first_str(dig(state, "channel", "source"), "title")
    feed = state.get("feed")
    if isinstance(feed, dict) and feed.get("items"):
        items = feed["items"]
        order = feed.get("itemsOrder")
        if isinstance(items, dict) and isinstance(order, list):
            items = [items[key] for key in map(str, order) if key in items]
        more = dig(state, "links", "more") or dig(feed, "more", "link") or dig(state, "exportData", "more", "link")
        return items_from_entries(items, title), _absolute(more)
    export = state.get("exportData")
    if isinstance(export, dict) and isinstance(export.get("items"), list):
        return items_from_entries(export["items"], title), _absolute(dig(export, "more", "link"))
    return None


def parse_channel_page(html: str, url: str = "") -> Listing:
    """Items and next link from a channel page of any era (ssrData, __serverState__, exportData)."""
    raise_if_blocked(html, url)
    ssr = params_ssr_data(html)
    if ssr is not None:
        found = _from_ssr(ssr)
        if found is None:
            raise SourceError("Dzen channel page has _params.ssrData but no feedData (not a channel page?)")
        return found
    for state in server_states(html):
        found = _from_server_state(state)
        if found is not None:
            return found
    for export in keyed_objects(html, "exportData"):
        if isinstance(export.get("items"), list):
            return items_from_entries(export["items"]), _absolute(dig(export, "more", "link"))
    raise SourceError("Dzen channel page has no recognisable feed state (_params/ssrData, __serverState__, exportData)")
