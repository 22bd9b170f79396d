"""Baselines for the text benches: Lead-N and sumy's LexRank with a razdel adapter.

Why an adapter: sumy's own Russian tokenizer needs NLTK punkt data (a download); razdel is what
the product uses, so both summarizers see the same sentences. Stemming uses sumy's Russian
Snowball stemmer (pure Python, offline); stop words are the product's list.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.text.lang import sentences, simple_tokens  # noqa: E402
from bot.text.stopwords import ALL as STOP_WORDS  # noqa: E402


class RazdelTokenizer:
    """The two methods sumy calls on a tokenizer, backed by razdel."""

    language = "russian"

    @staticmethod
    def to_sentences(paragraph: str) -> list[str]:
        return sentences(paragraph)

    @staticmethod
    def to_words(sentence: str) -> list[str]:
        return simple_tokens(sentence)


def lead(text: str, n: int) -> list[str]:
    """The first ``n`` sentences."""
    return sentences(text)[:n]


class SumyLexRank:
    """sumy LexRank configured for Russian; built once, reusable."""

    def __init__(self) -> None:
        from sumy.nlp.stemmers import Stemmer
        from sumy.summarizers.lex_rank import LexRankSummarizer

        self._summarizer = LexRankSummarizer(Stemmer("russian"))
        self._summarizer.stop_words = STOP_WORDS
        self._tokenizer = RazdelTokenizer()

    def __call__(self, text: str, n: int) -> list[str]:
        from sumy.parsers.plaintext import PlaintextParser

        parser = PlaintextParser.from_string(text, self._tokenizer)
        return [str(s) for s in self._summarizer(parser.document, n)]
