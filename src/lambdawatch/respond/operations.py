"""Each step's AWS call and its inverse: one function per step kind, one per rollback.

An operation gets the clients and the step; it raises on failure. Each names the IAM action it
needs (``ACTIONS``/``UNDO_ACTIONS``) so a refusal says what to grant."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lambdawatch.respond.statements import add_permission_args

Clients = Callable[[str], Any]
Op = Callable[[Clients, str, dict[str, Any], Any], None]


def _fn(arn: str, params: dict[str, Any]) -> dict[str, Any]:
    kw: dict[str, Any] = {"FunctionName": arn.split(":function:")[1].split(":")[0]}
    if params.get("Qualifier"):
        kw["Qualifier"] = params["Qualifier"]
    return kw


def disable_mapping(c: Clients, arn: str, params: dict[str, Any], _v: Any) -> None:
    c("lambda").update_event_source_mapping(UUID=params["UUID"], Enabled=False)


def enable_mapping(c: Clients, arn: str, params: dict[str, Any], _v: Any) -> None:
    c("lambda").update_event_source_mapping(UUID=params["UUID"], Enabled=True)


def throttle(c: Clients, arn: str, params: dict[str, Any], _v: Any) -> None:
    c("lambda").put_function_concurrency(ReservedConcurrentExecutions=0, **_fn(arn, {}))


def unthrottle(c: Clients, arn: str, params: dict[str, Any], before: Any) -> None:
    value = (before or {}).get("ReservedConcurrentExecutions")
    if value is None:
        c("lambda").delete_function_concurrency(**_fn(arn, {}))
    else:
        c("lambda").put_function_concurrency(ReservedConcurrentExecutions=value, **_fn(arn, {}))


def url_to_iam(c: Clients, arn: str, params: dict[str, Any], _v: Any) -> None:
    c("lambda").update_function_url_config(AuthType="AWS_IAM", **_fn(arn, params))


def url_restore(c: Clients, arn: str, params: dict[str, Any], before: Any) -> None:
    c("lambda").update_function_url_config(AuthType=before["AuthType"], **_fn(arn, params))


def remove_statement(c: Clients, arn: str, params: dict[str, Any], _v: Any) -> None:
    c("lambda").remove_permission(StatementId=params["StatementId"], **_fn(arn, params))


def add_statement(c: Clients, arn: str, params: dict[str, Any], before: Any) -> None:
    c("lambda").add_permission(**_fn(arn, params), **add_permission_args(before))


def disable_rule(c: Clients, arn: str, params: dict[str, Any], _v: Any) -> None:
    c("events").disable_rule(Name=params["Name"], EventBusName=params["EventBusName"])


def enable_rule(c: Clients, arn: str, params: dict[str, Any], _v: Any) -> None:
    c("events").enable_rule(Name=params["Name"], EventBusName=params["EventBusName"])


_SCHEDULE_KEYS = (
    "Name",
    "GroupName",
    "ScheduleExpression",
    "FlexibleTimeWindow",
    "Target",
    "Description",
    "StartDate",
    "EndDate",
    "ScheduleExpressionTimezone",
    "KmsKeyArn",
    "ActionAfterCompletion",
)


def _set_schedule(c: Clients, params: dict[str, Any], state: str) -> None:
    """Scheduler has no enable/disable call: UpdateSchedule with every current field."""
    sched = c("scheduler")
    current = sched.get_schedule(Name=params["Name"], GroupName=params["GroupName"])
    kw = {k: current[k] for k in _SCHEDULE_KEYS if current.get(k) is not None}
    sched.update_schedule(**kw, State=state)


def disable_schedule(c: Clients, arn: str, params: dict[str, Any], _v: Any) -> None:
    _set_schedule(c, params, "DISABLED")


def enable_schedule(c: Clients, arn: str, params: dict[str, Any], before: Any) -> None:
    _set_schedule(c, params, before.get("State", "ENABLED"))


def tag(c: Clients, arn: str, params: dict[str, Any], after: Any) -> None:
    c("lambda").tag_resource(Resource=arn, Tags=after)


def untag(c: Clients, arn: str, params: dict[str, Any], before: Any) -> None:
    gone = [k for k, v in before.items() if v is None]
    back = {k: v for k, v in before.items() if v is not None}
    if gone:
        c("lambda").untag_resource(Resource=arn, TagKeys=gone)
    if back:
        c("lambda").tag_resource(Resource=arn, Tags=back)


# step -> (operation, the value it takes: "after" for the forward call)
FORWARD: dict[str, Op] = {
    "disable-mapping": disable_mapping,
    "throttle": throttle,
    "url-auth": url_to_iam,
    "remove-statement": remove_statement,
    "disable-rule": disable_rule,
    "disable-schedule": disable_schedule,
    "tag": tag,
}
UNDO: dict[str, Op] = {
    "disable-mapping": enable_mapping,
    "throttle": unthrottle,
    "url-auth": url_restore,
    "remove-statement": add_statement,
    "disable-rule": enable_rule,
    "disable-schedule": enable_schedule,
    "tag": untag,
}
ACTIONS = {
    "disable-mapping": "lambda:UpdateEventSourceMapping",
    "throttle": "lambda:PutFunctionConcurrency",
    "url-auth": "lambda:UpdateFunctionUrlConfig",
    "remove-statement": "lambda:RemovePermission",
    "disable-rule": "events:DisableRule",
    "disable-schedule": "scheduler:UpdateSchedule (and iam:PassRole on its role)",
    "tag": "lambda:TagResource",
}
UNDO_ACTIONS = {
    "disable-mapping": "lambda:UpdateEventSourceMapping",
    "throttle": "lambda:DeleteFunctionConcurrency / lambda:PutFunctionConcurrency",
    "url-auth": "lambda:UpdateFunctionUrlConfig",
    "remove-statement": "lambda:AddPermission",
    "disable-rule": "events:EnableRule",
    "disable-schedule": "scheduler:UpdateSchedule (and iam:PassRole on its role)",
    "tag": "lambda:UntagResource / lambda:TagResource",
}
