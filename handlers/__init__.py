"""aiogram routers only: each module parses one group of commands and replies; logic lives in bot/."""

from __future__ import annotations

from aiogram import Router


def routers() -> list[Router]:
    """In dispatch order; the fallback router must stay last."""
    from handlers import (admin_anchor, admin_broadcast, admin_opml, admin_ops, admin_post, admin_post_drafts,
                          admin_sources, channel_posts, fallback, membership, articles, start, subscriptions, themes,
                          word_filters)

    return [
        membership.router, start.router, articles.router, themes.router, admin_anchor.router, subscriptions.router,
        word_filters.router, admin_post.router, admin_broadcast.router, admin_sources.router, admin_opml.router,
        admin_ops.router,
        admin_post_drafts.router, channel_posts.router, fallback.router,
    ]
