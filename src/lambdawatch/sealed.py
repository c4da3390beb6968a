"""Secret values sealed before they are stored: the value is replaced by what detection found
(the detector, the severity and the masked form), so a replay of a stored record finds the same
secret without the state file ever holding it."""

from __future__ import annotations

from typing import Any

PREFIX = "lambdawatch-masked:"


def seal(detector: str, severity: str, shown: str) -> str:
    return f"{PREFIX}{detector}:{severity}:{shown}"


def unseal(value: Any) -> tuple[str, str, str] | None:
    """(detector, severity, masked form) of a sealed value, else None."""
    if not isinstance(value, str) or not value.startswith(PREFIX):
        return None
    parts = value[len(PREFIX) :].split(":", 2)
    if len(parts) != 3 or parts[1] not in ("critical", "high", "medium", "low", "info"):
        return None
    return parts[0], parts[1], parts[2]


def seal_variables(variables: dict[str, Any], scan: Any) -> bool:
    """Replace in place each value ``scan(name, value)`` finds a secret in; whether any was."""
    changed = False
    for name, value in list(variables.items()):
        if unseal(value) is not None:
            continue
        hit = scan(name, value)
        if hit is not None:
            variables[name] = seal(hit.detector, hit.severity, hit.value_shown)
            changed = True
    return changed
