"""Evidence of triggers configured at their source: S3 bucket notifications and SNS
subscriptions that invoke the function (any of its ARNs). Containment never touches them (the
plan says where to remove them after approval); they are preserved and listed."""

from __future__ import annotations

import json
from typing import Any

from lambdawatch.respond.evidence import EvidenceStore
from lambdawatch.respond.manifest import Evidence
from lambdawatch.respond.model import Snapshot
from lambdawatch.respond.reads import Reader, each


def collect_sources(
    s3: Any, sns: Any, snap: Snapshot, evidence: Evidence, workers: int = 8
) -> None:
    reader = Reader(evidence, snap.unread)
    arns = snap.target_arns()
    buckets = reader.pages(s3, "list_buckets", "Buckets", "s3:ListAllMyBuckets", "buckets") or []

    def notifications(bucket: dict[str, Any]) -> dict[str, Any] | None:
        got = reader.read(
            "s3:GetBucketNotification",
            f"bucket {bucket['Name']}",
            s3.get_bucket_notification_configuration,
            Bucket=bucket["Name"],
        )
        hits = [
            c
            for c in (got or {}).get("LambdaFunctionConfigurations", [])
            if c.get("LambdaFunctionArn") in arns
        ]
        return {"Bucket": bucket["Name"], "LambdaFunctionConfigurations": hits} if hits else None

    s3_hits = [n for n in each(notifications, buckets, workers) if n]
    subs = [
        s
        for s in reader.pages(
            sns, "list_subscriptions", "Subscriptions", "sns:ListSubscriptions", "subscriptions"
        )
        or []
        if s.get("Protocol") == "lambda" and s.get("Endpoint") in arns
    ]
    snap.sources = _describe(s3_hits, subs)
    evidence.put_json(
        "triggers/s3-notifications.json", "GetBucketNotificationConfiguration", None, s3_hits
    )
    evidence.put_json("triggers/sns-subscriptions.json", "ListSubscriptions", None, subs)


def _describe(s3_hits: list[dict[str, Any]], subs: list[dict[str, Any]]) -> list[str]:
    return [f"S3 bucket {n['Bucket']}" for n in s3_hits] + [
        f"SNS topic {s['TopicArn']}" for s in subs
    ]


def sources_from_evidence(store: EvidenceStore) -> list[str]:
    """The sources a preserved case recorded (a re-run does not scan every bucket again)."""
    s3_hits = json.loads(store.get("triggers/s3-notifications.json") or b"[]")
    subs = json.loads(store.get("triggers/sns-subscriptions.json") or b"[]")
    return _describe(s3_hits or [], subs or [])
