#!/usr/bin/env python3
"""`watch` throughput and lag on moto's SQS/S3, against `hunt` over the same records on disk.

    python bench/bench_watch.py [--events 10000] [--objects 500] [--records-per-object 200]
                                [--chunk 500]

A moto server (in this process's threads) holds a queue and a bucket. The queue is filled in
chunks of --chunk messages (moto's SQS slows down past ~1,200 queued messages, so a queue of
10,000 would measure moto, see LIVE-AWS.md C.4): EventBridge "AWS API Call via CloudTrail"
events carrying one record each, and S3 notifications of CloudTrail delivery files already in
the bucket. Each chunk is drained by the watch loop (`--once` semantics, in process); the time
from the chunk's first send to its last commit is its end-to-end lag. Baseline, same
invocation: `hunt --state` over the same records as local files. Reported: records/s of both,
their ratio, lag per chunk (median, max), and that both states hold the same alerts.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _records(n: int, seed: int) -> list[dict]:
    import random

    sys.path.insert(0, str(HERE))
    import gen_corpus as g

    rng = random.Random(seed)
    world = g.World(1)
    out = []
    t = 1_730_419_200.0
    while len(out) < n:
        t += rng.uniform(0.5, 5)
        acct, region = rng.choice(g.ACCOUNTS), rng.choice(g.REGIONS)
        rec = g.ev_lambda_write(rng, world.acct[acct], acct, region, t)
        out.extend(rec if isinstance(rec, list) else [rec])
    return out[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--objects", type=int, default=500)
    ap.add_argument("--records-per-object", type=int, default=200)
    ap.add_argument("--chunk", type=int, default=500)
    a = ap.parse_args()
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"}
    )
    from moto.server import ThreadedMotoServer

    port = _port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    import boto3

    from lambdawatch.aws.session import ClientFactory
    from lambdawatch.hunt import HuntOptions, run_hunt
    from lambdawatch.watch.loop import WatchOptions, watch

    tmp = Path(tempfile.mkdtemp(prefix="lw-watch-bench-"))
    sqs, s3 = boto3.client("sqs"), boto3.client("s3")
    url = sqs.create_queue(QueueName="bench", Attributes={"VisibilityTimeout": "120"})["QueueUrl"]
    s3.create_bucket(Bucket="trail")
    # one timeline: file segments (one object each) and EventBridge events interleaved
    timeline = _records(a.events + a.objects * a.records_per_object, 1)
    per_gap = a.events // max(1, a.objects)
    inline: list[dict] = []
    ordered: list[str] = []
    in_files = 0
    pos = 0
    for i in range(a.objects):
        for r in timeline[pos : pos + per_gap]:
            inline.append(r)
            ordered.append(
                json.dumps(
                    {
                        "version": "0",
                        "detail-type": "AWS API Call via CloudTrail",
                        "source": "aws.lambda",
                        "detail": r,
                    }
                )
            )
        pos += per_gap
        recs = timeline[pos : pos + a.records_per_object]
        pos += a.records_per_object
        in_files += len(recs)
        key = f"AWSLogs/1/CloudTrail/us-east-1/2024/11/01/1_CloudTrail_us-east-1_{i:05d}.json.gz"
        body = gzip.compress(json.dumps({"Records": recs}).encode())
        s3.put_object(Bucket="trail", Key=key, Body=body)
        (tmp / f"{i:05d}.json.gz").write_bytes(body)
        ordered.append(
            json.dumps(
                {
                    "Records": [
                        {
                            "eventSource": "aws:s3",
                            "eventName": "ObjectCreated:Put",
                            "s3": {
                                "bucket": {"name": "trail"},
                                "object": {"key": key, "eTag": str(i)},
                            },
                        }
                    ]
                }
            )
        )
    for r in timeline[pos:]:
        inline.append(r)
        ordered.append(
            json.dumps(
                {
                    "version": "0",
                    "detail-type": "AWS API Call via CloudTrail",
                    "source": "aws.lambda",
                    "detail": r,
                }
            )
        )
    (tmp / "inline.json").write_text(json.dumps({"Records": inline}))
    import random

    # SQS is not FIFO: messages out of order within a few dozen
    rng = random.Random(2)
    messages = []
    for k in range(0, len(ordered), 50):
        part = ordered[k : k + 50]
        rng.shuffle(part)
        messages.extend(part)
    db = tmp / "watch.db"
    clients = ClientFactory()
    lags, busy = [], 0.0
    for start in range(0, len(messages), a.chunk):
        chunk = messages[start : start + a.chunk]
        t0 = time.perf_counter()
        for j in range(0, len(chunk), 10):
            sqs.send_message_batch(
                QueueUrl=url,
                Entries=[{"Id": str(k), "MessageBody": m} for k, m in enumerate(chunk[j : j + 10])],
            )
        t1 = time.perf_counter()
        watch(
            WatchOptions(
                queue_url=url,
                state_path=str(db),
                once=True,
                wait_seconds=1,
                status=lambda _line: None,
            ),
            clients,
        )
        t2 = time.perf_counter()
        busy += t2 - t1
        lags.append(t2 - t0)
    total = len(inline) + in_files
    h0 = time.perf_counter()
    run_hunt(HuntOptions(paths=[str(tmp)], state_path=str(tmp / "hunt.db"), workers=2))
    hunt_s = time.perf_counter() - h0
    import sqlite3

    def alerts(p: Path) -> dict[str, str]:
        con = sqlite3.connect(p)
        return dict(con.execute("SELECT id, digest FROM alerts WHERE superseded=0"))

    result = {
        "messages": len(messages),
        "records": total,
        "chunk": a.chunk,
        "watch_seconds_incl_receives": round(busy, 2),
        "watch_records_per_s": round(total / busy),
        "hunt_seconds": round(hunt_s, 2),
        "hunt_records_per_s": round(total / hunt_s),
        "watch_over_hunt": round((total / busy) / (total / hunt_s), 3),
        "lag_median_s": round(statistics.median(lags), 2),
        "lag_max_s": round(max(lags), 2),
        "same_alerts": alerts(db) == alerts(tmp / "hunt.db"),
        "alerts": len(alerts(db)),
    }
    print(json.dumps(result, indent=2))
    server.stop()


if __name__ == "__main__":
    main()
