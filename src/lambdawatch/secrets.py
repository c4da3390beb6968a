"""The one registry of secret patterns and the one mask, for every output of every command.

A secret value is never printed, in any format: it becomes ``****(N chars)`` (:func:`mask`).
:func:`redact` masks every credential-looking value inside free text (AWS access key ids, secret
access keys assigned in text, API tokens, PEM private keys, passwords in URLs, ``password=`` /
``X-Amz-Signature=`` style assignments), leaving the rest of the text exact; :func:`redact_value`
does the same through JSON-like values, and also masks values held under a secret-named key.
Environment variables are judged by :func:`scan_variable` (name and value together: a detector
per secret type, strongest first).

Identifiers that only look like keys stay: IAM unique ids (``AIDA``/``AROA``/``AGPA``...) name
a user or role and are not credentials. This module imports nothing of the project.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


def mask(value: str) -> str:
    """What outputs show of a secret: its length, never its characters."""
    return f"****({len(value)} chars)"


def is_masked(value: str) -> bool:
    """Whether ``value`` is already a mask (masking is idempotent)."""
    return value.startswith("****")


@dataclass(frozen=True)
class SecretPattern:
    """One kind of secret: a name (stable, shown in findings), a regex, and the group that is
    the secret (0: the whole match)."""

    name: str
    regex: re.Pattern[str]
    group: int = 0


AWS_ACCESS_KEY_ID = re.compile(
    r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])"
)
AWS_SECRET_ASSIGNMENT = re.compile(
    r"(?i)(?:aws)?_?secret(?:_access)?_?key['\"]?\s*[:=]\s*['\"]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"
)
PRIVATE_KEY = re.compile(
    r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----(?!\*{4})"
    r"(?:[\s\S]{0,8000}?-----END[^-]*-----)?"
)
TOKENS: dict[str, re.Pattern[str]] = {
    "github-token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})"),
    "slack-token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "stripe-live-key": re.compile(r"\b[sr]k_live_[A-Za-z0-9]{20,}"),
    "gitlab-token": re.compile(r"\bglpat-[A-Za-z0-9_\-]{20}"),
    "google-api-key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])"),
    "sendgrid-key": re.compile(r"\bSG\.[\w-]{16,}\.[\w-]{20,}"),
    "jwt": re.compile(r"\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}"),
}
# scheme://user:PASSWORD@host (the user name stays: it is not the secret).
PASSWORD_IN_URL = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^:/@\s\"'<>]+:([^@\s\"'<>/]+)@")
# key=VALUE, "key": VALUE, key: VALUE with a secret-named key (query strings, headers, JSON text,
# command lines). An ARN's ``:secret:`` is not an assignment (no space or quote after the colon);
# a value followed by ``(``, ``[`` or a word character is code (``os.environ[...]``), not a secret.
SECRET_ASSIGNMENT = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?:password|passwd|pwd|secret|token|api[_-]?key|"
    r"access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|signature|credentials?)"
    r"(?:['\"]?\s*=\s*['\"]?|['\"]\s*:\s*['\"]?|:\s+['\"]?|:['\"])"
    r"(?!\*{4})(?!\$\{)(?!\{\{)([^\s\"'&;,<>()\[\]{}]{4,})(?![\w(\[])"
)
BEARER = re.compile(r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{16,}=*)")
_PLACEHOLDER = re.compile(
    r"(?i)^(\*+|x+|changeme|none|null|nil|true|false|example|placeholder|"
    r"redacted|undefined|<[^>]*>)$"
)

PATTERNS: tuple[SecretPattern, ...] = (
    SecretPattern("private-key", PRIVATE_KEY),
    SecretPattern("aws-access-key-id", AWS_ACCESS_KEY_ID),
    SecretPattern("aws-secret-access-key", AWS_SECRET_ASSIGNMENT, 1),
    *(SecretPattern(name, rx) for name, rx in TOKENS.items()),
    SecretPattern("password-in-url", PASSWORD_IN_URL, 1),
    SecretPattern("bearer-token", BEARER, 1),
    SecretPattern("secret-assignment", SECRET_ASSIGNMENT, 1),
)
# The gate: every secret any pattern (or a secret-named key in JSON text) can match is found by
# one of these expressions; most strings and most serialized alerts match none. Each carries the
# literals the fallback looks for (lower-cased when caseless) and its longest match.
_KEYWORDS = (
    b"password",
    b"passwd",
    b"pwd",
    b"secret",
    b"token",
    b"_key",
    b"-key",
    b"apikey",
    b"accesskey",
    b"privatekey",
    b"authkey",
    b"signature",
    b"credential",
)
_ASSIGNMENT_GATE = (
    rb"(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|"
    rb"secret[_-]?key|private[_-]?key|auth[_-]?key|signature|credentials?)"
    rb"s?['\"]?\s*[:=]"
)
GATE_EXPRESSIONS: tuple[tuple[bytes, bool, tuple[bytes, ...], int], ...] = (
    (rb"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}", False, (b"AKIA", b"ASIA", b"ABIA", b"ACCA"), 20),
    (rb"PRIVATE KEY", False, (b"PRIVATE KEY",), 11),
    (
        rb"gh[pousr]_|github_pat_|xox[abposr]-|[sr]k_live_|glpat-|AIza|SG\.|eyJ",
        False,
        (
            b"ghp_",
            b"gho_",
            b"ghu_",
            b"ghs_",
            b"ghr_",
            b"github_pat_",
            b"xox",
            b"_live_",
            b"glpat-",
            b"AIza",
            b"SG.",
            b"eyJ",
        ),
        12,
    ),
    (rb"://[^\s/@\"':]{1,256}:[^\s@\"'/]{0,256}@", False, (b"://",), 520),
    (_ASSIGNMENT_GATE, True, _KEYWORDS, 80),
    (rb"bearer\s", True, (b"bearer",), 7),
)


@lru_cache(maxsize=1)
def _gate_of() -> Callable[[bytes], bool]:
    from lambdawatch.secret_gate import Gate

    return Gate(GATE_EXPRESSIONS)


_REFERENCE = re.compile(r"(?i)^(arn:|\$\{|\{\{resolve:|ssm:|secretsmanager:)")
SECRET_NAME = re.compile(
    r"(?i)(password|passwd|pwd|secret|token|api_?key|private_?key|"
    r"credentials?|auth_?key|access_?key|signature)s?$"
)


@dataclass(frozen=True)
class SecretMatch:
    """Where a secret sits in a text: the pattern's name and the span of the secret itself."""

    name: str
    start: int
    end: int


