"""Triggers that make a function run, read from one record each: S3 notification entries and
API Gateway HTTP API (v2) integrations and routes. Pure functions of the record; the stream
state keeps what they return (see :class:`lambdawatch.analyze.http_apis.HttpApiBook`).

S3 (``PutBucketNotification``, the API's XML names): ``NotificationConfiguration``
``.CloudFunctionConfiguration`` (or ``LambdaFunctionConfiguration``), one object or a list; each
entry has ``Id``, ``CloudFunction``, ``Event`` (one or a list) and an optional
``Filter.S3Key.FilterRule`` (one or a list of ``{Name: prefix|suffix, Value}``). Each entry is
judged on its own and belongs to the function it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lambdawatch.ingest.normalize import bare_function_name, get, lambda_arns_in

Record = dict[str, Any]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@dataclass(frozen=True, slots=True)
class S3Entry:
    """One Lambda notification entry of a bucket's configuration."""

    id: str | None
    function_arn: str | None
    function: str | None  # bare name
    events: tuple[str, ...]
    filters: tuple[tuple[str, str], ...]  # (prefix|suffix, value)

    @property
    def whole_family(self) -> tuple[str, ...]:
        """Events that select a whole family (``s3:ObjectCreated:*``) or everything (``*``)."""
        return tuple(e for e in self.events if e.endswith(":*") or e == "*")

    @property
    def wildcard(self) -> bool:
        """No prefix/suffix filter, or a whole event family."""
        return not self.filters or bool(self.whole_family)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "function": self.function,
            "events": list(self.events),
            "filters": [{"name": n, "value": v} for n, v in self.filters],
            "filtered": bool(self.filters),
            "whole_family": list(self.whole_family),
        }


def _filters(entry: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    out = []
    for rule in as_list(get(entry, "Filter.S3Key.FilterRule")):
        if not isinstance(rule, dict):
            continue
        name, value = str(rule.get("Name", "")).lower(), rule.get("Value")
        if name in ("prefix", "suffix") and isinstance(value, str) and value:
            out.append((name, value))
    return tuple(out)


def s3_entries(record: Record) -> list[S3Entry]:
    """Every Lambda notification entry of a PutBucketNotification record, in logged order."""
    conf = get(record, "requestParameters.NotificationConfiguration")
    if not isinstance(conf, dict):
        return []
    items = as_list(conf.get("CloudFunctionConfiguration")) + as_list(
        conf.get("LambdaFunctionConfiguration")
    )
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        arns = lambda_arns_in(item.get("CloudFunction") or item.get("LambdaFunctionArn"))
        arn = arns[0] if arns else None
        events = tuple(e for e in as_list(item.get("Event")) if isinstance(e, str))
        ident = item.get("Id")
        out.append(
            S3Entry(
                str(ident) if ident is not None else None,
                arn,
                bare_function_name(arn) if arn else None,
                events,
                _filters(item),
            )
        )
    return out


def s3_functions(record: Record) -> list[str]:
    """The bare names of the functions a notification record targets, first-seen order."""
    return list(dict.fromkeys(e.function for e in s3_entries(record) if e.function))


def wildcard_entries_for(record: Record, function: str | None) -> list[S3Entry]:
    """The wildcard entries that target ``function`` (never another function's)."""
    return [e for e in s3_entries(record) if e.function == function and e.wildcard]


def for_function(record: Record, function: str) -> Record:
    """A copy of a notification record keeping only the Lambda entries that target
    ``function`` (for a detector that fans a record out to every function it names: each copy
    is then attributed to, and judged for, that function alone)."""
    conf = get(record, "requestParameters.NotificationConfiguration")
    if not isinstance(conf, dict):
        return record
    kept = dict(conf)
    for key in ("CloudFunctionConfiguration", "LambdaFunctionConfiguration"):
        if key in kept:
            mine = [
                i
                for i in as_list(kept[key])
                if isinstance(i, dict)
                and bare_function_name(
                    next(
                        iter(lambda_arns_in(i.get("CloudFunction") or i.get("LambdaFunctionArn"))),
                        None,
                    )
                )
                == function
            ]
            if mine:
                kept[key] = mine
            else:
                del kept[key]
    req = dict(record["requestParameters"])
    req["NotificationConfiguration"] = kept
    return {**record, "requestParameters": req}
