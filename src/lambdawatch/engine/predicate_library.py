"""Built-in predicates referenced by the shipped rule files (see :mod:`engine.predicates`).

Plain predicates read only the record. Context predicates (``context=True``) also read the hunt
context: the configuration (known and trusted accounts) and the stream state registered by
the stream state (``ctx.state.roles``, ``ctx.state.functions``). None has a SQL form.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from lambdawatch.analyze.http_apis import (
    HttpApiBook,
    http_integration_of,
    http_route_of,
    quick_create_target,
)
from lambdawatch.analyze.triggers import s3_entries, s3_functions, wildcard_entries_for
from lambdawatch.engine.predicates import predicate
from lambdawatch.ingest.normalize import account_of, get, parse_time
from lambdawatch.layer_publishers import foreign_layer

Record = dict[str, Any]

# CreateRole -> admin grant -> function with that role, all by one principal, within this span.
CHAIN_WINDOW = timedelta(hours=1)
_RATE = re.compile(r"^rate\(\s*(\d+)\s+(second|seconds|minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\(\s*(\S+)\s")
_ACCOUNT_PRINCIPAL = re.compile(r"^(?:(\d{12})|arn:[\w-]+:iam::(\d{12}):(?:root|user/.+|role/.+))$")


# -- record-only ------------------------------------------------------------------------------
def is_high_frequency(expression: Any) -> bool:
    """rate(N minutes) with N <= 5 (or any seconds rate), or a cron whose minutes field fires
    every minute (``*``) or every N <= 5 minutes (``*/N``, ``0/N``)."""
    if not isinstance(expression, str):
        return False
    text = expression.strip()
    if m := _RATE.match(text):
        n, unit = int(m.group(1)), m.group(2)
        return unit.startswith("second") or (unit.startswith("minute") and n <= 5)
    if m := _CRON.match(text):
        minutes = m.group(1)
        if minutes == "*":
            return True
        step = re.match(r"^(?:\*|\d+)/(\d+)$", minutes)
        return step is not None and int(step.group(1)) <= 5
    return False


@predicate("high-frequency-schedule")
def _high_frequency_schedule(record: Record) -> bool:
    return is_high_frequency(get(record, "requestParameters.scheduleExpression"))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def wildcard_s3_configs(record: Record) -> list[dict[str, Any]]:
    """Lambda notification entries with no prefix/suffix filter or selecting a whole event
    family, each judged on its own and naming the function it targets."""
    return [e.to_dict() for e in s3_entries(record) if e.wildcard]


@predicate("wildcard-s3-trigger", context=True)  # context: its evidence joins the finding's
def _wildcard_s3_trigger(record: Record, ctx: Any = None) -> bool | dict[str, Any]:
    """A wildcard entry targeting the function this record is attributed to (the first one it
    names, as normalization attributes it): another function's wildcard entry never marks it."""
    targets = s3_functions(record)
    mine = wildcard_entries_for(record, targets[0]) if targets else []
    if not mine:
        return False
    return {"function": targets[0], "entries": [e.to_dict() for e in mine]}


@predicate("lambda-execution-session")
def _lambda_execution_session(record: Record) -> bool:
    """Caller is an assumed-role session made by Lambda: an SDK user agent carrying
    ``AWS_Lambda_`` (the exec-env Lambda sets) or ``invokedBy`` lambda.amazonaws.com."""
    ident = record.get("userIdentity")
    if not isinstance(ident, dict) or ident.get("type") != "AssumedRole":
        return False
    agent = record.get("userAgent")
    return (isinstance(agent, str) and "AWS_Lambda_" in agent) or (
        ident.get("invokedBy") == "lambda.amazonaws.com"
    )


def _extra(ctx: Any, name: str) -> Any:
    """A piece of the hunt's stream state (``roles``, ``functions``), or None outside a hunt."""
    state = getattr(ctx, "state", None)
    return getattr(state, name, None) if state is not None else None


