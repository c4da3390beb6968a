"""What an SQS message body says, recognised by its keys (LIVE-AWS.md C.2), never by setting.

- an S3 event notification (``Records`` of ``eventSource`` ``aws:s3``), direct or wrapped in an
  SNS envelope (``Type``/``Message``); keys are URL-encoded;
- CloudTrail's own SNS notification (``s3Bucket`` and a list of ``s3ObjectKey``), not encoded;
- EventBridge "Object Created" (``source`` ``aws.s3``) naming one object;
- EventBridge "AWS API Call via CloudTrail": ``detail`` is the CloudTrail record itself;
- the S3 test event (provable junk: deleted, counted).

Anything else is ``unknown``: counted and left on the queue for its redrive policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

import orjson

SKIPPED_PARTS = ("/CloudTrail-Digest/", "/CloudTrail-Insight/")


@dataclass(frozen=True)
class ObjectRef:
    bucket: str
    key: str
    version: str = ""  # eTag, sequencer or version: a re-upload under one key is new
    size: int | None = None

    @property
    def name(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


@dataclass
class Parsed:
    kind: str  # objects | records | test | skipped | unknown | malformed
    objects: list[ObjectRef] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0  # digest/insight objects and non-create S3 events named by the message
    detail: str = ""


def _wanted(key: str) -> bool:
    padded = "/" + key
    return not any(part in padded for part in SKIPPED_PARTS) and (
        key.endswith((".json.gz", ".json", ".jsonl", ".jsonl.gz"))
    )


def _s3_records(body: dict[str, Any]) -> Parsed:
    out = Parsed("objects")
    for rec in body.get("Records") or []:
        if not isinstance(rec, dict):
            continue
        name = str(rec.get("eventName") or "")
        raw = rec.get("s3")
        s3: dict[str, Any] = raw if isinstance(raw, dict) else {}
        bucket = (s3.get("bucket") or {}).get("name")
        obj = s3.get("object") or {}
        key = obj.get("key")
        if (
            not name.startswith("ObjectCreated:")
            or not isinstance(bucket, str)
            or not isinstance(key, str)
        ):
            out.skipped += 1
            continue
        key = unquote_plus(key)
        if not _wanted(key):
            out.skipped += 1
            continue
        version = str(obj.get("sequencer") or obj.get("eTag") or obj.get("versionId") or "")
        out.objects.append(ObjectRef(bucket, key, version, obj.get("size")))
    if not out.objects:
        out.kind = "skipped"
    return out


def _cloudtrail_sns(body: dict[str, Any]) -> Parsed:
    bucket = body.get("s3Bucket")
    keys = body.get("s3ObjectKey")
    if isinstance(keys, str):
        keys = [keys]
    out = Parsed("objects")
    for key in keys or []:
        if isinstance(key, str) and _wanted(key):
            out.objects.append(ObjectRef(str(bucket), key))
        else:
            out.skipped += 1
    if not out.objects:
        out.kind = "skipped"
    return out


def _eventbridge(body: dict[str, Any]) -> Parsed:
    detail = body.get("detail")
    if not isinstance(detail, dict):
        return Parsed("unknown", detail="EventBridge event without a detail object")
    if body.get("detail-type") == "AWS API Call via CloudTrail":
        if not detail.get("eventID") or not detail.get("eventTime"):
            return Parsed("unknown", detail="CloudTrail event without eventID or eventTime")
        return Parsed("records", records=[detail])
    if body.get("source") == "aws.s3" and body.get("detail-type") == "Object Created":
        bucket = (detail.get("bucket") or {}).get("name")
        obj = detail.get("object") or {}
        key = obj.get("key")
        if not isinstance(bucket, str) or not isinstance(key, str):
            return Parsed("unknown", detail="Object Created event without bucket or key")
        key = unquote_plus(key)
        if not _wanted(key):
            return Parsed("skipped", skipped=1)
        version = str(obj.get("sequencer") or obj.get("etag") or "")
        return Parsed("objects", objects=[ObjectRef(bucket, key, version, obj.get("size"))])
    return Parsed("unknown", detail=f"EventBridge {body.get('detail-type')!r} event")


def parse(text: str | bytes, *, depth: int = 0) -> Parsed:
    try:
        body = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return Parsed("malformed", detail=f"not JSON ({exc})")
    if not isinstance(body, dict):
        return Parsed("malformed", detail="not a JSON object")
    if body.get("Event") == "s3:TestEvent":
        return Parsed("test")
    if body.get("Type") == "Notification" and isinstance(body.get("Message"), str) and depth == 0:
        return parse(body["Message"], depth=1)  # the SNS envelope
    if isinstance(body.get("Records"), list):
        return _s3_records(body)
    if "s3Bucket" in body and "s3ObjectKey" in body:
        return _cloudtrail_sns(body)
    if "detail-type" in body:
        return _eventbridge(body)
    return Parsed(
        "unknown", detail="unrecognised message shape (keys: " + ", ".join(sorted(body)[:8]) + ")"
    )
