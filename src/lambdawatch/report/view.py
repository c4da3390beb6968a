"""The report's view model: alerts and their records turned into what the template shows.

Everything here is masked (:mod:`.masking`) but not escaped: escaping is the template's job
(autoescape), so a value is never escaped twice nor forgotten.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from lambdawatch.report import charts
from lambdawatch.report.masking import mask_tree

_ACCOUNT = re.compile(r"(?<!\d)(\d{12})(?!\d)")
_CONFIG_EVENTS = ("CreateFunction", "UpdateFunctionConfiguration")


def _base(name: str) -> str:
    return re.sub(r"\d{8}(v\d+)?$", "", name)


def timeline(alert: dict[str, Any], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for r in records:
        found = r.get("userIdentity")
        ident: dict[str, Any] = found if isinstance(found, dict) else {}
        rows.append(
            {
                "time": str(r.get("eventTime", "")),
                "event": str(r.get("eventName", "")),
                "principal": str(ident.get("arn") or ident.get("principalId") or "-"),
                "ip": str(r.get("sourceIPAddress") or "-"),
                "user_agent": str(r.get("userAgent") or "-"),
                "event_id": str(r.get("eventID") or ""),
                "error": str(r.get("errorCode") or ""),
                "request": mask_tree(
                    {k: r[k] for k in ("requestParameters", "responseElements") if r.get(k)}
                ),
            }
        )
    if not rows:  # the state lost the records: fall back on what the alert itself lists
        rows = [
            {
                "time": c.get("time", ""),
                "event": c.get("event_name", ""),
                "principal": c.get("principal", "-"),
                "ip": "-",
                "user_agent": "-",
                "event_id": c.get("event_id", ""),
                "error": "",
                "request": None,
            }
            for c in alert.get("changes") or []
        ]
    rows.sort(key=lambda row: (row["time"], row["event_id"]))
    return rows


def diffs(alert: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for change in alert.get("changes") or []:
        fields = [
            {"field": k, "before": v.get("before"), "after": v.get("after")}
            for k, v in sorted((change.get("changes") or {}).items())
            if isinstance(v, dict)
        ]
        out.append(
            {
                "time": change.get("time", ""),
                "event": change.get("event_name", ""),
                "principal": change.get("principal", ""),
                "fields": mask_tree(fields),
            }
        )
    return out


def latest_configuration(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The last CreateFunction/UpdateFunctionConfiguration request (description, env keys...)."""
    found = None
    for r in sorted(records, key=lambda x: str(x.get("eventTime", ""))):
        if _base(str(r.get("eventName", ""))) in _CONFIG_EVENTS and isinstance(
            r.get("requestParameters"), dict
        ):
            found = r["requestParameters"]
    return mask_tree(found) if found is not None else None


def trigger_labels(alert: dict[str, Any]) -> list[str]:
    """The alert's triggers: its context, plus those its changes added (schedules with their
    expression when a finding gives it), each once."""
    labels = [str(t) for t in (alert.get("context") or {}).get("triggers") or []]
    schedules = {
        str(f["evidence"].get("rule")): str(f["evidence"].get("schedule"))
        for f in alert.get("findings") or []
        if f.get("kind") == "high-frequency-schedule" and isinstance(f.get("evidence"), dict)
    }
    for change in alert.get("changes") or []:
        after = ((change.get("changes") or {}).get("triggers") or {}).get("after") or []
        for t in after if isinstance(after, list) else []:
            text = str(t)
            name = text.split(":", 1)[1] if ":" in text else text
            if name in schedules:
                text = f"{text} {schedules[name]}"
            if not any(name in known for known in labels):
                labels.append(text)
    return labels


def triggers(alert: dict[str, Any]) -> list[dict[str, Any]]:
    labels = []
    for text in trigger_labels(alert):
        foreign = any(a != alert.get("account") for a in _ACCOUNT.findall(text))
        public = "auth NONE" in text or text.startswith("permission: * ")
        labels.append((text, public or foreign))
    nodes = charts.trigger_star(labels)
    return [{"x": n.x, "y": n.y, "label": n.label, "risky": n.risky} for n in nodes]


def alert_view(
    alert: dict[str, Any],
    records: list[dict[str, Any]],
    logs: dict[str, Any] | None,
    code: list[dict[str, Any]],
) -> dict[str, Any]:
    masked = mask_tree(alert)
    rows = timeline(alert, records)
    strip = charts.event_strip(
        [(r["time"], f"{r['time']} {r['event']}", bool(r["error"])) for r in rows]
    )
    series = None
    if logs and logs.get("series"):
        values = [float(p.get("invocations", 0)) for p in logs["series"]]
        series = {
            "points": charts.series_points(values),
            "max": max(values, default=0),
            "start": logs["series"][0].get("hour", ""),
            "end": logs["series"][-1].get("hour", ""),
        }
    return {
        "a": masked,
        "timeline": rows,
        "strip": strip,
        "diffs": diffs(alert),
        "config": latest_configuration(records),
        "triggers": triggers(alert),
        "logs": mask_tree(logs) if logs else None,
        "series": series,
        "code": mask_tree(code),
    }


def _record(item: Any) -> dict[str, Any]:
    """A raw CloudTrail record, whether given as a dict or as a store Event (``raw``/``record``)."""
    if isinstance(item, dict):
        return item
    raw = getattr(item, "raw", None)
    if raw is None:
        raw = getattr(item, "record", None)
    return raw if isinstance(raw, dict) else {}


def build(
    alerts: list[dict[str, Any]], events_by_alert: dict[str, list[Any]], meta: dict[str, Any]
) -> dict[str, Any]:
    logs_by_fn = {str(r.get("function")): r for r in meta.get("logs") or []}
    code_by_fn: dict[str, list[dict[str, Any]]] = meta.get("code_findings") or {}
    severities = Counter(str(a.get("severity")) for a in alerts)
    views = [
        alert_view(
            a,
            [_record(e) for e in events_by_alert.get(a["id"], [])],
            logs_by_fn.get(a["function"]),
            list(a.get("code_findings") or []) + code_by_fn.get(a["function"], []),
        )
        for a in sorted(alerts, key=lambda x: (-int(x.get("risk", 0)), x["id"]))
    ]
    return {
        "case": str(meta.get("case") or "lambdawatch case"),
        "generated_at": str(meta.get("generated_at") or ""),
        "version": str(meta.get("version") or ""),
        "command": str(meta.get("command") or ""),
        "accounts": sorted({str(a.get("account")) for a in alerts}),
        "regions": sorted({str(a.get("region")) for a in alerts}),
        "functions": sorted({str(a.get("function")) for a in alerts}),
        "counts": {s: severities.get(s, 0) for s in charts.SEVERITIES},
        "bars": charts.severity_bars(dict(severities)),
        "suppressed": sum(1 for a in alerts if a.get("suppressed")),
        "contained": bool(meta.get("contained"))
        or any(c.get("contained") for c in meta.get("responses") or []),
        "responses": list(meta.get("responses") or []),
        "alerts": views,
    }
