"""``--scan-code``: one download per CodeSha256, verified before it is scanned, layers too."""

from __future__ import annotations

import boto3

from lambdawatch.audit.caller import Caller
from lambdawatch.audit.code import CodeScanner, sha256_b64
from lambdawatch.audit.model import LayerState
from lambdawatch.aws import ClientFactory
from tests.audit.planted import package

SECRET_CODE = b'KEY = "AKIAZ7QPLM3XK9RT2VWB"\nSECRET = "p8Xk2Lq9Vz4Rt7Yw1Mn5Bc3Hf6Jd0Gs8Ka2Ue9Wi"\n'
CLEAN = b"def handler(event, context):\n    return 1\n"


def _scanner(packages: dict[str, bytes], fetched: list[str]) -> CodeScanner:
    def resolve(url: str) -> bytes:
        fetched.append(url)
        return packages[url]

    factory = ClientFactory(
        region="us-east-1",
        session=boto3.session.Session(
            aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1"
        ),
    )
    return CodeScanner(Caller(factory), resolve)


def test_hardcoded_secret_in_a_layer_is_found_and_masked() -> None:
    data = package(SECRET_CODE)
    fetched: list[str] = []
    scanner = _scanner({"https://layer": data}, fetched)
    layer = LayerState(
        "arn:aws:lambda:us-east-1:111122223333:layer:libs:1",
        content={"CodeSha256": sha256_b64(data), "Location": "https://layer"},
    )
    findings, gaps = scanner.layer(layer)
    assert [(f.kind, f.code) for f in findings] == [("hardcoded-secret", "CS601")]
    assert gaps == []
    assert "AKIAZ7QPLM3XK9RT2VWB" not in repr([f.to_dict() for f in findings])
    again, _ = scanner.layer(layer)  # the same package is never fetched twice
    assert again == findings and fetched == ["https://layer"]


def test_clean_package_gives_nothing() -> None:
    data = package(CLEAN)
    scanner = _scanner({"https://fn": data}, [])
    assert scanner.package(sha256_b64(data), "https://fn", "fn") == ([], [])


def test_download_failure_is_a_gap() -> None:
    scanner = _scanner({}, [])
    findings, gaps = scanner.package("abc", "https://missing", "fn:1")
    assert findings == []
    assert [(g.api, g.error, g.resource) for g in gaps] == [
        ("code-download", "unreachable", "fn:1")
    ]
