"""Name red flags: generic names, random strings, hidden characters, typosquats (with look-alikes
that must stay silent)."""

from __future__ import annotations

import random
import string

import pytest

from lambdawatch.analyze.names import analyze_names
from tests.analyze.helpers import (
    ATTACKER,
    CI,
    alerts,
    by_function,
    create_fn,
    event,
    findings_of,
    update_code,
)


def _kinds(name: str, **req: object) -> list[tuple[str, str]]:
    return [(f.kind, f.code) for f in analyze_names(event(create_fn(1, name, **req)), None)]


@pytest.mark.parametrize(
    "name",
    [
        "test",
        "temp-lambda",
        "backup_2",
        "my-test-function",
        "tmp",
        "HelloWorld",
        "debug-fn",
        "test1",
    ],
)
def test_generic_names_fire(name: str) -> None:
    assert _kinds(name) == [("suspicious-name", "NM101")]


@pytest.mark.parametrize(
    "name",
    [
        "test-results-processor",
        "backup-verification",
        "temperature-sensor",
        "debugger-proxy-config",
        "payments-api",
        "latest-template-renderer",
    ],
)
def test_names_with_a_purpose_are_not_generic(name: str) -> None:
    assert _kinds(name) == []


def test_pacu_style_random_name_fires() -> None:
    # Pacu's lambda__backdoor_new_* modules name functions with 15 random lowercase letters.
    [f] = analyze_names(event(create_fn(1, "xkqzvbnmwrtplfh")), None)
    assert (f.kind, f.code, f.severity) == ("random-name", "NM103", "medium")
    assert f.evidence["random_part"] == "xkqzvbnmwrtplfh"


def test_random_names_are_mostly_caught() -> None:
    rng = random.Random(3)
    names = ["".join(rng.choice(string.ascii_lowercase) for _ in range(15)) for _ in range(300)]
    caught = sum(1 for n in names if ("random-name", "NM103") in _kinds(n))
    assert caught / len(names) >= 0.85


@pytest.mark.parametrize(
    "name",
    [
        "imageprocessor",
        "thumbnailgenerator",
        "dynamodbstreamprocessor",
        "orders-stack-ProcessorFunction-AB12CD34EF56",
        "serverless-app-dev-webhookhandler",
        "KMSKEYROTATIONHANDLER",
    ],
)
def test_word_names_and_framework_suffixes_are_not_random(name: str) -> None:
    assert _kinds(name) == []


def test_hex_and_uuid_names_are_random() -> None:
    assert ("random-name", "NM103") in _kinds("9b2f3c1e-1111-4a2b-8c3d-123456789abc")
    assert ("random-name", "NM103") in _kinds("lambda-3f2a9c1b7e4d5a6f")


def test_zero_width_character_in_name_fires_and_is_shown_escaped() -> None:
    [f] = [
        f
        for f in analyze_names(event(create_fn(1, "payments\u200b-api")), None)
        if f.kind == "hidden-characters"
    ]
    assert (f.code, f.severity) == ("NM104", "high")
    assert f.evidence["function"] == "payments\\u200b-api"
    assert "\u200b" not in f.title and "payments\\u200b-api" in f.title
    assert f.evidence["characters"][0]["codepoint"] == "U+200B"


def test_cyrillic_look_alike_in_name_fires() -> None:
    [f] = [
        f
        for f in analyze_names(event(create_fn(1, "p\u0430yments-api")), None)
        if f.kind == "hidden-characters"
    ]
    assert f.evidence["characters"][0]["name"] == "CYRILLIC SMALL LETTER A"
    assert f.evidence["function"] == "p\\u0430yments-api"


def test_ordinary_accented_letter_in_description_is_not_hidden() -> None:
    assert _kinds("orders-api", description="Traite les commandes du café, ½ prix") == []


def test_bidi_control_in_description_fires() -> None:
    found = _kinds("orders-api", description="invoice \u202eexe.fdp")
    assert found == [("hidden-characters", "NM104")]


