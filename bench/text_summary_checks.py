"""Summary checks beyond plain ROUGE on XL-Sum: is a gain real, and does it hold off the dev set?

Why these exist: XL-Sum's reference is the article's lead paragraph, cut out of the text, and
there are only ten pairs. So (1) a change that moves the tl;dr away from the opening can score on
XL-Sum and still be wrong on real articles, which keep their lead: the "lead restored" check puts
the reference back as the first paragraph and asks whether we still pick it; (2) the follow-ups
set has no summaries, but news headlines are one-line summaries, so ranking the text with the
title withheld and scoring against the title is a 40-item proxy nobody tuned on; (3) a paired
bootstrap interval and a split check (choose the ranking knobs on 5 items, score the other 5)
show how much of a difference ten items can carry.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from statistics import mean

from text_baselines import lead
from text_rouge import SCORERS

from bot.text.document import Document
from bot.text.summarize import DEFAULT_PARAMS, RankParams, shorten, summarize

# Knob values the split check chooses between (the shipped defaults are among them).
SWEEP_DECAYS = (5.0, 10.0, 20.0, 40.0)
SWEEP_FORWARD = (1.0, 0.5, 0.3)
SWEEP_SEMANTIC = (0.0, 0.3, 0.5)


def _r1(ref: str, pred: str, variant: str) -> float:
    return SCORERS[variant].score(ref, pred)["rouge1"].fmeasure


def _pick(doc: Document, params: RankParams) -> tuple[str, str, int]:
    """(tl;dr, summary, summary length) for one document, as ``analyze`` would render them."""
    s = summarize(doc, None, params)
    if s.tldr_index is None:
        return doc.title, "", 0
    return shorten(doc.texts[s.tldr_index]), " ".join(doc.texts[i] for i in s.indices), len(s.indices)


def _row(name: str, refs: Sequence[str], tldrs: Sequence[str], summaries: Sequence[str]) -> None:
    cells = []
    for variant in ("tokens", "lemmas"):
        t = mean(_r1(r, p, variant) for r, p in zip(refs, tldrs, strict=True))
        s = mean(_r1(r, p, variant) for r, p in zip(refs, summaries, strict=True))
        cells.append(f"{variant} {t:.4f} / {s:.4f}")
    print(f"  {name:<28} " + "   ".join(cells))


def _compare(title: str, docs: list[Document], refs: list[str], texts: list[str]) -> None:
    """ROUGE-1 F1 of tl;dr / summary against Lead-1 / length-matched Lead-n on one set."""
    picks = [_pick(d, DEFAULT_PARAMS) for d in docs]
    print(f"\n{title}  (ROUGE-1 F1, tl;dr / summary)")
    _row("zen", refs, [p[0] for p in picks], [p[1] for p in picks])
    lead_n = [" ".join(lead(t, max(1, p[2]))) for t, p in zip(texts, picks, strict=True)]
    _row("Lead-1 / Lead (=zen n)", refs, [" ".join(lead(t, 1)) for t in texts], lead_n)
    _row("Lead-1 / Lead-3", refs, [" ".join(lead(t, 1)) for t in texts], [" ".join(lead(t, 3)) for t in texts])


def lead_restored(items: list[dict]) -> None:
    """XL-Sum with the reference put back as the opening paragraph, as real articles have it."""
    texts = [it["summary"] + "\n\n" + it["text"] for it in items]
    docs = [Document.build(it["title"], t) for it, t in zip(items, texts, strict=True)]
    refs = [it["summary"] for it in items]
    _compare("XL-Sum, lead restored (the reference is the first paragraph)", docs, refs, texts)


def headline_proxy(items: list[dict]) -> None:
    """Follow-ups ranked without their title, scored against the title as a one-line summary."""
    docs = [Document.build("", it["text"]) for it in items]
    _compare(f"Headline proxy: {len(items)} follow-ups, title withheld, title as reference", docs,
             [it["title"] for it in items], [it["text"] for it in items])


def bootstrap(items: list[dict], rounds: int = 10_000) -> None:
    """Paired bootstrap 95% interval of (zen summary − Lead-3) ROUGE-1 per item."""
    docs = [Document.build(it["title"], it["text"]) for it in items]
    summaries = [_pick(d, DEFAULT_PARAMS)[1] for d in docs]
    rng = random.Random(0)
    print("\nzen summary − Lead-3, ROUGE-1 F1, paired bootstrap over items:")
    for variant in ("tokens", "lemmas"):
        diff = [
            _r1(it["summary"], s, variant) - _r1(it["summary"], " ".join(lead(it["text"], 3)), variant)
            for it, s in zip(items, summaries, strict=True)
        ]
        means = sorted(mean(rng.choices(diff, k=len(diff))) for _ in range(rounds))
        lo, hi = means[int(0.025 * rounds)], means[int(0.975 * rounds)]
        wins = sum(d > 0 for d in diff)
        print(f"  {variant}: mean {mean(diff):+.4f}, 95% CI [{lo:+.4f}, {hi:+.4f}], zen better on {wins}/{len(diff)}")


def split_check(items: list[dict]) -> None:
    """Choose (lead decay, forward weight, semantic weight) on 5 items by summary ROUGE-1, report
    the other 5."""
    docs = [Document.build(it["title"], it["text"]) for it in items]
    grid = [
        RankParams(lead_decay=d, forward_weight=f, semantic_weight=w)
        for d in SWEEP_DECAYS
        for f in SWEEP_FORWARD
        for w in SWEEP_SEMANTIC
    ]
    scores: dict[tuple[RankParams, str], list[float]] = {}
    for params in grid:
        picks = [_pick(d, params) for d in docs]
        for variant in ("tokens", "lemmas"):
            scores[params, variant] = [_r1(it["summary"], p[1], variant) for it, p in zip(items, picks, strict=True)]
    lead3 = {v: [_r1(it["summary"], " ".join(lead(it["text"], 3)), v) for it in items] for v in ("tokens", "lemmas")}
    n = len(items)

    def held_out(train: list[int], test: list[int], variant: str) -> tuple[RankParams, float]:
        best = max(grid, key=lambda p: mean(scores[p, variant][i] for i in train))
        return best, mean(scores[best, variant][i] for i in test)

    print("\nSplit check: knobs (decay, forward, semantic) chosen on 5 items by summary ROUGE-1, scored on the other 5")
    for variant in ("tokens", "lemmas"):
        first, second = list(range(n // 2)), list(range(n // 2, n))
        for train, test, label in ((first, second, "first→second"), (second, first, "second→first")):
            best, score = held_out(train, test, variant)
            shipped = mean(scores[DEFAULT_PARAMS, variant][i] for i in test)
            l3 = mean(lead3[variant][i] for i in test)
            print(f"  {variant} {label}: chose decay={best.lead_decay:g} forward={best.forward_weight:g}"
                  f" semantic={best.semantic_weight:g} → {score:.4f} (shipped {shipped:.4f}, Lead-3 {l3:.4f})")
        splits = [list(c) for c in itertools.combinations(range(n), n // 2)]
        tuned, shipped, l3, beats = [], [], [], 0
        for train in splits:
            test = [i for i in range(n) if i not in train]
            tuned.append(held_out(train, test, variant)[1])
            shipped.append(mean(scores[DEFAULT_PARAMS, variant][i] for i in test))
            l3.append(mean(lead3[variant][i] for i in test))
            beats += tuned[-1] > l3[-1]
        print(f"  {variant} all {len(splits)} splits: tuned {mean(tuned):.4f}, shipped {mean(shipped):.4f},"
              f" Lead-3 {mean(l3):.4f}; tuned beats Lead-3 on {beats / len(splits):.0%} of held-out halves")
