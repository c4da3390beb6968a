"""Secret detectors for environment variables (founding spec, "Environment Variables Review").

Each detector is a type name and a small predicate over (variable name, value); values never
leave this module unmasked: findings carry :func:`mask` of the value, never the value.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b")
_SECRET_KEY = re.compile(r"^[A-Za-z0-9/+=]{40}$")
_CONN_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://[^:/@\s]+:(?P<pw>[^@\s]+)@[^\s]+", re.I)
_PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----")
_TOKENS: dict[str, re.Pattern[str]] = {
    "github-token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "slack-token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "stripe-live-key": re.compile(r"\b[sr]k_live_[A-Za-z0-9]{20,}"),
    "google-api-key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "sendgrid-key": re.compile(r"\bSG\.[\w-]{16,}\.[\w-]{20,}"),
    "jwt": re.compile(r"\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}"),
}
_SECRETISH_NAME = re.compile(r"(PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|"
                             r"AUTH_?KEY|ACCESS_?KEY)", re.I)
_REFERENCE = re.compile(r"^(arn:aws[\w-]*:(secretsmanager|ssm|kms):|\{\{resolve:|\$\{|/[\w/.-]+$|"
                        r"ssm:|secretsmanager:)", re.I)
_PLACEHOLDER = re.compile(r"^(\*+|x+|changeme|none|null|true|false|test|example|placeholder|"
                          r"redacted|<[^>]*>|\$\{[^}]*\})$", re.I)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_NOT_SECRETS = re.compile(r"^(arn:|[a-z][a-z0-9+.-]*://|[\w.-]+\.(com|net|org|io|aws|internal)$)", re.I)


def mask(value: str) -> str:
    """What outputs show of a secret: its length, never its characters."""
    return f"****({len(value)} chars)"


def entropy(value: str) -> float:
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


@dataclass(frozen=True)
class Hit:
    detector: str
    severity: str
    value_shown: str


def _key_id(name: str, value: str) -> Hit | None:
    m = _KEY_ID.search(value)
    return Hit("aws-access-key-id", "high", m.group(0)[:4] + "****") if m else None


def _secret_key(name: str, value: str) -> Hit | None:
    if _SECRET_KEY.match(value) and re.search(r"SECRET|AWS", name, re.I) and entropy(value) > 4.0:
        return Hit("aws-secret-access-key", "critical", mask(value))
    return None


def _conn(name: str, value: str) -> Hit | None:
    m = _CONN_PASSWORD.match(value)
    if m and not _PLACEHOLDER.match(m.group("pw")) and not m.group("pw").startswith("${"):
        return Hit("password-in-connection-string", "high",
                   value[: m.start("pw")].split("://")[0] + "://****:****@****")
    return None


def _private_key(name: str, value: str) -> Hit | None:
    return Hit("private-key", "critical", mask(value)) if _PRIVATE_KEY.search(value) else None


def _token(name: str, value: str) -> Hit | None:
    for kind, pattern in _TOKENS.items():
        if pattern.search(value):
            return Hit(kind, "high", mask(value))
    return None


def _named(name: str, value: str) -> Hit | None:
    if (_SECRETISH_NAME.search(name) and len(value) >= 8 and not _REFERENCE.match(value)
            and not _PLACEHOLDER.match(value)):
        return Hit("secret-named-variable", "medium", mask(value))
    return None


def _entropy(name: str, value: str) -> Hit | None:
    if (len(value) >= 20 and " " not in value and not _UUID.match(value)
            and re.search(r"\d", value) and re.search(r"[A-Za-z]", value)
            and not _NOT_SECRETS.match(value) and not _REFERENCE.match(value)
            and entropy(value) >= 4.2):
        return Hit("high-entropy-value", "medium", mask(value))
    return None


DETECTORS: list[Callable[[str, str], Hit | None]] = [
    _private_key, _secret_key, _key_id, _conn, _token, _named, _entropy]


def scan_variable(name: str, value: object) -> Hit | None:
    """The strongest detector that fires on one variable (first in DETECTORS order)."""
    if not isinstance(value, str) or not value:
        return None
    for detect in DETECTORS:
        hit = detect(name, value)
        if hit is not None:
            return hit
    return None
