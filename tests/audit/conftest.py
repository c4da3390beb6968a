"""A moto server over real HTTP (AWS managed policies loaded), fixed per moto_fixes, holding the
planted account; a client factory pointed at it that records every call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from lambdawatch.aws import CallRecorder, ClientFactory
from tests.audit import moto_fixes, planted

ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
}


@pytest.fixture(scope="package")
def moto_server() -> Iterator[str]:
    mp = pytest.MonkeyPatch()
    for k, v in ENV.items():
        mp.setenv(k, v)
    for k in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        mp.delenv(k, raising=False)
    moto_fixes.per_qualifier_policies(mp)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    mp.undo()


@pytest.fixture(scope="package")
def planted_account(moto_server: str) -> dict[str, str]:
    return planted.build(boto3.session.Session(region_name="us-east-1"), moto_server)


@pytest.fixture()
def recorder() -> CallRecorder:
    return CallRecorder()


@pytest.fixture()
def factory(moto_server: str, planted_account: Any, recorder: CallRecorder) -> ClientFactory:
    return ClientFactory(
        region="us-east-1",
        endpoint_url=moto_server,
        recorder=recorder,
        session=boto3.session.Session(region_name="us-east-1"),
    )
