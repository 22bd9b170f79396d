"""Russian text analysis for Zen Digest: cleaning, extractive summaries, themes, entities.

Public API (the bot is built against exactly these names)::

    from bot.text import (analyze, Analysis, ThemeHit, Entity, clean_page_text, CleanedPage,
                          load_catalog, ThemeCatalog, Theme, warm_up,
                          propose_themes, Proposal, ProposedTheme)

Everything is offline (razdel, pymorphy3, navec + slovnet weights from the natasha wheel) and
safe to call from worker threads; models load lazily once, or eagerly via ``warm_up()``.
"""

from .analysis import Analysis, ThemeHit, analyze, warm_up
from .catalog import Theme, ThemeCatalog, load_catalog
from .clean import CleanedPage, clean_page_text
from .entities import Entity
from .proposer import Proposal, ProposedTheme, propose_themes

__all__ = [
    "Analysis",
    "CleanedPage",
    "Entity",
    "Proposal",
    "ProposedTheme",
    "Theme",
    "ThemeCatalog",
    "ThemeHit",
    "analyze",
    "clean_page_text",
    "load_catalog",
    "propose_themes",
    "warm_up",
]
