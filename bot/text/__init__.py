"""Russian text analysis for Zen Digest: cleaning, extractive summaries, themes, entities.

Public API (the bot is built against exactly these names)::

    from bot.text import (analyze, Analysis, ThemeHit, Entity, clean_page_text, CleanedPage,
                          load_catalog, ThemeCatalog, Theme, warm_up)

Everything is offline (razdel, pymorphy3, navec + slovnet weights from the natasha wheel) and
safe to call from worker threads; models load lazily once, or eagerly via ``warm_up()``.
"""

from .analysis import Analysis, ThemeHit, analyze, warm_up
from .catalog import Theme, ThemeCatalog, load_catalog
from .clean import CleanedPage, clean_page_text
from .entities import Entity

__all__ = [
    "Analysis",
    "CleanedPage",
    "Entity",
    "Theme",
    "ThemeCatalog",
    "ThemeHit",
    "analyze",
    "clean_page_text",
    "load_catalog",
    "warm_up",
]
