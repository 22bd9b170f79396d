"""Final figures on the held-out pairs in ../shared/eval/test/: zen vs Lead-N vs LexRank, equal length.

Why a separate module: nothing is ever chosen by looking at these numbers (eval/README.md); they
are printed last, next to the baselines, to say whether a change made on the dev sets held.
Groups are kept apart because their references differ: news pairs with real summaries (XL-Sum
test, MLSUM, Gazeta) at 3 sentences; RIA headlines (one line) against the tl;dr; WikiLingua
how-to prose at 3 sentences (not news, reported for completeness).

Equal length means the sentences the summarizer picked (3 against the baselines' 3). ``analyze``
renders them as a tl;dr plus lines and drops the tl;dr's sentence from the lines when the tl;dr had
to be cut (over 320 characters), so scoring the lines alone scored 2 sentences against 3 on such
items; that row is still printed ("lines shown") so the two can be compared.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from text_baselines import SumyLexRank, lead
from text_rouge import TYPES, rouge_f1

from bot.text import analyze  # noqa: E402
from bot.text.document import Document  # noqa: E402
from bot.text.summarize import summarize  # noqa: E402

SUMMARY_SENTENCES = 3
_TAG_RE = re.compile(r"<[^>]+>")


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _plain(text: str) -> str:
    """RIA items are HTML: paragraphs become blank lines, tags and entities go."""
    text = re.sub(r"</p>\s*", "\n\n", text)
    return html.unescape(_TAG_RE.sub("", text)).replace("\xa0", " ").strip()


def groups(test_dir: Path) -> dict[str, list[dict]]:
    summ = _read(test_dir / "summ_test.jsonl")
    ria = [{"title": "", "text": _plain(it["text"]), "summary": it["title"]}
           for it in _read(test_dir / "ria_headlines_20.jsonl")]
    ria += [{"title": "", "text": _plain(it["text"]), "summary": it["summary"]}
            for it in summ if it["source"].startswith("RIA")]
    return {
        "news (XL-Sum test, MLSUM, Gazeta)": _read(test_dir / "xlsum_ru_test.jsonl")
        + [it for it in summ if it["source"].startswith(("MLSUM", "Gazeta"))],
        "RIA headlines (title withheld)": ria,
        "WikiLingua how-to (not news)": [it for it in summ if it["source"].startswith("WikiLingua")],
    }


def _row(name: str, refs: list[str], preds: list[str]) -> str:
    tok, lem = rouge_f1(refs, preds, "tokens"), rouge_f1(refs, preds, "lemmas")
    return (f"  {name:<22}" + "".join(f" {tok[t]:7.4f}" for t in TYPES) + "   "
            + "".join(f" {lem[t]:7.4f}" for t in TYPES))


def report(test_dir: Path) -> None:
    if not (test_dir / "summ_test.jsonl").exists():
        print(f"\n(no held-out test set in {test_dir})")
        return
    sumy = SumyLexRank()
    head = "".join(f" {t:>7}" for t in TYPES)
    print(f"\nHELD-OUT TEST SET ({test_dir}); final figures, never tuned on")
    for label, items in groups(test_dir).items():
        refs = [it["summary"] for it in items]
        headline = label.startswith("RIA")
        n = 1 if headline else SUMMARY_SENTENCES
        analyses = [analyze(it["title"], it["text"], sentences=n) for it in items]
        ours = [a.tldr for a in analyses] if headline else [" ".join(a.summary) for a in analyses]
        print(f"{label}: {len(items)} pairs, {n} sentence(s) each    tokens:{head}   lemmas:{head}")
        if headline:
            print(_row("zen tl;dr", refs, ours))
        else:
            docs = [Document.build(it["title"], it["text"]) for it in items]
            picked = [" ".join(d.texts[i] for i in summarize(d, n).indices) for d in docs]
            print(_row(f"zen summary ({n} picked)", refs, picked))
            print(_row("zen lines shown", refs, ours))
        print(_row(f"Lead-{n}", refs, [" ".join(lead(it["text"], n)) for it in items]))
        print(_row(f"sumy LexRank ({n})", refs, [" ".join(sumy(it["text"], n)) for it in items]))
