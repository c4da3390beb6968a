from __future__ import annotations

import pytest

from lambdawatch.errors import InputError
from lambdawatch.ingest.normalize import bare_function_name, normalize, split_event_name
from tests.conftest import record


@pytest.mark.parametrize(
    ("logged", "base", "version"),
    [
        ("CreateFunction20150331", "CreateFunction", "20150331"),
        ("UpdateFunctionCode20150331v2", "UpdateFunctionCode", "20150331v2"),
        ("AddPermission20150331", "AddPermission", "20150331"),
        ("CreateEventSourceMapping", "CreateEventSourceMapping", None),
        ("CreateFunctionUrlConfig20211031", "CreateFunctionUrlConfig", "20211031"),
        ("CreateFunctionUrlConfig", "CreateFunctionUrlConfig", None),
        ("PutBucketNotification", "PutBucketNotification", None),
        ("GetObject2", "GetObject2", None),
    ],
)
def test_split_event_name(logged: str, base: str, version: str | None) -> None:
    assert split_event_name(logged) == (base, version)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("payments-api", "payments-api"),
        ("arn:aws:lambda:us-east-1:111122223333:function:payments-api", "payments-api"),
        ("arn:aws:lambda:us-east-1:111122223333:function:payments-api:42", "payments-api"),
        ("arn:aws:lambda:us-east-1:111122223333:function:payments-api:$LATEST", "payments-api"),
        ("arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:gov-fn:live", "gov-fn"),
        ("111122223333:function:payments-api", "payments-api"),
        ("payments-api:prod", "payments-api"),
        ("arn:aws:lambda:us-east-1:111122223333:layer:x:1", None),
        ("", None),
        (None, None),
    ],
)
def test_bare_function_name(value: str | None, name: str | None) -> None:
    assert bare_function_name(value) == name


def test_function_from_arn_and_fully_qualified_arn() -> None:
    e = normalize(record("update-function-code"))
    assert e.function == "stratus-red-team-olc-func-vayhjqkdav"
    assert e.function_arn == (
        "arn:aws:lambda:ap-westeast-2r:266106314375:function:stratus-red-team-olc-func-vayhjqkdav"
    )
    r = record("update-function-code", requestParameters__functionName=None)
    assert normalize(r).function == "stratus-red-team-olc-func-vayhjqkdav"


def test_function_arn_built_when_not_logged() -> None:
    e = normalize(record("add-permission"))
    assert e.function_arn == (
        "arn:aws:lambda:ca-centralnorth-1r:880896431042:function:stratus-red-team-backdoor-f-func"
    )


def test_account_from_recipient_else_identity() -> None:
    assert normalize(record("create-function")).account == "101010101010"
    r = record("create-function", recipientAccountId=None)
    assert normalize(r).account == "101010101010"
    r = record("create-function", recipientAccountId=None, userIdentity__accountId=None)
    assert normalize(r).account == "unknown"


@pytest.mark.parametrize(("code", "ok"), [(None, True), ("", True), ("AccessDenied", False)])
def test_success(code: str | None, ok: bool) -> None:
    r = record("create-function")
    if code is not None:
        r["errorCode"] = code
    assert normalize(r).success is ok


@pytest.mark.parametrize("missing", ["eventTime", "eventName"])
def test_record_without_time_or_name_is_an_input_error(missing: str) -> None:
    r = record("create-function")
    del r[missing]
    with pytest.raises(InputError):
        normalize(r)


def test_record_without_event_id_gets_a_content_id() -> None:
    r = record("create-function")
    del r["eventID"]
    a, b = normalize(r), normalize(dict(r))
    assert a.event_id == b.event_id and a.event_id.startswith("sha256:")
