"""Secrets masked before anything reaches a template (the template only escapes, it never masks).

Environment variable values are always replaced by their masked form, whatever they look like;
everything else goes through the project's one redaction (:func:`lambdawatch.secrets.redact_value`:
secret patterns inside any string, whole values under secret-named keys), as every sink does.
"""

from __future__ import annotations

from typing import Any

from lambdawatch.secrets import is_masked, mask, redact_value

__all__ = ["mask_env", "mask_tree"]

_ENV_KEYS = frozenset({"variables", "env_vars", "environment_variables"})


def mask_env(variables: dict[Any, Any]) -> dict[str, Any]:
    """Every value of an environment mapping masked, whatever it looks like."""
    out: dict[str, Any] = {}
    for k, v in variables.items():
        if v is None or (isinstance(v, str) and (not v or is_masked(v))):
            out[str(k)] = v
        else:
            out[str(k)] = mask(v if isinstance(v, str) else str(v))
    return out


def _env_masked(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {
            str(k): mask_env(v) if str(k) in _ENV_KEYS and isinstance(v, dict) else _env_masked(v)
            for k, v in obj.items()
        }
    if isinstance(obj, list):
        return [_env_masked(v) for v in obj]
    return obj


def mask_tree(obj: Any) -> Any:
    """A copy of ``obj`` with environment values and every secret masked."""
    return redact_value(_env_masked(obj))
