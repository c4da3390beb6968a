"""Per-function history reconstructed from the stream: role, runtime, layers, URL auth and CORS,
resource-policy statements, triggers, code signing; each change recorded as before/after.

Functions are keyed like the throttle, (account, region, name). Trigger bookkeeping that links a
record naming no function to the function it leads to lives here too: EventBridge rules (their
schedule, pattern and Lambda targets) and API Gateway methods (authorization and integration).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from lambdawatch.analyze.http_apis import HttpApiBook
from lambdawatch.ingest.normalize import Event, bare_function_name, get, iso, lambda_arns_in

FnKey = tuple[str, str, str]
TRACKED = (
    "role",
    "runtime",
    "handler",
    "layers",
    "package_type",
    "code",
    "url_auth",
    "url_cors",
    "policy",
    "triggers",
    "code_signing",
    "deleted",
)


@dataclass
class FunctionState:
    key: FnKey
    fields: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        return self.fields.get(name)


def _layer_arns(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [str(v.get("arn")) if isinstance(v, dict) else str(v) for v in value]


def _statement(record: dict[str, Any]) -> dict[str, Any]:
    req = record.get("requestParameters") or {}
    stmt = {
        k: req.get(k)
        for k in (
            "principal",
            "action",
            "sourceArn",
            "sourceAccount",
            "principalOrgID",
            "functionUrlAuthType",
        )
        if req.get(k)
    }
    return stmt


def _trigger_of(event: Event) -> str | None:
    req = event.record.get("requestParameters") or {}
    if not isinstance(req, dict):
        return None
    src, name = event.event_source, event.base_name
    if name in ("CreateEventSourceMapping", "UpdateEventSourceMapping"):
        arn = req.get("eventSourceArn") or get(event.record, "responseElements.eventSourceArn")
        return f"event-source-mapping:{arn or req.get('selfManagedEventSource') or req.get('uUID')}"
    if src == "events.amazonaws.com" and name == "PutTargets":
        return f"eventbridge-rule:{req.get('rule') or req.get('Rule')}"
    if src == "s3.amazonaws.com":
        return f"s3-bucket:{req.get('bucketName')}"
    if src == "apigateway.amazonaws.com":
        api = req.get("restApiId") or req.get("apiId")
        return f"api-gateway:{api}"
    if src == "sns.amazonaws.com":
        return f"sns-topic:{req.get('topicArn')}"
    return None


class FunctionHistory:
    """Observer: function state in event-time order, plus the diff each event made."""

    def __init__(self) -> None:
        self.functions: dict[FnKey, FunctionState] = {}
        self.diffs: dict[str, dict[str, Any]] = {}  # event_id -> what changed
        # EventBridge: (account, region, rule) -> {schedule, pattern, targets}
        self.event_rules: dict[tuple[str, str, str], dict[str, Any]] = {}
        # API Gateway REST: (account, region, api, resource, method) -> {auth, function}
        self.methods: dict[tuple[str, str, str, str, str], dict[str, Any]] = {}
        # API Gateway v2 (HTTP): integrations and routes (quick create, open routes)
        self.http_apis = HttpApiBook()

    def function(self, key: FnKey) -> FunctionState | None:
        return self.functions.get(key)

    def find(self, account: str, name: str) -> list[FunctionState]:
        return [f for k, f in self.functions.items() if k[0] == account and k[2] == name]

    def by_role(self, account: str, role_arn: str) -> list[FunctionState]:
        return [
            f for k, f in self.functions.items() if k[0] == account and f.get("role") == role_arn
        ]

    # -- observe -----------------------------------------------------------------------------
    def observe(self, event: Event) -> None:
        if not event.success:
            return
        self._observe_triggers(event)
        if not event.function:
            return
        updates = self._updates(event)
        if not updates:
            return
        key = (event.account, event.region, event.function)
        fn = self.functions.setdefault(key, FunctionState(key))
        changes: dict[str, Any] = {}
        for name, value in updates.items():
            before = fn.fields.get(name)
            if before != value:
                changes[name] = {"before": before, "after": value}
                fn.fields[name] = value
        if changes:
            self.diffs[event.event_id] = {
                "time": iso(event.time),
                "event_id": event.event_id,
                "event_name": event.event_name,
                "principal": event.principal_arn,
                "changes": changes,
            }

    def _updates(self, event: Event) -> dict[str, Any]:
        rec = event.record
        raw_req = rec.get("requestParameters")
        req: dict[str, Any] = raw_req if isinstance(raw_req, dict) else {}
        name = event.base_name
        out: dict[str, Any] = {}
        if name in ("CreateFunction", "UpdateFunctionConfiguration"):
            for src, dst in (
                ("role", "role"),
                ("runtime", "runtime"),
                ("handler", "handler"),
                ("packageType", "package_type"),
            ):
                if req.get(src) is not None:
                    out[dst] = req[src]
            if "layers" in req:
                out["layers"] = _layer_arns(req.get("layers")) or []
            if name == "CreateFunction":
                out["deleted"] = None
                out.setdefault("layers", [])
                out["code"] = _code(req.get("code") or {})
        elif name == "UpdateFunctionCode":
            out["code"] = _code(req)
        elif name in ("CreateFunctionUrlConfig", "UpdateFunctionUrlConfig"):
            if req.get("authType"):
                out["url_auth"] = req["authType"]
            if "cors" in req:
                out["url_cors"] = get(req, "cors.allowOrigins") or []
        elif name == "DeleteFunctionUrlConfig":
            out["url_auth"] = None
            out["url_cors"] = None
        elif name in ("AddPermission", "RemovePermission"):
            fn = self.functions.get((event.account, event.region, event.function or ""))
            policy = dict((fn.get("policy") if fn else None) or {})
            sid = str(req.get("statementId"))
            if name == "AddPermission":
                policy[sid] = _statement(rec)
            else:
                policy.pop(sid, None)
            out["policy"] = policy
        elif name in ("PutFunctionCodeSigningConfig", "DeleteFunctionCodeSigningConfig"):
            out["code_signing"] = (
                req.get("codeSigningConfigArn") if name.startswith("Put") else None
            )
        elif name == "DeleteFunction":
            out["deleted"] = True
        trigger = _trigger_of(event)
        if trigger is not None:
            fn = self.functions.get((event.account, event.region, event.function or ""))
            triggers = list((fn.get("triggers") if fn else None) or [])
            if trigger not in triggers:
                out["triggers"] = triggers + [trigger]
        return out

    def _observe_triggers(self, event: Event) -> None:
        req = event.record.get("requestParameters")
        if not isinstance(req, dict):
            return
        acct, region = event.account, event.region
        if event.event_source == "events.amazonaws.com":
            if event.base_name == "PutRule" and isinstance(req.get("name"), str):
                rule = self.event_rules.setdefault((acct, region, req["name"]), {"targets": []})
                rule["schedule"] = req.get("scheduleExpression")
                rule["pattern"] = req.get("eventPattern")
            elif event.base_name == "PutTargets":
                name = req.get("rule") or req.get("Rule")
                if isinstance(name, str):
                    rule = self.event_rules.setdefault((acct, region, name), {"targets": []})
                    for arn in lambda_arns_in(req.get("targets") or req.get("Targets")):
                        if arn not in rule["targets"]:
                            rule["targets"].append(arn)
        elif event.event_source == "apigateway.amazonaws.com":
            self.http_apis.observe(event)
            ids = (req.get("restApiId"), req.get("resourceId"), req.get("httpMethod"))
            if not all(isinstance(i, str) for i in ids):
                return
            method = self.methods.setdefault((acct, region, *ids), {})  # type: ignore[arg-type]
            if event.base_name == "PutMethod":
                method["auth"] = get(req, "putMethodInput.authorizationType") or req.get(
                    "authorizationType"
                )
            elif event.base_name == "PutIntegration" and event.function_arn:
                method["function"] = event.function_arn

    # -- questions for rules and attachers ---------------------------------------------------
    def rule_function(self, account: str, region: str, rule: str) -> str | None:
        targets = self.event_rules.get((account, region, rule), {}).get("targets") or []
        return targets[0] if targets else None

    def method_of(self, account: str, region: str, req: dict[str, Any]) -> dict[str, Any]:
        ids = (req.get("restApiId"), req.get("resourceId"), req.get("httpMethod"))
        return self.methods.get((account, region, *ids), {})  # type: ignore[arg-type]

    def changes_for(self, events: list[Event]) -> list[dict[str, Any]]:
        return [self.diffs[e.event_id] for e in events if e.event_id in self.diffs]


def _code(req: dict[str, Any]) -> str:
    if req.get("imageUri"):
        return f"image:{req['imageUri']}"
    if req.get("s3Bucket"):
        return f"s3://{req['s3Bucket']}/{req.get('s3Key') or ''}"
    return "zip upload"


def key_for_arn(arn: str, account: str, region: str) -> FnKey | None:
    name = bare_function_name(arn)
    if not name:
        return None
    parts = arn.split(":")
    return (account, parts[3] if len(parts) > 3 and parts[3] else region, name)


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()
