"""OCSF Detection Finding (class 2004, OCSF 1.5.0) for each alert: ``--format ocsf``.

One JSON object per line. The alert id is ``finding_info.uid``; findings become ``evidences``
(their evidence is already masked); risk and its explanation go to ``risk_score`` and
``risk_details``; the playbook to ``remediation``; what OCSF has no place for (suppression,
change ticket, principals) to ``unmapped.lambdawatch``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TextIO

import orjson

from lambdawatch import __version__
from lambdawatch.severity import OCSF_SEVERITY_ID, OCSF_SEVERITY_NAME

OCSF_VERSION = "1.5.0"
CLASS_UID = 2004
CATEGORY_UID = 2
ACTIVITY_CREATE = 1
SEVERITY_ID = OCSF_SEVERITY_ID
SEVERITY_NAME = OCSF_SEVERITY_NAME
RISK_LEVELS = [
    (80, 4, "Critical"),
    (60, 3, "High"),
    (40, 2, "Medium"),
    (20, 1, "Low"),
    (0, 0, "Info"),
]
TACTIC_NAMES = {
    "TA0002": "Execution",
    "TA0003": "Persistence",
    "TA0004": "Privilege Escalation",
    "TA0005": "Defense Evasion",
    "TA0006": "Credential Access",
    "TA0010": "Exfiltration",
}


def _ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def _risk_level(risk: int) -> tuple[int, str]:
    return next((i, name) for floor, i, name in RISK_LEVELS if risk >= floor)


def to_ocsf(alert: dict[str, Any]) -> dict[str, Any]:
    level_id, level = _risk_level(alert["risk"])
    first, last = _ms(alert["first_seen"]), _ms(alert["last_seen"])
    attacks = [
        {"technique": {"uid": t, "name": t}, "version": "v15"} for t in alert.get("mitre", [])
    ]
    attacks += [
        {"tactic": {"uid": t, "name": TACTIC_NAMES.get(t, t)}, "version": "v15"}
        for t in alert.get("tactics", [])
    ]
    return {
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Detection Finding: Create",
        "time": last,
        "start_time": first,
        "end_time": last,
        "count": alert["event_count"],
        "severity_id": SEVERITY_ID[alert["severity"]],
        "severity": SEVERITY_NAME[alert["severity"]],
        "status_id": 3 if alert["suppressed"] else 1,
        "status": "Suppressed" if alert["suppressed"] else "New",
        "status_detail": alert["suppression_reason"],
        "message": alert["title"],
        "metadata": {
            "version": OCSF_VERSION,
            "product": {
                "name": "lambdawatch",
                "vendor_name": "lambdawatch",
                "version": __version__,
            },
            "event_code": alert["rule"],
            "uid": alert["id"],
        },
        "finding_info": {
            "uid": alert["id"],
            "title": alert["title"],
            "desc": "; ".join(f["title"] for f in alert["findings"]) or alert["title"],
            "first_seen_time": first,
            "last_seen_time": last,
            "types": list(dict.fromkeys(f["kind"] for f in alert["findings"])),
            "analytic": {"uid": alert["rule"], "name": alert["rule"], "type_id": 1, "type": "Rule"},
            "attacks": attacks or None,
            "data_sources": ["AWS CloudTrail"],
        },
        "cloud": {
            "provider": "AWS",
            "region": alert["region"],
            "account": {
                "uid": alert["account"],
                "name": alert["account"],
                "type_id": 10,
                "type": "AWS Account",
            },
        },
        "resources": [
            {
                "type": "AWS::Lambda::Function",
                "uid": alert["function_arn"],
                "name": alert["function"],
                "region": alert["region"],
                "cloud_partition": "aws",
            }
        ],
        "risk_score": alert["risk"],
        "risk_level_id": level_id,
        "risk_level": level,
        "risk_details": "; ".join(alert.get("risk_explanation") or []),
        "remediation": {"desc": "\n".join(alert["playbook"])},
        "evidences": [
            {
                "name": f["kind"],
                "data": {
                    "code": f["code"],
                    "severity": f["severity"],
                    "title": f["title"],
                    "evidence": f["evidence"],
                },
            }
            for f in alert["findings"]
        ]
        or None,
        "unmapped": {
            "lambdawatch": {
                "suppressed": alert["suppressed"],
                "suppression_reason": alert["suppression_reason"],
                "change_ticket": alert.get("change_ticket"),
                "environment": alert.get("environment"),
                "principals": alert["principals"],
                "source_ips": alert["source_ips"],
                "user_agents": alert["user_agents"],
                "event_ids": alert["event_ids"],
                "event_names": alert["event_names"],
                "rules": alert["rules"],
            }
        },
    }


def write_ocsf(alerts: list[dict[str, Any]], out: TextIO) -> None:
    for a in alerts:
        out.write(orjson.dumps(to_ocsf(a)).decode() + "\n")
