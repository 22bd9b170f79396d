"""ROUGE for Russian: rouge-score with razdel tokens (and a lemmatized variant).

Why: rouge-score's default tokenizer keeps only [a-z0-9], so Cyrillic text scores zero. Both
tokenizers lower-case and use razdel; the lemmatized one maps each token to its pymorphy3 lemma so
"поставок"/"поставки" count as the same word.
"""

from __future__ import annotations

from statistics import mean

from rouge_score import rouge_scorer
from text_baselines import REPO  # noqa: F401  (puts the repo on sys.path)

from bot.text.lang import lemma, simple_tokens  # noqa: E402

TYPES = ("rouge1", "rouge2", "rougeL")


class RazdelTokens:
    @staticmethod
    def tokenize(text: str) -> list[str]:
        return simple_tokens(text)


class LemmaTokens:
    @staticmethod
    def tokenize(text: str) -> list[str]:
        return [lemma(t) for t in simple_tokens(text)]


SCORERS = {
    "tokens": rouge_scorer.RougeScorer(list(TYPES), tokenizer=RazdelTokens()),
    "lemmas": rouge_scorer.RougeScorer(list(TYPES), tokenizer=LemmaTokens()),
}


def rouge_f1(references: list[str], predictions: list[str], variant: str = "tokens") -> dict[str, float]:
    """Mean ROUGE-1/2/L F1 over pairs."""
    scorer = SCORERS[variant]
    scores = [scorer.score(ref, pred) for ref, pred in zip(references, predictions, strict=True)]
    return {t: mean(s[t].fmeasure for s in scores) for t in TYPES}
