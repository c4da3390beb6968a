"""What invokes the functions of a region, read once per region (section B.2 of LIVE-AWS.md).

EventBridge rules on every bus with their targets, EventBridge Scheduler schedules, SNS
subscriptions, API Gateway REST methods and HTTP routes with their authorization. S3 bucket
notifications are read once per run (buckets are global) by :func:`s3_triggers`. Each trigger is
attached to the function its target ARN names, with the qualifier when the ARN has one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lambdawatch.audit.caller import Caller
from lambdawatch.audit.model import Trigger, split_function_arn
from lambdawatch.aws import Gap

_INVOCATION_URI = re.compile(r"functions/(arn:[^/]+)/invocations")
Found = tuple[list[Trigger], list[Gap]]


def _trigger(kind: str, source: str, target: str, **detail: Any) -> Trigger | None:
    parts = split_function_arn(target)
    if parts is None:
        return None
    return Trigger(kind, source, parts[2], parts[3], detail, parts[0])


def eventbridge(caller: Caller, region: str) -> Found:
    out: list[Trigger] = []
    buses, gap = caller.pages("events", region, "list_event_buses", "EventBuses")
    gaps = [gap] if gap else []
    names = [b["Name"] for b in buses if b.get("Name")] or ["default"]
    for bus in names:
        rules, gap = caller.pages("events", region, "list_rules", "Rules", bus, EventBusName=bus)
        gaps += [gap] if gap else []
        for rule in rules:
            targets, gap = caller.pages(
                "events",
                region,
                "list_targets_by_rule",
                "Targets",
                rule.get("Arn"),
                Rule=rule["Name"],
                EventBusName=bus,
            )
            gaps += [gap] if gap else []
            for t in targets:
                found = _trigger(
                    "eventbridge-rule",
                    str(rule.get("Arn") or rule["Name"]),
                    str(t.get("Arn") or ""),
                    rule=rule["Name"],
                    bus=bus,
                    state=rule.get("State"),
                    schedule=rule.get("ScheduleExpression"),
                    event_pattern=rule.get("EventPattern"),
                )
                out += [found] if found else []
    return out, gaps


def scheduler(caller: Caller, region: str) -> Found:
    out: list[Trigger] = []
    schedules, gap = caller.pages("scheduler", region, "list_schedules", "Schedules")
    gaps = [gap] if gap else []
    for s in schedules:
        got, gap = caller.call(
            "scheduler",
            region,
            "get_schedule",
            s.get("Arn"),
            Name=s["Name"],
            GroupName=s.get("GroupName") or "default",
        )
        gaps += [gap] if gap else []
        target = (got or {}).get("Target") or {}
        found = _trigger(
            "scheduler",
            str((got or s).get("Arn") or s["Name"]),
            str(target.get("Arn") or ""),
            schedule=(got or {}).get("ScheduleExpression"),
            state=(got or s).get("State"),
            group=s.get("GroupName"),
            role=target.get("RoleArn"),
        )
        out += [found] if found else []
    return out, gaps


def sns(caller: Caller, region: str) -> Found:
    subs, gap = caller.pages("sns", region, "list_subscriptions", "Subscriptions")
    out = [
        t
        for s in subs
        if s.get("Protocol") == "lambda"
        and (
            t := _trigger(
                "sns",
                str(s.get("TopicArn")),
                str(s.get("Endpoint") or ""),
                subscription=s.get("SubscriptionArn"),
            )
        )
    ]
    return out, [gap] if gap else []


def rest_apis(caller: Caller, region: str) -> Found:
    out: list[Trigger] = []
    apis, gap = caller.pages("apigateway", region, "get_rest_apis", "items")
    gaps = [gap] if gap else []
    for api in apis:
        resources, gap = caller.pages(
            "apigateway", region, "get_resources", "items", api["id"], restApiId=api["id"]
        )
        gaps += [gap] if gap else []
        for res in resources:
            for verb in res.get("resourceMethods") or {}:
                method, gap = caller.call(
                    "apigateway",
                    region,
                    "get_method",
                    f"{api['id']}{res.get('path')} {verb}",
                    restApiId=api["id"],
                    resourceId=res["id"],
                    httpMethod=verb,
                )
                gaps += [gap] if gap else []
                uri = str(((method or {}).get("methodIntegration") or {}).get("uri") or "")
                if m := _INVOCATION_URI.search(uri):
                    found = _trigger(
                        "apigateway-rest",
                        api["id"],
                        m.group(1),
                        api=api.get("name"),
                        path=res.get("path"),
                        http_method=verb,
                        authorization=(method or {}).get("authorizationType"),
                        api_key_required=bool((method or {}).get("apiKeyRequired")),
                    )
                    out += [found] if found else []
    return out, gaps


def http_apis(caller: Caller, region: str) -> Found:
    out: list[Trigger] = []
    apis, gap = caller.pages("apigatewayv2", region, "get_apis", "Items")
    gaps = [gap] if gap else []
    for api in apis:
        integrations, gap = caller.pages(
            "apigatewayv2", region, "get_integrations", "Items", api["ApiId"], ApiId=api["ApiId"]
        )
        gaps += [gap] if gap else []
        routes, gap = caller.pages(
            "apigatewayv2", region, "get_routes", "Items", api["ApiId"], ApiId=api["ApiId"]
        )
        gaps += [gap] if gap else []
        by_target = {f"integrations/{i['IntegrationId']}": i for i in integrations}
        for route in routes:
            integration = by_target.get(str(route.get("Target")))
            uri = str((integration or {}).get("IntegrationUri") or "")
            m = _INVOCATION_URI.search(uri)
            found = _trigger(
                "apigateway-http",
                api["ApiId"],
                m.group(1) if m else uri,
                api=api.get("Name"),
                route=route.get("RouteKey"),
                authorization=route.get("AuthorizationType") or "NONE",
                api_key_required=bool(route.get("ApiKeyRequired")),
            )
            out += [found] if found else []
    return out, gaps


REGIONAL: dict[str, Callable[[Caller, str], Found]] = {
    "eventbridge": eventbridge,
    "scheduler": scheduler,
    "sns": sns,
    "apigateway-rest": rest_apis,
    "apigateway-http": http_apis,
}


def s3_triggers(caller: Caller, region: str) -> Found:
    """Bucket notifications to functions, every bucket (once per run; ARNs carry the region)."""
    buckets, gap = caller.pages("s3", region, "list_buckets", "Buckets")
    gaps = [gap] if gap else []
    out: list[Trigger] = []
    for b in buckets:
        got, gap = caller.call(
            "s3", region, "get_bucket_notification_configuration", b["Name"], Bucket=b["Name"]
        )
        gaps += [gap] if gap else []
        for c in (got or {}).get("LambdaFunctionConfigurations") or []:
            rules = ((c.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
            found = _trigger(
                "s3",
                f"arn:aws:s3:::{b['Name']}",
                str(c.get("LambdaFunctionArn")),
                bucket=b["Name"],
                events=list(c.get("Events") or []),
                filter_rules=rules,
                notification_id=c.get("Id"),
            )
            out += [found] if found else []
    return out, gaps
