"""The name index never misses a pair that ``close`` accepts (it only narrows the comparisons),
up to the account size where it falls back to depth-1 deletions (then every distance-1 pair)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from lambdawatch.analyze.typosquat import NameIndex, close, distance

_ALPHABET = "abcdefmnor-0123"


def _mutate(rng: random.Random, word: str, edits: int) -> str:
    for _ in range(edits):
        i = rng.randrange(len(word))
        op = rng.choice("sidt")
        if op == "s":
            word = word[:i] + rng.choice(_ALPHABET) + word[i + 1 :]
        elif op == "i":
            word = word[:i] + rng.choice(_ALPHABET) + word[i:]
        elif op == "d" and len(word) > 1:
            word = word[:i] + word[i + 1 :]
        elif op == "t" and i + 1 < len(word):
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**6), base_len=st.integers(5, 24), count=st.integers(2, 12))
def test_candidates_cover_every_close_pair(seed: int, base_len: int, count: int) -> None:
    rng = random.Random(seed)
    base = "".join(rng.choice(_ALPHABET) for _ in range(base_len))
    names = {base} | {_mutate(rng, base, rng.randint(1, 2)) for _ in range(count)}
    names = {n for n in names if n}
    index = NameIndex(names)
    for a in names:
        expected = {b for b in names if b != a and close(a, b)}
        assert expected <= index.candidates(a), (a, expected - index.candidates(a))


def test_large_accounts_keep_every_distance_one_pair() -> None:
    rng = random.Random(7)
    names = {
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz-") for _ in range(rng.randint(12, 24)))
        for _ in range(2500)
    }
    squat = next(iter(sorted(names)))
    twin = squat[:-1] + ("x" if squat[-1] != "x" else "y")
    index = NameIndex(names | {twin})
    assert index.max_depth == 1
    assert distance(squat, twin) == 1 and twin in index.candidates(squat)
