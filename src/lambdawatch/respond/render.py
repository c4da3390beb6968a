"""The plan as a runbook a responder can follow (text) or as a list of steps (JSON).

Every string that came from AWS can be attacker-controlled: text output passes it through
:func:`lambdawatch.textsafe.safe_text`. Nothing printed holds a secret: configurations and code
stay in the evidence store, and printed values are the few fields each step changes."""

from __future__ import annotations

import json
import shlex
from typing import Any

from lambdawatch.respond.model import Step
from lambdawatch.respond.run import Outcome
from lambdawatch.textsafe import safe_text as s

_MARK = {
    "planned": "[ ]",
    "done": "[x]",
    "unchanged": "[=]",
    "optional": "[?]",
    "failed": "[!]",
    "not-run": "[-]",
}


def _cli(step: Step, region: str) -> str:
    """The equivalent AWS CLI command, for a responder working by hand."""
    p, fn = step.params, step.target.split(" ", 1)[0]
    base = fn.split(":function:")[-1].split(":")[0] if ":function:" in fn else fn
    q = f" --qualifier {shlex.quote(p['Qualifier'])}" if p.get("Qualifier") else ""
    r = f" --region {region}"
    if step.step == "disable-mapping":
        return f"aws lambda update-event-source-mapping --uuid {p['UUID']} --no-enabled{r}"
    if step.step == "throttle":
        return (
            f"aws lambda put-function-concurrency --function-name {shlex.quote(base)} "
            f"--reserved-concurrent-executions 0{r}"
        )
    if step.step == "url-auth":
        return (
            f"aws lambda update-function-url-config --function-name {shlex.quote(base)}{q} "
            f"--auth-type AWS_IAM{r}"
        )
    if step.step == "remove-statement":
        return (
            f"aws lambda remove-permission --function-name {shlex.quote(base)}{q} "
            f"--statement-id {shlex.quote(p['StatementId'])}{r}"
        )
    if step.step == "disable-rule":
        return (
            f"aws events disable-rule --name {shlex.quote(p['Name'])} "
            f"--event-bus-name {shlex.quote(p['EventBusName'])}{r}"
        )
    if step.step == "disable-schedule":
        return (
            f"aws scheduler get-schedule --name {shlex.quote(p['Name'])} --group-name "
            f"{shlex.quote(p['GroupName'])}{r}  # then update-schedule with --state DISABLED"
        )
    tags = ",".join(f"{k}={v}" for k, v in (step.after or {}).items())
    return f"aws lambda tag-resource --resource {shlex.quote(fn)} --tags {shlex.quote(tags)}{r}"


def _change(step: Step) -> str:
    if step.step == "remove-statement":
        return "statement removed (full JSON kept in actions.jsonl for rollback)"
    return f"{_short(step.before)} -> {_short(step.after)}"


def _short(value: Any) -> str:
    if isinstance(value, dict) and len(value) == 1:
        only = next(iter(value.values()))
        return "unset" if only is None else str(only)
    return json.dumps(value, sort_keys=True, default=str)


def text(out: Outcome) -> str:
    t, m = out.target, out.manifest
    lines = [f"lambdawatch respond: {s(t.name)} ({t.account}/{t.region})  case {s(out.case)}"]
    state = (
        "verified"
        if out.verification.ok
        else "NOT VERIFIED: " + "; ".join(s(p) for p in out.verification.problems[:5])
    )
    lines.append(
        f"1. Preserve  {s(out.location)}: {len(m.get('artifacts', []))} artifacts, "
        f"{len(m.get('gaps', []))} gaps, manifest {state}"
        + ("  (already preserved; not collected again)" if out.reused else "")
    )
    for gap in m.get("gaps", []):
        lines.append(f"     gap: {s(gap['what'])} ({s(gap['api'])}): {s(gap['error'])}")
    for note in out.notes:
        lines.append(f"     note: {s(note)}")
    mode = (
        "applied"
        if out.applied
        else "PLAN ONLY, nothing changed; run again with --apply to contain"
    )
    lines.append(f"2. Contain ({mode}):")
    for i, step in enumerate(out.plan.steps, 1):
        num = f"{i}."
        lines.append(
            f"   {_MARK.get(step.status, '[ ]')} {num:<3} {step.step:<17} {s(step.target)}"
        )
        lines.append(f"          {s(_change(step))}   [{step.status}]")
        if step.status != "unchanged":
            lines.append(f"          why: {s(step.why)}")
        if step.status in ("planned", "optional", "failed", "not-run"):
            lines.append(f"          by hand: {s(_cli(step, t.region))}")
        if step.error:
            lines.append(f"          error: {s(step.error)}")
    for q, sid, why in out.plan.kept:
        lines.append(f"   kept: statement {s(sid)} on {s(q)}: {s(why)}")
    for note in out.plan.notes:
        lines.append(f"   note: {s(note)}")
    if any(st.status == "optional" for st in out.plan.steps):
        lines.append("   [?] optional steps run with --apply --disable-triggers")
    lines.extend(_summary(out))
    return "\n".join(lines) + "\n"


def _summary(out: Outcome) -> list[str]:
    steps = out.plan.steps
    done = [st for st in steps if st.status == "done"]
    lines = []
    if out.applied:
        if out.failed is not None:
            undone = [st for st in steps if st.status in ("failed", "not-run")]
            lines.append(
                f"STOPPED: {len(done)} step(s) done, {len(undone)} not done. "
                f"Undo the done steps: lambdawatch respond rollback "
                f"{s(out.location)}"
            )
        elif not done:
            lines.append("Nothing to change: the function is already contained.")
        else:
            lines.append(
                f"Contained: {len(done)} step(s) done, recorded in {s(out.location)}/actions.jsonl"
            )
    lines.append(
        "3. Not automated (eradication, after approval): roll the alias back to a "
        "known-good version; remove triggers at their source (S3, SNS, EventBridge, "
        "Scheduler, API Gateway); delete malicious layers and the function; rotate "
        "secrets found in its environment; revoke the role's sessions."
    )
    lines.append(f"Undo containment: lambdawatch respond rollback {s(out.location)}")
    return lines


def as_json(out: Outcome) -> str:
    """The plan (or the applied run) as a list of steps."""
    rows = [{**st.record(), "why": st.why} for st in out.plan.steps]
    return json.dumps(rows, indent=2, sort_keys=True, default=str) + "\n"
