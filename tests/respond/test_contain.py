"""Contain with reversible steps, idempotently; stop on the first failure; roll back exactly."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from lambdawatch.respond import render
from lambdawatch.respond.evidence import LocalStore
from lambdawatch.respond.rollback import rollback
from tests.respond.helpers import actions, run, steps
from tests.respond.state import live_state

NAME = "payments-sync"
CONTAINED_STEPS = [
    ("disable-mapping", "arn:aws:lambda:us-east-1:123456789012", "done"),
    ("throttle", NAME, "done"),
    ("url-auth", f"{NAME}:$LATEST", "done"),
    ("remove-statement", f"{NAME}:$LATEST statement FunctionURLAllowPublicAccess", "done"),
    ("remove-statement", f"{NAME}:2 statement cross-account", "done"),
    ("remove-statement", f"{NAME}:live statement public-invoke", "done"),
    ("tag", NAME, "done"),
]


def contained(before: dict[str, Any], case: str) -> dict[str, Any]:
    """The state --apply must leave: everything else exactly as before."""
    after = copy.deepcopy(before)
    after["concurrency"] = 0
    after["mappings"] = ["Disabled"]
    after["urls"] = {"$LATEST": "AWS_IAM", "live": "AWS_IAM"}
    after["policies"]["$LATEST"] = [
        s for s in before["policies"]["$LATEST"] if s["Sid"] in ("events-invoke", "same-account")
    ]
    after["policies"]["2"] = []
    after["policies"]["live"] = []
    after["tags"] = {**before["tags"], "lambdawatch:case": case}
    return after


def _without_time(state: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(state)
    out["tags"].pop("lambdawatch:contained", None)
    return out


def test_apply_contains_exactly_and_records_every_before(
    world: dict[str, Any], tmp_path: Path
) -> None:
    client = world["setup"].client
    before = live_state(client)
    case = tmp_path / "case"
    out = run(world, case, apply=True, case="IR-42")
    after = live_state(client)
    assert after["tags"]["lambdawatch:contained"]
    assert _without_time(after) == contained(before, "IR-42")
    assert out.failed is None and out.verification.ok
    assert steps(case) == CONTAINED_STEPS
    lines = actions(case)
    assert lines[1]["before"] == {"ReservedConcurrentExecutions": None}
    assert lines[2]["before"] == {"AuthType": "NONE"}
    assert lines[5]["before"] == before["policies"]["live"][0]  # the full statement, for rollback
    assert all(set(line) >= {"step", "target", "before", "after", "status"} for line in lines)
    text = render.text(out)
    assert "Contained: 7 step(s) done" in text
    assert "kept: statement same-account on $LATEST: principal of this account" in text
    assert "kept: statement events-invoke on $LATEST: AWS service principal bound" in text


def test_second_apply_changes_nothing_and_says_so(world: dict[str, Any], tmp_path: Path) -> None:
    client = world["setup"].client
    case = tmp_path / "case"
    run(world, case, apply=True, case="IR-42")
    once = live_state(client)
    again = run(world, case, apply=True)
    assert again.reused and again.case == "IR-42"
    assert live_state(client) == once
    assert steps(case) == CONTAINED_STEPS  # no new line
    assert [(s.step, s.status) for s in again.plan.steps] == [
        ("disable-mapping", "unchanged"),
        ("throttle", "unchanged"),
        ("url-auth", "unchanged"),
        ("url-auth", "unchanged"),
        ("disable-rule", "optional"),
        ("disable-schedule", "optional"),
        ("tag", "unchanged"),
    ]
    assert "Nothing to change: the function is already contained." in render.text(again)


def test_rollback_restores_the_state_before(world: dict[str, Any], tmp_path: Path) -> None:
    client = world["setup"].client
    before = live_state(client)
    case = tmp_path / "case"
    run(world, case, apply=True, disable_triggers=True)
    mid = live_state(client)
    assert (mid["rule"], mid["schedule"]) == ("DISABLED", "DISABLED")
    result = rollback(LocalStore(case), lambda s: world["factory"].client(s, "us-east-1"))
    assert [r["step"] for r in result.restored] == [
        "tag",
        "disable-schedule",
        "disable-rule",
        "remove-statement",
        "remove-statement",
        "remove-statement",
        "url-auth",
        "throttle",
        "disable-mapping",
    ]
    assert not result.failed
    assert live_state(client) == before
    # a second rollback has nothing left to do
    again = rollback(LocalStore(case), lambda s: world["factory"].client(s, "us-east-1"))
    assert (again.restored, again.failed, again.already) == ([], [], 9)
    assert live_state(client) == before


def test_failure_midway_stops_reports_and_rolls_back(world: dict[str, Any], tmp_path: Path) -> None:
    client = world["setup"].client
    before = live_state(client)
    world["faults"].deny("PUT", r"/functions/payments-sync/url")  # no UpdateFunctionUrlConfig
    case = tmp_path / "case"
    out = run(world, case, apply=True)
    assert out.failed is not None and out.failed.step == "url-auth"
    assert out.failed.error is not None
    assert "access denied; grant lambda:UpdateFunctionUrlConfig" in out.failed.error
    assert steps(case) == [
        ("disable-mapping", "arn:aws:lambda:us-east-1:123456789012", "done"),
        ("throttle", NAME, "done"),
        ("url-auth", f"{NAME}:$LATEST", "failed"),
    ]
    assert [s.status for s in out.plan.steps if s.step in ("remove-statement", "tag")] == [
        "not-run"
    ] * 4
    mid = live_state(client)
    assert (mid["concurrency"], mid["mappings"], mid["urls"]) == (
        0,
        ["Disabled"],
        {"$LATEST": "NONE", "live": "AWS_IAM"},
    )
    assert mid["policies"] == before["policies"] and mid["tags"] == before["tags"]
    text = render.text(out)
    assert "STOPPED: 2 step(s) done, 5 not done." in text
    result = rollback(LocalStore(case), lambda s: world["factory"].client(s, "us-east-1"))
    assert [r["step"] for r in result.restored] == ["throttle", "disable-mapping"]
    assert live_state(client) == before


def test_apply_after_a_failure_finishes_the_rest(world: dict[str, Any], tmp_path: Path) -> None:
    client = world["setup"].client
    before = live_state(client)
    world["faults"].deny("POST", r"/tags/")  # TagResource refused
    case = tmp_path / "case"
    first = run(world, case, apply=True, case="IR-7")
    assert first.failed is not None and first.failed.step == "tag"
    world["faults"].rules.clear()
    second = run(world, case, apply=True)
    assert second.failed is None
    assert [s.step for s in second.plan.steps if s.status == "done"] == ["tag"]
    assert _without_time(live_state(client)) == contained(before, "IR-7")
    rollback(LocalStore(case), lambda s: world["factory"].client(s, "us-east-1"))
    assert live_state(client) == before


def test_rollback_restores_a_previous_reservation(world: dict[str, Any], tmp_path: Path) -> None:
    client = world["setup"].client
    client("lambda").put_function_concurrency(FunctionName=NAME, ReservedConcurrentExecutions=5)
    before = live_state(client)
    case = tmp_path / "case"
    run(world, case, apply=True)
    assert actions(case)[1]["before"] == {"ReservedConcurrentExecutions": 5}
    assert live_state(client)["concurrency"] == 0
    rollback(LocalStore(case), lambda s: world["factory"].client(s, "us-east-1"))
    assert live_state(client) == before


def test_unreadable_state_is_planned_around_but_blocks_apply(
    world: dict[str, Any], tmp_path: Path
) -> None:
    import pytest

    from lambdawatch.errors import AwsError

    client = world["setup"].client
    before = live_state(client)
    world["faults"].deny("GET", r"/functions/payments-sync/concurrency")
    case = tmp_path / "case"
    out = run(world, case)
    assert out.plan.notes[0].startswith(
        "could not read arn:aws:lambda:us-east-1:123456789012:function:payments-sync "
        "(lambda:GetFunctionConcurrency: access-denied)"
    )
    with pytest.raises(
        AwsError,
        match=r"no containment step run: grant "
        r"lambda:GetFunctionConcurrency$",
    ):
        run(world, case, apply=True)
    assert live_state(client) == before and actions(case) == []
    world["faults"].rules.clear()
    assert run(world, case, apply=True).failed is None


def test_a_refused_undo_is_reported_the_others_run_and_a_retry_finishes(
    world: dict[str, Any], tmp_path: Path
) -> None:
    client = world["setup"].client
    before = live_state(client)
    case = tmp_path / "case"
    run(world, case, apply=True)
    world["faults"].deny("POST", r"/functions/payments-sync/policy")  # no AddPermission
    first = rollback(LocalStore(case), lambda s: world["factory"].client(s, "us-east-1"))
    assert [r["step"] for r in first.failed] == ["remove-statement"] * 3
    assert all("access denied; grant lambda:AddPermission" in r["error"] for r in first.failed)
    assert [r["step"] for r in first.restored] == ["tag", "url-auth", "throttle", "disable-mapping"]
    world["faults"].rules.clear()
    second = rollback(LocalStore(case), lambda s: world["factory"].client(s, "us-east-1"))
    assert ([r["step"] for r in second.restored], second.already) == (["remove-statement"] * 3, 4)
    assert live_state(client) == before