def test_typosquat_of_a_function_deployed_earlier(tmp_path) -> None:
    records = [
        update_code(1, "payments-api", "2025-03-14T08:01:10Z", who=CI),
        create_fn(2, "payrnents-api", "2025-03-14T09:02:11Z", who=ATTACKER),
    ]
    out = alerts(tmp_path, records)
    [squat] = by_function(out, "payrnents-api")
    [f] = findings_of(squat, "typosquat-name")
    assert (f["code"], f["severity"]) == ("NM102", "high")
    assert f["evidence"]["matches"] == [
        {
            "looks_like": "payments-api",
            "how": "confusable",
            "distance": 2,
            "skeleton": "payments-api",
        }
    ]
    [original] = by_function(out, "payments-api")
    assert findings_of(original, "typosquat-name") == []


def test_typosquat_planted_before_the_original_shows_up_in_the_logs(tmp_path) -> None:
    # The look-alike is created first; the original is only seen later (a routine deploy).
    records = [
        create_fn(1, "payment-api", "2025-03-14T07:00:00Z", who=ATTACKER),
        update_code(2, "payments-api", "2025-03-14T08:01:10Z", who=CI),
    ]
    out = alerts(tmp_path, records)
    # payments-api is only updated in the logs: it predates them, so payment-api is the look-alike.
    [f] = findings_of(by_function(out, "payment-api")[0], "typosquat-name")
    assert (f["severity"], f["evidence"]["matches"][0]["how"]) == ("medium", "edit-distance")
    assert findings_of(by_function(out, "payments-api")[0], "typosquat-name") == []


def test_two_functions_that_predate_the_logs_are_left_alone(tmp_path) -> None:
    records = [
        update_code(1, "payment-api", "2025-03-14T07:00:00Z", who=CI),
        update_code(2, "payments-api", "2025-03-14T08:01:10Z", who=CI),
    ]
    assert [findings_of(a, "typosquat-name") for a in alerts(tmp_path, records)] == [[], []]


def test_typosquat_against_the_lambda_inventory(tmp_path, inventory_file) -> None:
    path = inventory_file(
        {
            "Functions": [
                {
                    "FunctionName": "payments-api",
                    "FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:payments-api",
                    "Runtime": "python3.12",
                }
            ]
        }
    )
    out = alerts(tmp_path, [create_fn(1, "payrnents-api")], "--lambda-inventory", str(path))
    assert (
        findings_of(out[0], "typosquat-name")[0]["evidence"]["matches"][0]["looks_like"]
        == "payments-api"
    )


def test_versioned_siblings_and_other_accounts_are_not_typosquats(tmp_path) -> None:
    records = [
        create_fn(1, "orders-v1", "2025-03-14T07:00:00Z", who=CI),
        create_fn(2, "orders-v2", "2025-03-14T08:00:00Z", who=CI),
        create_fn(3, "payments-api", "2025-03-14T07:00:00Z", who=CI),
        create_fn(4, "payrnents-api", "2025-03-14T09:00:00Z", account="444455556666", who=ATTACKER),
    ]
    out = alerts(tmp_path, records)
    assert [a["function"] for a in out if findings_of(a, "typosquat-name")] == []


def test_hidden_characters_are_escaped_in_every_rendering(tmp_path) -> None:
    from tests.analyze.helpers import hunt

    records = [create_fn(1, "payments\u200b-api")]
    [alert] = alerts(tmp_path, records)
    assert alert["title"] == "Lambda function created or modified: payments\\u200b-api"
    assert (
        findings_of(alert, "hidden-characters")[0]["evidence"]["function"] == "payments\\u200b-api"
    )
    table = hunt(tmp_path, records, fmt="table").stdout
    assert "payments\\u200b-api" in table and "\u200b" not in table


def test_a_name_index_kept_up_to_date_equals_one_built_at_once() -> None:
    import random

    from lambdawatch.analyze import typosquat

    rng = random.Random(7)
    names = {
        "".join(rng.choice("abcdefghij-") for _ in range(rng.randint(4, 16))) for _ in range(300)
    }
    ordered = sorted(names)
    for bound in (10_000, 200):  # below and across the depth-2 bound
        old = typosquat.DEPTH2_MAX_NAMES
        typosquat.DEPTH2_MAX_NAMES = bound
        try:
            whole = typosquat.NameIndex(set(ordered))
            grown = typosquat.NameIndex(set(ordered[:50]))
            for n in ordered[50:]:
                grown.add(n)
        finally:
            typosquat.DEPTH2_MAX_NAMES = old
        assert (grown.max_depth, grown.by_skeleton, grown.by_delete) == (
            whole.max_depth,
            whole.by_skeleton,
            whole.by_delete,
        )
