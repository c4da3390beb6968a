"""Read the function itself: versions, aliases, code, configuration, policies, URLs, mappings,
async configuration, concurrency, code signing and tags (``../shared/LIVE-AWS.md`` A.3).

With an :class:`Evidence`, every response is written as an artifact and every code zip is
downloaded at once and checked against ``CodeSha256``; without one, only the state the plan
needs is read (a re-run over an already preserved case)."""

from __future__ import annotations

import json
from typing import Any

from lambdawatch.errors import LambdawatchError
from lambdawatch.respond.fetch import Fetcher, code_sha256_b64
from lambdawatch.respond.manifest import Evidence
from lambdawatch.respond.model import Snapshot, Target
from lambdawatch.respond.reads import Reader, each


def _qpath(q: str) -> str:
    return q or "$LATEST"


def collect_function(
    lam: Any, target: Target, evidence: Evidence | None, fetcher: Fetcher | None, workers: int = 8
) -> Snapshot:
    """Read (and with ``evidence``, preserve) the function; per-version and per-qualifier
    reads run on up to ``workers`` threads, each version's zip fetched as soon as its
    ``GetFunction`` answers."""
    snap = Snapshot(target=target)
    reader = Reader(evidence, snap.unread)
    name = target.name
    latest = reader.read(
        "lambda:GetFunction", target.arn, lam.get_function, required=True, FunctionName=name
    )
    config = latest["Configuration"]
    snap.role_arn = config.get("Role")
    snap.layers = [layer["Arn"] for layer in config.get("Layers", [])]
    versions = (
        reader.pages(
            lam,
            "list_versions_by_function",
            "Versions",
            "lambda:ListVersionsByFunction",
            target.arn,
            FunctionName=name,
        )
        or []
    )
    snap.versions = [v["Version"] for v in versions if v["Version"] != "$LATEST"]
    snap.aliases = (
        reader.pages(
            lam, "list_aliases", "Aliases", "lambda:ListAliases", target.arn, FunctionName=name
        )
        or []
    )
    if evidence is not None:
        evidence.put_json("function/versions.json", "ListVersionsByFunction", None, versions)
        evidence.put_json("function/aliases.json", "ListAliases", None, snap.aliases)
        sink = evidence

        def version(v: str) -> None:
            if v == "$LATEST":
                _code(sink, fetcher, v, latest)
                return
            got = reader.read(
                "lambda:GetFunction",
                f"{target.arn}:{v}",
                lam.get_function,
                FunctionName=name,
                Qualifier=v,
            )
            if got is not None:
                _code(sink, fetcher, v, got)

        each(version, ["$LATEST", *snap.versions], workers)
    each(lambda q: _policy(lam, reader, evidence, snap, q), snap.qualifiers, workers)
    _urls(lam, reader, evidence, snap)
    _mappings(lam, reader, evidence, snap, workers)
    conc = (
        reader.read(
            "lambda:GetFunctionConcurrency",
            target.arn,
            lam.get_function_concurrency,
            FunctionName=name,
        )
        or {}
    )
    snap.concurrency = conc.get("ReservedConcurrentExecutions")
    snap.provisioned = reader.pages(
        lam,
        "list_provisioned_concurrency_configs",
        "ProvisionedConcurrencyConfigs",
        "lambda:ListProvisionedConcurrencyConfigs",
        target.arn,
        FunctionName=name,
    )
    tags = reader.read("lambda:ListTags", target.arn, lam.list_tags, Resource=target.arn) or {}
    snap.tags = dict(tags.get("Tags", {}))
    if evidence is not None:
        evidence.put_json("function/concurrency.json", "GetFunctionConcurrency", None, conc)
        evidence.put_json(
            "function/provisioned-concurrency.json",
            "ListProvisionedConcurrencyConfigs",
            None,
            snap.provisioned,
        )
        evidence.put_json("function/tags.json", "ListTags", None, snap.tags)
        _extras(lam, reader, evidence, target)
    return snap


