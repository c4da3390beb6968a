"""Estimated Lambda cost: billed GB-seconds times the price per GB-second plus the request
charge, from the price table kept as data (``lambdawatch/data/lambda_prices.yml``)."""

from __future__ import annotations

from dataclasses import dataclass

from lambdawatch.data import load
from lambdawatch.errors import UsageError


@dataclass(frozen=True)
class Prices:
    arch: str
    per_gb_second: float
    per_request: float


def prices(arch: str, region: str | None = None) -> Prices:
    table = load("lambda_prices.yml")
    archs = table["architectures"]
    if arch not in archs:
        raise UsageError(f"unknown architecture {arch!r} (known: {', '.join(sorted(archs))})")
    row = dict(archs[arch])
    row.update((table.get("regions") or {}).get(region or "", {}).get(arch, {}))
    return Prices(arch, float(row["per_gb_second"]), float(table["per_request"]))


def batch_cost(p: Prices, billed_mb_ms: float, requests: int) -> float:
    """Cost of many invocations from the sum of billed ms x memory MB and their count."""
    return billed_mb_ms / 1000.0 / 1024.0 * p.per_gb_second + requests * p.per_request
