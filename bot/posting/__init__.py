"""Channel posting: drafts of anything an admin sends (text, media, albums) with Telegram's own
formatting, options (URL buttons, silent, pin, link preview, protection), published through the
durable outbox, then edited or deleted; and the channel's own posts fed into the library."""

from bot.posting.content import Media, PostContent, after_command, content_of, media_of
from bot.posting.options import PostOptions, parse_buttons
from bot.posting.service import Post, PostError, Posting, parse_schedule, post_link

__all__ = [
    "Media", "Post", "PostContent", "PostError", "PostOptions", "Posting", "after_command", "content_of",
    "media_of", "parse_buttons", "parse_schedule", "post_link",
]
