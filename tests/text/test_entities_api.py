"""Entities, the JSON shape, the catalog as data, and thread safety."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.text import Analysis, CleanedPage, Entity, Theme, ThemeCatalog, ThemeHit, analyze, load_catalog
from bot.text.models import Lazy

from .samples import THEMED, UNRELATED


def test_anchor_entities(anchor_page: CleanedPage) -> None:
    a = analyze(anchor_page.title, anchor_page.text)
    names = {e.text: e.type for e in a.entities}
    for name in ("Казахстан", "Европейский союз", "Россия", "Китай", "Астана", "Центральная Азия"):
        assert name in names, name
    assert names["Европейский союз"] == "ORG"
    assert names["Казахстан"] == "LOC"
    assert "ЕС" not in names and "Евросоюз" not in names  # merged into one entity
    assert all(e.type in ("LOC", "ORG", "PER") for e in a.entities)


def test_person_names_are_normalized() -> None:
    text = "Касым-Жомарта Токаева поддержал Шавкат Мирзиёев. Встреча с Урсулой фон дер Ляйен прошла в Брюсселе."
    names = {e.text for e in analyze("Визит", text).entities}
    assert "Касым-Жомарт Токаев" in names
    assert "Урсула фон дер Ляйен" in names


def test_to_dict_shape(anchor_page: CleanedPage) -> None:
    a = analyze(anchor_page.title, anchor_page.text)
    assert isinstance(a, Analysis)
    d = a.to_dict("anchor.txt")
    assert list(d) == ["source", "title", "tldr", "summary", "themes", "entities", "keywords"]
    assert d["source"] == "anchor.txt" and d["title"] == anchor_page.title
    assert all(list(t) == ["slug", "title", "score", "sentences", "keywords"] for t in d["themes"])
    assert all(set(e) == {"text", "type"} for e in d["entities"])
    assert all(isinstance(k, str) and k for k in d["keywords"])
    assert isinstance(a.themes[0], ThemeHit) and isinstance(a.entities[0], Entity)
    json.dumps(d, ensure_ascii=False)


def test_catalog_round_trip_and_custom_theme(tmp_path: Path) -> None:
    catalog = load_catalog()
    dicts = catalog.to_dicts()
    json.dumps(dicts, ensure_ascii=False)
    again = ThemeCatalog.from_dicts(dicts)
    assert again.to_dicts() == dicts
    theme = catalog.get("visa-facilitation")
    assert isinstance(theme, Theme) and theme.emoji and theme.title and theme.title_en and theme.description
    assert catalog.get("nope") is None

    custom = dicts + [
        {
            "slug": "water",
            "emoji": "💧",
            "title": "Водные ресурсы",
            "title_en": "Water",
            "description": "Вода и ирригация в Центральной Азии.",
            "keywords": ["водные ресурсы", "ирригация", "Амударья", "Сырдарья", "канал Кош-Тепа"],
            "context": ["Центральная Азия", "Казахстан", "Узбекистан"],
        }
    ]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(custom, ensure_ascii=False), encoding="utf-8")
    loaded = load_catalog(path)
    assert loaded.slugs[-1] == "water"
    text = (
        "Казахстан и Узбекистан договорились о совместном управлении водными ресурсами Сырдарьи. "
        "Стороны модернизируют ирригацию и каналы, чтобы сократить потери воды летом."
    )
    assert [t.slug for t in analyze("Вода", text, catalog=loaded).themes] == ["water"]


def test_analyze_from_four_threads(anchor_page: CleanedPage) -> None:
    inputs = [(anchor_page.title, anchor_page.text)] + [(t, x) for _, t, x in THEMED] + list(UNRELATED)
    expected = [analyze(t, x).to_dict("s") for t, x in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda tx: analyze(*tx).to_dict("s"), inputs * 3))
    assert results == expected * 3


def test_lazy_model_is_built_once_under_contention() -> None:
    calls: list[int] = []

    def slow_factory() -> object:
        calls.append(1)
        time.sleep(0.05)
        return object()

    lazy: Lazy[object] = Lazy(slow_factory, "test")
    barrier = threading.Barrier(8)

    def get() -> object:
        barrier.wait()
        return lazy.get()

    with ThreadPoolExecutor(max_workers=8) as pool:
        values = list(pool.map(lambda _: get(), range(8)))
    assert len(calls) == 1
    assert all(v is values[0] for v in values)


def test_entities_without_ner_weights(monkeypatch) -> None:
    """Without the natasha wheel the gazetteer-like fallback still finds the main actors."""
    import bot.text.entities as entities

    monkeypatch.setattr(entities, "NER", Lazy(lambda: None, "no NER"))
    found = {e.text: e.type for e in entities.extract_entities("", "Казахстан и Евросоюз провели встречу в Астане.")}
    assert found.get("Казахстан") == "LOC"
    assert found.get("Европейский союз") == "ORG"
    assert found.get("Астана") == "LOC"


def test_ner_reads_navecs_vocabulary_instead_of_its_own_copy() -> None:
    """One 250k-word vocabulary in memory, not two; and NER still finds people in the text."""
    from bot.text.models import NAVEC, NER

    navec, ner = NAVEC.get(), NER.get()
    assert navec is not None and ner is not None
    assert ner._model.infer.encoder.words_vocab.item_ids is navec.vocab.word_ids
    names = {e.text for e in analyze("Визит", "Урсула фон дер Ляйен прилетела в Астану.").entities}
    assert any("Ляйен" in n for n in names)


def test_a_place_that_also_reads_as_a_name_gets_its_place_form() -> None:
    """"в Астану" is Астана (accusative) or the name Астан (dative), scored alike by pymorphy3."""
    names = {e.text: e.type for e in analyze("Визит", "Премьер прилетел в Астану, а затем в Анкару.").entities}
    assert names.get("Астана") == "LOC" and "Астан" not in names
    assert names.get("Анкара") == "LOC"


def test_fast_ner_tags_like_slovnet_itself(anchor_page: CleanedPage) -> None:
    """Our forward pass over slovnet's weights finds exactly the spans slovnet's own inference does,
    also on a second call (cached first-layer rows) and after the cache is dropped."""
    from razdel import tokenize

    from bot.text.models import NER
    from bot.text.ner import tag_runs

    ner = NER.get()
    assert ner is not None
    text = anchor_page.text + "\n\nУрсула фон дер Ляйен и Касым-Жомарт Токаев обсудили Global Gateway в Брюсселе."
    expected = [(s.start, s.stop, s.type) for s in ner._model(text).spans]
    tokens = list(tokenize(text))
    for _ in range(2):
        found = [(tokens[a].start, tokens[b - 1].stop, kind) for a, b, kind in tag_runs(ner.tag([t.text for t in tokens]))]
        assert found == expected
        ner.forget()
    assert len(expected) > 20


def test_fast_ner_when_its_word_cache_fills_up(anchor_page: CleanedPage) -> None:
    """A small cache starts over when full, and a text with more distinct words than the whole
    cache is tagged without it: spans stay slovnet's either way."""
    from razdel import tokenize

    from bot.text.models import NER
    from bot.text.ner import FastNER

    model = NER.get()._model
    small = FastNER(model, cache_words=120)
    short = "Урсула фон дер Ляйен и Касым-Жомарт Токаев встретились в Брюсселе."
    for text in (short, anchor_page.text, short, short):  # fits, overflows, fits after a reset, cached
        tokens = [t.text for t in tokenize(text)]
        assert small.tag(tokens) == NER.get().tag(tokens)
    assert len(small._cache_ids) <= 120
