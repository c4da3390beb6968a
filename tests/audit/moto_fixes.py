"""Make the moto server the tests start behave like real Lambda where audit depends on it.

moto 5.2.1 keeps one resource policy shared by $LATEST, every version and every alias, and
cannot attach another account's layer (LIVE-AWS.md B.1b). Real Lambda keeps one policy per
qualifier and accepts any readable layer. These fixes patch moto's *backend* (the server runs in
this process), never boto3; the code under test only ever talks HTTP to the server.
"""

from __future__ import annotations

from typing import Any

import pytest
from moto.awslambda.models import LambdaBackend
from moto.awslambda.policy import Policy
from moto.backends import get_backend

_POLICIES: dict[tuple[int, str, str], Policy] = {}


def _policy_for(backend: LambdaBackend, fn: Any, qualifier: str | None) -> Policy:
    key = (id(backend), fn.function_name, qualifier or "$LATEST")
    if key not in _POLICIES:
        _POLICIES[key] = Policy(fn)  # type: ignore[no-untyped-call]
    return _POLICIES[key]


def _add_permission(
    self: LambdaBackend, function_name: str, qualifier: str, raw: str
) -> dict[str, Any]:
    fn = self.get_function(function_name, qualifier)
    statement, _revision = _policy_for(self, fn, qualifier).add_statement(raw, qualifier)
    return statement  # type: ignore[no-any-return]


def _get_policy(self: LambdaBackend, function_name: str, qualifier: str | None = None) -> str:
    fn = self.get_function(function_name, qualifier)
    return _policy_for(self, fn, qualifier).wire_format()


_PUBLISH = LambdaBackend.publish_version


def _publish_version(self: LambdaBackend, function_name: str, description: str = "") -> Any:
    """moto shallow-copies $LATEST into the version, sharing its ``code`` dict, so a later code
    update moves the version's code location too; a real version's code never changes."""
    fn = _PUBLISH(self, function_name, description)
    if fn is not None:
        fn.code = dict(fn.code)
    return fn


def per_qualifier_policies(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(LambdaBackend, "add_permission", _add_permission)
    mp.setattr(LambdaBackend, "get_policy", _get_policy)
    mp.setattr(LambdaBackend, "publish_version", _publish_version)


def attach_foreign_layer(account: str, region: str, function: str, layer_arn: str) -> None:
    """What CreateFunction with another account's layer does on real AWS."""
    backend = get_backend("lambda")[account][region]
    fn = backend.get_function(function)
    fn.layers = [*fn.layers, {"Arn": layer_arn, "CodeSize": 4096}]


def code_resolver(url: str) -> bytes:
    """What fetching a pre-signed code URL returns on real AWS: moto's locations point at an
    unresolvable host and its S3 does not hold the zip, so look the package up by its key."""
    key = url.rsplit("/", 1)[-1]
    for regions in get_backend("lambda").values():
        for backend in regions.values():
            for entry in backend._lambdas._functions.values():
                for fn in [entry["latest"], *entry["versions"]]:
                    if fn.code.get("S3Key") == key:
                        return bytes(fn.code_bytes)
    raise OSError(f"no package at {url}")
