"""What output safety costs: secret masking and terminal sanitising, as ratios against the plain
writers in the same invocation (medians of --repeat rounds, round-robin).

    python bench/bench_output_safety.py --alerts 20000 --repeat 5

The alerts are the bundled example's (``tests/golden/examples.alerts.jsonl``), copied
with distinct ids and principals; every 10th (``--secret-every``) carries a credential in its
user agent and an escape sequence in its principal. Contenders, each writing every alert to an in-memory stream:

- jsonl plain: ``orjson.dumps`` per alert (the writer without masking; the baseline)
- jsonl masked: ``lambdawatch.alerting.sinks.write_jsonl`` (``redact_value`` per alert)
- text plain: every string of every alert through ``str`` (baseline for the sanitiser)
- text safe: every string through ``safe_text`` / ``safe_line`` (escape + mask)
- table: ``write_table`` (rich, escaped cells) on the first 2,000 alerts
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import orjson

from lambdawatch.alerting.sinks import write_jsonl, write_table
from lambdawatch.textsafe import safe_line, safe_text


def _example_alerts() -> list[dict[str, Any]]:
    """The alerts `hunt examples/cloudtrail --format jsonl` gives (the golden file)."""
    golden = ROOT / "tests" / "golden" / "examples.alerts.jsonl"
    return [json.loads(line) for line in golden.read_text().splitlines() if line.strip()]


def corpus(n: int, every: int = 10) -> list[dict[str, Any]]:
    base = _example_alerts()
    alerts = []
    for i in range(n):
        a = copy.deepcopy(base[i % len(base)])
        a["id"] = f"lw-{i:020x}"
        a["principals"] = [f"arn:aws:iam::111122223333:user/u{i}"] + a["principals"][1:]
        if every and i % every == 0:
            a["user_agents"] = a["user_agents"] + [f"aws-cli/2 key=AKIA{i:016d} x"]
            a["principals"][0] += "\x1b[2J[/]"
        alerts.append(a)
    return alerts


def _strings(value: Any, out: list[str]) -> list[str]:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            _strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out)
    return out


def _plain_table(alerts: list[dict[str, Any]]) -> None:
    """The table without escaping or masking (cells as Text, so data cannot crash it)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"lambdawatch: {len(alerts)} alert(s)")
    for col in (
        "risk",
        "severity",
        "function",
        "account/region",
        "first seen",
        "events",
        "who",
        "findings",
        "id",
    ):
        table.add_column(col, overflow="fold")
    for a in alerts:
        table.add_row(
            *(
                Text(str(v))
                for v in (
                    a["risk"],
                    a["severity"],
                    a["function"],
                    f"{a['account']}/{a['region']}",
                    a["first_seen"],
                    a["event_count"],
                    "\n".join(a["principals"]),
                    ", ".join(f["kind"] for f in a["findings"]),
                    a["id"],
                )
            )
        )
    Console(file=io.StringIO(), width=200, markup=False).print(table)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--alerts", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument(
        "--secret-every",
        type=int,
        default=10,
        help="every Nth alert carries a key and an escape (0: none)",
    )
    args = ap.parse_args()
    alerts = corpus(args.alerts, args.secret_every)
    strings = [s for a in alerts for s in _strings(a, [])]
    few = alerts[:2000]

    def jsonl_plain() -> None:
        buf = io.StringIO()
        for a in alerts:
            buf.write(orjson.dumps(a).decode() + "\n")

    contenders: dict[str, Callable[[], None]] = {
        "jsonl plain": jsonl_plain,
        "jsonl masked": lambda: write_jsonl(alerts, io.StringIO()),
        "text plain": lambda: [str(s) for s in strings] and None,
        "text safe_text": lambda: [safe_text(s) for s in strings] and None,
        "text safe_line": lambda: [safe_line(s) for s in strings] and None,
        "table plain": lambda: _plain_table(few),
        "table (2,000)": lambda: write_table(few, io.StringIO()),
    }
    times: dict[str, list[float]] = {k: [] for k in contenders}
    for _ in range(args.repeat):
        for name, fn in contenders.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"{args.alerts} alerts (1 in {args.secret_every or 'none'} with a secret), "
        f"{len(strings):,} strings; medians of {args.repeat}; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.2f}"
    )
    for name, t in med.items():
        print(f"  {name:<16} {t * 1000:9.1f} ms")
    print(f"jsonl masked / plain:    {med['jsonl masked'] / med['jsonl plain']:.2f}x")
    print(f"safe_text / str:         {med['text safe_text'] / med['text plain']:.2f}x")
    print(f"safe_line / str:         {med['text safe_line'] / med['text plain']:.2f}x")
    print(f"table safe / plain:      {med['table (2,000)'] / med['table plain']:.2f}x")
    print(
        f"per alert: masking {1e6 * (med['jsonl masked'] - med['jsonl plain']) / len(alerts):.1f}"
        f" us, table {1e6 * med['table (2,000)'] / len(few):.1f} us"
    )


if __name__ == "__main__":
    main()
