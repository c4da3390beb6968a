"""Stream state for a hunt: what the events tell about each function and role, plus inventories.

Registers on the :class:`HuntContext`, over the run's :class:`StreamState` (``ctx.state``):

- observers: :class:`RoleInventory` (IAM history over the ``--iam-inventory`` file) and
  :class:`FunctionHistory` (per-function history, EventBridge rules, API Gateway methods);
- attachers: a record that names no function joins the alert of the function it leads to
  (PutRule -> its Lambda target, PutMethod -> its integration, an IAM/STS call made by a Lambda
  execution-role session -> that function).

What each event of an alert changed (``changes``) is put on the alert when its window closes
(``detect.detector``), from ``FunctionHistory.diffs``.
"""

from __future__ import annotations

from typing import Any

from lambdawatch.engine.context import HuntContext, Key
from lambdawatch.ingest.normalize import Event, bare_function_name, get
from lambdawatch.state.stream import FunctionHistory


def setup(ctx: HuntContext, opts: Any) -> None:
    """Register the stream observers (function history, role inventory) for this run."""
    if ctx.state is None:
        raise ValueError("the stream observers need the stream state")
    roles, functions = ctx.state.roles, ctx.state.functions
    inventory = getattr(opts, "iam_inventory", None)
    if inventory:
        roles.load_file(inventory)
    ctx.observers.extend([roles, functions])
    ctx.attachers.append(lambda event: attach_trigger(event, functions))
    ctx.attachers.append(lambda event: attach_lambda_session(event, functions))


def attach_trigger(event: Event, functions: FunctionHistory) -> Key | None:
    """PutRule -> the function its targets name; PutMethod -> the function it integrates."""
    req = event.record.get("requestParameters")
    if not isinstance(req, dict):
        return None
    arn: str | None = None
    if event.event_source == "events.amazonaws.com" and isinstance(req.get("name"), str):
        arn = functions.rule_function(event.account, event.region, req["name"])
    elif event.event_source == "apigateway.amazonaws.com":
        arn = functions.method_of(event.account, event.region, req).get("function")
    name = bare_function_name(arn) if arn else None
    return (event.account, event.region, name) if name else None


def lambda_session(event: Event) -> tuple[str, str] | None:
    """(role ARN, session name) when the caller is an assumed-role session, else None."""
    ident = event.record.get("userIdentity")
    if not isinstance(ident, dict) or ident.get("type") != "AssumedRole":
        return None
    arn = ident.get("arn") or ""
    if ":assumed-role/" not in arn:
        return None
    session = arn.rsplit("/", 1)[-1]
    role = get(ident, "sessionContext.sessionIssuer.arn") or ""
    return role, session


def attach_lambda_session(event: Event, functions: FunctionHistory) -> Key | None:
    """An IAM/STS call from a Lambda execution-role session: the session name is the function
    name (Lambda names the session after the function); prefer a function seen in the stream
    with that name (its region), else one running with the session's role, else the name."""
    if event.event_source not in ("iam.amazonaws.com", "sts.amazonaws.com"):
        return None
    found = lambda_session(event)
    if found is None:
        return None
    role, session = found
    named = functions.find(event.account, session)
    if named:
        return named[0].key
    with_role = functions.by_role(event.account, role) if role else []
    if with_role:
        return with_role[0].key
    return (event.account, event.region, session)
