"""Parser of the public Telegram channel web preview (``t.me/s/NAME``).

Follows SOURCES-FORMATS.md section 2.  Posts are returned newest first (the page lists
them oldest first).  Per post, ``ParsedArticle.meta`` holds:

* ``post_id`` (int), ``channel`` (name), ``views`` (int | None)
* ``forwarded_from`` ({"name", "url"}) and ``reply_to`` ({"url", "id", "author", "text"})
* ``links`` [(anchor text, url)], ``hashtags`` [str], ``media`` ["photo", "video", ...],
  ``media_only`` (no text at all), ``link_preview`` ({"url", "title", "description", "site"})

Service messages ("channel created", pins) are skipped.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.numbers import parse_id
from bot.sources.model import ParsedArticle, SourceError, TelegramPage
from bot.sources.text import make_snippet, make_title, node_to_text, parse_datetime
from bot.sources.urls import canonical_url

_EDITED_WORDS = ("edited", "изменено", "ред.")
_MEDIA_TITLES = {"photo": "Фото", "video": "Видео", "gif": "GIF", "voice": "Голосовое сообщение",
                 "roundvideo": "Видеосообщение", "document": "Документ", "poll": "Опрос",
                 "sticker": "Стикер", "location": "Геопозиция", "unsupported": "Медиа"}
_MEDIA_SELECTORS = (
    ("photo", "a.tgme_widget_message_photo_wrap"),
    ("video", "a.tgme_widget_message_video_player"),
    ("roundvideo", ".tgme_widget_message_roundvideo_player, .tgme_widget_message_roundvideo_wrap"),
    ("voice", "audio.tgme_widget_message_voice, .tgme_widget_message_voice_player"),
    ("document", ".tgme_widget_message_document_wrap"),
    ("poll", ".tgme_widget_message_poll"),
    ("sticker", ".tgme_widget_message_sticker_wrap, .tgme_widget_message_sticker"),
    ("location", "a.tgme_widget_message_location_wrap"),
    ("unsupported", ".message_media_not_supported_wrap"),
)
_STYLE_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def _text_of(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    text = node.text(deep=True, separator="", strip=False)
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def _inside(node: LexborNode, stop: LexborNode, classes: tuple[str, ...]) -> bool:
    """Whether an ancestor of ``node`` below ``stop`` carries one of ``classes``."""
    parent = node.parent
    while parent is not None and parent.mem_id != stop.mem_id:
        if any(cls in (parent.attributes.get("class") or "").split() for cls in classes):
            return True
        parent = parent.parent
    return False


def _message_text_node(message: LexborNode) -> LexborNode | None:
    """The post's own text: not a reply quote, not nested inside another text node."""
    for node in message.css(".tgme_widget_message_text"):
        classes = (node.attributes.get("class") or "").split()
        if "js-message_reply_text" in classes:
            continue
        if _inside(node, message, ("tgme_widget_message_reply", "tgme_widget_message_text",
                                   "tgme_widget_message_link_preview")):
            continue
        return node
    return None


def _fix_href(anchor: LexborNode) -> str | None:
    """Link target; onclick links are double-escaped since 2024-04 (``&amp;amp;``)."""
    href = anchor.attributes.get("href")
    if not href:
        return None
    if anchor.attributes.get("onclick") is not None:
        href = href.replace("&amp;", "&")
    return href


