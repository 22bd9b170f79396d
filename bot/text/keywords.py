"""Article keywords: frequent noun phrases, shown in their dictionary form.

Why noun phrases rather than single lemmas: "средний коридор", "упрощение визового режима" say
what an article is about; "коридор" or "режим" alone do not. Candidates are adjective+noun runs
with an optional genitive complement; they are ranked by how often their words occur, whether
the title has them, how early they appear and how specific their words are in general news
(navec's word counts as background frequencies), so "многовекторность" beats "речь". Proper names
are left to the entity extractor.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .document import Document
from .entities import ALIASES
from .inflect import nominative
from .lang import Word, is_name
from .models import MORPH
from .semantic import background_idf, in_vocabulary

MAX_KEYWORDS = 8
MAX_PHRASE_WORDS = 4
PHRASE_BONUS = {1: 1.0, 2: 2.0, 3: 2.3}  # multi-word phrases say more than single nouns
_ADJ = frozenset({"ADJF", "PRTF"})
# Nouns too generic to be a keyword on their own or as a phrase head.
GENERIC_NOUNS = frozenset(
    """год месяц день неделя время раз часть сторона случай вопрос слово тема число ряд образ процент
    человек место конец начало период момент результат пример данные мнение информация глава уровень
    рамка смысл тип вид шаг дело сутки млн млрд тысяча миллион миллиард поэтому также итог целое
    степень характер фаза внимание отношение направление основа условие счёт счет пора речь итог частность
    январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь""".split()
)


@dataclass
class _Candidate:
    lemmas: tuple[str, ...]
    surfaces: list[tuple[list[Word], bool]] = field(default_factory=list)  # (words, starts a unit)
    sentences: set[int] = field(default_factory=set)
    first: int = 10**9
    in_title: bool = False


def _noun_phrase(tokens: tuple[Word, ...], start: int, noun: int) -> tuple[int, int]:
    """Bounds of: adjectives agreeing in case with the noun at ``noun``, the noun, and an
    optional genitive complement ("упрощение визового режима")."""
    first = noun
    while first > start and noun - first < MAX_PHRASE_WORDS - 1 and tokens[first - 1].case == tokens[noun].case:
        first -= 1
    end = k = noun + 1
    while k < len(tokens) and tokens[k].pos in _ADJ and tokens[k].case == "gent":
        k += 1
    if k < len(tokens) and tokens[k].pos == "NOUN" and tokens[k].case == "gent" and tokens[k].is_content:
        end = k + 1
    return first, min(end, first + MAX_PHRASE_WORDS + 1)


def _phrases(tokens: tuple[Word, ...]) -> list[list[Word]]:
    """Noun phrases of one sentence, plus each phrase's head noun alone (unless part of a name)."""
    out: list[list[Word]] = []
    i, n = 0, len(tokens)
    while i < n:
        j = i
        while j < n and tokens[j].pos in _ADJ and tokens[j].is_content:
            j += 1
        if j < n and tokens[j].pos == "NOUN" and tokens[j].is_content:
            first, end = _noun_phrase(tokens, i, j)
            phrase = list(tokens[first:end])
            out.append(phrase)
            if len(phrase) > 1 and not any(w.text[:1].isupper() for w in phrase):
                out.append([tokens[j]])
            i = end
        else:
            i = max(j, i + 1)
    return out


def _is_proper(word: Word, unit_initial: bool) -> bool:
    """Capitalised inside a sentence, an abbreviation or a known name: left to entities."""
    if len(word.text) > 1 and word.text.isupper():
        return True
    return word.text[:1].isupper() and (not unit_initial or is_name(word.text))


def _display(c: _Candidate) -> str:
    """Nominative form of an occurrence that does not start a sentence (so its case is real)."""
    tokens, initial = next((s for s in c.surfaces if not s[1]), c.surfaces[0])
    text = nominative([w.text for w in tokens], "LOC")
    if initial and not _is_proper(tokens[0], True):
        text = text[:1].lower() + text[1:]
    return text


