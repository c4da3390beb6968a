"""Collect one region: its functions (each read in a bounded thread pool), the triggers that
invoke them, their layers and their VPC security groups. Nothing here judges."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from lambdawatch.audit.caller import Caller
from lambdawatch.audit.lambda_collect import collect_function, region_mappings
from lambdawatch.audit.model import LATEST, FunctionState, LayerState, RegionState, Trigger
from lambdawatch.audit.triggers import REGIONAL, Found
from lambdawatch.audit.vpc import collect_routes
from lambdawatch.aws import Gap


def list_functions(caller: Caller, state: RegionState, only: set[str] | None) -> None:
    items, gap = caller.pages(
        "lambda", state.region, "list_functions", "Functions", FunctionVersion="ALL"
    )
    if gap is not None:
        state.gaps.append(gap)
    for config in items:
        name = config.get("FunctionName")
        if not isinstance(name, str) or (only is not None and name not in only):
            continue
        fn = state.functions.setdefault(name, FunctionState(state.account, state.region, name))
        fn.configs[str(config.get("Version") or LATEST)] = config


def collect_region(
    caller: Caller, account: str, region: str, only: set[str] | None, workers: int
) -> RegionState:
    state = RegionState(account, region)
    list_functions(caller, state, only)
    if state.gaps and not state.functions:
        return state  # the region cannot be listed (opted out, denied): one gap, nothing else
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"audit-{region}") as pool:
        found: list[Future[Found]] = [
            pool.submit(_isolated_triggers, name, fn, caller, region)
            for name, fn in REGIONAL.items()
        ]
        mappings = pool.submit(region_mappings, caller, region)
        done = list(pool.map(lambda f: _isolated_function(caller, f), state.functions.values()))
        attach(state, [t for f in found for t in _triggers(state, f.result())])
    state.functions = {f.name: f for f in done}
    by_function, gap = mappings.result()
    for name, items in by_function.items():
        if name in state.functions:
            state.functions[name].mappings = items
    state.gaps += [gap] if gap is not None else []
    _hoist_unsupported(state)
    _layers(caller, state)
    _security_groups(caller, state)
    collect_routes(caller, state)
    state.signing_in_use = any(f.code_signing for f in state.functions.values())
    return state


def _isolated_function(caller: Caller, fn: FunctionState) -> FunctionState:
    """Isolation boundary: an answer this code did not expect costs one function's gap."""
    try:
        return collect_function(caller, fn)
    except Exception as exc:  # noqa: BLE001 - isolation boundary: one function
        fn.gaps.append(Gap("collect", "other", f"{type(exc).__name__}: {exc}"[:300], fn.name))
        return fn


def _isolated_triggers(name: str, collect: Any, caller: Caller, region: str) -> Found:
    try:
        found: Found = collect(caller, region)
        return found
    except Exception as exc:  # noqa: BLE001 - isolation boundary: one trigger source
        return [], [Gap(f"collect:{name}", "other", f"{type(exc).__name__}: {exc}"[:300], region)]


def _hoist_unsupported(state: RegionState) -> None:
    """An API the endpoint lacks is a fact about the region, recorded once, not per function."""
    seen = {g.api for g in state.gaps if g.error == "unsupported"}
    for fn in state.functions.values():
        for gap in [g for g in fn.gaps if g.error == "unsupported"]:
            fn.gaps.remove(gap)
            if gap.api not in seen:
                seen.add(gap.api)
                why = gap.message.split(":", 1)[0]
                state.gaps.append(
                    Gap(
                        gap.api,
                        gap.error,
                        f"not served by this endpoint ({why}); read another way where one exists",
                        state.region,
                    )
                )


def _triggers(state: RegionState, found: Found) -> list[Trigger]:
    triggers, gaps = found
    state.gaps.extend(gaps)
    return triggers


def attach(state: RegionState, triggers: list[Trigger]) -> None:
    for t in triggers:
        fn = state.functions.get(t.function)
        if fn is not None and t not in fn.triggers:
            fn.triggers.append(t)


def layer_arns(state: RegionState) -> set[str]:
    return {
        la["Arn"]
        for fn in state.functions.values()
        for c in fn.configs.values()
        for la in c.get("Layers") or []
        if isinstance(la, dict) and la.get("Arn")
    }


def _layers(caller: Caller, state: RegionState) -> None:
    for arn in sorted(layer_arns(state)):
        name, _, version = arn.rpartition(":")
        layer = LayerState(arn)
        got, gap = caller.call(
            "lambda",
            state.region,
            "get_layer_version",
            arn,
            LayerName=name,
            VersionNumber=int(version),
        )
        if gap is not None:  # a foreign layer we may not read: a gap, and a finding
            layer.readable = False
            _gap_on_users(state, arn, gap)
        else:
            layer.content = dict((got or {}).get("Content") or {})
            pol, gap = caller.call(
                "lambda",
                state.region,
                "get_layer_version_policy",
                arn,
                LayerName=name,
                VersionNumber=int(version),
            )
            if gap is not None and gap.error != "not-found":
                _gap_on_users(state, arn, gap)
            layer.policy = _json((pol or {}).get("Policy"))
        state.layers[arn] = layer


def _gap_on_users(state: RegionState, arn: str, gap: Any) -> None:
    for fn in state.functions.values():
        if any(la.get("Arn") == arn for c in fn.configs.values() for la in c.get("Layers") or []):
            fn.gaps.append(gap)


def _json(text: Any) -> dict[str, Any] | None:
    import json

    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _security_groups(caller: Caller, state: RegionState) -> None:
    ids = sorted(
        {
            g
            for fn in state.functions.values()
            for c in fn.configs.values()
            for g in (c.get("VpcConfig") or {}).get("SecurityGroupIds") or []
        }
    )
    if not ids:
        return
    groups, gap = caller.pages(
        "ec2",
        state.region,
        "describe_security_groups",
        "SecurityGroups",
        ",".join(ids),
        GroupIds=ids,
    )
    state.security_groups = {g["GroupId"]: g for g in groups if g.get("GroupId")}
    if gap is not None:
        state.gaps.append(gap)
