"""Dzen (dzen.ru, ex zen.yandex.ru): channel listings, article pages, collector."""

from bot.sources.dzen.article import parse_article
from bot.sources.dzen.blocking import is_captcha, raise_if_blocked, sso_retpath
from bot.sources.dzen.listing import parse_channel_page, parse_launcher

__all__ = ["is_captcha", "parse_article", "parse_channel_page", "parse_launcher", "raise_if_blocked", "sso_retpath"]
