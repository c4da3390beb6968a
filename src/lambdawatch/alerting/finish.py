"""Completing an assembled alert: scoring, tuning (suppression) and the filled-in playbook.

Order (``engine.context.FINISH_ORDER``; after the analyzers' typosquat finisher):
1. severity and risk again over every finding, with the account's environment;
2. tuning: allowlists and approved changes (``alerting/tuning.py``);
3. playbook: context, the steps of its findings, the founding playbook, investigation steps.
"""

from __future__ import annotations

from typing import Any

from lambdawatch.alerting import briefing, playbook, tuning
from lambdawatch.alerting.scoring import score_alert
from lambdawatch.analyze.common import escaped
from lambdawatch.engine.context import HuntContext
from lambdawatch.findings import max_severity
from lambdawatch.ingest.normalize import Event
from lambdawatch.severity import SEVERITY_ORDER

Alert = dict[str, Any]


def _rules(alert: Alert, ctx: HuntContext) -> list[Any]:
    by_id = {r.id: r for r in ctx.rules.rules}
    return [by_id[r] for r in alert["rules"] if r in by_id]


def rescore(alert: Alert, events: list[Event], ctx: HuntContext) -> Alert:
    rules = _rules(alert, ctx)
    rule_severity = max_severity([r.severity for r in rules])
    findings = sorted(
        alert["findings"], key=lambda f: (-SEVERITY_ORDER[f["severity"]], f["kind"], f["code"])
    )
    severity = max_severity([rule_severity] + [f["severity"] for f in findings])
    env = tuning.environment_of(ctx.config, alert["account"])
    env_shift: int | None = None
    if env is not None:
        steps, env_shift = tuning.severity_shift(ctx.config, env)
        severity = tuning.shift_severity(severity, steps)
    risk = score_alert({**alert, "findings": findings}, rule_severity, env, env_shift)
    title = alert["title"]
    shown = escaped(alert["function"])
    if shown != alert["function"]:  # hidden or look-alike characters: never print them raw
        title = title.replace(alert["function"], shown)
    return {
        **alert,
        "title": title,
        "findings": findings,
        "severity": severity,
        "environment": env,
        "risk": risk.risk,
        "risk_explanation": risk.why,
    }


def tune(alert: Alert, events: list[Event], ctx: HuntContext) -> Alert:
    return tuning.apply(alert, events, ctx.config)


def fill_playbook(alert: Alert, events: list[Event], ctx: HuntContext) -> Alert:
    rules = _rules(alert, ctx)
    opener = next((r for r in rules if r.id == alert["rule"]), None)
    facts = briefing.context(alert, events, ctx.lambda_inventory)
    steps = briefing.lines(facts)
    steps += playbook.for_findings([f["kind"] for f in alert["findings"]])
    steps += alert["playbook"]
    if opener is not None and opener.playbook in playbook.playbooks():
        steps += [f"Investigation: {s}" for s in playbook.investigation(opener.playbook)]
    return {**alert, "playbook": steps, "context": facts}


def setup(ctx: HuntContext, opts: Any) -> None:
    """Register the alert finishers for this run (tuning needs the configuration)."""
    ctx.add_finisher("rescore", rescore)
    ctx.add_finisher("tune", tune)
    ctx.add_finisher("playbook", fill_playbook)
