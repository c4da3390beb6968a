"""Attacker-controlled strings are neutralised in the runbook; JSON keeps exact values."""

from __future__ import annotations

import json

from lambdawatch.respond import render
from lambdawatch.respond.manifest import Verification
from lambdawatch.respond.model import Step, Target
from lambdawatch.respond.plan import Plan
from lambdawatch.respond.run import Outcome

HOSTILE = "evil\x1b[2J\u202egnp.exe\nFAKE LINE"


def outcome() -> Outcome:
    step = Step(
        "disable-rule",
        f"arn:aws:events:us-east-1:123456789012:rule/{HOSTILE}",
        {"State": "ENABLED"},
        {"State": "DISABLED"},
        "why",
        {"Name": HOSTILE, "EventBusName": "default"},
        "optional",
    )
    manifest = {"artifacts": [], "gaps": [{"what": HOSTILE, "api": "x", "error": "other"}]}
    return Outcome(
        Target("fn", "123456789012", "us-east-1"),
        "IR-1",
        "/cases/IR-1",
        Verification(manifest, []),
        Plan(steps=[step]),
        reused=False,
    )


def test_text_escapes_control_and_bidi_characters() -> None:
    text = render.text(outcome())
    assert "\x1b" not in text and "\u202e" not in text
    assert "evil\\x1b[2J\\u202egnp.exe\\nFAKE LINE" in text
    assert not any(line.startswith("FAKE LINE") for line in text.splitlines())


def test_plain_strings_are_unchanged() -> None:
    out = outcome()
    out.plan.steps[0].target = "arn:aws:events:us-east-1:123456789012:rule/nightly"
    assert "   [?] 1.  disable-rule      arn:aws:events:us-east-1:123456789012:rule/nightly" in (
        render.text(out).splitlines()
    )


def test_json_keeps_exact_values() -> None:
    rows = json.loads(render.as_json(outcome()))
    assert rows[0]["params"]["Name"] == HOSTILE
