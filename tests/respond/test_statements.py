"""Which statements containment removes (public, cross-account) and which it keeps."""

from __future__ import annotations

from typing import Any

import pytest

from lambdawatch.respond.statements import add_permission_args, classify

OWN = "111122223333"
FN = f"arn:aws:lambda:us-east-1:{OWN}:function:f"


def stmt(principal: Any, condition: dict[str, Any] | None = None, sid: str = "s") -> dict[str, Any]:
    out: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": "lambda:InvokeFunction",
        "Resource": FN,
    }
    if condition:
        out["Condition"] = condition
    return out


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        # must fire: removed
        (stmt("*"), "public"),
        (stmt({"AWS": "*"}), "public"),
        (stmt("*", {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}), "public"),
        (stmt({"AWS": "arn:aws:iam::999999999999:root"}), "cross-account"),
        (
            stmt({"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::999999999999:role/x"]}),
            "cross-account",
        ),
        (stmt("*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}), "cross-account"),
        (
            stmt(
                {"Service": "s3.amazonaws.com"},
                {"StringEquals": {"AWS:SourceAccount": "999999999999"}},
            ),
            "cross-account",
        ),
        (
            stmt(
                {"Service": "events.amazonaws.com"},
                {"ArnLike": {"AWS:SourceArn": "arn:aws:events:us-east-1:999999999999:rule/x"}},
            ),
            "cross-account",
        ),
        # must not fire: kept
        (stmt({"AWS": f"arn:aws:iam::{OWN}:root"}), "same-account"),
        (stmt({"AWS": f"arn:aws:iam::{OWN}:role/caller"}), "same-account"),
        (stmt("*", {"StringEquals": {"AWS:SourceAccount": OWN}}), "same-account"),
        (
            stmt(
                {"Service": "events.amazonaws.com"},
                {"ArnLike": {"AWS:SourceArn": f"arn:aws:events:us-east-1:{OWN}:rule/x"}},
            ),
            "service",
        ),
        (
            stmt(
                {"Service": "s3.amazonaws.com"},
                {
                    "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::bucket"},
                    "StringEquals": {"AWS:SourceAccount": OWN},
                },
            ),
            "service",
        ),
        (stmt({"Service": "sns.amazonaws.com"}), "service-unbound"),
    ],
)
def test_classify(statement: dict[str, Any], kind: str) -> None:
    verdict = classify(statement, OWN)
    assert verdict.kind == kind
    assert verdict.remove == (kind in ("public", "cross-account"))


def test_add_permission_args_recreate_the_statement() -> None:
    url = stmt("*", {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}, "url")
    url["Action"] = "lambda:InvokeFunctionUrl"
    assert add_permission_args(url) == {
        "StatementId": "url",
        "Action": "lambda:InvokeFunctionUrl",
        "Principal": "*",
        "FunctionUrlAuthType": "NONE",
    }
    svc = stmt(
        {"Service": "s3.amazonaws.com"},
        {
            "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::b"},
            "StringEquals": {"AWS:SourceAccount": OWN},
        },
        "s3",
    )
    assert add_permission_args(svc) == {
        "StatementId": "s3",
        "Action": "lambda:InvokeFunction",
        "Principal": "s3.amazonaws.com",
        "SourceArn": "arn:aws:s3:::b",
        "SourceAccount": OWN,
    }
    acct = stmt({"AWS": "arn:aws:iam::999999999999:root"}, sid="x")
    assert add_permission_args(acct)["Principal"] == "999999999999"


def test_add_permission_args_refuses_what_it_cannot_recreate() -> None:
    odd = stmt("*", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, "ip")
    with pytest.raises(ValueError, match="statement ip: condition IpAddress aws:SourceIp"):
        add_permission_args(odd)
