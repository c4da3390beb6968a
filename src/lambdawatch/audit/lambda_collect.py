"""Read one function's whole Lambda-side surface, per qualifier (section B.1 of LIVE-AWS.md).

Configurations of ``$LATEST`` and every published version come from ``ListFunctions
(FunctionVersion=ALL)`` (no call per version), event source mappings from one region-wide
``ListEventSourceMappings`` (:func:`region_mappings`); then, per function: ``GetFunction`` (code
location, tags, and reserved concurrency, which Lambda returns there only when it is set),
``ListAliases``, ``GetPolicy`` for ``$LATEST``, each version and each alias (real AWS keeps one
policy per qualifier), function URLs (``ListFunctionUrlConfigs``, or ``GetFunctionUrlConfig`` for
``$LATEST`` and each alias where the endpoint lacks the list), async invoke configurations and
code signing. A missing policy, URL or signing configuration is an answer, not a gap.
"""

from __future__ import annotations

import json
from typing import Any

from lambdawatch.audit.caller import Caller
from lambdawatch.audit.model import LATEST, FunctionState


def collect_function(caller: Caller, fn: FunctionState) -> FunctionState:
    region, name = fn.region, fn.name
    got, gap = caller.call("lambda", region, "get_function", name, FunctionName=name)
    if gap is not None:
        fn.gaps.append(gap)
        if gap.error == "not-found":  # deleted since it was listed: nothing more to read
            return fn
    if got is not None:
        fn.configs[LATEST] = {**fn.latest, **(got.get("Configuration") or {})}
        fn.code[LATEST] = got.get("Code") or {}
        fn.tags = dict(got.get("Tags") or {})
        reserved = (got.get("Concurrency") or {}).get("ReservedConcurrentExecutions")
        fn.concurrency = reserved if isinstance(reserved, int) else None
    aliases, gap = caller.pages(
        "lambda", region, "list_aliases", "Aliases", name, FunctionName=name
    )
    fn.aliases = aliases
    _gap(fn, gap)
    for qualifier in [LATEST, *fn.qualifiers()]:
        _policy(caller, fn, qualifier)
    _urls(caller, fn)
    configs, gap = caller.pages(
        "lambda",
        region,
        "list_function_event_invoke_configs",
        "FunctionEventInvokeConfigs",
        name,
        FunctionName=name,
    )
    fn.invoke_configs = configs
    _gap(fn, gap)
    _signing(caller, fn)
    return fn


def region_mappings(caller: Caller, region: str) -> tuple[dict[str, list[dict[str, Any]]], Any]:
    """Every event source mapping of the region, by function name (its ARN may be qualified)."""
    items, gap = caller.pages("lambda", region, "list_event_source_mappings", "EventSourceMappings")
    out: dict[str, list[dict[str, Any]]] = {}
    for m in items:
        parts = str(m.get("FunctionArn") or "").split(":")
        if len(parts) > 6:
            out.setdefault(parts[6], []).append(m)
    return out, gap


def _gap(fn: FunctionState, gap: Any) -> None:
    if gap is not None and gap.error != "not-found":
        fn.gaps.append(gap)


def _policy(caller: Caller, fn: FunctionState, qualifier: str) -> None:
    kwargs: dict[str, Any] = {"FunctionName": fn.name}
    if qualifier != LATEST:
        kwargs["Qualifier"] = qualifier
    got, gap = caller.call("lambda", fn.region, "get_policy", f"{fn.name}:{qualifier}", **kwargs)
    _gap(fn, gap)
    raw = (got or {}).get("Policy")
    if isinstance(raw, str):
        try:
            doc = json.loads(raw)
        except ValueError:
            return
        if isinstance(doc, dict):
            fn.policies[qualifier] = doc


def _url_qualifier(fn: FunctionState, url: dict[str, Any]) -> str | None:
    """The qualifier a URL configuration belongs to, from its FunctionArn (real AWS qualifies the
    ARN for an alias's URL); a configuration naming another qualifier is not this one's."""
    arn = str(url.get("FunctionArn") or "")
    parts = arn.split(":")
    if len(parts) < 7 or parts[6] != fn.name:
        return None
    return parts[7] if len(parts) > 7 and parts[7] else LATEST


def _urls(caller: Caller, fn: FunctionState) -> None:
    urls, gap = caller.pages(
        "lambda",
        fn.region,
        "list_function_url_configs",
        "FunctionUrlConfigs",
        fn.name,
        FunctionName=fn.name,
    )
    if gap is None:
        for url in urls:
            if (q := _url_qualifier(fn, url)) is not None:
                fn.urls[q] = url
        return
    if gap.error != "not-found":  # unsupported: hoisted to the region's gaps, once
        fn.gaps.append(gap)
    for qualifier in [LATEST, *(a["Name"] for a in fn.aliases if a.get("Name"))]:
        kwargs: dict[str, Any] = {"FunctionName": fn.name}
        if qualifier != LATEST:
            kwargs["Qualifier"] = qualifier
        got, gap = caller.call(
            "lambda", fn.region, "get_function_url_config", f"{fn.name}:{qualifier}", **kwargs
        )
        _gap(fn, gap)
        if got is not None and _url_qualifier(fn, got) == qualifier:
            fn.urls[qualifier] = {k: v for k, v in got.items() if k != "ResponseMetadata"}


def _signing(caller: Caller, fn: FunctionState) -> None:
    got, gap = caller.call(
        "lambda", fn.region, "get_function_code_signing_config", fn.name, FunctionName=fn.name
    )
    _gap(fn, gap)
    arn = (got or {}).get("CodeSigningConfigArn")
    if not arn:
        return
    found, gap = caller.call(
        "lambda", fn.region, "get_code_signing_config", arn, CodeSigningConfigArn=arn
    )
    _gap(fn, gap)
    fn.code_signing = (found or {}).get("CodeSigningConfig") or {"CodeSigningConfigArn": arn}
