"""The finding-kind registry: complete, validated, read by rules, analyzers and checks at load."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lambdawatch import kinds
from lambdawatch.analyze.declared import ANALYZER_KINDS, check_analyzer_kinds
from lambdawatch.engine.loader import RuleLoadError, load_rules
from lambdawatch.errors import KindError, LambdawatchError

ROOT = Path(__file__).resolve().parents[2]
DESIGN = Path("/work/shared/DESIGN.md")

# DESIGN.md's "Finding kinds" section, as of this registry (bundled: /work/shared is optional).
DESIGN_KINDS = [
    "admin-role",
    "privileged-role",
    "public-function-url",
    "permissive-cors",
    "public-invoke-permission",
    "cross-account-invoke-permission",
    "foreign-layer",
    "public-layer",
    "env-secret",
    "deprecated-runtime",
    "custom-runtime",
    "container-image",
    "high-resources",
    "vpc-egress-unrestricted",
    "suspicious-name",
    "typosquat-name",
    "random-name",
    "hidden-characters",
    "high-frequency-schedule",
    "wildcard-s3-trigger",
    "public-api-trigger",
    "unusual-principal",
    "human-identity",
    "privesc-chain",
    "lambda-role-iam-activity",
    "code-signing-disabled",
    "reverse-shell",
    "outbound-connection",
    "env-credential-harvest",
    "imds-access",
    "secrets-manager-access",
    "ssm-parameter-access",
    "base64-decode",
    "dynamic-exec",
    "process-exec",
    "obfuscation",
    "iam-manipulation",
    "runtime-api-hijack",
    "credential-exfiltration",
    "cryptominer",
    "hardcoded-secret",
    "beaconing",
    "invocation-spike",
    "duration-anomaly",
    "long-hot-run",
    "cost-over-budget",
    "log-outbound-connection",
    "log-credential-leak",
    "log-gap",
    "unknown-extension",
    "errors-after-change",
    "weighted-alias-to-hidden-version",
    "async-destination-foreign",
    "scheduler-target",
    "unreadable-layer",
]

GOOD_RULE = """id: LW901
slug: my-rule
title: t
description: d
severity: low
priority: P4
mitre: {techniques: [T1648]}
match: {event_source: lambda.amazonaws.com, event_names: [CreateFunction]}
findings:
  - kind: KIND
    code: LW901
    severity: low
    title: t
tests:
  - {name: fires, base: create-function, expect: fire}
  - {name: silent, base: update-function-code, expect: silent}
