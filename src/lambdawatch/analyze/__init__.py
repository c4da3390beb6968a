"""Analyzers: one module per red-flag family; each adds findings (with evidence) to matched events.

- ``names``: suspicious-name, random-name, hidden-characters (per event); ``typosquat``:
  typosquat-name (when the alert is finished, against every name the stream and inventory know)
- ``runtimes``: deprecated-runtime, custom-runtime, container-image
- ``configuration``: high-resources, vpc-egress-unrestricted
- ``existing``: the Lambda inventory's view of functions that already exist (public URL, CORS,
  permissions, foreign layers, runtime, resources, VPC egress)
- ``env``: env-secret (values masked)
- ``identity``: human-identity, unusual-principal

Each analyzer runs behind an isolation boundary: one that raises is counted in
``ctx.errors`` and the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lambdawatch.analyze.configuration import analyze_configuration
from lambdawatch.analyze.declared import check_analyzer_kinds
from lambdawatch.analyze.env import analyze_env
from lambdawatch.analyze.existing import analyze_existing
from lambdawatch.analyze.http_apis import HttpApiBook, attached_function
from lambdawatch.analyze.identity import analyze_human
from lambdawatch.analyze.names import analyze_names
from lambdawatch.analyze.runtimes import analyze_runtime
from lambdawatch.analyze.typosquat import finish_typosquat
from lambdawatch.engine.context import HuntContext
from lambdawatch.findings import Finding
from lambdawatch.ingest.normalize import Event, bare_function_name
from lambdawatch.inventory.lambda_inventory import load_lambda_inventory

Analyzer = Callable[[Event, Any], list[Finding]]


def isolated(name: str, fn: Analyzer) -> Analyzer:
    def run(event: Event, ctx: Any) -> list[Finding]:
        try:
            return fn(event, ctx)
        except Exception as exc:  # noqa: BLE001 - isolation boundary: one analyzer, one event
            ctx.errors.append({"analyzer": name, "event_id": event.event_id, "error": repr(exc)})
            return []

    run.__name__ = name
    return run


def setup(ctx: HuntContext, opts: Any) -> None:
    """Register the analyzers that apply with this configuration and these inventories."""
    check_analyzer_kinds()
    inventory = load_lambda_inventory(getattr(opts, "lambda_inventory", None))
    if inventory is not None:
        ctx.lambda_inventory = inventory
    if ctx.state is None:
        raise ValueError("the analyzers need the stream state")
    book, novelty = ctx.state.names, ctx.state.novelty
    ctx.observers.extend([book, novelty])
    for name, fn in (
        ("names", analyze_names),
        ("runtimes", analyze_runtime),
        ("configuration", analyze_configuration),
        ("existing", analyze_existing),
        ("env", analyze_env),
        ("human-identity", analyze_human),
        ("unusual-principal", novelty.analyze),
    ):
        ctx.analyzers.append(isolated(name, fn))
    ctx.add_finisher("typosquat", finish_typosquat)
    ctx.attachers.append(lambda event: attach_http_api(event, ctx))


def attach_http_api(event: Event, ctx: HuntContext) -> tuple[str, str, str] | None:
    """An HTTP API record naming no function joins the alert of the function it leads to."""
    book = getattr(ctx.state.functions, "http_apis", None) if ctx.state else None
    arn = attached_function(event, book if isinstance(book, HttpApiBook) else None)
    name = bare_function_name(arn) if arn else None
    return (event.account, event.region, name) if name else None
