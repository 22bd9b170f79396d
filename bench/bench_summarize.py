"""Speed and memory bench: zen summarizer / full analysis vs sumy LexRank, one core.

Each system runs in its own subprocess (pinned to one CPU, BLAS threads = 1) so that peak RSS
is its own; the parent prints both side by side. Inputs: the anchor analysis shipped as package
data, and a synthetic ~20,000-character article built from the anchor's own sentences.

    /work/venv/bin/python bench/bench_summarize.py [--repeat 30]
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from text_baselines import REPO  # noqa: E402

ANCHOR = REPO / "bot" / "data" / "anchors" / "kazakhstan-eu-december-2025.dzen.txt"
SYNTHETIC_CHARS = 20_000
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def _memory() -> dict[str, float]:
    """Current and peak resident set size of this process, MB (Linux /proc)."""
    out = {}
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                out["rss_mb" if key == "VmRSS" else "peak_rss_mb"] = int(value.split()[0]) / 1024
    return out


def _inputs() -> dict[str, tuple[str, str]]:
    from bot.text import clean_page_text
    from bot.text.lang import paragraphs

    page = clean_page_text(ANCHOR.read_text(encoding="utf-8"))
    paras = paragraphs(page.text)
    rng = random.Random(2025)
    synthetic: list[str] = []
    while sum(len(p) + 2 for p in synthetic) < SYNTHETIC_CHARS:
        synthetic.append(rng.choice(paras))
    return {
        "anchor": (page.title, page.text),
        "synthetic-20k": (page.title, "\n\n".join(synthetic)),
    }


def _time_ms(fn: Callable[[], object], repeat: int, before: Callable[[], None] | None = None) -> float:
    """Median CPU time of ``fn`` in ms: the machine is shared, and CPU time of a process pinned
    to one core does not count the time other processes held that core (wall time did, which made
    ratios between two runs minutes apart swing by half)."""
    samples = []
    for _ in range(repeat):
        if before:
            before()
        start = time.process_time()
        fn()
        samples.append((time.process_time() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2]


def clear_caches() -> None:
    """Forget everything earlier articles left behind: lemmas, names, phrases, the NER's word rows."""
    from bot.text.entities import canonical
    from bot.text.inflect import _nominative
    from bot.text.lang import word_info
    from bot.text.models import NER

    for cache in (word_info, canonical, _nominative):
        cache.cache_clear()
    if (ner := NER.get()) is not None:
        ner.forget()


def worker(system: str, repeat: int) -> dict:
    inputs = _inputs()
    result: dict = {"system": system, "chars": {k: len(v[1]) for k, v in inputs.items()}}
    if system == "zen":
        from bot.text import analyze, warm_up
        from bot.text.document import Document
        from bot.text.summarize import summarize

        start = time.perf_counter()
        warm_up()
        result["warm_up_s"] = time.perf_counter() - start
        for name, (title, text) in inputs.items():
            analyze(title, text)
            result[f"{name}/summarize"] = _time_ms(lambda t=title, x=text: summarize(Document.build(t, x)), repeat)
            result[f"{name}/analyze"] = _time_ms(lambda t=title, x=text: analyze(t, x), repeat)
            result[f"{name}/analyze, caches cleared"] = _time_ms(
                lambda t=title, x=text: analyze(t, x), max(3, repeat // 5), before=clear_caches
            )
    else:
        from text_baselines import SumyLexRank

        lexrank = SumyLexRank()
        for name, (_, text) in inputs.items():
            lexrank(text, 4)
            result[f"{name}/summarize"] = _time_ms(lambda x=text: lexrank(x, 4), max(3, repeat // 3))
    result.update(_memory())
    return result


def _run(system: str, repeat: int) -> dict:
    env = dict(os.environ, **{k: "1" for k in THREAD_VARS})
    cmd = [sys.executable, __file__, "--worker", system, "--repeat", str(repeat)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    args = sys.argv[1:]
    repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 30
    if "--worker" in args:
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        print(json.dumps(worker(args[args.index("--worker") + 1], repeat)))
        return 0
    zen, sumy = _run("zen", repeat), _run("sumy", repeat)
    print(f"one core, BLAS threads=1, median CPU time of runs; inputs: {zen['chars']} characters")
    print(f"zen warm_up (all models): {zen['warm_up_s']:.2f} s")
    print(
        f"{'input':<15} {'zen summarize':>14} {'zen analyze':>12} {'analyze, cold caches':>21}"
        f" {'sumy LexRank':>13} {'speed-up':>9} {'analyze/LexRank':>16}"
    )
    for name in zen["chars"]:
        ours, full = zen[f"{name}/summarize"], zen[f"{name}/analyze"]
        cold, theirs = zen[f"{name}/analyze, caches cleared"], sumy[f"{name}/summarize"]
        print(f"{name:<15} {ours:>11.1f} ms {full:>9.1f} ms {cold:>18.1f} ms {theirs:>10.1f} ms"
              f" {theirs / ours:>7.1f}x {full / theirs:>15.2f}")
    print("speed-up = sumy LexRank ms / zen summarize ms; analyze/LexRank = full analysis (summary, themes,")
    print("entities, keywords) against LexRank's summary alone (goal: at most 1.00)")
    for data in (zen, sumy):
        print(f"{data['system']:<5} RSS {data['rss_mb']:.0f} MB, peak RSS {data['peak_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