def _place(record: Record) -> tuple[str, str]:
    """(account, region) of a record, as the state keys them."""
    return account_of(record), str(record.get("awsRegion") or "unknown")


# -- context: configuration -------------------------------------------------------------------
def _config(ctx: Any) -> Any:
    return getattr(ctx, "config", None)


def _mine(account: str | None, record: Record, ctx: Any) -> bool:
    config = _config(ctx)
    known = set(config.accounts.known) if config is not None else set()
    return account in known or account == account_of(record)


@predicate("foreign-account-principal", context=True)
def _foreign_account_principal(record: Record, ctx: Any) -> bool | dict[str, Any]:
    principal = get(record, "requestParameters.principal")
    m = _ACCOUNT_PRINCIPAL.match(principal) if isinstance(principal, str) else None
    if m is None:
        return False
    account = m.group(1) or m.group(2)
    return False if _mine(account, record, ctx) else {"principal_account": account}


def foreign_layers(record: Record, ctx: Any) -> list[dict[str, Any]]:
    """Layers of the request whose publisher is foreign (see :mod:`lambdawatch.layer_publishers`)."""
    config = _config(ctx)
    trusted = set(config.layers.trusted_accounts) if config is not None else set()
    own = (set(config.accounts.known) if config is not None else set()) | {account_of(record)}
    out = []
    for layer in _as_list(get(record, "requestParameters.layers")):
        arn = layer.get("arn") if isinstance(layer, dict) else layer
        ref = foreign_layer(arn, own, trusted)
        if ref is not None:
            out.append({"layer": arn, "publisher_account": ref.account})
    return out


@predicate("foreign-layer", context=True)
def _foreign_layer(record: Record, ctx: Any) -> bool | dict[str, Any]:
    found = foreign_layers(record, ctx)
    return {"foreign_layers": found} if found else False


# -- context: stream state --------------------------------------------------------------------
def _assessment(record: Record, ctx: Any) -> tuple[str, Any] | None:
    roles = _extra(ctx, "roles")
    role = get(record, "requestParameters.role")
    if roles is None or not isinstance(role, str):
        return None
    found = roles.assess(role, account_of(record))
    return (role, found) if found is not None else None


@predicate("admin-role", context=True)
def _admin_role(record: Record, ctx: Any) -> bool | dict[str, Any]:
    got = _assessment(record, ctx)
    if got is None or not got[1].admin:
        return False
    return {"role": got[0], "why": got[1].reasons}


@predicate("privileged-role", context=True)
def _privileged_role(record: Record, ctx: Any) -> bool | dict[str, Any]:
    got = _assessment(record, ctx)
    if got is None or got[1].admin or not got[1].privileged:
        return False
    return {"role": got[0], "why": got[1].privileged}


@predicate("powerful-role", context=True)
def _powerful_role(record: Record, ctx: Any) -> bool:
    got = _assessment(record, ctx)
    return got is not None and (got[1].admin or bool(got[1].privileged))


@predicate("privesc-chain", context=True)
def _privesc_chain(record: Record, ctx: Any) -> bool | dict[str, Any]:
    """CreateRole trusting Lambda, then an admin grant on it, then this function event with that
    role: all by the same principal, the first step at most CHAIN_WINDOW before this one."""
    roles = _extra(ctx, "roles")
    role_arn = get(record, "requestParameters.role")
    if roles is None or not isinstance(role_arn, str):
        return False
    role = roles.get(role_arn, account_of(record))
    if role is None or role.created is None or role.admin_grant is None:
        return False
    if role.created.detail != "trusts lambda.amazonaws.com":
        return False
    who = get(record, "userIdentity.arn")
    if not who or not (role.created.principal == role.admin_grant.principal == who):
        return False
    if parse_time(record.get("eventTime")) - role.created.time > CHAIN_WINDOW:
        return False
    return {
        "role": role_arn,
        "principal": who,
        "chain": [role.created.to_dict(), role.admin_grant.to_dict()],
    }