def _code(evidence: Evidence, fetcher: Fetcher | None, q: str, got: dict[str, Any]) -> None:
    """``GetFunction`` for one version, then its zip (or its image URIs) with the hash check."""
    config = got.get("Configuration", {})
    evidence.put_json(f"versions/{q}/function.json", "GetFunction", q, got)
    code = got.get("Code", {})
    if "ImageUri" in code or config.get("PackageType") == "Image":
        evidence.put_json(
            f"versions/{q}/image.json",
            "GetFunction",
            q,
            {"ImageUri": code.get("ImageUri"), "ResolvedImageUri": code.get("ResolvedImageUri")},
        )
        return
    location, expected = code.get("Location"), config.get("CodeSha256")
    if not location or fetcher is None:
        evidence.gap(
            f"code of version {q}",
            "GetFunction",
            "not-downloaded",
            "no code location" if not location else "downloads disabled",
        )
        return
    try:
        data = fetcher.get(location)
    except LambdawatchError as exc:  # one version's download failing is a gap; the case goes on
        evidence.gap(f"code of version {q}", "GetFunction", "download-failed", str(exc)[:300])
        return
    actual = code_sha256_b64(data)
    evidence.put(
        f"code/{q}.zip",
        "GetFunction",
        q,
        data,
        aws_code_sha256_b64=expected,
        verified=actual == expected,
    )
    if actual != expected:
        evidence.gap(
            f"code of version {q}",
            "GetFunction",
            "hash-mismatch",
            f"downloaded zip hashes to {actual}, CodeSha256 is {expected}",
        )


def _policy(lam: Any, reader: Reader, evidence: Evidence | None, snap: Snapshot, q: str) -> None:
    kw: dict[str, Any] = {"FunctionName": snap.target.name}
    if q:
        kw["Qualifier"] = q
    got = reader.read("lambda:GetPolicy", f"{snap.target.arn}:{_qpath(q)}", lam.get_policy, **kw)
    if got is None:
        return
    snap.policies[q] = list(json.loads(got["Policy"]).get("Statement", []))
    if evidence is not None:
        evidence.put_json(f"policy/{_qpath(q)}.json", "GetPolicy", _qpath(q), got)


def _urls(lam: Any, reader: Reader, evidence: Evidence | None, snap: Snapshot) -> None:
    """URLs exist on ``$LATEST`` and on aliases; one ``GetFunctionUrlConfig`` per qualifier
    (``ListFunctionUrlConfigs`` would save calls but some endpoints do not serve it)."""
    for q in ["", *(a["Name"] for a in snap.aliases)]:
        kw: dict[str, Any] = {"FunctionName": snap.target.name}
        if q:
            kw["Qualifier"] = q
        got = reader.read(
            "lambda:GetFunctionUrlConfig",
            f"{snap.target.arn}:{_qpath(q)}",
            lam.get_function_url_config,
            **kw,
        )
        if got is None:
            continue
        snap.urls[q] = got
        if evidence is not None:
            evidence.put_json(f"url/{_qpath(q)}.json", "GetFunctionUrlConfig", _qpath(q), got)


def _mappings(
    lam: Any, reader: Reader, evidence: Evidence | None, snap: Snapshot, workers: int
) -> None:
    """Mappings of the unqualified name and of every qualified ARN (each lists only its own)."""

    def listing(q: str) -> list[Any]:
        fn = f"{snap.target.arn}:{q}" if q else snap.target.name
        return (
            reader.pages(
                lam,
                "list_event_source_mappings",
                "EventSourceMappings",
                "lambda:ListEventSourceMappings",
                fn,
                FunctionName=fn,
            )
            or []
        )

    seen: dict[str, dict[str, Any]] = {}
    for found in each(listing, snap.qualifiers, workers):
        for esm in found:
            seen.setdefault(esm["UUID"], esm)
    snap.mappings = list(seen.values())
    if evidence is not None:
        evidence.put_json(
            "function/event-source-mappings.json", "ListEventSourceMappings", None, snap.mappings
        )


def _extras(lam: Any, reader: Reader, evidence: Evidence, target: Target) -> None:
    """Evidence the plan does not act on: async destinations, code signing, runtime."""
    name = target.name
    invoke = reader.pages(
        lam,
        "list_function_event_invoke_configs",
        "FunctionEventInvokeConfigs",
        "lambda:ListFunctionEventInvokeConfigs",
        target.arn,
        FunctionName=name,
    )
    evidence.put_json(
        "function/event-invoke-configs.json", "ListFunctionEventInvokeConfigs", None, invoke
    )
    signing = reader.read(
        "lambda:GetFunctionCodeSigningConfig",
        target.arn,
        lam.get_function_code_signing_config,
        FunctionName=name,
    )
    evidence.put_json("function/code-signing.json", "GetFunctionCodeSigningConfig", None, signing)
    runtime = reader.read(
        "lambda:GetRuntimeManagementConfig",
        target.arn,
        lam.get_runtime_management_config,
        FunctionName=name,
    )
    if runtime is not None:
        evidence.put_json(
            "function/runtime-management.json", "GetRuntimeManagementConfig", None, runtime
        )
