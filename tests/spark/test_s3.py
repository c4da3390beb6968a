"""``hunt s3://... --engine spark``: listed on the driver, read on the executors through boto3,
against moto's server over real HTTP; the same result as the local engine."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from functools import partial
from typing import Any

import boto3
import pytest

from lambdawatch.hunt import HuntOptions
from lambdawatch.spark import SparkOptions, run_spark_hunt
from tests.conftest import EXAMPLES
from tests.spark.conftest import both

moto_server = pytest.importorskip("moto.server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_factory() -> Iterator[Any]:
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    # a picklable factory: the executors make their own client from it
    factory = partial(
        boto3.client,
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    try:
        yield factory
    finally:
        server.stop()


def test_s3_prefix_same_as_local_engine(spark_context: Any, s3_factory: Any) -> None:
    s3 = s3_factory()
    s3.create_bucket(Bucket="trail")
    for path in sorted(EXAMPLES.rglob("*")):
        if path.is_file():
            s3.put_object(
                Bucket="trail", Key="x/" + str(path.relative_to(EXAMPLES)), Body=path.read_bytes()
            )
    s3.put_object(Bucket="trail", Key="x/AWSLogs/bad.json.gz", Body=b"\x1f\x8b\x08\x00junk")
    local, spark = both(
        spark_context, HuntOptions(["s3://trail/x/"], s3_client_factory=s3_factory), 3
    )
    assert spark.alerts == local.alerts and len(spark.alerts) == 4
    assert spark.summary.to_dict() == local.summary.to_dict()
    skipped = dict(spark.summary.files_skipped)
    assert "s3://trail/x/AWSLogs/bad.json.gz" in skipped
    via_s3a = run_spark_hunt(
        HuntOptions(["s3a://trail/x/"], s3_client_factory=s3_factory),
        SparkOptions(partitions=2, context=spark_context),
    )
    assert via_s3a.alerts == local.alerts