def _collect(doc: Document) -> tuple[dict[tuple[str, ...], _Candidate], dict[str, int]]:
    """Candidate phrases (keyed by lemmas) and content-lemma frequencies of the article."""
    lemma_freq: dict[str, int] = defaultdict(int)
    candidates: dict[tuple[str, ...], _Candidate] = {}
    units = [(-1, doc.title_words)] + [(s.index, s.words) for s in doc.sentences]
    for index, tokens in units:
        for w in tokens:
            if w.is_content:
                lemma_freq[w.lemma] += 1
        for phrase in _phrases(tokens):
            head_at = next(i for i, w in enumerate(phrase) if w.pos == "NOUN")
            # Names (up to the head noun) are entities; a name as genitive complement is fine.
            if phrase[head_at].lemma in GENERIC_NOUNS or any(
                _is_proper(w, w is tokens[0]) for w in phrase[: head_at + 1]
            ):
                continue
            key = tuple(w.lemma for w in phrase)
            cand = candidates.setdefault(key, _Candidate(key))
            cand.surfaces.append((phrase, phrase[0] is tokens[0] or index < 0))
            if index < 0:
                cand.in_title = True
            else:
                cand.sentences.add(index)
                cand.first = min(cand.first, index)
    return candidates, lemma_freq


def _real_words(cand: _Candidate) -> bool:
    """Words a reader knows: each noun is a form the news corpus has printed (so no lemmatizer
    guesses like "махалл"), each adjective one the corpus or the dictionary knows (no coinages
    like "правочеловеческий"), and a single word always capitalised is a name ("Токаев" read as
    "токай"), which is the entity extractor's business."""
    if len(cand.lemmas) == 1 and all(words[0].text[:1].isupper() for words, _ in cand.surfaces):
        return False
    for word in cand.surfaces[0][0]:
        known = in_vocabulary(word.lemma) or in_vocabulary(word.text.lower())
        if word.pos == "NOUN" and not known:
            return False
        if word.pos in _ADJ and not (known or MORPH.get().word_is_known(word.lemma)):
            return False
    return True


def _score(cand: _Candidate, lemma_freq: dict[str, int], n_sentences: int) -> float:
    """Occurrences (+ how frequent its words are) × early position × length × specificity."""
    count = len(cand.sentences) + (2 if cand.in_title else 0)
    if len(cand.lemmas) == 1 and count < 2 or " ".join(cand.lemmas) in ALIASES or not _real_words(cand):
        return 0.0
    words_weight = sum(lemma_freq[lem] for lem in cand.lemmas) / len(cand.lemmas)
    position = 1.0 + 0.3 * (1.0 - min(cand.first, n_sentences) / n_sentences)
    sample = cand.surfaces[0][0]
    common = sum(1 for w in sample if not _is_proper(w, w is sample[0]))
    length = PHRASE_BONUS.get(max(1, common), PHRASE_BONUS[3])
    specificity = sum(background_idf(lem) for lem in cand.lemmas) / len(cand.lemmas)
    return (count + 0.3 * words_weight) * position * length * specificity**2


def extract_keywords(doc: Document, limit: int = MAX_KEYWORDS) -> list[str]:
    """Up to ``limit`` key phrases of the article, most characteristic first."""
    candidates, lemma_freq = _collect(doc)
    n = max(1, len(doc.sentences))
    scored = [(score, c) for c in candidates.values() if (score := _score(c, lemma_freq, n)) > 0]
    scored.sort(key=lambda x: (-x[0], x[1].first))
    chosen: list[_Candidate] = []
    for _, cand in scored:
        if any(set(cand.lemmas) <= set(c.lemmas) or set(c.lemmas) <= set(cand.lemmas) for c in chosen):
            continue
        chosen.append(cand)
        if len(chosen) >= limit:
            break
    return [_display(c) for c in chosen]
