"""Normalize a CloudTrail record into an :class:`Event`: base name, API version, function, principal.

CloudTrail records stay dicts (their schema drifts); this module holds the small accessors that
read them, so every later stage sees the same names for the same things.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson

from lambdawatch.errors import InputError

_VERSION_SUFFIX = re.compile(r"^(?P<base>.+?)(?P<version>\d{8}(?:v\d+)?)$")
_LAMBDA_ARN = re.compile(
    r"^arn:(?P<partition>[\w-]+):lambda:(?P<region>[\w-]*):(?P<account>\w*):function:"
    r"(?P<name>[^:]+)(?::(?P<qualifier>[^:]+))?$"
)
_PARTIAL_ARN = re.compile(r"^(?P<account>\d+):function:(?P<name>[^:]+)(?::(?P<qualifier>[^:]+))?$")
_NAME_QUALIFIER = re.compile(r"^(?P<name>[^:]+):(?P<qualifier>\$LATEST|\d+|[A-Za-z][\w-]*)$")


@lru_cache(maxsize=8192)
def split_event_name(name: str) -> tuple[str, str | None]:
    """``CreateFunction20150331`` -> (``CreateFunction``, ``20150331``); ``v2`` suffixes kept.
    Memoized: every rule of a source asks it of every candidate record."""
    m = _VERSION_SUFFIX.match(name)
    if m is None:
        return name, None
    return m.group("base"), m.group("version")


@lru_cache(maxsize=4096)
def _parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def get(record: dict[str, Any], path: str) -> Any:
    """Read a dotted path (``requestParameters.code.s3Bucket``); None where any step is missing."""
    cur: Any = record
    for part in _parts(path):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
        if cur is None:
            return None
    return cur


def bare_function_name(value: Any) -> str | None:
    """The bare function name from a name, a full or partial ARN, or a qualified name."""
    if not isinstance(value, str) or not value:
        return None
    m = _LAMBDA_ARN.match(value) or _PARTIAL_ARN.match(value)
    if m is not None:
        return m.group("name")
    if value.startswith("arn:"):
        return None  # an ARN of something else (a layer, a role): not a function
    m = _NAME_QUALIFIER.match(value)
    return m.group("name") if m else value


def is_success(record: dict[str, Any]) -> bool:
    """Success means errorCode absent, null or empty."""
    return not record.get("errorCode")


_CANONICAL = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def parse_time(value: Any) -> datetime:
    """Parse CloudTrail's ISO 8601 eventTime to an aware UTC datetime."""
    if not isinstance(value, str) or not value:
        raise ValueError("eventTime is missing")
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def iso(dt: datetime) -> str:
    """ISO 8601 UTC with a ``Z`` suffix and second precision (the form CloudTrail logs)."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class Event:
    """A normalized CloudTrail record; ``record`` is the original dict, untouched."""

    record: dict[str, Any]
    event_id: str
    time: datetime
    event_source: str
    event_name: str
    base_name: str
    api_version: str | None
    account: str
    region: str
    function: str | None
    function_arn: str | None
    principal_arn: str | None
    principal_id: str | None
    source_ip: str | None
    user_agent: str | None
    success: bool
    rules: list[str] = field(default_factory=list)

    @property
    def ts(self) -> float:
        return self.time.timestamp()

    @property
    def time_iso(self) -> str:
        raw = self.record.get("eventTime")
        if isinstance(raw, str) and _CANONICAL.match(raw):
            return raw  # already the canonical form: skip strftime on the hot path
        return iso(self.time)


def _function_of(record: dict[str, Any]) -> tuple[str | None, str | None]:
    req = record.get("requestParameters") or {}
    resp = record.get("responseElements") or {}
    if not isinstance(req, dict):
        req = {}
    if not isinstance(resp, dict):
        resp = {}
    candidates = (
        req.get("functionName"),
        get(req, "fullyQualifiedArn.relativeId.functionName"),
        resp.get("functionName"),
        resp.get("functionArn"),
    )
    name = next((n for v in candidates if (n := bare_function_name(v))), None)
    arn: str | None = None
    for v in (resp.get("functionArn"), req.get("functionName")):
        if isinstance(v, str) and (m := _LAMBDA_ARN.match(v)):
            arn = f"arn:{m['partition']}:lambda:{m['region']}:{m['account']}:function:{m['name']}"
            break
    return name, arn


_LAMBDA_ARN_IN_TEXT = re.compile(
    r"arn:(?P<partition>aws[\w-]*):lambda:(?P<region>[\w-]+):(?P<account>\d{12}):function:"
    r"(?P<name>[A-Za-z0-9_-]+)"
)


def lambda_arns_in(value: Any) -> list[str]:
    """Unqualified function ARNs found in ``value`` (a string, or lists/dicts of strings).

    Reads plain ARNs and API Gateway integration URIs
    (``arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/<fnArn>/invocations``).
    """
    out: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            for m in _LAMBDA_ARN_IN_TEXT.finditer(v):
                arn = (
                    f"arn:{m['partition']}:lambda:{m['region']}:{m['account']}:function:{m['name']}"
                )
                if arn not in out:
                    out.append(arn)
        elif isinstance(v, dict):
            stack.extend(reversed(list(v.values())))
        elif isinstance(v, list):
            stack.extend(reversed(v))
    return out


# Where trigger APIs of other services name the Lambda function they invoke (request paths).
_TRIGGER_PATHS: dict[str, tuple[str, ...]] = {
    "events.amazonaws.com": ("targets", "Targets"),
    "s3.amazonaws.com": (
        "NotificationConfiguration.CloudFunctionConfiguration",
        "NotificationConfiguration.LambdaFunctionConfiguration",
    ),
    "apigateway.amazonaws.com": (
        "uri",
        "putIntegrationInput.uri",
        "integrationUri",
        "patchOperations",
    ),
    "sns.amazonaws.com": ("endpoint",),
}


def _trigger_function(record: dict[str, Any], source: Any) -> tuple[str | None, str | None]:
    """The function a trigger record (EventBridge target, S3 notification, API Gateway
    integration, SNS subscription) points at: its name and unqualified ARN."""
    paths = _TRIGGER_PATHS.get(source) if isinstance(source, str) else None
    req = record.get("requestParameters")
    if not paths or not isinstance(req, dict):
        return None, None
    for path in paths:
        arns = lambda_arns_in(get(req, path))
        if arns:
            return bare_function_name(arns[0]), arns[0]
    return None, None


def account_of(record: dict[str, Any]) -> str:
    acct = record.get("recipientAccountId") or get(record, "userIdentity.accountId")
    return str(acct) if acct else "unknown"


def normalize(record: Any) -> Event:
    """Build an :class:`Event`; raises :class:`InputError` when the record cannot be one."""
    if not isinstance(record, dict):
        raise InputError("record is not a JSON object")
    name = record.get("eventName")
    if not isinstance(name, str) or not name:
        raise InputError("record has no eventName")
    try:
        when = parse_time(record.get("eventTime"))
    except ValueError as exc:
        raise InputError(f"record has no valid eventTime ({exc})") from None
    base, version = split_event_name(name)
    source = record.get("eventSource")
    function, arn = (
        _function_of(record)
        if source == "lambda.amazonaws.com"
        else _trigger_function(record, source)
    )
    account = account_of(record)
    region = str(record.get("awsRegion") or "unknown")
    if function and arn is None:
        partition = "aws"
        arn = f"arn:{partition}:lambda:{region}:{account}:function:{function}"
    raw_ident = record.get("userIdentity")
    ident: dict[str, Any] = raw_ident if isinstance(raw_ident, dict) else {}
    event_id = record.get("eventID")
    if not isinstance(event_id, str) or not event_id:
        # No eventID (hand-made or transcribed records): a content hash still dedupes copies.
        digest = hashlib.sha256(orjson.dumps(record, option=orjson.OPT_SORT_KEYS)).hexdigest()
        event_id = f"sha256:{digest[:32]}"
    return Event(
        record=record,
        event_id=event_id,
        time=when,
        event_source=str(source or ""),
        event_name=name,
        base_name=base,
        api_version=version,
        account=account,
        region=region,
        function=function,
        function_arn=arn,
        principal_arn=ident.get("arn"),
        principal_id=ident.get("principalId"),
        source_ip=record.get("sourceIPAddress"),
        user_agent=record.get("userAgent"),
        success=is_success(record),
    )
