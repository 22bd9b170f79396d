"""The anchor proposer: themes of a new analysis from its own sentences, usable as a catalog."""

from __future__ import annotations

import dataclasses

import pytest

from bot.text import CleanedPage, analyze, load_catalog
from bot.text.discourse import leans_back
from bot.text.document import Document
from bot.text.proposer import MAX_THEMES, MIN_THEMES, Proposal, propose_themes, recovered

TWO_SUBJECTS = "\n\n".join([
    "Власти Казахстана и Евросоюза начали переговоры об упрощении визового режима. Для граждан "
    "Казахстана визы подешевеют, а сроки оформления шенгенских виз сократятся.",
    "Переговоры о визах продолжатся весной, когда стороны обсудят реадмиссию и многократные визы для студентов.",
    "Отдельно порт Актау наращивает контейнерные перевозки по Среднему коридору. Паромы через Каспий "
    "перевозят втрое больше грузов, чем год назад.",
    "Железная дорога до порта Курык расширена, транзит грузов из Китая в Европу растёт.",
    "Европейские банки выделили кредиты на модернизацию терминалов порта Актау и паромного флота.",
])

# Made up for the test: the salmon-farm paragraph keeps naming what the deal is NOT ("оборонный
# пакт", its most frequent phrase) while its claims are about joint monitoring of the farms.
NOT_A_PACT = "\n\n".join([
    "Норвегия и Чили подписали соглашение о рыболовстве, и оно меняет отношения двух стран.",
    "Главное в соглашении — совместный мониторинг лососевых ферм в южных фьордах Чили. "
    "Норвежские инспекторы будут ежемесячно проверять лососевые фермы вместе с чилийскими коллегами. "
    "Оборонным пактом такое сотрудничество не станет. "
    "Назвать соглашение оборонным пактом нельзя, хотя флоты двух стран вместе патрулируют фьорды. "
    "Речь идёт скорее о санитарном надзоре, чем об оборонном пакте.",
    "Отдельная глава посвящена квотам на вылов трески в Южной Атлантике. "
    "Квоты на вылов трески будут пересматривать каждые два года по данным учёных. "
    "Рыбаки Патагонии опасаются, что квоты сократятся уже в следующем сезоне.",
    "Третья часть касается обучения: чилийские студенты поедут в Берген изучать аквакультуру. "
    "Университет Бергена примет сорок студентов, стипендии оплатит норвежский фонд.",
    "В итоге соглашение делает Норвегию главным партнёром Чили в морской отрасли.",
])


def _lemmas(text: str) -> list[str]:
    return [w.lemma for s in Document.build("", text).sentences for w in s.words]


def _said_in(title: str, claims: tuple[str, ...]) -> bool:
    """The title's words, as a run of lemmas, occur in one of the claims."""
    phrase = _lemmas(title)
    runs = [_lemmas(c) for c in claims]
    return any(run[k:k + len(phrase)] == phrase for run in runs for k in range(len(run)))


def _nouns(title: str) -> set[str]:
    return {w.lemma for s in Document.build("", title).sentences for w in s.words if w.pos == "NOUN"}


@pytest.fixture(scope="module")
def proposal(anchor_page: CleanedPage) -> Proposal:
    return propose_themes(anchor_page.title, anchor_page.text)


def test_anchor_proposal_recovers_the_hand_made_themes(proposal: Proposal) -> None:
    assert MIN_THEMES <= len(proposal.themes) <= MAX_THEMES
    assert len(recovered(proposal, load_catalog())) >= 6


def test_proposed_themes_are_cards_an_admin_can_edit(proposal: Proposal, anchor_page: CleanedPage) -> None:
    sentences = analyze(anchor_page.title, anchor_page.text).sentences
    quoted = [c for t in proposal.themes for c in t.claims]
    assert len(quoted) == len(set(quoted))  # each sentence in one theme only
    assert len({t.slug for t in proposal.themes}) == len(proposal.themes)
    for theme in proposal.themes:
        assert theme.title and theme.emoji and theme.description and theme.keywords
        assert theme.slug.isascii() and " " not in theme.slug
        assert all(c in sentences for c in theme.claims)
        for k, claim in enumerate(theme.claims):
            if leans_back(claim):  # quoted with the sentence it refers to
                assert k > 0 and sentences.index(theme.claims[k - 1]) == sentences.index(claim) - 1
        assert not leans_back(theme.description)
    # The thesis is the whole text's point, not one of its themes.
    thesis = analyze(anchor_page.title, anchor_page.text).tldr
    assert thesis not in quoted
    with pytest.raises(dataclasses.FrozenInstanceError):
        proposal.themes[0].title = "x"  # type: ignore[misc]


def test_a_proposal_becomes_a_catalog_that_finds_its_themes(proposal: Proposal, anchor_page: CleanedPage) -> None:
    catalog = proposal.catalog()
    assert catalog.slugs == [t.slug for t in proposal.themes]
    found = {h.slug for h in analyze(anchor_page.title, anchor_page.text, catalog=catalog).themes}
    assert len(found) >= len(catalog) // 2


def test_titles_name_what_the_claims_say_never_what_the_text_denies() -> None:
    result = propose_themes("Норвегия и Чили", NOT_A_PACT)
    farms = next(t for t in result.themes if any("лососев" in c for c in t.claims))
    assert "оборонный пакт" in farms.keywords  # the group's most frequent phrase…
    assert not any("пакт" in t.title.lower() for t in result.themes)  # …said only to deny it
    assert farms.title == "Мониторинг лососевых ферм"  # the phrase of its claims, not its top keyword
    for theme in result.themes:
        assert _said_in(theme.title, theme.claims), theme.title


def test_anchor_titles_come_from_their_claims_and_differ(proposal: Proposal) -> None:
    titles = [t.title for t in proposal.themes]
    for theme in proposal.themes:
        assert _said_in(theme.title, theme.claims), theme.title
    # What the analysis says the relationship is NOT is no theme's name.
    assert not any("альянс" in t.lower() for t in titles)
    nouns = [_nouns(t) for t in titles]
    assert all(not (nouns[a] & nouns[b]) for a in range(len(titles)) for b in range(a + 1, len(titles)))


def test_two_subjects_make_two_themes() -> None:
    result = propose_themes("Визы и порты", TWO_SUBJECTS)
    assert len(result.themes) >= 2
    visa = [t for t in result.themes if any("виз" in c for c in t.claims)]
    port = [t for t in result.themes if any("Актау" in c or "Курык" in c for c in t.claims)]
    assert visa and port and visa[0] is not port[0]
    assert visa[0].emoji == "🛂"
    assert not any("Актау" in c for c in visa[0].claims)


def test_nothing_to_propose_on_empty_text() -> None:
    assert propose_themes("", "").themes == ()
    assert propose_themes("Заголовок", "Коротко.").themes == ()  # a topic-less fragment, nothing to claim


async def test_the_text_engine_proposes_for_a_service(anchor_page: CleanedPage) -> None:
    from bot.nlp import TextEngine

    engine = TextEngine()
    try:
        proposal = await engine.propose(anchor_page.title, anchor_page.text)
    finally:
        engine.close()
    assert isinstance(proposal, Proposal) and MIN_THEMES <= len(proposal.themes) <= MAX_THEMES
    assert proposal.title == anchor_page.title
