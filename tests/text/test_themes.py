"""Theme detection on the anchor, on invented on-theme articles and on close-call unrelated ones."""

from __future__ import annotations

import pytest

from bot.text import CleanedPage, ThemeCatalog, analyze, load_catalog

from .samples import THEMED, UNRELATED

SLUGS = [
    "transport-corridors",
    "critical-raw-materials",
    "supply-chains",
    "visa-facilitation",
    "human-rights",
    "multi-vector-policy",
    "great-power-competition",
    "eu-rules-and-investment",
]


def test_catalog_has_the_anchor_slugs() -> None:
    assert load_catalog().slugs == SLUGS


def test_anchor_hits_most_themes(anchor_page: CleanedPage) -> None:
    a = analyze(anchor_page.title, anchor_page.text)
    slugs = [t.slug for t in a.themes]
    assert len(slugs) >= 6
    assert {"multi-vector-policy", "visa-facilitation", "great-power-competition"} <= set(slugs)
    scores = [t.score for t in a.themes]
    assert scores == sorted(scores, reverse=True)
    for hit in a.themes:
        assert 0.0 < hit.score <= 1.0
        assert hit.title == load_catalog().get(hit.slug).title
        assert hit.sentences and all(s in a.sentences for s in hit.sentences)
        assert hit.keywords


def test_anchor_supporting_sentences_are_on_theme(anchor_page: CleanedPage) -> None:
    a = analyze(anchor_page.title, anchor_page.text)
    visa = a.theme("visa-facilitation")
    assert visa is not None
    assert "виз" in visa.sentences[0]


@pytest.mark.parametrize(("slug", "title", "text"), THEMED, ids=[t[0] for t in THEMED])
def test_invented_article_gets_its_theme(slug: str, title: str, text: str) -> None:
    slugs = [t.slug for t in analyze(title, text).themes]
    assert slug in slugs
    assert slugs[0] == slug


@pytest.mark.parametrize(("title", "text"), UNRELATED, ids=[t[0][:30] for t in UNRELATED])
def test_unrelated_article_gets_no_theme(title: str, text: str) -> None:
    assert analyze(title, text).themes == []


def test_passing_mention_is_not_a_theme() -> None:
    text = (
        "В Астане прошёл республиканский форум молодых учёных. Участники обсуждали цифровизацию "
        "образования, гранты для лабораторий и поддержку стартапов. Среди прочего один из докладчиков "
        "упомянул визы для стажировок. Форум завершился вручением премий лучшим проектам."
    )
    assert "visa-facilitation" not in [t.slug for t in analyze("Форум молодых учёных", text).themes]


def test_meaning_decides_between_themes_with_the_same_keyword_evidence() -> None:
    """Two themes share their only keyword; the article's words match one theme's prose."""
    shared = {"keywords": ["соглашение"], "context": [], "threshold": 0.4}
    catalog = ThemeCatalog.from_dicts([
        {"slug": "travel", "title": "Поездки и визы", **shared,
         "description": "Визы, туризм и поездки граждан за границу.",
         "claims": ["Студенты и туристы получат визы быстрее и дешевле."]},
        {"slug": "mining", "title": "Добыча металлов", **shared,
         "description": "Месторождения, добыча руды и металлургические комбинаты.",
         "claims": ["Горнодобывающие компании разведают новые месторождения меди."]},
    ])
    a = analyze("Подписано соглашение", "Подписано соглашение о поездках. Туристы и студенты смогут "
                "оформлять многократные визы за пять дней, консульства снизят визовый сбор.", catalog=catalog)
    assert [t.slug for t in a.themes] == ["travel"]