def find_secrets(text: str) -> Iterator[SecretMatch]:
    """Every secret in ``text``, leftmost first, overlaps dropped (the earlier pattern wins)."""
    if not may_hold_secret(text):
        return
    taken: list[tuple[int, int]] = []
    found: list[SecretMatch] = []
    for pat in PATTERNS:
        for m in pat.regex.finditer(text):
            start, end = m.span(pat.group)
            secret = text[start:end]
            if start == end or is_masked(secret) or _PLACEHOLDER.match(secret):
                continue
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            found.append(SecretMatch(pat.name, start, end))
    yield from sorted(found, key=lambda s: s.start)


def may_hold_secret(data: bytes | str) -> bool:
    """Whether ``data`` (a string, or serialized JSON as bytes) may hold a secret: ``False``
    means :func:`redact` and :func:`redact_value` would change nothing, and is cheap."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return _gate_of()(data)


@lru_cache(maxsize=65536)
def redact(text: str) -> str:
    """``text`` with every secret in it replaced by :func:`mask` of that secret."""
    if not may_hold_secret(text):
        return text
    matches = list(find_secrets(text))
    if not matches:
        return text
    out: list[str] = []
    pos = 0
    for m in matches:
        secret = text[m.start : m.end]
        out.append(text[pos : m.start])
        out.append(
            "-----BEGIN PRIVATE KEY-----" + mask(secret)
            if m.name == "private-key"
            else mask(secret)
        )
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


def redact_value(value: Any) -> Any:
    """A copy of a JSON-like value with :func:`redact` applied to every string (keys included)
    and every string held under a secret-named key masked whole. Other values are kept as is;
    a value without secrets comes back as the same object (no copy)."""
    if isinstance(value, str):
        masked = redact(value)
        return value if masked == value else masked  # the same object when nothing changed
    if isinstance(value, dict):
        changed = False
        out: dict[Any, Any] = {}
        for key, item in value.items():
            new_key = redact_value(key) if isinstance(key, str) else key
            if (
                isinstance(key, str)
                and isinstance(item, str)
                and SECRET_NAME.search(key)
                and item
                and not is_masked(item)
                and not _REFERENCE.match(item)
            ):
                new_item: Any = mask(item)
            else:
                new_item = redact_value(item)
            changed = changed or new_key is not key or new_item is not item
            out[new_key] = new_item
        return out if changed else value
    if isinstance(value, list | tuple):
        items = [redact_value(v) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return items if isinstance(value, list) else tuple(items)
    return value


def has_secret(text: str) -> bool:
    return next(find_secrets(text), None) is not None


# --- environment variables: a detector is a secret type and a predicate over (name, value) ----

_SECRET_KEY = re.compile(r"^[A-Za-z0-9/+=]{40}$")
_CONN_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://[^:/@\s]+:(?P<pw>[^@\s]+)@[^\s]+", re.IGNORECASE)
_SECRETISH_NAME = re.compile(
    r"(PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|"
    r"AUTH_?KEY|ACCESS_?KEY)",
    re.IGNORECASE,
)
_ENV_REFERENCE = re.compile(
    r"^(arn:aws[\w-]*:(secretsmanager|ssm|kms):|\{\{resolve:|\$\{|"
    r"/[\w/.-]+$|ssm:|secretsmanager:)",
    re.IGNORECASE,
)
_ENV_PLACEHOLDER = re.compile(
    r"^(\*+|x+|changeme|none|null|true|false|test|example|placeholder|"
    r"redacted|<[^>]*>|\$\{[^}]*\})$",
    re.IGNORECASE,
)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_NOT_SECRETS = re.compile(
    r"^(arn:|[a-z][a-z0-9+.-]*://|[\w.-]+\.(com|net|org|io|aws|internal)$)", re.IGNORECASE
)


def entropy(value: str) -> float:
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


@dataclass(frozen=True)
class Hit:
    """A secret found in one variable: its type, severity and what may be shown (a mask)."""

    detector: str
    severity: str
    value_shown: str


def _key_id(name: str, value: str) -> Hit | None:
    m = AWS_ACCESS_KEY_ID.search(value)
    return Hit("aws-access-key-id", "high", mask(m.group(0))) if m else None


def _secret_key(name: str, value: str) -> Hit | None:
    if (
        _SECRET_KEY.match(value)
        and re.search(r"SECRET|AWS", name, re.IGNORECASE)
        and entropy(value) > 4.0
    ):
        return Hit("aws-secret-access-key", "critical", mask(value))
    return None


def _conn(name: str, value: str) -> Hit | None:
    m = _CONN_PASSWORD.match(value)
    if m and not _ENV_PLACEHOLDER.match(m.group("pw")) and not m.group("pw").startswith("${"):
        return Hit("password-in-connection-string", "high", redact(value))
    return None


def _private_key(name: str, value: str) -> Hit | None:
    return Hit("private-key", "critical", mask(value)) if PRIVATE_KEY.search(value) else None


def _token(name: str, value: str) -> Hit | None:
    for kind, pattern in TOKENS.items():
        if pattern.search(value):
            return Hit(kind, "high", mask(value))
    return None


def _named(name: str, value: str) -> Hit | None:
    if (
        _SECRETISH_NAME.search(name)
        and len(value) >= 8
        and not _ENV_REFERENCE.match(value)
        and not _ENV_PLACEHOLDER.match(value)
    ):
        return Hit("secret-named-variable", "medium", mask(value))
    return None


def _entropy(name: str, value: str) -> Hit | None:
    if (
        len(value) >= 20
        and " " not in value
        and not _UUID.match(value)
        and re.search(r"\d", value)
        and re.search(r"[A-Za-z]", value)
        and not _NOT_SECRETS.match(value)
        and not _ENV_REFERENCE.match(value)
        and entropy(value) >= 4.2
    ):
        return Hit("high-entropy-value", "medium", mask(value))
    return None


# ``audit --save-inventory`` writes a detected secret as its mask plus the verdict, never the
# value; ``hunt --lambda-inventory`` reads the verdict back (:func:`_stored`).
_STORED = re.compile(r"^\*{4}\((\d+) chars; ([a-z0-9-]+), (critical|high|medium|low)\)$")


def stored_mask(value: str, hit: Hit | None) -> str:
    """A variable's value as an inventory stores it: the mask, and the secret type if any."""
    if hit is None:
        return mask(value)
    return f"****({len(value)} chars; {hit.detector}, {hit.severity})"


def _stored(name: str, value: str) -> Hit | None:
    m = _STORED.match(value)
    return Hit(m.group(2), m.group(3), f"****({m.group(1)} chars)") if m else None


DETECTORS: list[Callable[[str, str], Hit | None]] = [
    _stored,
    _private_key,
    _secret_key,
    _key_id,
    _conn,
    _token,
    _named,
    _entropy,
]


def scan_variable(name: str, value: object) -> Hit | None:
    """The strongest detector that fires on one variable (first in DETECTORS order)."""
    if not isinstance(value, str) or not value:
        return None
    for detect in DETECTORS:
        hit = detect(name, value)
        if hit is not None:
            return hit
    return None
