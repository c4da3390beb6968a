"""Every message shape watch accepts (LIVE-AWS.md C.2), recognised by its keys, and the ones it
must skip or leave on the queue."""

from __future__ import annotations

import json

from lambdawatch.watch.messages import ObjectRef, parse

KEY = (
    "AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/14/"
    "111122223333_CloudTrail_us-east-1_20250314T0805Z_AbCdEf.json.gz"
)


def s3_event(key: str = KEY, name: str = "ObjectCreated:Put") -> dict:
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "eventName": name,
                "s3": {
                    "bucket": {"name": "trail-bucket"},
                    "object": {
                        "key": key,
                        "size": 48213,
                        "eTag": "d41d8",
                        "sequencer": "0055AED6DCD90281E5",
                    },
                },
            }
        ]
    }


def sns(message: dict) -> str:
    return json.dumps(
        {
            "Type": "Notification",
            "MessageId": "m",
            "TopicArn": "arn:aws:sns:x",
            "Message": json.dumps(message),
        }
    )


def test_direct_s3_notification_with_an_encoded_key() -> None:
    encoded = KEY.replace("/", "%2F").replace("_CloudTrail_", "_Cloud+Trail_")
    got = parse(json.dumps(s3_event(encoded)))
    assert got.kind == "objects"
    assert got.objects == [
        ObjectRef(
            "trail-bucket",
            KEY.replace("_CloudTrail_", "_Cloud Trail_"),
            "0055AED6DCD90281E5",
            48213,
        )
    ]


def test_s3_notification_through_sns() -> None:
    got = parse(sns(s3_event()))
    assert [o.key for o in got.objects] == [KEY]


def test_cloudtrail_own_sns_notification_lists_keys_unencoded() -> None:
    got = parse(
        sns({"s3Bucket": "trail-bucket", "s3ObjectKey": [KEY, KEY.replace("T0805", "T0810")]})
    )
    assert [o.key for o in got.objects] == [KEY, KEY.replace("T0805", "T0810")]


def test_eventbridge_api_call_carries_the_record() -> None:
    detail = {
        "eventID": "f0a1",
        "eventTime": "2025-03-14T08:02:11Z",
        "eventSource": "lambda.amazonaws.com",
        "eventName": "CreateFunctionUrlConfig20211031",
    }
    got = parse(
        json.dumps(
            {
                "version": "0",
                "detail-type": "AWS API Call via CloudTrail",
                "source": "aws.lambda",
                "detail": detail,
            }
        )
    )
    assert (got.kind, got.records) == ("records", [detail])


def test_eventbridge_object_created() -> None:
    got = parse(
        json.dumps(
            {
                "version": "0",
                "detail-type": "Object Created",
                "source": "aws.s3",
                "detail": {
                    "bucket": {"name": "b"},
                    "object": {"key": KEY, "size": 100, "etag": "e"},
                },
            }
        )
    )
    assert got.objects == [ObjectRef("b", KEY, "e", 100)]


def test_test_event_digests_and_deletions_are_skipped() -> None:
    assert parse(json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"})).kind == "test"
    digest = KEY.replace("/CloudTrail/", "/CloudTrail-Digest/")
    assert parse(json.dumps(s3_event(digest))).kind == "skipped"
    assert parse(json.dumps(s3_event(name="ObjectRemoved:Delete"))).kind == "skipped"


def test_unknown_and_malformed_are_left_for_the_redrive_policy() -> None:
    assert parse("{not json").kind == "malformed"
    assert parse("[1, 2]").kind == "malformed"
    assert parse(json.dumps({"hello": "world"})).kind == "unknown"
    assert (
        parse(
            json.dumps({"detail-type": "EC2 Instance State-change Notification", "detail": {}})
        ).kind
        == "unknown"
    )
