"""Dzen article pages: full text from embedded JSON (2025+ ``_params.ssrData``, 2019-21
``w._data``) or, failing that, the server-rendered DOM.

Metadata (title, date, id, image) and body are taken from the best layer that has them,
so a page whose JSON lacks the body but whose DOM has it still yields a full article.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from bot.sources.dzen.blocking import raise_if_blocked
from bot.sources.dzen.draftjs import parse_content_state
from bot.sources.dzen.embedded import dig, find_dicts, first_str, legacy_w_data, params_ssr_data
from bot.sources.model import ParsedArticle, SourceError
from bot.sources.text import css_attr, html_to_text, make_snippet, node_to_text, parse_datetime
from bot.sources.urls import canonical_url, dzen_publication_id, is_dzen_url

NO_STATE_MESSAGE = "page has no recognisable article state (_params/ssrData, w._data, DOM)"
_TITLE_SUFFIX = re.compile(r"\s*[|—–-]\s*(?:Яндекс\s*)?Дзен\s*$", re.I)
_BODY_SELECTORS = ("div[itemprop=articleBody]", ".article-render[itemprop=articleBody]", ".article-render",
                   "#article__page-root article", "[aria-label='Статья 1']")
_BLOCK_SELECTOR = "[data-testid=article-render__block], .article-render__block"


@dataclass
class _Draft:
    """What one layer of the page told us; later layers only fill the gaps."""

    title: str | None = None
    text: str | None = None
    published: Any = None
    external_id: str | None = None
    snippet: str | None = None
    image: str | None = None
    author: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def fill(self, other: _Draft) -> None:
        for name in ("title", "text", "published", "external_id", "snippet", "image", "author"):
            if not getattr(self, name) and getattr(other, name):
                setattr(self, name, getattr(other, name))
        for key, value in other.meta.items():
            self.meta.setdefault(key, value)


def _from_publication(pub: dict[str, Any]) -> _Draft:
    """2025+ ``publication`` object (also fits old ``w._data.publication``)."""
    content = pub.get("content") if isinstance(pub.get("content"), dict) else {}
    preview = content.get("preview") if isinstance(content.get("preview"), dict) else {}
    draft = _Draft(
        title=first_str(preview, "title") or first_str(pub, "title"),
        published=pub.get("publishTime") or pub.get("publishDate") or pub.get("addTime"),
        external_id=(first_str(pub, "id") or "").removeprefix("native:").lower() or None,
        snippet=first_str(preview, "snippet", "description") or first_str(pub, "snippet", "description"),
    )
    state = dig(content, "articleContent", "contentState")
    document = parse_content_state(state) if isinstance(state, (str, dict)) else None
    if document is not None:
        draft.text = document.text
        draft.image = document.images[0] if document.images else None
        draft.meta["links"] = document.links
    if content.get("type"):
        draft.meta["content_type"] = content["type"]
    tags = [t.get("title") for t in pub.get("tags") or [] if isinstance(t, dict) and t.get("title")]
    if tags:
        draft.meta["tags"] = tags
    return draft


def _from_ssr(ssr: dict[str, Any]) -> _Draft | None:
    pub = dig(ssr, "publishersResponse", "data", "data", "publication")
    if not isinstance(pub, dict):  # path rests on one source: look for the object instead
        pub = next(find_dicts(ssr, lambda d: isinstance(d.get("publication"), dict)
                              and isinstance(d["publication"].get("content"), dict)), {}).get("publication")
    if isinstance(pub, dict):
        return _from_publication(pub)
    video = ssr.get("videoMetaResponse")
    if isinstance(video, dict):
        return _Draft(title=first_str(video, "title"), text=first_str(video, "description"),
                      published=video.get("publicationDate") or video.get("publicationDates"),
                      image=first_str(video, "image"), author=first_str(dig(video, "source"), "title"),
                      meta={"is_video": True})
    return None


def _from_w_data(data: dict[str, Any]) -> _Draft:
    og = data.get("og") if isinstance(data.get("og"), dict) else {}
    pub = data.get("publication") if isinstance(data.get("publication"), dict) else {}
    draft = _from_publication(pub)
    draft.fill(_Draft(title=first_str(og, "title"), snippet=first_str(og, "description"),
                      image=first_str(og, "imageUrl", "image"), published=og.get("publishDate")))
    if dig(pub, "content", "type") == "gif":
        draft.meta["is_video"] = True
    return draft


def _dom_body(tree: LexborHTMLParser) -> str | None:
    for selector in _BODY_SELECTORS:
        node = tree.css_first(selector)
        if node is not None:
            text = node_to_text(node)
            if text:
                return text
    blocks = [node_to_text(n) for n in tree.css(_BLOCK_SELECTOR)]
    text = "\n\n".join(b for b in blocks if b)
    return text or None


def _from_dom(tree: LexborHTMLParser) -> _Draft:
    h1 = tree.css_first("h1")
    title_tag = tree.css_first("title")
    title = (h1.text(strip=True) if h1 is not None else None) or css_attr(tree, "meta[property='og:title']") \
        or (_TITLE_SUFFIX.sub("", title_tag.text(strip=True)) if title_tag is not None else None)
    time_node = tree.css_first("time[datetime]")
    published = css_attr(tree, "meta[itemprop=datePublished]") \
        or (time_node.attributes.get("datetime") if time_node is not None else None) \
        or css_attr(tree, "meta[property='article:published_time']")
    image = css_attr(tree, "meta[property='og:image']") or css_attr(tree, "[data-block-type=image] img", "src") \
        or css_attr(tree, "img.article-image-item__image", "src")
    author = css_attr(tree, "meta[name=author]") or css_attr(tree, "[itemprop=author] [itemprop=name]") \
        or css_attr(tree, "a.card-channel-link", "aria-label")
    return _Draft(title=title, text=_dom_body(tree), published=published, image=image, author=author,
                  snippet=css_attr(tree, "meta[property='og:description']") or css_attr(tree, "meta[name=description]"))


def _canonical(tree: LexborHTMLParser, url: str) -> str:
    """Canonical URL of the page; a ``rel=canonical`` is trusted only when it stays on Dzen."""
    declared = css_attr(tree, "link[rel=canonical]", "href") or css_attr(tree, "meta[property='og:url']")
    if declared and is_dzen_url(declared) and dzen_publication_id(declared):
        return canonical_url(declared)
    return canonical_url(url)


def parse_article(html: str, url: str, headers: Mapping[str, str] | None = None) -> ParsedArticle:
    """Full Dzen article (or video description) from its page HTML.

    Raises ``SourceError`` for the captcha/SSO stub and for pages carrying none of the
    known states.
    """
    raise_if_blocked(html, url, headers)
    tree = LexborHTMLParser(html)
    draft = _Draft()
    layers = 0
    ssr = params_ssr_data(html)
    if ssr is not None and (ssr_draft := _from_ssr(ssr)) is not None:
        draft.fill(ssr_draft)
        layers += 1
    w_data = legacy_w_data(html)
    if w_data is not None:
        draft.fill(_from_w_data(w_data))
        layers += 1
    dom = _from_dom(tree)
    if not draft.text and dom.text:
        layers += 1
    draft.fill(dom)
    if not layers or not draft.title:
        raise SourceError(NO_STATE_MESSAGE)
    canon = _canonical(tree, url)
    external_id = draft.external_id if draft.external_id and len(draft.external_id) == 24 else None
    text = draft.text or draft.snippet or ""
    meta = draft.meta
    meta.setdefault("full_text", bool(draft.text))
    if urlsplit(canon).path.startswith(("/video/", "/shorts/")):
        meta["is_video"] = True
    return ParsedArticle(
        url=canon,
        title=html_to_text(_TITLE_SUFFIX.sub("", draft.title)),
        text=text,
        author=draft.author,
        published=parse_datetime(draft.published),
        external_id=external_id or dzen_publication_id(canon),
        source_kind="dzen",
        summary_hint=make_snippet(draft.snippet) if draft.snippet else make_snippet(text, 300),
        image=draft.image,
        meta=meta,
    )
