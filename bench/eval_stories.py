"""Precision and recall of "one story once" (bot/services/stories.py) on real news pairs.

Input: a JSONL file of real news openings, one article per line
`{"id", "story", "date", "url", "title", "text"}` — articles with the same `story` report the same
event (from different outlets); different `story` values are different events, many of them close
calls on one topic (the same law passed by the lower house, approved by the Senate, signed; the
same terminal hit on different nights). Every pair of articles is a labelled pair. The texts
belong to their publishers and are kept outside the repository (default
`../shared/eval/stories_dev.jsonl`, or the path given).

Reports, for the shipped method and for the baselines it was chosen against:
  * pairwise: precision / recall / F1 of "similarity ≥ threshold" over all pairs, at the shipped
    threshold and at each method's best;
  * grouped: the same figures for the pairs `stories.group` puts into one entry (what a reader sees).

    python bench/eval_stories.py [PATH]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bot.services import stories
from bot.text.lang import lemmas
from bot.text.models import warm_up
from bot.text.stopwords import is_stop

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "stories_dev.jsonl"


def shingles(lems: list[str], size: int = 2) -> set[tuple[str, ...]]:
    """Word shingles of content lemmas (the classic near-duplicate baseline, as MinHash estimates)."""
    content = [w for w in lems[: stories.LEAD] if not is_stop(w) and len(w) > 2]
    return {tuple(content[i:i + size]) for i in range(len(content) - size + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def prf(pairs: list[tuple[bool, bool]]) -> tuple[float, float, float, int, int, int]:
    tp = sum(1 for same, said in pairs if same and said)
    fp = sum(1 for same, said in pairs if not same and said)
    fn = sum(1 for same, said in pairs if same and not said)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp, fp, fn


def best(scored: list[tuple[bool, float]]) -> tuple[float, tuple]:
    candidates = sorted({s for _, s in scored})
    results = [(t, prf([(same, s >= t) for same, s in scored])) for t in candidates]
    return max(results, key=lambda tr: (tr[1][2], tr[1][0]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    if not args.path.exists():
        print(f"{args.path}: not found (real news pairs are kept outside the repository)", file=sys.stderr)
        return 2
    warm_up()
    articles = [json.loads(line) for line in args.path.read_text(encoding="utf-8").splitlines() if line.strip()]
    lems = [lemmas(f"{a['title']}\n{a['text']}") for a in articles]
    days = [date.fromisoformat(a["date"]) if a.get("date") else None for a in articles]
    prints = [stories.fingerprint(x, day=d) for x, d in zip(lems, days)]
    undated = [stories.fingerprint(x) for x in lems]
    unweighted = [stories.fingerprint(x, day=d, weight=lambda _: 1.0) for x, d in zip(lems, days)]
    shingle_sets = [shingles(x) for x in lems]
    pairs = list(itertools.combinations(range(len(articles)), 2))
    same = [articles[i]["story"] == articles[j]["story"] for i, j in pairs]
    topics = {(i, j) for i, j in pairs if set(articles[i]["story"].split("-")[:1]) & set(articles[j]["story"].split("-")[:1])}
    print(f"{len(articles)} articles, {len(set(a['story'] for a in articles))} stories, {len(pairs)} pairs: "
          f"{sum(same)} same-story, {len(pairs) - sum(same)} different ({len(topics) - sum(same)} of them on one topic)")
    methods: dict[str, Callable[[int, int], float]] = {
        "idf-weighted lemma Jaccard (shipped)": lambda i, j: stories.similarity(prints[i], prints[j]),
        "same, without the date gate": lambda i, j: stories.similarity(undated[i], undated[j]),
        "plain lemma Jaccard (date gate)": lambda i, j: stories.similarity(unweighted[i], unweighted[j]),
        "lemma-bigram shingle Jaccard": lambda i, j: jaccard(shingle_sets[i], shingle_sets[j]),
    }
    print(f"\n{'method':40} {'threshold':>9} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn")
    for name, score in methods.items():
        scored = [(s, score(i, j)) for s, (i, j) in zip(same, pairs)]
        rows = []
        if "shipped" in name or "without" in name:
            rows.append((stories.THRESHOLD, prf([(s, v >= stories.THRESHOLD) for s, v in scored])))
        rows.append(best(scored))
        for threshold, (p, r, f, tp, fp, fn) in rows:
            print(f"{name:40} {threshold:9.3f} {p:6.3f} {r:6.3f} {f:6.3f} {tp:4d}{fp:4d}{fn:4d}")
    groups = stories.group(list(range(len(articles))), prints)
    where = {i: g for g, members in enumerate(groups) for i in members}
    p, r, f, tp, fp, fn = prf([(s, where[i] == where[j]) for s, (i, j) in zip(same, pairs)])
    print(f"\ngrouped by stories.group at {stories.THRESHOLD}: {len(groups)} entries for "
          f"{len(set(a['story'] for a in articles))} stories; pairs P {p:.3f} R {r:.3f} F1 {f:.3f} (tp {tp} fp {fp} fn {fn})")
    for members in groups:
        if len({articles[i]["story"] for i in members}) > 1:
            print("  merged different stories:", [articles[i]["id"] for i in members])
    for story in sorted({a["story"] for a in articles}):
        found = {where[i] for i, a in enumerate(articles) if a["story"] == story}
        if len(found) > 1:
            print(f"  split {story}:", [[articles[i]["id"] for i in groups[g]] for g in sorted(found)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
