"""Sources: parsing Dzen, Telegram previews, feeds and pages, and polling them.

Parsers are pure functions (text/bytes in, dataclasses out); collectors are thin async
wrappers over ``bot.net.HttpFetcher``.  See SOURCES-FORMATS.md for the page formats.
"""

from bot.sources.collect import collect, collect_feed, collect_page, resolve_source
from bot.sources.dzen import parse_article as parse_dzen_article
from bot.sources.dzen import parse_channel_page as parse_dzen_channel_page
from bot.sources.dzen import parse_launcher
from bot.sources.feeds import looks_like_feed, parse_feed
from bot.sources.model import CollectResult, ListedItem, ParsedArticle, SourceError, SourceRef, TelegramPage
from bot.sources.pages import extract_article, find_feed_links
from bot.sources.telegram import parse_channel_page as parse_telegram_page
from bot.sources.text import content_hash
from bot.sources.urls import canonical_url, detect_source, dzen_hex_to_short, dzen_short_to_hex

__all__ = [
    "CollectResult", "ListedItem", "ParsedArticle", "SourceError", "SourceRef", "TelegramPage",
    "canonical_url", "collect", "collect_feed", "collect_page", "content_hash", "detect_source",
    "dzen_hex_to_short", "dzen_short_to_hex", "extract_article", "find_feed_links", "looks_like_feed",
    "parse_dzen_article", "parse_dzen_channel_page", "parse_feed", "parse_launcher", "parse_telegram_page",
    "resolve_source",
]
