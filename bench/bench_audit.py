"""Benchmark ``lambdawatch audit`` on a moto server: 300 functions in 3 regions, mixed triggers.

    python bench/bench_audit.py [--functions 300] [--regions 3] [--repeat 3]

Starts moto's server in a child process (real HTTP; the audit's client side and the server do
not share one interpreter lock), plants the functions (a third with an
alias routing to a second version, a third behind EventBridge rules, a sixth with SQS mappings,
a sixth with function URLs, API Gateway methods and S3 notifications on some, a handful of
execution roles), then audits the account, ``--repeat`` times each, alternating two settings:

- baseline: one region at a time, one function at a time, one call in flight per service
  (``region_workers=1, workers=1, per_service=1``): what a sequential collector does;
- default: every region at once, ``workers=8, per_service=8`` (the CLI's defaults).

One untimed audit first warms the server (moto builds each service's backend on first use).

Prints, per setting, the median seconds, the API calls made, calls per function and the results,
then the speed-up as a ratio of the two medians (same invocation, same server, same machine).
Writes the figures to ``bench/out/audit-<UTC>.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1"]
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def _zip(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("handler.py", text)
    return buf.getvalue()


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
            return server, endpoint
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("moto server did not start")


def plant(endpoint: str, functions: int, regions: list[str]) -> None:
    import boto3

    s = boto3.session.Session(region_name=regions[0])
    iam = s.client("iam", endpoint_url=endpoint)
    roles = []
    for i in range(5):
        arn = iam.create_role(RoleName=f"exec-{i}", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        iam.attach_role_policy(
            RoleName=f"exec-{i}",
            PolicyArn=("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
        )
        roles.append(arn)
    iam.attach_role_policy(
        RoleName="exec-4", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
    )
    for r, region in enumerate(regions):
        lam, events, sqs = (
            s.client(svc, region_name=region, endpoint_url=endpoint)
            for svc in ("lambda", "events", "sqs")
        )
        q = sqs.create_queue(QueueName="jobs")["QueueUrl"]
        qarn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        for n in range(r, functions, len(regions)):
            name = f"svc-{n:04d}-worker"
            arn = lam.create_function(
                FunctionName=name,
                Runtime="python3.12",
                Handler="handler.main",
                Role=roles[n % len(roles)],
                Code={"ZipFile": _zip(f"def main(e, c):\n    return {n}\n")},
                Environment={"Variables": {"STAGE": "prod", "N": str(n)}},
            )["FunctionArn"]
            if n % 3 == 0:
                lam.publish_version(FunctionName=name)
                lam.update_function_code(
                    FunctionName=name, ZipFile=_zip(f"def main(e, c):\n    return -{n}\n")
                )
                lam.publish_version(FunctionName=name)
                lam.create_alias(
                    FunctionName=name,
                    Name="live",
                    FunctionVersion="1",
                    RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}},
                )
            if n % 3 == 1:
                rule = events.put_rule(
                    Name=f"tick-{n}",
                    ScheduleExpression=("rate(1 minute)" if n % 2 else "rate(1 hour)"),
                )["RuleArn"]
                events.put_targets(Rule=f"tick-{n}", Targets=[{"Id": "1", "Arn": arn}])
                lam.add_permission(
                    FunctionName=name,
                    StatementId="events",
                    Principal=("events.amazonaws.com"),
                    Action="lambda:InvokeFunction",
                    SourceArn=rule,
                )
            if n % 6 == 2:
                lam.create_event_source_mapping(FunctionName=name, EventSourceArn=qarn)
            if n % 6 == 5:
                lam.create_function_url_config(
                    FunctionName=name, AuthType="NONE" if n % 12 == 5 else "AWS_IAM"
                )


def audit_once(endpoint: str, regions: list[str], sequential: bool) -> dict[str, Any]:
    import boto3

    from lambdawatch.audit.run import AuditOptions, run_audit
    from lambdawatch.aws import ClientFactory

    factory = ClientFactory(
        region=regions[0],
        endpoint_url=endpoint,
        session=boto3.session.Session(region_name=regions[0]),
        max_pool_connections=16,
    )
    opts = (
        AuditOptions(regions=regions, workers=1, per_service=1, region_workers=1)
        if sequential
        else AuditOptions(regions=regions)
    )
    started = time.perf_counter()
    run = run_audit(factory, opts)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "calls": run.calls,
        "functions": run.functions,
        "results": len(run.results),
        "findings": sum(len(r["findings"]) for r in run.results),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--functions", type=int, default=300)
    ap.add_argument("--regions", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    for k, v in {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    }.items():
        os.environ[k] = v
    server, endpoint = start_server()
    regions = REGIONS[: args.regions]
    t0 = time.perf_counter()
    plant(endpoint, args.functions, regions)
    print(
        f"planted {args.functions} functions in {len(regions)} regions in "
        f"{time.perf_counter() - t0:.1f}s",
        flush=True,
    )
    settings = {"baseline (sequential)": True, "default (concurrent)": False}
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in settings}
    audit_once(endpoint, regions, False)  # warm-up, untimed
    for _ in range(args.repeat):
        for label, sequential in settings.items():
            runs[label].append(audit_once(endpoint, regions, sequential))
            print(f"  {label}: {runs[label][-1]['seconds']:.2f}s", flush=True)
    server.terminate()
    server.wait(timeout=30)
    medians = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    for label, items in runs.items():
        last = items[-1]
        print(
            f"{label}: median {medians[label]:.2f}s, {last['calls']} calls, "
            f"{last['calls'] / max(1, last['functions']):.1f} calls/function, "
            f"{last['functions']} functions, {last['results']} results, "
            f"{last['findings']} findings"
        )
    base, default = medians.values()
    print(f"speed-up default vs baseline: {base / default:.2f}x")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"audit-{stamp}.json").write_text(
        json.dumps(
            {
                "functions": args.functions,
                "regions": regions,
                "repeat": args.repeat,
                "runs": runs,
                "medians": medians,
                "speedup": base / default,
                "machine": platform.platform(),
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "loadavg": os.getloadavg(),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