"""


def test_every_design_kind_is_registered() -> None:
    registered = {k.slug for k in kinds.all_kinds()}
    assert [k for k in DESIGN_KINDS if k not in registered] == []


def test_design_md_kinds_match_when_available() -> None:
    if not DESIGN.exists():
        pytest.skip("the shared DESIGN.md is not on this machine")
    text = DESIGN.read_text(encoding="utf-8").split("### Finding kinds", 1)[1].split("\n## ", 1)[0]
    slugs = set(re.findall(r"`([a-z0-9-]+)`", text))
    assert slugs - {k.slug for k in kinds.all_kinds()} == set()


def test_kind_fields() -> None:
    k = kinds.kind("admin-role")
    assert (k.family, k.weight) == ("function", 30)
    assert k.steps[1] == "Replace the role with a least-privilege one or detach AdministratorAccess"
    assert kinds.weight("random-name") == 15
    assert kinds.kind("public-api-trigger").family == "trigger"
    assert kinds.is_known("reverse-shell") and not kinds.is_known("reverse-shel")


def test_unknown_kind_is_an_error_naming_the_user() -> None:
    with pytest.raises(KindError) as exc:
        kinds.require("admin-rol", where="rules/LW999-x.yml")
    assert str(exc.value) == (
        "rules/LW999-x.yml: unknown finding kind 'admin-rol' (add it to lambdawatch/data/kinds.yml)"
    )
    assert isinstance(exc.value, LambdawatchError)
    with pytest.raises(KindError, match="unknown finding kind 'nope'"):
        kinds.kind("nope")


def _registry(**entry: Any) -> dict[str, Any]:
    base = {"family": "function", "description": "d", "weight": 5, "steps": ["s"]}
    return {"families": {"function": "f"}, "kinds": {"my-kind": {**base, **entry}}}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"family": "nowhere"},
            ("lambdawatch/data/kinds.yml: my-kind: family 'nowhere' is not one of ['function']"),
        ),
        (
            {"weight": 101},
            "lambdawatch/data/kinds.yml: my-kind: weight 101 must be an integer 0-100",
        ),
        (
            {"weight": True},
            "lambdawatch/data/kinds.yml: my-kind: weight True must be an integer 0-100",
        ),
        (
            {"steps": "one"},
            ("lambdawatch/data/kinds.yml: my-kind: steps must be a list of non-empty strings"),
        ),
        (
            {"description": " "},
            ("lambdawatch/data/kinds.yml: my-kind: description must be a non-empty string"),
        ),
        ({"extra": 1}, "lambdawatch/data/kinds.yml: my-kind: fields missing [], unknown ['extra']"),
    ],
)
def test_registry_defects_are_named(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(KindError) as exc:
        kinds.parse_registry(_registry(**entry))
    assert str(exc.value) == message


def test_registry_twin_valid_entry_parses() -> None:
    fams, parsed = kinds.parse_registry(_registry())
    assert fams == {"function": "f"}
    assert parsed["my-kind"] == kinds.Kind("my-kind", "function", "d", 5, ("s",))


def test_bad_slug_is_rejected() -> None:
    data = _registry()
    data["kinds"]["Bad_Kind"] = data["kinds"].pop("my-kind")
    with pytest.raises(KindError, match="kind 'Bad_Kind' is not a kebab-case slug"):
        kinds.parse_registry(data)


def test_rule_with_unknown_kind_fails_at_load_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "LW901-my-rule.yml"
    bad.write_text(GOOD_RULE.replace("KIND", "admin-rol"), encoding="utf-8")
    with pytest.raises(RuleLoadError) as exc:
        load_rules([tmp_path], builtin=False)
    assert [str(p) for p in exc.value.problems] == [
        f"{bad}:10: unknown finding kind 'admin-rol' (not in lambdawatch/data/kinds.yml)"
    ]


def test_rule_with_registered_kind_loads(tmp_path: Path) -> None:
    (tmp_path / "LW901-my-rule.yml").write_text(
        GOOD_RULE.replace("KIND", "admin-role"), encoding="utf-8"
    )
    assert [r.id for r in load_rules([tmp_path], builtin=False)] == ["LW901"]


def test_code_check_with_unknown_kind_fails_at_registration() -> None:
    from lambdawatch.codescan.model import CATALOGUE, Severity, register

    with pytest.raises(KindError) as exc:
        register("ZZ999", "zz", "not-a-kind", "t", Severity.LOW, "low")(lambda ctx: [])
    assert str(exc.value).startswith(
        "check ZZ999 (tests.analyze.test_kinds): unknown finding kind 'not-a-kind'"
    )
    assert "ZZ999" not in CATALOGUE


def test_every_shipped_emitter_uses_registered_kinds() -> None:
    import lambdawatch.codescan.package_checks
    import lambdawatch.codescan.scanner  # noqa: F401
    from lambdawatch.codescan.model import CATALOGUE

    assert {m.kind for m in CATALOGUE.values()} <= {k.slug for k in kinds.all_kinds()}
    assert {f.kind for r in load_rules() for f in r.findings} <= {k.slug for k in kinds.all_kinds()}
    check_analyzer_kinds()


def test_analyzer_declaration_with_unknown_kind_is_named() -> None:
    with pytest.raises(KindError, match=r"^analyzer names \(lambdawatch.analyze\): unknown"):
        check_analyzer_kinds({"names": ("random-nam",)})


def test_analyzers_declare_every_kind_they_emit() -> None:
    src = ROOT / "src" / "lambdawatch" / "analyze"
    emitted = {
        m
        for f in src.glob("*.py")
        for m in re.findall(r'Finding\(\s*"([a-z-]+)"', f.read_text(encoding="utf-8"))
    }
    declared = {k for ks in ANALYZER_KINDS.values() for k in ks}
    assert emitted - declared == set()


def test_alerting_reads_weights_and_steps_from_the_registry() -> None:
    from lambdawatch.alerting import playbook, scoring

    assert playbook.finding_steps()["admin-role"] == list(kinds.steps("admin-role"))
    got = scoring.score_kinds("low", [("public-function-url", "low")])
    assert f"+{kinds.weight('public-function-url')} public-function-url (low)" in got.why


def test_kinds_doc_is_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts/gen_kind_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
