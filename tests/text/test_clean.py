"""Cleaning of Dzen page copies: header, teaser, title repeat, author and footer."""

from __future__ import annotations

from bot.text import CleanedPage, clean_page_text

OPENING = "К декабрю 2025 года отношения между Казахстаном и Европейским союзом"


def test_anchor_title_author_and_header(anchor_page: CleanedPage) -> None:
    assert anchor_page.title == "Казахстан – ЕС в декабре 2025 года"
    assert anchor_page.author == "Антон Михайлов"
    assert "Найти в Дзене" not in anchor_page.text
    assert "NOWости" not in anchor_page.text
    assert anchor_page.title not in anchor_page.text


def test_anchor_teaser_removed_exactly_once(anchor_page: CleanedPage) -> None:
    assert anchor_page.text.startswith(OPENING)
    assert anchor_page.text.count(OPENING) == 1
    # The teaser ended mid-sentence ("…приобретает более"); the full sentence must survive.
    assert "приобретает более выраженный характер" in anchor_page.text
    assert "приобретает более\n" not in anchor_page.text


def test_anchor_footer_removed(anchor_page: CleanedPage) -> None:
    assert "Подпиш" not in anchor_page.text
    assert "👤" not in anchor_page.text and "🌐" not in anchor_page.text
    assert anchor_page.text.rstrip().endswith("уже тоже.")
    paragraphs = anchor_page.text.split("\n\n")
    assert len(paragraphs) == 9
    assert all(p.strip() == p and p for p in paragraphs)


def test_teaser_cut_mid_word_with_ellipsis() -> None:
    raw = (
        "Найти в Дзене\nКанал о логистике\n\nПорты Каспия\n\n"
        "Порт Актау расширяет контейнерный терминал. Работы завер…\n\n"
        "Порты Каспия\n\n"
        "Порт Актау расширяет контейнерный терминал. Работы завершатся к осени.\n\n"
        "Второй абзац статьи.\n\n✅✅\n\nПодписывайтесь на канал!\n"
    )
    page = clean_page_text(raw)
    assert page.title == "Порты Каспия"
    assert page.text == (
        "Порт Актау расширяет контейнерный терминал. Работы завершатся к осени.\n\nВторой абзац статьи."
    )
    assert page.author is None


def test_plain_text_without_header() -> None:
    page = clean_page_text("Заголовок новости\n\nПервый абзац. Второе предложение.\n\nВторой абзац.")
    assert page.title == "Заголовок новости"
    assert page.text == "Первый абзац. Второе предложение.\n\nВторой абзац."


def test_empty_and_junk_input() -> None:
    assert clean_page_text("") == CleanedPage("", "", None)
    assert clean_page_text("🌐🌐🌐\n\n↗️ Подпишись").text == ""


def test_plain_sentences_split_exactly_as_razdel_splits_them() -> None:
    """The regex fast path and razdel agree, and tricky sentences still go through razdel."""
    from razdel import tokenize

    from bot.text.lang import tokens

    samples = [
        "Казахстан и ЕС обсудили «Средний коридор» (ТМТМ): транзит вырос, а сроки — сократились!",
        "Касым-Жомарт Токаев встретился с Урсулой фон дер Ляйен... Что дальше?!",
        "В 2024–2025 годах рост составил 1,5% — по данным Минэкономики.",
        "Самолет А320 и приложение «Системы‑112» ✭✭✭, т.е. всё сразу.",
        "",
    ]
    for text in samples:
        assert [(t.start, t.stop, t.text) for t in tokens(text)] == [(t.start, t.stop, t.text) for t in tokenize(text)]
