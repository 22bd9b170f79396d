"""aiogram routers only: each module parses one group of commands and replies; logic lives in bot/.

Every module exposes `make_router()`, which builds a fresh router: a router belongs to one parent
only, and a process may build several Dispatchers (the tests, the demo after a run). Nothing is
attached at import; `bot/app/wiring.py` puts the admin gate on the routers named in `GATES` when it
builds the Dispatcher.
"""

from __future__ import annotations

from typing import Literal

from aiogram import Router

Gate = Literal["admins", "posters"]  # ADMIN_IDS; ADMIN_IDS plus, with CHANNEL_ADMINS_POST, the channel's admins

GATES: dict[str, Gate] = {
    "admin_anchor": "admins", "admin_broadcast": "admins", "admin_opml": "admins", "admin_ops": "admins",
    "admin_sources": "admins", "admin_post": "posters",
}


def get_routers() -> list[Router]:
    """Fresh routers in dispatch order; the fallback router must stay last."""
    from handlers import (admin_anchor, admin_broadcast, admin_opml, admin_ops, admin_post, admin_post_drafts,
                          admin_sources, articles, channel_posts, fallback, membership, start, subscriptions, themes,
                          word_filters)

    modules = [
        membership, start, articles, themes, admin_anchor, subscriptions, word_filters, admin_post, admin_broadcast,
        admin_sources, admin_opml, admin_ops, admin_post_drafts, channel_posts, fallback,
    ]
    return [module.make_router() for module in modules]
