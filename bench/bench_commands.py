"""How long /summary and /themes take to answer on the sandbox (median and p95 of 50 each).

Runs the real bot (same dispatcher as `zendigest run`) against the loopback sandbox on a fresh
database; the time is from injecting the update to the bot's reply reaching the sandbox, so it
includes aiogram's long-poll pickup, the handler, SQLite and the HTTP round trip.

    python bench/bench_commands.py [--n 50]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.app.local import LocalBot
from bot.config import Settings

USER = 424242


async def measure(n: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_path=Path(tmp) / "bench.sqlite3", channel_id="@bench",
                            rate_private_per_sec=1000.0)  # measure the bot, not the 1 msg/s pacing
        async with LocalBot(settings) as local:
            local.sandbox.add_user(USER, first_name="Bench", language_code="ru")
            await local.sandbox.ask("/start", user_id=USER, timeout=30)  # warm caches
            results: dict[str, list[float]] = {}
            for command in ("/summary", "/themes", "/theme visa-facilitation", "/search коридор"):
                times = []
                for _ in range(n):
                    start = time.perf_counter()
                    await local.sandbox.ask(command, user_id=USER, timeout=30)
                    times.append((time.perf_counter() - start) * 1000)
                results[command] = times
            return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50)
    args = parser.parse_args()
    results = asyncio.run(measure(args.n))
    print(f"{'command':28} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}  (n={args.n})")
    for command, times in results.items():
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"{command:28} {statistics.median(times):10.1f} {p95:8.1f} {max(times):8.1f}")


if __name__ == "__main__":
    main()
