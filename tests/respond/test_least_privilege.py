"""The shipped IAM policies cover every API the command calls (CallRecorder on each client)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lambdawatch.respond.evidence import LocalStore
from lambdawatch.respond.iam_actions import NO_PERMISSION, action_for
from lambdawatch.respond.rollback import rollback
from tests.respond.helpers import run

IAM = Path(__file__).resolve().parents[2] / "docs" / "iam"


def allowed(policy: str) -> set[str]:
    doc = json.loads((IAM / policy).read_text())
    out: set[str] = set()
    for st in doc["Statement"]:
        assert st["Effect"] == "Allow"
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        out.update(actions)
    assert not any("*" in a for a in out), "no wildcard actions"
    return out


def outside(calls: set[str], policy: str) -> set[str]:
    """The recorded ``service:Operation`` calls whose IAM action the policy does not grant."""
    granted = allowed(policy)
    needed = {action_for(*c.split(":", 1)) for c in calls} - NO_PERMISSION
    return needed - granted


def test_plan_calls_only_what_the_plan_policy_grants(world: dict[str, Any], tmp_path: Path) -> None:
    run(world, tmp_path / "case")
    calls = world["recorder"].operations()
    assert "lambda:GetLayerVersionByArn" in calls and "scheduler:GetSchedule" in calls
    assert outside(calls, "respond-plan-policy.json") == set()
    writes = {
        c
        for c in calls
        if c.split(":")[1].startswith(
            ("Put", "Update", "Remove", "Tag", "Disable", "Delete", "Add")
        )
    }
    assert writes == set()


def test_apply_calls_only_what_the_apply_policy_grants(
    world: dict[str, Any], tmp_path: Path
) -> None:
    run(world, tmp_path / "case", apply=True, disable_triggers=True)
    calls = world["recorder"].operations()
    assert {
        "lambda:PutFunctionConcurrency",
        "lambda:RemovePermission",
        "lambda:UpdateFunctionUrlConfig",
        "lambda:UpdateEventSourceMapping",
        "lambda:TagResource",
        "events:DisableRule",
        "scheduler:UpdateSchedule",
    } <= calls
    assert outside(calls, "respond-apply-policy.json") == set()
    assert "lambda:AddPermission" not in allowed("respond-apply-policy.json")
    assert "lambda:DeleteFunction" not in allowed("respond-apply-policy.json")


def test_rollback_calls_only_what_the_rollback_policy_grants(
    world: dict[str, Any], tmp_path: Path
) -> None:
    case = tmp_path / "case"
    run(world, case, apply=True, disable_triggers=True)
    world["recorder"].calls.clear()
    rollback(LocalStore(case), lambda s: world["factory"].client(s, "us-east-1"))
    calls = world["recorder"].operations()
    assert "lambda:AddPermission" in calls and "lambda:DeleteFunctionConcurrency" in calls
    assert outside(calls, "respond-rollback-policy.json") == set()


@pytest.mark.parametrize(
    ("calls", "missing"),
    [
        ({"lambda:GetFunction", "sts:GetCallerIdentity"}, set()),
        ({"lambda:GetLayerVersionByArn"}, set()),
        ({"lambda:DeleteFunction"}, {"lambda:DeleteFunction"}),
        ({"lambda:PutFunctionConcurrency"}, {"lambda:PutFunctionConcurrency"}),
    ],
)
def test_the_check_fails_on_a_call_outside_the_plan_policy(
    calls: set[str], missing: set[str]
) -> None:
    assert outside(calls, "respond-plan-policy.json") == missing
