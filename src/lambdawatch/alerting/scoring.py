"""Risk 0-100 from an alert's rule severity and findings; weights are data (``data/risk.yml``).

risk = base(rule severity) + one weight per distinct finding kind (the kind's weight or its
severity's, whichever is larger, at the highest severity the kind reaches) + combination
bonuses + the environment's shift, capped to 0..100. ``why`` lists every term, in that order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lambdawatch.data import load
from lambdawatch.findings import Finding
from lambdawatch.severity import SEVERITY_ORDER


def weights() -> dict[str, Any]:
    return load("risk.yml")


def _kind_weight(kind: str) -> int:
    """The kind's own weight, from the one registry of kinds (0 for a kind it does not know:
    a user rule's kind is validated at load, so this is only a safety net)."""
    from lambdawatch import kinds

    return kinds.weight(kind) if kinds.is_known(kind) else 0


@dataclass(frozen=True)
class Score:
    risk: int
    why: list[str]


def _strongest(findings: Iterable[tuple[str, str]]) -> dict[str, str]:
    """kind -> the highest severity it reaches, in first-seen order."""
    out: dict[str, str] = {}
    for kind, sev in findings:
        if kind not in out or SEVERITY_ORDER[sev] > SEVERITY_ORDER[out[kind]]:
            out[kind] = sev
    return out


def score_kinds(
    rule_severity: str,
    findings: Iterable[tuple[str, str]],
    environment: str | None = None,
    env_shift: int | None = None,
) -> Score:
    w = weights()
    total = w["base_by_rule_severity"][rule_severity]
    why = [f"+{total} rule severity {rule_severity}"]
    kinds = _strongest(findings)
    for kind, sev in sorted(kinds.items(), key=lambda kv: (-SEVERITY_ORDER[kv[1]], kv[0])):
        weight = max(_kind_weight(kind), w["weight_by_severity"][sev])
        if weight:
            total += weight
            why.append(f"+{weight} {kind} ({sev})")
    for combo in w["combos"]:
        if all(k in kinds for k in combo["kinds"]):
            total += combo["bonus"]
            why.append(f"+{combo['bonus']} {' + '.join(combo['kinds'])}: {combo['why']}")
    if environment is not None:
        shift = env_shift if env_shift is not None else w["environment_shift"].get(environment, 0)
        if shift:
            total += shift
            why.append(f"{shift:+d} environment {environment}")
    risk = max(0, min(100, total))
    if risk != total:
        why.append(f"= {risk} (capped from {total})")
    return Score(risk, why)


def score(rule_severity: str, findings: list[Finding]) -> Score:
    """The risk of freshly assembled findings (before environment and alert-time findings)."""
    return score_kinds(rule_severity, [(f.kind, f.severity) for f in findings])


def score_alert(
    alert: dict[str, Any],
    rule_severity: str,
    environment: str | None = None,
    env_shift: int | None = None,
) -> Score:
    return score_kinds(
        rule_severity,
        [(f["kind"], f["severity"]) for f in alert["findings"]],
        environment,
        env_shift,
    )
