"""Partial access is normal: denied calls, opted-out regions and deleted functions become gaps."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from lambdawatch.audit.caller import Caller
from lambdawatch.audit.lambda_collect import collect_function
from lambdawatch.audit.model import FunctionState
from lambdawatch.audit.run import AuditOptions, run_audit
from lambdawatch.aws import ClientFactory
from lambdawatch.errors import AwsError

IDENTITY = (
    b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    b"<GetCallerIdentityResult><Arn>arn:aws:iam::111122223333:user/auditor</Arn>"
    b"<UserId>AIDAEXAMPLE</UserId><Account>111122223333</Account>"
    b"</GetCallerIdentityResult></GetCallerIdentityResponse>"
)

EC2_DENIED = (
    b"<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>denied"
    b"</Message></Error></Errors><RequestID>1</RequestID></Response>"
)
QUERY_DENIED = (
    b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>"
    b"denied</Message></Error><RequestId>1</RequestId></ErrorResponse>"
)
SEEN: list[str] = []
S3_DENIED = b"<Error><Code>AccessDenied</Code><Message>denied</Message></Error>"


@pytest.fixture()
def denied_endpoint() -> Iterator[str]:
    """An endpoint that answers who you are and denies everything else (403 AccessDenied)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if b"Action=GetCallerIdentity" in body and not self.path.startswith("/deny-all"):
                self._send(200, IDENTITY, "text/xml")
            elif b"Action=DescribeRegions" in body:
                self._send(403, EC2_DENIED, "text/xml")
            elif b"Action=" in body:
                self._send(403, QUERY_DENIED, "text/xml")
            elif "/throttle-once/2015-03-31/functions" in self.path:
                SEEN.append(self.path)
                if len(SEEN) == 1:
                    self._send(
                        429,
                        b'{"message":"Rate exceeded"}',
                        "application/json",
                        {"x-amzn-ErrorType": "TooManyRequestsException"},
                    )
                else:
                    self._send(200, b'{"Functions": []}', "application/json")
            elif self.command == "GET" and self.path.split("?")[0] == "/":
                self._send(403, S3_DENIED, "application/xml")
            else:
                self._send(
                    403,
                    b'{"__type":"AccessDeniedException","message":"denied"}',
                    "application/json",
                    {"x-amzn-ErrorType": "AccessDeniedException"},
                )

        def _send(
            self, code: int, body: bytes, ctype: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _factory(endpoint: str) -> ClientFactory:
    session = boto3.session.Session(
        aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1"
    )
    return ClientFactory(region="us-east-1", endpoint_url=endpoint, session=session)


def test_everything_denied_is_gaps_not_a_traceback(denied_endpoint: str) -> None:
    run = run_audit(_factory(denied_endpoint), AuditOptions(regions=None))
    assert run.account == "111122223333"
    assert run.results == []
    denied = sorted({(g.api, g.error) for g in run.gaps})
    assert ("ec2:DescribeRegions", "access-denied") in denied
    assert ("lambda:ListFunctions", "access-denied") in denied  # the home region, as fallback
    assert ("s3:ListBuckets", "access-denied") in denied
    assert run.regions == ["us-east-1"]


def test_unusable_credentials_are_one_error(denied_endpoint: str) -> None:
    with pytest.raises(AwsError, match=r"^sts:GetCallerIdentity: AccessDenied: denied \(check "):
        run_audit(_factory(f"{denied_endpoint}/deny-all"), AuditOptions(regions=["us-east-1"]))


def test_function_deleted_mid_run_is_a_gap(moto_server: str, planted_account: Any) -> None:
    caller = Caller(
        ClientFactory(
            region="us-east-1",
            endpoint_url=moto_server,
            session=boto3.session.Session(region_name="us-east-1"),
        )
    )
    fn = collect_function(caller, FunctionState("123456789012", "us-east-1", "gone-since-listed"))
    assert [(g.api, g.error, g.resource) for g in fn.gaps] == [
        ("lambda:GetFunction", "not-found", "gone-since-listed")
    ]
    assert caller.calls == 1  # nothing more is asked about a function that is gone


def test_disabled_region_is_a_run_gap(denied_endpoint: str) -> None:
    run = run_audit(_factory(denied_endpoint), AuditOptions(regions=["ap-east-1"]))
    assert [(g.api, g.error) for g in run.gaps if g.api.startswith("lambda")] == [
        ("lambda:ListFunctions", "access-denied")
    ]


def test_unexpected_answer_costs_one_function_not_the_run() -> None:
    from lambdawatch.audit.collect import _isolated_function
    from lambdawatch.audit.run import _isolated_judge

    fn = _isolated_function(None, FunctionState("123456789012", "us-east-1", "odd"))  # type: ignore[arg-type]
    assert [(g.api, g.error) for g in fn.gaps] == [("collect", "other")]
    results = _isolated_judge(None, None, None, fn, {}, None)  # type: ignore[arg-type]
    assert [(r["function"], r["findings"], [g["api"] for g in r["gaps"]]) for r in results] == [
        ("odd", [], ["collect", "judge"])
    ]


def test_throttling_is_absorbed_by_the_retries(denied_endpoint: str) -> None:
    SEEN.clear()
    run = run_audit(
        _factory(f"{denied_endpoint}/throttle-once"), AuditOptions(regions=["us-east-1"])
    )
    assert len(SEEN) == 2  # throttled once, retried once by botocore, then answered
    assert [g.api for g in run.gaps if g.api == "lambda:ListFunctions"] == []