@predicate("targets-high-frequency-rule", context=True)
def _targets_high_frequency_rule(record: Record, ctx: Any) -> bool | dict[str, Any]:
    functions = _extra(ctx, "functions")
    rule = get(record, "requestParameters.rule")
    if functions is None or not isinstance(rule, str):
        return False
    key = (*_place(record), rule)
    schedule = functions.event_rules.get(key, {}).get("schedule")
    return {"rule": rule, "schedule": schedule} if is_high_frequency(schedule) else False


@predicate("rule-targets-lambda", context=True)
def _rule_targets_lambda(record: Record, ctx: Any) -> bool | dict[str, Any]:
    functions = _extra(ctx, "functions")
    name = get(record, "requestParameters.name")
    if functions is None or not isinstance(name, str):
        return False
    arn = functions.rule_function(*_place(record), name)
    return {"target": arn} if arn else False


@predicate("public-api-method", context=True)
def _public_api_method(record: Record, ctx: Any) -> bool | dict[str, Any]:
    functions = _extra(ctx, "functions")
    req = record.get("requestParameters")
    if functions is None or not isinstance(req, dict):
        return False
    method = functions.method_of(*_place(record), req)
    if method.get("auth") != "NONE":
        return False
    return {
        "rest_api": req.get("restApiId"),
        "resource": req.get("resourceId"),
        "http_method": req.get("httpMethod"),
        "authorization": "NONE",
    }


@predicate("method-integrates-lambda", context=True)
def _method_integrates_lambda(record: Record, ctx: Any) -> bool | dict[str, Any]:
    functions = _extra(ctx, "functions")
    req = record.get("requestParameters")
    if functions is None or not isinstance(req, dict):
        return False
    fn = functions.method_of(*_place(record), req).get("function")
    return {"integration_function": fn} if fn else False


# -- context: API Gateway HTTP APIs (v2) -----------------------------------------------------
def _http_book(ctx: Any) -> HttpApiBook | None:
    """The HTTP API book of the stream state (``functions.http_apis``), when the state keeps one."""
    book = getattr(_extra(ctx, "functions"), "http_apis", None)
    return book if isinstance(book, HttpApiBook) else None


def open_http_route(record: Record, ctx: Any) -> dict[str, Any] | None:
    """Evidence when this record leaves a function reachable through an HTTP API route with no
    authorization: a quick-created API (its ``$default`` route), or a route whose authorization
    is NONE and whose integration, seen in the stream, invokes a function."""
    if target := quick_create_target(record):
        return {
            "api_name": get(record, "requestParameters.name"),
            "route": "$default",
            "authorization": "NONE",
            "integration_function": target,
            "quick_create": True,
        }
    route, book = http_route_of(record), _http_book(ctx)
    if route is None or book is None:
        return None
    acct, region = _place(record)
    known = book.route(acct, region, route)
    fn = book.function_of(acct, region, route.api_id, known.get("integration"))
    if known.get("auth") != "NONE" or fn is None:
        return None
    return {
        "api": route.api_id,
        "route": known.get("route_key"),
        "authorization": "NONE",
        "integration_function": fn,
    }


@predicate("open-http-route", context=True)
def _open_http_route(record: Record, ctx: Any) -> bool | dict[str, Any]:
    return open_http_route(record, ctx) or False


@predicate("http-integration-open-route", context=True)
def _http_integration_open_route(record: Record, ctx: Any) -> bool | dict[str, Any]:
    """A v2 integration invoking a function that a route with no authorization already targets."""
    integ, book = http_integration_of(record), _http_book(ctx)
    if integ is None or integ.function_arn is None or book is None:
        return False
    routes = book.open_routes_to(*_place(record), integ)
    return {"api": integ.api_id, "routes": routes, "authorization": "NONE"} if routes else False
