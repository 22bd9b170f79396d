"""Quality bench: ROUGE of the summarizer vs baselines, theme detection P/R/F1 (dev and
cross-validated, text_theme_cv.py), the anchor proposer against the hand-made themes, and last
the held-out test set (text_test_set.py: final figures only, nothing is chosen by them).

Reads the development sets in ../shared/eval (next to the repo; override with ZEN_EVAL_DIR).
When they are absent it says so and exits 0, because the sets are not part of the product.

    /work/venv/bin/python bench/eval_quality.py [--errors] [--split] [--variants] [--extra FILE.jsonl]

``--split`` adds the split check of the summarizer's ranking knobs (text_summary_checks.py);
``--variants`` compares ranking variants (LexRank centrality, word forms) on the dev sets only.
``--extra`` scores one more XL-Sum-like set, lines of ``{"title", "text", "summary"}``: for
instance news whose first paragraph was moved into ``summary``, which is how XL-Sum was built.
Ten dev pairs cannot show a difference of a hundredth; a second set nobody tuned on can.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from text_baselines import REPO, SumyLexRank, lead  # noqa: E402
from text_rouge import TYPES, rouge_f1  # noqa: E402
from text_summary_checks import bootstrap, headline_proxy, lead_restored, split_check, variants  # noqa: E402
from text_test_set import report as test_set_report  # noqa: E402
from text_theme_cv import report as theme_cv_report  # noqa: E402

from bot.text import analyze, load_catalog  # noqa: E402
from bot.text.document import Document  # noqa: E402
from bot.text.themes import score_themes  # noqa: E402

EVAL_DIR = Path(os.environ.get("ZEN_EVAL_DIR", REPO.parent / "shared" / "eval"))
XLSUM = "xlsum_ru_dev.jsonl"
FOLLOWUPS = "followups_dev.jsonl"


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def eval_summaries(items: list[dict], label: str = XLSUM) -> None:
    refs = [it["summary"] for it in items]
    sumy = SumyLexRank()
    analyses = [analyze(it["title"], it["text"]) for it in items]
    systems: dict[str, list[str]] = {
        "zen tldr (1 sent.)": [a.tldr for a in analyses],
        "zen summary (2-5)": [" ".join(a.summary) for a in analyses],
        "Lead-1": [" ".join(lead(it["text"], 1)) for it in items],
        "Lead-3": [" ".join(lead(it["text"], 3)) for it in items],
        "Lead (=zen n)": [" ".join(lead(it["text"], len(a.summary))) for it, a in zip(items, analyses, strict=True)],
        "sumy LexRank (1)": [" ".join(sumy(it["text"], 1)) for it in items],
        "sumy LexRank (=zen n)": [
            " ".join(sumy(it["text"], len(a.summary))) for it, a in zip(items, analyses, strict=True)
        ],
    }
    print(f"\nROUGE F1 on {label} ({len(items)} items; references are one sentence)")
    head = "  ".join(f"{t:>7}" for t in TYPES)
    print(f"{'system':<24} {'tokens: ' + head}   {'lemmas: ' + head}")
    for name, preds in systems.items():
        tok = rouge_f1(refs, preds, "tokens")
        lem = rouge_f1(refs, preds, "lemmas")
        cells = "  ".join(f"{tok[t]:7.4f}" for t in TYPES)
        lcells = "  ".join(f"{lem[t]:7.4f}" for t in TYPES)
        print(f"{name:<24} {'        ' + cells}   {'        ' + lcells}")
    avg_len = sum(len(a.summary) for a in analyses) / len(analyses)
    print(f"(zen summary length: {avg_len:.1f} sentences on average)")


def eval_themes(items: list[dict], semantic: bool, show_errors: bool) -> None:
    catalog = load_catalog()
    tp = fp = fn = 0
    unrelated = unrelated_clean = 0
    per_theme: dict[str, list[int]] = {slug: [0, 0, 0] for slug in catalog.slugs}
    errors: list[str] = []
    for it in items:
        gold = set(it["themes"])
        pred = {t.slug for t in analyze(it["title"], it["text"], catalog=catalog, semantic=semantic).themes}
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
        for slug in per_theme:
            per_theme[slug][0] += slug in gold and slug in pred
            per_theme[slug][1] += slug in pred and slug not in gold
            per_theme[slug][2] += slug in gold and slug not in pred
        if not gold:
            unrelated += 1
            unrelated_clean += not pred
        if gold != pred:
            errors.append(f"  {it['id']}: missed {sorted(gold - pred)} extra {sorted(pred - gold)}")
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    label = "keywords + navec similarity" if semantic else "keywords only"
    print(f"\nThemes on {FOLLOWUPS} ({len(items)} items) — {label}")
    print(f"micro P={p:.3f} R={r:.3f} F1={f1:.3f}   (tp={tp} fp={fp} fn={fn})")
    share = unrelated_clean / unrelated if unrelated else 1.0
    print(f"unrelated items given no theme: {unrelated_clean}/{unrelated} = {share:.1%}")
    print("per theme (tp/fp/fn): " + ", ".join(f"{s}={v[0]}/{v[1]}/{v[2]}" for s, v in per_theme.items()))
    if show_errors and errors:
        print("disagreements:\n" + "\n".join(errors))


def threshold_sensitivity(items: list[dict]) -> None:
    """Micro-F1 if every theme used one other threshold: a flat curve means no knife-edge tuning."""
    catalog = load_catalog()
    scored = [(set(it["themes"]), score_themes(Document.build(it["title"], it["text"]), catalog)) for it in items]
    cells = []
    for threshold in (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65):
        tp = fp = fn = 0
        for gold, results in scored:
            pred = {r.slug for r in results if r.score >= threshold}
            tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        cells.append(f"{threshold:.2f}→{f1:.3f}")
    print("threshold sensitivity (micro-F1): " + "  ".join(cells))


def proposer_check() -> None:
    """The anchor proposer on the December 2025 analysis against its eight hand-made themes."""
    from bot.text import clean_page_text
    from bot.text.proposer import propose_themes, recovered

    page = clean_page_text((REPO / "bot" / "data" / "anchors" / "kazakhstan-eu-december-2025.dzen.txt").read_text("utf-8"))
    catalog = load_catalog()
    proposal = propose_themes(page.title, page.text)
    found = recovered(proposal, catalog)
    print(f"\nAnchor proposer, December 2025 analysis: {len(found)}/{len(catalog)} hand-made themes recovered"
          f" by {len(proposal.themes)} proposals (a proposal recovers a theme when it quotes at least half of"
          " its claim sentences; matched one to one)")
    titles = {t.slug: f"{t.emoji} {t.title}" for t in proposal.themes}
    for theme in catalog:
        print(f"  {theme.emoji} {theme.title:<38} <- {titles.get(found.get(theme.slug, ''), '(none)')}")
    print("  Each proposal's title and its most central claim (the title should name what the claim says):")
    for t in proposal.themes:
        print(f"    {t.emoji} {t.title:<40} | {t.description[:90]}")


def main() -> int:
    if not (EVAL_DIR / XLSUM).exists() or not (EVAL_DIR / FOLLOWUPS).exists():
        print(f"evaluation data not found in {EVAL_DIR}; nothing to measure (set ZEN_EVAL_DIR)")
        return 0
    show_errors = "--errors" in sys.argv
    xlsum = _read(EVAL_DIR / XLSUM)
    followups = _read(EVAL_DIR / FOLLOWUPS)
    eval_summaries(xlsum)
    bootstrap(xlsum)
    lead_restored(xlsum)
    headline_proxy(followups)
    if "--extra" in sys.argv:
        extra = Path(sys.argv[sys.argv.index("--extra") + 1])
        extra_items = _read(extra)
        eval_summaries(extra_items, extra.name)
        bootstrap(extra_items)
    if "--split" in sys.argv:
        split_check(xlsum)
    if "--variants" in sys.argv:
        variants(xlsum, followups)
    eval_themes(followups, semantic=True, show_errors=show_errors)
    eval_themes(followups, semantic=False, show_errors=show_errors)
    threshold_sensitivity(followups)
    theme_cv_report(followups)
    proposer_check()
    test_set_report(EVAL_DIR / "test")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
