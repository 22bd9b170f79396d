"""What a reader sees: summaries and theme cards whose sentences stand on their own, said once,
claims rather than topic announcements, and keywords that are words."""

from __future__ import annotations

from bot.text import CleanedPage, analyze, load_catalog
from bot.text.discourse import is_topic_sentence, leans_back, states_thesis

SETTING = "Во вторник в Астане прошла встреча министров иностранных дел Казахстана и Евросоюза."
ARTICLE = "\n\n".join([
    SETTING + " Стороны обсудили транзит грузов по Среднему коридору через Каспийское море. "
    "Тем не менее, главный вопрос встречи остался открытым.",
    "Отдельного внимания заслуживает визовая повестка. Переговоры об упрощении визового режима "
    "для граждан Казахстана продолжатся весной. Это решение приняли после долгих консультаций.",
    "Порт Актау увеличил грузооборот контейнеров на треть. Паромные линии через Каспий "
    "работают без перебоев, транзитный маршрут в обход России загружен полностью.",
    "Эксперты считают, что пропускная способность Транскаспийского маршрута вырастет вдвое.",
])


def test_discourse_cues() -> None:
    assert leans_back("Тем не менее, данный компромисс нестабилен.")
    assert leans_back("Это указывает на приоритет интересов.")
    assert leans_back("«При этом заметна асимметрия.»")
    assert not leans_back("Этнические общины Астаны выросли.")  # "Это" only as a whole word
    assert not leans_back("Переговоры продолжатся весной.")
    assert is_topic_sentence("Отдельного внимания заслуживает визовая повестка.", 5)
    assert is_topic_sentence("Что это значит для Казахстана?", 5)
    assert not is_topic_sentence("Переговоры об упрощении визового режима стали важным шагом для обеих сторон.", 11)
    assert states_thesis("Речь идёт не о союзе, а о совпадении интересов.")
    assert not states_thesis("Стороны подписали меморандум о сотрудничестве.")


def test_summary_never_quotes_a_link_without_its_antecedent(anchor_page: CleanedPage) -> None:
    for n in (2, 3, 5, 8):
        a = analyze(anchor_page.title, anchor_page.text, sentences=n)
        for s in a.summary:
            i = a.sentences.index(s)
            if leans_back(s):
                assert a.sentences[i - 1] in a.summary, s


def test_anchor_cards_quote_the_catalog_claims_each_once(anchor_page: CleanedPage) -> None:
    a = analyze(anchor_page.title, anchor_page.text)
    catalog = load_catalog()
    quoted = [s for hit in a.themes for s in hit.sentences]
    assert len(quoted) == len(set(quoted))  # no two cards show the same sentence
    for hit in a.themes:
        assert hit.sentences == catalog.get(hit.slug).claims[: len(hit.sentences)]
        for i, s in enumerate(hit.sentences):
            assert not is_topic_sentence(s, len(s.split()))
            if leans_back(s):  # its antecedent is the sentence just before it on the same card
                assert i > 0 and a.sentences.index(hit.sentences[i - 1]) == a.sentences.index(s) - 1


def test_article_cards_skip_topic_sentences_and_keep_antecedents() -> None:
    a = analyze("Казахстан и ЕС обсудили транзит и визы", ARTICLE)
    slugs = [t.slug for t in a.themes]
    assert "transport-corridors" in slugs and "visa-facilitation" in slugs
    visa = a.theme("visa-facilitation")
    assert "Отдельного внимания заслуживает визовая повестка." not in visa.sentences
    assert visa.sentences[0].startswith("Переговоры об упрощении визового режима")
    quoted = [s for hit in a.themes for s in hit.sentences]
    assert len(quoted) == len(set(quoted))
    for hit in a.themes:
        for i, s in enumerate(hit.sentences):
            if leans_back(s):
                assert i > 0 and a.sentences.index(hit.sentences[i - 1]) == a.sentences.index(s) - 1


def test_keywords_are_words_not_fragments(anchor_page: CleanedPage) -> None:
    a = analyze(anchor_page.title, anchor_page.text)
    human = a.theme("human-rights")
    assert human is not None
    assert "правочеловеческий" not in human.keywords
    assert "правочеловеческая тематика" in human.keywords  # the article's own noun phrase
    assert all("*" not in k for hit in a.themes for k in hit.keywords)
    names = analyze("Токаев встретился с еврокомиссаром", "Токаев встретился с еврокомиссаром в Астане. "
                    "Стороны обсудили инвестиции и партнёрство. Еврокомиссар пообещал новые проекты.")
    assert not any(k.lower().startswith("токаи") or k.lower() == "токай" for k in names.keywords)


def test_a_cut_tldr_is_not_repeated_whole_in_the_summary() -> None:
    long_sentence = ("Правительство Казахстана и Европейская комиссия договорились о совместной программе, "
                     + ", ".join(f"которая охватывает направление номер {k} с отдельным бюджетом" for k in range(6))
                     + ".")
    text = "\n\n".join([long_sentence, "Программа начнёт работу весной следующего года в трёх областях.",
                        "Эксперты ждут от неё новых рабочих мест и инвестиций в регионы."])
    a = analyze("Казахстан и Европейская комиссия договорились о совместной программе", text, sentences=3)
    assert a.tldr.endswith("…") and len(a.tldr) <= 321
    assert long_sentence not in a.summary and len(a.summary) == 2