def _style_url(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    match = _STYLE_URL.search(node.attributes.get("style") or "")
    if not match:
        return None
    url = match.group(1)
    return "https:" + url if url.startswith("//") else url


def _is_edited(message: LexborNode) -> bool:
    """'edited' is a bare text node of the meta span (after the signature in signed channels)."""
    if message.css_first(".tgme_widget_message_edited") is not None:
        return True
    meta = message.css_first(".tgme_widget_message_meta")
    if meta is None:
        return False
    own = " ".join(c.text(deep=False) for c in meta.iter(include_text=True) if c.is_text_node).lower()
    return any(word in own for word in _EDITED_WORDS)


def parse_views(value: str | None) -> int | None:
    """'1.2K' -> 1200, '3M' -> 3000000, '987' -> 987."""
    if not value:
        return None
    match = re.fullmatch(r"([\d.,]+)\s*([KkMm]?)", value.strip())
    if not match:
        return None
    number = float(match.group(1).replace(",", "."))
    scale = {"k": 1_000, "m": 1_000_000}.get(match.group(2).lower(), 1)
    return int(round(number * scale))


def _forward(message: LexborNode, base: str) -> dict[str, str | None] | None:
    box = message.css_first(".tgme_widget_message_forwarded_from")
    if box is None:
        return None
    name_node = box.css_first(".tgme_widget_message_forwarded_from_name")
    href = name_node.attributes.get("href") if name_node is not None else None
    name = _text_of(name_node) or _text_of(box)
    if name:
        name = re.sub(r"^Forwarded from\s*", "", name)
    return {"name": name, "url": canonical_url(urljoin(base + "/", href)) if href else None}


def _reply(message: LexborNode, base: str) -> dict[str, object] | None:
    reply = message.css_first("a.tgme_widget_message_reply")
    if reply is None:
        return None
    href = reply.attributes.get("href")
    url = canonical_url(urljoin(base + "/", href)) if href else None
    post_id = parse_id(url.rsplit("/", 1)[1]) if url else None
    quote = reply.css_first(".js-message_reply_text, .tgme_widget_message_metatext")
    return {"url": url, "id": post_id, "author": _text_of(reply.css_first(".tgme_widget_message_author_name")),
            "text": _text_of(quote)}


def _link_preview(message: LexborNode) -> dict[str, str | None] | None:
    preview = message.css_first("a.tgme_widget_message_link_preview")
    if preview is None:
        return None
    return {"url": preview.attributes.get("href"),
            "site": _text_of(preview.css_first(".link_preview_site_name")),
            "title": _text_of(preview.css_first(".link_preview_title")),
            "description": _text_of(preview.css_first(".link_preview_description"))}


def _media(message: LexborNode) -> tuple[list[str], str | None]:
    kinds: list[str] = []
    image: str | None = None
    for kind, selector in _MEDIA_SELECTORS:
        for node in message.css(selector):
            if _inside(node, message, ("tgme_widget_message_reply",)):
                continue
            # A GIF is a video player without the play button.
            gif = kind == "video" and node.css_first(".message_video_play") is None
            kinds.append("gif" if gif else kind)
            if image is None and kind in ("photo", "video"):
                image = _style_url(node) or _style_url(node.css_first("i.tgme_widget_message_video_thumb"))
    return kinds, image


def _parse_message(message: LexborNode, base: str, channel_title: str | None) -> ParsedArticle | None:
    data_post = message.attributes.get("data-post") or ""
    name, _, post_id = data_post.partition("/")
    if not name or parse_id(post_id) is None:
        return None
    date_link = message.css_first("a.tgme_widget_message_date")
    time_node = (date_link.css_first("time[datetime]") if date_link is not None else None) \
        or message.css_first(".tgme_widget_message_info time[datetime]")
    href = date_link.attributes.get("href") if date_link is not None else None
    url = canonical_url(urljoin(base + "/", href) if href else f"{base}/{name}/{post_id}")
    links: list[tuple[str, str]] = []

    def on_link(anchor: LexborNode, anchor_text: str) -> None:
        target = _fix_href(anchor)
        if target:
            links.append((anchor_text, urljoin(f"{base}/s/{name}", target)))

    text_node = _message_text_node(message)
    text = node_to_text(text_node, on_link=on_link) if text_node is not None else ""
    media, image = _media(message)
    signature = _text_of(message.css_first(".tgme_widget_message_from_author"))
    preview = _link_preview(message)
    meta: dict[str, object] = {
        "post_id": int(post_id), "channel": name,
        "views": parse_views(_text_of(message.css_first(".tgme_widget_message_views"))),
        "links": links, "hashtags": [t for t, u in links if t.startswith("#")],
        "media": media, "media_only": not text,
    }
    for key, value in (("forwarded_from", _forward(message, base)), ("reply_to", _reply(message, base)),
                       ("link_preview", preview), ("signature", signature)):
        if value:
            meta[key] = value
    if text:
        title = make_title(text)
    else:
        title = _MEDIA_TITLES.get(media[0], "Медиа") if media else "Пост"
    return ParsedArticle(
        url=url, title=title, text=text, author=signature or channel_title,
        published=parse_datetime(time_node.attributes.get("datetime") if time_node is not None else None),
        external_id=f"{name}/{post_id}", source_kind="telegram", edited=_is_edited(message),
        summary_hint=make_snippet(text, 300) or (preview or {}).get("description"), image=image, meta=meta,
    )


def _before(tree: LexborHTMLParser) -> int | None:
    """Id for the next older page: 'more' link's data-before/href, else ``<link rel=prev>``."""
    for node in tree.css("a.js-messages_more, a.tme_messages_more"):
        if (value := parse_id(node.attributes.get("data-before"))) is not None:
            return value
        found = parse_qs(urlsplit(node.attributes.get("href") or "").query).get("before")
        if found and (value := parse_id(found[0])) is not None:
            return value
    prev = tree.css_first("link[rel=prev]")
    found = parse_qs(urlsplit(prev.attributes.get("href") or "").query).get("before") if prev is not None else None
    return parse_id(found[0]) if found else None


def parse_channel_page(html: str, base_public: str = "https://t.me", name: str | None = None) -> TelegramPage:
    """Parse one ``t.me/s/NAME`` page; raises ``SourceError`` when it is not a channel preview."""
    base = base_public.rstrip("/")
    tree = LexborHTMLParser(html)
    history = tree.css_first("section.tgme_channel_history, .js-message_history")
    header_title = _text_of(tree.css_first(".tgme_channel_info_header_title"))
    main = tree.css_first("main.tgme_main[data-url]")
    page_name = name or ((main.attributes.get("data-url") or "").strip("/") if main is not None else None)
    if history is None and header_title is None:
        raise SourceError(f"t.me/s/{page_name or '?'} has no public preview")
    og_title = tree.css_first("meta[property='og:title']")
    channel_title = header_title or (og_title.attributes.get("content") if og_title is not None else None)
    posts: list[ParsedArticle] = []
    for message in tree.css(".tgme_widget_message[data-post]"):
        if "service_message" in (message.attributes.get("class") or "").split():
            continue
        post = _parse_message(message, base, channel_title)
        if post is not None:
            posts.append(post)
    posts.sort(key=lambda p: int(p.meta["post_id"]), reverse=True)  # type: ignore[call-overload]
    if not page_name and posts:
        page_name = str(posts[0].meta["channel"])
    return TelegramPage(channel_name=page_name or "", channel_title=channel_title, posts=posts,
                        before=_before(tree))
