"""Triggers: S3 notification entries judged one by one and attributed to their function; HTTP
API (v2) routes with no authorization in front of a function give public-api-trigger."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from lambdawatch.analyze.http_apis import (
    HttpApiBook,
    HttpIntegration,
    HttpRoute,
    attached_function,
    http_integration_of,
    http_route_of,
    quick_create_target,
)
from lambdawatch.analyze.triggers import (
    S3Entry,
    for_function,
    s3_entries,
    s3_functions,
    wildcard_entries_for,
)
from lambdawatch.engine.predicate_library import (
    _http_integration_open_route,
    _wildcard_s3_trigger,
    open_http_route,
    wildcard_s3_configs,
)
from tests.analyze.helpers import alerts, by_function, event, findings_of
from tests.conftest import record

FN = "arn:aws:lambda:us-east-1:111122223333:function:"
THUMBS = {
    "Id": "thumbs",
    "CloudFunction": FN + "thumbs",
    "Event": "s3:ObjectCreated:Put",
    "Filter": {
        "S3Key": {
            "FilterRule": [
                {"Name": "prefix", "Value": "images/"},
                {"Name": "suffix", "Value": ".jpg"},
            ]
        }
    },
}
BACKDOOR = {"Id": "b", "CloudFunction": FN + "backdoor-fn", "Event": "s3:ObjectRemoved:*"}


def _notification(*entries: dict[str, Any], n: int = 1) -> dict[str, Any]:
    return record(
        "put-bucket-notification",
        n,
        requestParameters__NotificationConfiguration__CloudFunctionConfiguration=list(entries),
    )


# -- S3 ------------------------------------------------------------------------------------
def test_entries_are_parsed_one_by_one() -> None:
    rec = _notification(THUMBS, BACKDOOR)
    assert s3_entries(rec) == [
        S3Entry(
            "thumbs",
            FN + "thumbs",
            "thumbs",
            ("s3:ObjectCreated:Put",),
            (("prefix", "images/"), ("suffix", ".jpg")),
        ),
        S3Entry("b", FN + "backdoor-fn", "backdoor-fn", ("s3:ObjectRemoved:*",), ()),
    ]
    assert s3_functions(rec) == ["thumbs", "backdoor-fn"]
    assert wildcard_entries_for(rec, "thumbs") == []
    assert [e.id for e in wildcard_entries_for(rec, "backdoor-fn")] == ["b"]


def test_unfiltered_entry_of_another_function_does_not_mark_this_one() -> None:
    assert _wildcard_s3_trigger(_notification(THUMBS, BACKDOOR)) is False


def test_wildcard_entry_of_this_function_fires_with_its_own_evidence() -> None:
    got = _wildcard_s3_trigger(_notification(BACKDOOR, THUMBS))
    assert got == {
        "function": "backdoor-fn",
        "entries": [
            {
                "id": "b",
                "function": "backdoor-fn",
                "events": ["s3:ObjectRemoved:*"],
                "filters": [],
                "filtered": False,
                "whole_family": ["s3:ObjectRemoved:*"],
            }
        ],
    }


def test_filtered_entry_with_a_whole_family_is_wildcard() -> None:
    entry = {**THUMBS, "Event": ["s3:ObjectCreated:*"]}
    [e] = s3_entries(_notification(entry))
    assert (e.wildcard, e.whole_family) == (True, ("s3:ObjectCreated:*",))
    specific = {**THUMBS, "Event": ["s3:ObjectCreated:Put", "s3:ObjectCreated:Post"]}
    assert s3_entries(_notification(specific))[0].wildcard is False


def test_lambda_function_configuration_spelling_and_single_filter_rule() -> None:
    rec = record("put-bucket-notification", 1)
    rec["requestParameters"]["NotificationConfiguration"] = {
        "LambdaFunctionConfiguration": {
            "Id": "x",
            "CloudFunction": FN + "resize",
            "Event": "s3:ObjectCreated:Put",
            "Filter": {"S3Key": {"FilterRule": {"Name": "Suffix", "Value": ".png"}}},
        }
    }
    assert s3_entries(rec) == [
        S3Entry("x", FN + "resize", "resize", ("s3:ObjectCreated:Put",), (("suffix", ".png"),))
    ]
    assert _wildcard_s3_trigger(rec) is False


def test_a_record_split_per_function_judges_each_alone() -> None:
    rec = _notification(THUMBS, BACKDOOR)
    assert _wildcard_s3_trigger(for_function(rec, "thumbs")) is False
    got = _wildcard_s3_trigger(for_function(rec, "backdoor-fn"))
    assert got["function"] == "backdoor-fn"  # type: ignore[index]
    assert s3_functions(for_function(rec, "backdoor-fn")) == ["backdoor-fn"]
    assert s3_functions(rec) == ["thumbs", "backdoor-fn"]  # the original is untouched


def test_configs_for_audit_name_each_wildcard_entry() -> None:
    assert [c["function"] for c in wildcard_s3_configs(_notification(THUMBS, BACKDOOR))] == [
        "backdoor-fn"
    ]


def test_hunt_attributes_the_finding_to_the_function_whose_entry_it_is(tmp_path: Path) -> None:
    got = alerts(tmp_path, [_notification(THUMBS, BACKDOOR, n=1), _notification(BACKDOOR, n=2)])
    [thumbs] = by_function(got, "thumbs")
    [backdoor] = by_function(got, "backdoor-fn")
    assert findings_of(thumbs, "wildcard-s3-trigger") == []
    [f] = findings_of(backdoor, "wildcard-s3-trigger")
    assert (f["code"], f["evidence"]["entries"][0]["id"]) == ("LW513", "b")


# -- HTTP APIs -----------------------------------------------------------------------------
def _route(n: int = 2, **fields: Any) -> dict[str, Any]:
    return record("create-route-v2", n, **fields)


def test_record_shapes() -> None:
    assert http_integration_of(record("create-integration-v2", 1)) == HttpIntegration(
        "q1w2e3r4t5", "abc123", FN + "backdoor-fn"
    )
    assert http_route_of(_route()) == HttpRoute(
        "q1w2e3r4t5", "r8t7y6u", "ANY /{proxy+}", "abc123", "NONE"
    )
    assert quick_create_target(record("create-api-v2", 3)) == FN + "backdoor-fn"
    assert http_integration_of(record("put-integration", 4)) is None  # REST, not v2


def test_route_without_authorization_type_defaults_to_none() -> None:
    rec = _route()
    del rec["requestParameters"]["authorizationType"]
    del rec["responseElements"]["authorizationType"]
    assert http_route_of(rec).authorization == "NONE"  # type: ignore[union-attr]
    rec["eventName"] = "UpdateRoute"
    assert http_route_of(rec).authorization is None  # type: ignore[union-attr]


def _ctx(*records: dict[str, Any]) -> tuple[SimpleNamespace, HttpApiBook]:
    book = HttpApiBook()
    for r in records:
        book.observe(event(r))
    return SimpleNamespace(state=SimpleNamespace(functions=SimpleNamespace(http_apis=book))), book


def test_open_route_to_a_lambda_integration_fires() -> None:
    route = _route()
    ctx, book = _ctx(record("create-integration-v2", 1), route)
    assert open_http_route(route, ctx) == {
        "api": "q1w2e3r4t5",
        "route": "ANY /{proxy+}",
        "authorization": "NONE",
        "integration_function": FN + "backdoor-fn",
    }
    assert attached_function(event(route), book) == FN + "backdoor-fn"


def test_jwt_route_and_http_backend_are_silent() -> None:
    jwt = _route(
        requestParameters__authorizationType="JWT", responseElements__authorizationType="JWT"
    )
    ctx, _ = _ctx(record("create-integration-v2", 1), jwt)
    assert open_http_route(jwt, ctx) is None
    http = record(
        "create-integration-v2",
        1,
        requestParameters__integrationType="HTTP_PROXY",
        requestParameters__integrationUri="https://example.com",
        responseElements__integrationUri="https://example.com",
    )
    route = _route()
    ctx, _ = _ctx(http, route)
    assert open_http_route(route, ctx) is None


def test_update_route_to_none_on_a_known_route_fires_and_back_to_iam_is_silent() -> None:
    created = _route(
        requestParameters__authorizationType="AWS_IAM",
        responseElements__authorizationType="AWS_IAM",
    )
    opened = _route(
        3,
        eventName="UpdateRoute",
        requestParameters={
            "apiId": "q1w2e3r4t5",
            "routeId": "r8t7y6u",
            "authorizationType": "NONE",
        },
        responseElements=None,
    )
    ctx, _ = _ctx(record("create-integration-v2", 1), created)
    assert open_http_route(created, ctx) is None
    ctx, _ = _ctx(record("create-integration-v2", 1), created, opened)
    assert open_http_route(opened, ctx)["route"] == "ANY /{proxy+}"  # type: ignore[index]


def test_integration_repointed_under_an_open_route_fires() -> None:
    moved = record(
        "create-integration-v2",
        5,
        eventName="UpdateIntegration",
        requestParameters__integrationId="abc123",
        requestParameters__integrationUri=FN + "other-fn",
        responseElements__integrationUri=FN + "other-fn",
    )
    ctx, _ = _ctx(record("create-integration-v2", 1), _route(), moved)
    assert _http_integration_open_route(moved, ctx) == {
        "api": "q1w2e3r4t5",
        "routes": ["ANY /{proxy+}"],
        "authorization": "NONE",
    }
    quiet_ctx, _ = _ctx(record("create-integration-v2", 1), moved)
    assert _http_integration_open_route(moved, quiet_ctx) is False


def test_hunt_quick_create_joins_the_function_alert(tmp_path: Path) -> None:
    got = alerts(tmp_path, [record("create-api-v2", 1)])
    [alert] = by_function(got, "backdoor-fn")
    assert alert["rule"] == "LW207"
    [f] = findings_of(alert, "public-api-trigger")
    assert (f["code"], f["evidence"]["route"], f["evidence"]["quick_create"]) == (
        "LW519",
        "$default",
        True,
    )


def test_hunt_quick_create_to_a_website_opens_nothing(tmp_path: Path) -> None:
    web = record("create-api-v2", 1, requestParameters__target="https://example.com")
    assert alerts(tmp_path, [web]) == []
