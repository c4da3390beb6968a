"""Secrets masked before anything reaches a template (the template only escapes, it never masks).

Environment variable values are always replaced by their masked form; elsewhere a string leaf is
masked when a strong secret detector fires on it (key pairs, private keys, tokens, passwords in
connection strings, secret-named keys). One place, shared by the HTML report and ``logs``.
"""

from __future__ import annotations

from typing import Any

try:  # the masking helpers are moving to lambdawatch.secrets; accept either home
    from lambdawatch.secrets import mask, scan_variable  # type: ignore[import-not-found,attr-defined,unused-ignore]
except ImportError:  # pragma: no cover - depends on the other engineer's merge
    from lambdawatch.analyze.secrets import mask, scan_variable

__all__ = ["is_masked", "mask", "mask_env", "mask_text", "mask_tree", "scan_variable"]

_ENV_KEYS = frozenset({"variables", "env_vars", "environment_variables"})
_SKIP_KEYS = frozenset({"id", "event_id", "event_ids", "eventID", "requestID", "function_arn",
                        "principalId", "accessKeyId", "sharedEventID"})
_WEAK = frozenset({"high-entropy-value"})


def is_masked(value: str) -> bool:
    return value.startswith("****(") or "****" in value


def mask_text(key: str, value: str) -> str:
    """``value`` itself, or what may be shown of it when it looks like a secret."""
    if not value or is_masked(value) or key in _SKIP_KEYS:
        return value
    hit = scan_variable(key, value)
    if hit is None or hit.detector in _WEAK:
        return value
    return hit.value_shown


def mask_env(variables: Any) -> Any:
    """Every value of an environment mapping masked, whatever it looks like."""
    if not isinstance(variables, dict):
        return variables
    return {k: (mask(v) if isinstance(v, str) and v and not is_masked(v) else
                (v if v is None else mask(str(v))))
            for k, v in variables.items()}


def mask_tree(obj: Any, key: str = "") -> Any:
    """A deep copy of ``obj`` with secrets masked (dict keys are kept, they are names)."""
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            name = str(k)
            out[name] = mask_env(v) if name in _ENV_KEYS and isinstance(v, dict) \
                else mask_tree(v, name)
        return out
    if isinstance(obj, list):
        return [mask_tree(v, key) for v in obj]
    if isinstance(obj, str):
        return mask_text(key, obj)
    return obj
