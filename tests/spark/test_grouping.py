"""The partition key and the merge of the founding query's groups (no Spark needed)."""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from lambdawatch.alerting.rows import Rows
from lambdawatch.engine.ruleset import RuleSet
from lambdawatch.ingest.records import Matched
from lambdawatch.spark.grouping import Components, assign, linked_accounts
from lambdawatch.spark.merge import merge_groups, merge_rows

A, B, C = "111122223333", "444455556666", "777788889999"


def _matched(account: str, rec: Mapping[str, object]) -> Matched:
    return Matched(orjson.dumps(rec), ["r"], "e1", 0.0, account, "us-east-1", "fn", None)


def test_principal_of_another_account_links_it() -> None:
    rec = {
        "userIdentity": {"type": "IAMUser", "arn": f"arn:aws:iam::{A}:user/alice", "accountId": A},
        "recipientAccountId": B,
    }
    assert linked_accounts(_matched(B, rec)) == (B, A)


def test_assumed_role_and_function_and_role_arns_link() -> None:
    rec = {
        "userIdentity": {
            "type": "AssumedRole",
            "accountId": B,
            "arn": f"arn:aws:sts::{B}:assumed-role/deploy/s",
        },
        "requestParameters": {
            "role": f"arn:aws:iam::{C}:role/exec",
            "notificationConfiguration": {
                "LambdaFunctionArn": f"arn:aws:lambda:us-east-1:{A}:function:f"
            },
        },
    }
    assert linked_accounts(_matched(B, rec)) == (B, A, C)


def test_same_account_and_layers_keys_buckets_do_not_link() -> None:
    rec = {
        "userIdentity": {
            "type": "AssumedRole",
            "accountId": A,
            "arn": f"arn:aws:sts::{A}:assumed-role/deploy/s",
        },
        "requestParameters": {
            "layers": ["arn:aws:lambda:us-east-1:464622532012:layer:Datadog:1"],
            "kMSKeyArn": f"arn:aws:kms:us-east-1:{C}:key/1",
            "sourceArn": f"arn:aws:s3:::bucket-{B}",
        },
    }
    assert linked_accounts(_matched(A, rec)) == (A,)


def test_permission_grantee_does_not_link() -> None:
    """Must not fire: the account an AddPermission grants to keys no stream state."""
    rec = {
        "eventName": "AddPermission20150331v2",
        "userIdentity": {
            "type": "AssumedRole",
            "accountId": A,
            "arn": f"arn:aws:sts::{A}:assumed-role/deploy/s",
        },
        "requestParameters": {
            "functionName": "f",
            "principal": f"arn:aws:iam::{B}:root",
            "sourceAccount": C,
        },
    }
    assert linked_accounts(_matched(A, rec)) == (A,)


def test_components_join_transitively_and_name_by_smallest() -> None:
    comps = Components()
    comps.join([C, B])
    comps.join([B, A])
    comps.join(["999999999999"])
    assert comps.groups() == {A: A, B: A, C: A, "999999999999": "999999999999"}


def test_assign_balances_heaviest_first_and_is_deterministic() -> None:
    weights = {"g1": 100, "g2": 60, "g3": 50, "g4": 5}
    assert assign(weights, 2) == {"g1": 0, "g2": 1, "g3": 1, "g4": 0}
    assert assign(weights, 8) == {"g1": 0, "g2": 1, "g3": 2, "g4": 3}
    assert assign({}, 3) == {}


def test_merged_groups_equal_one_aggregation_over_everything() -> None:
    rules = RuleSet.load()
    rule = next(r for r in rules.rules if r.output)
    cols = list(rule.output)

    def row(name: str, user: str) -> dict[str, object]:
        return {
            rule.id: {
                c: (name if c == "functionName" else user if c == "user_arn" else c) for c in cols
            }
        }

    events = [
        (row("f", "u"), 10.0, "b"),
        (row("f", "u"), 30.0, "a"),
        (row("g", "u"), 5.0, "c"),
        (row("f", "u"), 30.0, "c"),
        (row("f", "v"), 1.0, "d"),
    ]
    whole = Rows(rules.rules)
    for ev in events:
        whole.add(*ev)
    parts = []
    for chunk in (events[:2], events[2:4], events[4:]):
        acc = Rows(rules.rules)
        for ev in chunk:
            acc.add(*ev)
        parts.append(acc.groups)
    assert merge_groups(parts) == whole.groups
    assert merge_rows(rules, parts) == whole.result()
    latest = [r for r in whole.result() if r["count"] == 3]
    assert len(latest) == 1 and latest[0]["last_seen"] == "1970-01-01T00:00:30Z"
