"""Anchor analyses ship as package data and are loaded into the database on first start.

Each `bot/data/anchors/*.json` names a page copy (cleaned here, as a reader's copy of a Dzen page
carries its header and a truncated teaser) and a theme catalog file. Loading is idempotent: an
anchor already in the database, and themes an admin has edited since, are left alone.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from importlib import resources
from typing import Any

from bot.services.articles import Articles
from bot.text import ThemeCatalog, clean_page_text, load_catalog
from storage import themes as themes_sql
from storage.db import Store

log = logging.getLogger(__name__)


def shipped_anchors() -> list[dict[str, Any]]:
    folder = resources.files("bot.data").joinpath("anchors")
    metas = [json.loads(p.read_text(encoding="utf-8")) for p in folder.iterdir() if p.name.endswith(".json")]
    return sorted(metas, key=lambda m: m["published"])


def _theme_file(name: str) -> ThemeCatalog:
    with resources.as_file(resources.files("bot.data").joinpath("themes", name)) as path:
        return load_catalog(path)


async def ensure_anchors(store: Store, articles: Articles) -> int:
    """Load every shipped anchor not yet stored; returns how many were added."""
    added = 0
    for meta in shipped_anchors():
        if await store.call(themes_sql.anchor_by_slug, meta["slug"]):
            continue
        raw = resources.files("bot.data").joinpath("anchors", meta["page"]).read_text(encoding="utf-8")
        page = clean_page_text(raw)
        article, _ = await articles.add(
            page.title, page.text, kind="anchor", url=meta.get("url"), author=page.author,
            channel=meta.get("channel"), published=datetime.fromisoformat(meta["published"]),
            external_id=f"anchor:{meta['slug']}",
        )
        themes = _theme_file(meta["themes"]).to_dicts()
        await store.call(themes_sql.add_anchor, meta["slug"], article.id, page.title, themes)
        log.info("anchor loaded", extra={"slug": meta["slug"], "article_id": article.id})
        added += 1
    return added


async def stored_catalog(store: Store) -> ThemeCatalog:
    """The catalog as the database holds it (admins may have added or edited themes)."""
    themes = await store.call(themes_sql.themes)
    return ThemeCatalog(themes) if themes else load_catalog()
