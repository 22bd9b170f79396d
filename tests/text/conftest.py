"""Fixtures for the text-pipeline tests: models loaded once per session, the shipped anchor."""

from __future__ import annotations

from importlib import resources

import pytest

from bot.text import CleanedPage, clean_page_text, warm_up

ANCHOR_FILE = "kazakhstan-eu-december-2025.dzen.txt"


@pytest.fixture(scope="session", autouse=True)
def _models_loaded() -> None:
    """Load pymorphy3, navec and slovnet once for the whole session (≈1 s)."""
    warm_up()


@pytest.fixture(scope="session")
def anchor_raw() -> str:
    """The anchor page copy as shipped in the package (never read from /work/shared)."""
    return resources.files("bot").joinpath("data", "anchors", ANCHOR_FILE).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def anchor_page(anchor_raw: str) -> CleanedPage:
    return clean_page_text(anchor_raw)
