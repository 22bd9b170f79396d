"""Generic article pages (any site) via trafilatura, and feed discovery.

trafilatura does the boilerplate removal; we add what it does not decide for us: a
canonical URL we are willing to trust (same site only, so a page cannot claim another
site's URL and collide with its articles in dedup), a precise publication time from the
page's own meta tags when present (trafilatura reports day precision), and our
paragraph convention.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import trafilatura
from selectolax.lexbor import LexborHTMLParser

from bot.sources.model import ParsedArticle, SourceError
from bot.sources.text import BULLET, css_attr, make_snippet, normalize_text, parse_datetime
from bot.sources.urls import canonical_url

FEED_LINK_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml",
                             "application/feed+xml", "application/x-rss+xml"})
_DATE_META = ("meta[property='article:published_time']", "meta[itemprop=datePublished]",
              "meta[name='pubdate']", "meta[name='publish-date']", "meta[name='date']")


def find_feed_links(html: str, url: str) -> list[str]:
    """Absolute URLs of feeds a page advertises with ``<link rel="alternate" type=...>``."""
    tree = LexborHTMLParser(html)
    found: list[str] = []
    for node in tree.css("link[rel][href]"):
        rels = (node.attributes.get("rel") or "").lower().split()
        kind = (node.attributes.get("type") or "").split(";", 1)[0].strip().lower()
        if "alternate" in rels and kind in FEED_LINK_TYPES:
            absolute = urljoin(url, (node.attributes.get("href") or "").strip())
            if absolute.startswith(("http://", "https://")) and absolute not in found:
                found.append(absolute)
    return found


def _same_site(a: str, b: str) -> bool:
    def site(u: str) -> str:
        host = (urlsplit(u).hostname or "").lower()
        for prefix in ("www.", "m.", "amp."):
            host = host.removeprefix(prefix)
        return host
    return site(a) == site(b) and bool(site(a))


def page_canonical_url(tree: LexborHTMLParser, url: str) -> str:
    """``rel=canonical`` / ``og:url`` when it stays on the same site, else ``url``."""
    for selector, attr in (("link[rel=canonical]", "href"), ("meta[property='og:url']", "content")):
        declared = css_attr(tree, selector, attr)
        if declared:
            absolute = urljoin(url, declared)
            if _same_site(absolute, url):
                return canonical_url(absolute)
    return canonical_url(url)


def _paragraphs(text: str) -> str:
    """trafilatura separates blocks with one newline; we use a blank line."""
    lines = (BULLET + line.strip()[2:] if line.strip().startswith("- ") else line for line in text.split("\n"))
    return normalize_text("\n\n".join(line for line in lines if line.strip()))


def _h1_texts(tree: LexborHTMLParser) -> list[str]:
    """Texts of the page's ``<h1>``s, ruby annotations (furigana) left out (removed from ``tree``)."""
    texts = []
    for node in tree.css("h1"):
        for annotation in node.css("rt, rp"):
            annotation.decompose()
        text = normalize_text(node.text())
        if text:
            texts.append(text)
    return texts


def page_title(tree: LexborHTMLParser, extracted: str) -> str:
    """The headline: the ``<h1>`` that the page's own ``<title>`` or ``og:title`` repeats.

    trafilatura prefers ``og:title``, which sites shorten or rewrite for social media ("New York
    ramps up..." for the article's "Coronavirus: New York ramps up...") or prefix with the site
    name ("NEWS WEB EASY|..."); the ``<h1>`` is what the reader sees.  An ``<h1>`` counts only
    when a declared title contains it and it is not a fragment of it (a logo reading "BBC"),
    so a page whose ``<h1>`` is some other heading keeps the extracted title."""
    declared: list[str] = []
    title_node = tree.css_first("title")
    if title_node is not None and title_node.text(strip=True):
        declared.append(normalize_text(title_node.text()))
    og_title = css_attr(tree, "meta[property='og:title']")
    if og_title:
        declared.append(normalize_text(og_title))
    for h1 in _h1_texts(tree):
        if len(h1) < 6:
            continue
        for title in declared:
            if h1.casefold() in title.casefold() and len(h1) >= 0.4 * len(title):
                return h1
    return extracted


def extract_article(html: str, url: str) -> ParsedArticle:
    """Main text and metadata of an article page; ``SourceError`` when there is no text."""
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                           include_tables=True, favor_precision=False)
    data = document.as_dict() if hasattr(document, "as_dict") else (document or {})
    text = _paragraphs(str(data.get("text") or ""))
    if not text:
        raise SourceError("page has no extractable article text")
    tree = LexborHTMLParser(html)
    published = None
    for selector in _DATE_META:
        published = parse_datetime(css_attr(tree, selector, "content"))
        if published:
            break
    published = published or parse_datetime(data.get("date"))
    title = page_title(tree, normalize_text(str(data.get("title") or ""))) or text.split("\n", 1)[0][:100]
    description = normalize_text(str(data.get("description") or "")) or None
    return ParsedArticle(
        url=page_canonical_url(tree, url),
        title=title,
        text=text,
        author=normalize_text(str(data.get("author") or "")) or None,
        published=published,
        external_id=None,
        source_kind="page",
        summary_hint=make_snippet(description or text),
        image=data.get("image") or None,
        meta={"sitename": data.get("sitename")} if data.get("sitename") else {},
    )
