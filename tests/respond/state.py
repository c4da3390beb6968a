"""The live state containment touches, read the same way before and after."""

from __future__ import annotations

import json
from typing import Any

from tests.respond.scenario import NAME


def live_state(client: Any) -> dict[str, Any]:
    lam, events, sched = client("lambda"), client("events"), client("scheduler")
    out: dict[str, Any] = {"policies": {}, "urls": {}}
    for q in ("", "1", "2", "live"):
        kw = {"Qualifier": q} if q else {}
        try:
            stmts = json.loads(lam.get_policy(FunctionName=NAME, **kw)["Policy"])["Statement"]
            out["policies"][q or "$LATEST"] = sorted(stmts, key=lambda s: s["Sid"])
        except lam.exceptions.ResourceNotFoundException:
            out["policies"][q or "$LATEST"] = []
        try:
            out["urls"][q or "$LATEST"] = lam.get_function_url_config(FunctionName=NAME, **kw)[
                "AuthType"
            ]
        except lam.exceptions.ResourceNotFoundException:
            pass
    conc = lam.get_function_concurrency(FunctionName=NAME)
    out["concurrency"] = conc.get("ReservedConcurrentExecutions")
    out["mappings"] = sorted(
        m["State"] for m in lam.list_event_source_mappings(FunctionName=NAME)["EventSourceMappings"]
    )
    fn_arn = lam.get_function(FunctionName=NAME)["Configuration"]["FunctionArn"]
    out["tags"] = lam.list_tags(Resource=fn_arn)["Tags"]
    out["rule"] = events.describe_rule(Name="payments-every-minute")["State"]
    out["schedule"] = sched.get_schedule(Name="beacon")["State"]
    return out
