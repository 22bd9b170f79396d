"""Public Telegram channels via the ``t.me/s/NAME`` web preview."""

from bot.sources.telegram.parser import parse_channel_page, parse_views

__all__ = ["parse_channel_page", "parse_views"]
