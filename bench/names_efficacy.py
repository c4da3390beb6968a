"""Efficacy of the random-name judgement: python bench/names_efficacy.py

Detection rate on seeded random strings of several alphabets and lengths, false alarms on the
hand-written benign fixture (tests/fixtures/names/benign_names.txt), and the cost per name
as a ratio to a baseline measured in the same run (splitting the name on separators).
"""

from __future__ import annotations

import random
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from lambdawatch.analyze.randomness import generated_parts, random_parts

ALPHABETS = {
    "lowercase x15 (Pacu)": (string.ascii_lowercase, 15),
    "lowercase x10": (string.ascii_lowercase, 10),
    "lowercase+digits x10": (string.ascii_lowercase + string.digits, 10),
    "mixed case+digits x12": (string.ascii_letters + string.digits, 12),
    "mixed case x12": (string.ascii_letters, 12),
    "uppercase+digits x12": (string.ascii_uppercase + string.digits, 12),
}


def main() -> int:
    rng = random.Random(2026)
    print("detection on random strings (1000 each):")
    for label, (alphabet, length) in ALPHABETS.items():
        names = ["".join(rng.choice(alphabet) for _ in range(length)) for _ in range(1000)]
        caught = sum(1 for n in names if random_parts(n))
        print(f"  {label:24} {caught / 10:.1f}%")
    lines = (ROOT / "tests/fixtures/names/benign_names.txt").read_text().splitlines()
    benign = [n for n in lines if n and not n.startswith("#")]
    flagged = [n for n in benign if random_parts(n)]
    print(f"benign fixture: {len(flagged)} of {len(benign)} flagged {flagged}")
    names = [f"{n}-{i}" for i in range(200) for n in benign]
    t0 = time.perf_counter()
    for n in names:
        n.replace("_", "-").split("-")
    base = time.perf_counter() - t0
    t0 = time.perf_counter()
    for n in names:
        random_parts.__wrapped__(n)  # uncached: the cost of a first sight
        generated_parts.__wrapped__(n)
    cost = time.perf_counter() - t0
    print(f"cost per name: {cost / len(names) * 1e6:.1f} us uncached, {cost / base:.0f}x a split")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
