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


def invocation_cost(p: Prices, billed_ms: float, memory_mb: int) -> float:
    return billed_ms / 1000.0 * memory_mb / 1024.0 * p.per_gb_second + p.per_request
