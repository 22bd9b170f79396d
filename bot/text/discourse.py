"""How a sentence sits in its text: does it lean on the one before, announce a topic, state a thesis?

Why: an extractive summary or a theme card reads as a person's only if each quoted sentence stands
on its own. "Тем не менее, данный компромисс нестабилен" means nothing without the compromise it
refers to; "Отдельного внимания заслуживает визовая повестка." announces a topic and claims
nothing. These are surface cues (the opening words, a few phrases), cheap and predictable: a
sentence that opens with a link is quoted only together with the sentence before it.
"""

from __future__ import annotations

import re

# Openings that refer back to the previous sentence (connectives, demonstratives, pronouns).
LINK_OPENINGS = (
    "тем не менее", "при этом", "вместе с тем", "в то же время", "кроме того", "к тому же", "более того",
    "в этом смысле", "в этой связи", "в связи с этим", "в результате этого", "помимо этого", "несмотря на это",
    "однако", "но", "а", "и", "поэтому", "следовательно", "впрочем", "зато", "также", "тогда", "там",
    "это", "этот", "эта", "эти", "этим", "этого", "этой", "этому", "этих", "этими",
    "такой", "такая", "такое", "такие", "таким", "такого", "таких",
    "данный", "данная", "данное", "данного", "данной", "данным",
    "он", "она", "оно", "они", "его", "ее", "их", "им", "ему", "ей",
    "however", "but", "this", "these", "such", "it", "they", "also", "therefore", "moreover",
)
# Phrases that announce a topic instead of saying something about it.
TOPIC_CUES = (
    "заслуживает внимания", "отдельного внимания", "особого внимания", "стоит отметить", "следует отметить",
    "рассмотрим", "остановимся", "обратимся", "перейдём к", "перейдем к", "поговорим о",
)
# Analyses state their point as a contrast or a reframing ("не X, а Y", "по сути речь идёт о").
THESIS_CUES = ("по сути", "по своей сути", "речь идёт о", "речь идет о", "не столько", "на деле", "в действительности")
_CONTRAST_RE = re.compile(r"\bне\b[^.;:]{3,80}?,\s*а\b")
MIN_CLAIM_WORDS = 6


_LINK_RE = re.compile(
    r"[\s«\"„(—–-]*(?:" + "|".join(re.escape(o) for o in sorted(LINK_OPENINGS, key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)


def leans_back(text: str) -> bool:
    """True if the sentence opens with a word or phrase that refers to the previous sentence."""
    return _LINK_RE.match(text.replace("ё", "е").replace("Ё", "Е")) is not None


def is_topic_sentence(text: str, n_words: int) -> bool:
    """A heading-like sentence: very short, a question, a lead-in to a list, or a topic announcement."""
    stripped = text.rstrip()
    if n_words < MIN_CLAIM_WORDS or stripped.endswith((":", "?")):
        return True
    lowered = stripped.lower()
    return any(cue in lowered for cue in TOPIC_CUES)


def states_thesis(text: str) -> bool:
    """A reframing or a contrast: how analyses state their point."""
    lowered = text.lower()
    return any(cue in lowered for cue in THESIS_CUES) or bool(_CONTRAST_RE.search(lowered))


def normalized(text: str) -> str:
    """Comparison key of a sentence (case, spacing, ё and punctuation ignored)."""
    return " ".join(re.sub(r"[^\w]+", " ", text.lower().replace("ё", "е")).split())
