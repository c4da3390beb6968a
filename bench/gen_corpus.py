#!/usr/bin/env python3
"""Generate a realistic synthetic CloudTrail corpus in the S3 delivery layout.

    python bench/gen_corpus.py OUTDIR --records 1000000 [--seed 1] [--lambda-share 0.02]

Layout (as CloudTrail delivers to S3):

    OUTDIR/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<rand16>.json.gz
    OUTDIR/AWSLogs/<acct>/CloudTrail-Digest/<region>/YYYY/MM/DD/<acct>_CloudTrail-Digest_<region>_<trail>_<region>_YYYYMMDDTHHMMSSZ.json.gz

Each log file is the gzip of compact JSON ``{"Records":[{"eventVersion":"1.08",...},...]}``, with
the keys in the order AWS writes them (eventVersion, userIdentity, eventTime, eventSource,
eventName, awsRegion, sourceIPAddress, userAgent, [errorCode, errorMessage], requestParameters,
responseElements, [additionalEventData], requestID, eventID, readOnly, [resources], eventType,
[apiVersion], managementEvent, recipientAccountId, [sharedEventID], eventCategory, [tlsDetails],
[sessionCredentialFromConsole]).  Record shapes follow ../shared/cloudtrail-samples/.

The mix is dominated by non-Lambda traffic (S3 data events, STS, EC2 Describe*, KMS, IAM, logs,
SSM, Secrets Manager, DynamoDB, ...), several of which carry the bare string
``lambda.amazonaws.com`` (service-invoked AssumeRole, KMS Decrypt of function environment
variables with an ``aws:lambda:FunctionArn`` encryption context, log streams of functions) so
a naive byte search on the service name is not a prefilter.  Lambda read/data events (Invoke,
GetFunction, List*) are common; Lambda management write events make up ``--lambda-share`` of the
records, most of them founding-rule names, some failed (AccessDenied and others), some
non-founding writes (CreateFunctionUrlConfig, PublishLayerVersion, DeleteFunction, ...).

Output is deterministic for a given (--records, --seed, --lambda-share, --days, --start),
whatever the number of worker processes.  OUTDIR/MANIFEST.json records the expected result of
the founding filter (eventSource lambda.amazonaws.com, base eventName in the five founding
names after stripping a trailing ``\\d{8}(v\\d+)?``, errorCode absent/null/empty).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import math
import os
import random
import re
import sys
import time
import zlib
from collections import Counter
from multiprocessing import get_context

import orjson

FOUNDING = frozenset(
    {
        "CreateFunction",
        "UpdateFunctionCode",
        "UpdateFunctionConfiguration",
        "AddPermission",
        "CreateEventSourceMapping",
    }
)
VERSION_SUFFIX = re.compile(r"\d{8}(v\d+)?$")

ACCOUNTS = ["111122223333", "444455556666", "777788889999", "123456789012"]
ACCOUNT_WEIGHTS = [0.45, 0.30, 0.15, 0.10]
ENV = {
    "111122223333": "prod",
    "444455556666": "staging",
    "777788889999": "dev",
    "123456789012": "sandbox",
}
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]
REGION_WEIGHTS = [0.55, 0.20, 0.13, 0.08, 0.04]
TRAIL = "org-trail"
ORG_BUCKET = "aws-cloudtrail-logs-111122223333-3f9d2a1c"

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
HEX = "0123456789abcdef"

TLS13 = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256"}
TLS12 = {"tlsVersion": "TLSv1.2", "cipherSuite": "ECDHE-RSA-AES128-GCM-SHA256"}

USER_AGENTS_SDK = [
    "aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/linux#5.10.225-213.878.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#{cmd}",
    "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.1.109 md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36",
    "aws-sdk-go-v2/1.32.3 os/linux lang/go#1.23.1 md/GOOS#linux md/GOARCH#amd64 api/{svc}#1.26.2",
    "aws-sdk-go-v2/1.32.3 os/linux lang/go#1.23.1 md/GOOS#linux md/GOARCH#amd64 api/{svc}#1.26.2",
    "aws-sdk-java/2.25.60 Linux/5.10.223 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS Java/17.0.12 vendor/Amazon.com_Inc. io/sync http/Apache",
    "aws-sdk-js/3.637.0 ua/2.1 os/linux#5.10.225 lang/js md/nodejs#20.17.0 api/{svc}#3.637.0",
    "[aws-sdk-java/1.12.720 Linux/5.10.219 OpenJDK_64-Bit_Server_VM/11.0.23+9-LTS java/11.0.23 vendor/Amazon.com_Inc.]",
    "Boto3/1.28.57 Python/3.11.6 Linux/5.10.192 Botocore/1.31.57",
]
UA_TERRAFORM = "APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.68.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.5 ua/2.1 os/linux lang/go#1.22.6 md/GOOS#linux md/GOARCH#amd64 api/lambda#1.58.1"
UA_CONSOLE = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"
UA_CFN = "cloudformation.amazonaws.com"
UA_SAM = "aws-sam-cli/1.120.0 Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.4 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.144"

RUNTIMES = [
    "python3.12",
    "python3.11",
    "python3.9",
    "nodejs20.x",
    "nodejs18.x",
    "java21",
    "provided.al2023",
    "go1.x",
    "python3.7",
    "nodejs14.x",
    "ruby3.3",
    "dotnet8",
]
RUNTIME_W = [0.25, 0.15, 0.08, 0.2, 0.1, 0.05, 0.05, 0.03, 0.03, 0.02, 0.02, 0.02]
FN_WORDS = [
    "orders",
    "payments",
    "billing",
    "auth",
    "etl",
    "ingest",
    "thumbnail",
    "report",
    "notify",
    "sync",
    "export",
    "audit",
    "webhook",
    "resize",
    "scheduler",
    "cleanup",
    "enrich",
    "router",
    "metrics",
    "backup",
    "invoice",
    "search",
    "users",
    "events",
]
FN_SUFFIX = ["handler", "worker", "processor", "api", "consumer", "cron", "trigger", "fn"]
BUCKET_WORDS = [
    "data-lake",
    "assets",
    "uploads",
    "artifacts",
    "logs-archive",
    "exports",
    "static-site",
    "ml-models",
    "backups",
    "reports",
]
ACTIONS_AP = ["lambda:InvokeFunction", "lambda:InvokeFunctionUrl"]


def _uuid(rng: random.Random) -> str:
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[rng.getrandbits(2)]}{h[17:20]}-{h[20:]}"


def _id(rng: random.Random, prefix: str, n: int = 16) -> str:
    return prefix + "".join(rng.choices(UPPER_DIGITS, k=n))


def _b64(rng: random.Random, nbytes: int) -> str:
    return base64.b64encode(rng.getrandbits(nbytes * 8).to_bytes(nbytes, "little")).decode()


def _hex(rng: random.Random, n: int) -> str:
    return "%0*x" % (n, rng.getrandbits(4 * n))


def _ip(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.35:
        return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    if r < 0.45:
        return f"172.{rng.randrange(16, 32)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    return f"{rng.choice([3, 18, 34, 35, 52, 54, 44, 203, 198, 81, 91, 185])}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def _fmt_time(t: float) -> str:
    return dt.datetime.fromtimestamp(int(t), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _fmt_legacy(t: float) -> str:
    # "Nov 30, 2024, 8:43:17 PM" as STS/IAM responses show dates
    d = dt.datetime.fromtimestamp(int(t), dt.UTC)
    h = d.hour % 12 or 12
    return f"{d.strftime('%b')} {d.day}, {d.year}, {h}:{d.minute:02d}:{d.second:02d} {'AM' if d.hour < 12 else 'PM'}"


# --------------------------------------------------------------------------------------------
# Per-account world: roles, users, functions, buckets, keys.  Derived from the seed only.
# --------------------------------------------------------------------------------------------
class World:
    def __init__(self, seed: int):
        rng = random.Random(f"world-{seed}")
        self.acct: dict[str, dict] = {}
        for a in ACCOUNTS:
            env = ENV[a]
            fns = []
            names = set()
            while len(fns) < 150:
                n = f"{env}-{rng.choice(FN_WORDS)}-{rng.choice(FN_SUFFIX)}"
                if rng.random() < 0.3:
                    n += f"-{rng.choice(['v2', 'blue', 'green', 'eu', 'us', 'batch'])}"
                if n in names:
                    continue
                names.add(n)
                rt = rng.choices(RUNTIMES, RUNTIME_W)[0]
                fns.append(
                    {
                        "name": n,
                        "runtime": rt,
                        "role": f"arn:aws:iam::{a}:role/{n}-role",
                        "handler": (
                            "index.handler"
                            if rt.startswith("node")
                            else "bootstrap"
                            if rt.startswith("provided") or rt == "go1.x"
                            else "lambda_function.lambda_handler"
                        ),
                        "mem": rng.choice([128, 256, 512, 1024, 2048]),
                        "timeout": rng.choice([3, 10, 30, 60, 300, 900]),
                        "code_sha": _b64(rng, 32),
                        "code_size": rng.randrange(400, 40_000_000),
                        "role_pid": _id(rng, "AROA", 17),
                    }
                )
            roles = [
                ("github-actions-deploy", UA_TERRAFORM),
                ("ci-deploy-sam", UA_SAM),
                ("AWSReservedSSO_AdministratorAccess_" + _hex(rng, 16), UA_CONSOLE),
                ("AWSReservedSSO_DeveloperAccess_" + _hex(rng, 16), UA_CONSOLE),
                ("ecs-task-orders-api", None),
                ("eks-node-group-workers", None),
                ("data-pipeline-glue", None),
                ("cloudformation-exec", UA_CFN),
            ]
            role_objs = []
            for rn, ua in roles:
                role_objs.append(
                    {
                        "name": rn,
                        "arn": f"arn:aws:iam::{a}:role/{rn}",
                        "pid": _id(rng, "AROA", 17),
                        "ua": ua,
                    }
                )
            users = []
            for un in ["alice", "bob", "svc-reporting", "carol.ops", "legacy-ci"]:
                users.append(
                    {
                        "name": un,
                        "arn": f"arn:aws:iam::{a}:user/{un}",
                        "pid": _id(rng, "AIDA", 17),
                        "akid": _id(rng, "AKIA", 16),
                    }
                )
            buckets = [f"{a[-4:]}-{env}-{w}-{_hex(rng, 6)}" for w in BUCKET_WORDS]
            keys = [_uuid(rng) for _ in range(6)]
            layers = [
                f"arn:aws:lambda:{{region}}:{a}:layer:{w}:{rng.randrange(1, 40)}"
                for w in ["common-utils", "otel-collector", "pandas-numpy", "auth-sdk"]
            ]
            self.acct[a] = {
                "fns": fns,
                "roles": role_objs,
                "users": users,
                "buckets": buckets,
                "keys": keys,
                "layers": layers,
                "env": env,
            }


# --------------------------------------------------------------------------------------------
# Identities
# --------------------------------------------------------------------------------------------
def _assumed(rng, acct, role, session, t, *, console=False, invoked_by=None):
    ui = {
        "type": "AssumedRole",
        "principalId": f"{role['pid']}:{session}",
        "arn": f"arn:aws:sts::{acct}:assumed-role/{role['name']}/{session}",
        "accountId": acct,
        "accessKeyId": _id(rng, "ASIA", 16),
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": role["pid"],
                "arn": role["arn"],
                "accountId": acct,
                "userName": role["name"],
            },
            "attributes": {
                "creationDate": _fmt_time(t - rng.randrange(60, 3600)),
                "mfaAuthenticated": "false",
            },
        },
    }
    if rng.random() < 0.4:  # newer SDK sessions log an empty webIdFederationData
        sc = ui["sessionContext"]
        ui["sessionContext"] = {
            "sessionIssuer": sc["sessionIssuer"],
            "webIdFederationData": {},
            "attributes": sc["attributes"],
        }
    if invoked_by:
        ui["invokedBy"] = invoked_by
    return ui


def _user(rng, acct, u):
    return {
        "type": "IAMUser",
        "principalId": u["pid"],
        "arn": u["arn"],
        "accountId": acct,
        "accessKeyId": u["akid"],
        "userName": u["name"],
    }


def _pick_identity(rng, W, acct, t):
    """Return (userIdentity, userAgent, sourceIP, console)."""
    r = rng.random()
    if r < 0.33:
        role = rng.choice(W["roles"])
        if role["ua"] == UA_CONSOLE:
            sess = rng.choice(["alice@example.com", "bob@example.com", "carol@example.com"])
            return _assumed(rng, acct, role, sess, t), UA_CONSOLE, _ip(rng), True
        sess = (
            ("i-" + _hex(rng, 17))
            if "eks" in role["name"]
            else ("botocore-session-" + str(rng.randrange(1_600_000_000, 1_730_000_000)))
        )
        ua = role["ua"] or rng.choice(USER_AGENTS_SDK)
        return _assumed(rng, acct, role, sess, t), ua, _ip(rng), False
    if r < 0.43:
        fn = rng.choice(W["fns"])
        role = {"name": fn["role"].rsplit("/", 1)[1], "arn": fn["role"], "pid": fn["role_pid"]}
        return (
            _assumed(rng, acct, role, fn["name"], t),
            rng.choice(USER_AGENTS_SDK),
            _ip(rng),
            False,
        )
    u = rng.choice(W["users"])
    return _user(rng, acct, u), rng.choice(USER_AGENTS_SDK), _ip(rng), False


def _ua(ua, svc, cmd="s3api.get-object"):
    return ua.replace("{svc}", svc).replace("{cmd}", cmd)


def _envelope(
    rng,
    t,
    source,
    name,
    region,
    ui,
    ip,
    ua,
    rp,
    re_,
    *,
    acct,
    read_only,
    mgmt=True,
    extra_after_resp=None,
    resources=None,
    category=None,
    tls_host=None,
    error=None,
    shared=False,
    console=False,
    api_version=None,
):
    rec = {
        "eventVersion": "1.08" if rng.random() < 0.8 else "1.09",
        "userIdentity": ui,
        "eventTime": _fmt_time(t),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": ip,
        "userAgent": ua,
    }
    if error:
        rec["errorCode"], rec["errorMessage"] = error
    rec["requestParameters"] = rp
    rec["responseElements"] = re_
    if extra_after_resp:
        rec["additionalEventData"] = extra_after_resp
    rec["requestID"] = (
        _uuid(rng) if source != "s3.amazonaws.com" else "".join(rng.choices(UPPER_DIGITS, k=16))
    )
    rec["eventID"] = _uuid(rng)
    rec["readOnly"] = read_only
    if resources:
        rec["resources"] = resources
    rec["eventType"] = "AwsApiCall"
    if api_version:
        rec["apiVersion"] = api_version
    rec["managementEvent"] = mgmt
    rec["recipientAccountId"] = acct
    if shared:
        rec["sharedEventID"] = _uuid(rng)
    rec["eventCategory"] = category or ("Management" if mgmt else "Data")
    if tls_host:
        tls = dict(TLS13 if rng.random() < 0.8 else TLS12)
        tls["clientProvidedHostHeader"] = tls_host
        rec["tlsDetails"] = tls
    if console:
        rec["sessionCredentialFromConsole"] = "true"
    return rec


# --------------------------------------------------------------------------------------------
# Background (non-founding) events
# --------------------------------------------------------------------------------------------
def ev_s3_get(rng, W, acct, region, t):
    b = rng.choice(W["buckets"])
    if rng.random() < 0.25:  # AWS services reading/writing on the account's behalf
        svc = rng.choice(
            [
                "athena.amazonaws.com",
                "glue.amazonaws.com",
                "cloudtrail.amazonaws.com",
                "config.amazonaws.com",
                "lambda.amazonaws.com",
            ]
        )
        ui = {"type": "AWSService", "invokedBy": svc}
        name = "GetObject" if svc != "config.amazonaws.com" else "GetBucketAcl"
        key = f"{rng.choice(['raw', 'curated', 'results'])}/{_hex(rng, 12)}.csv"
        rp = {"bucketName": b, "Host": f"{b}.s3.{region}.amazonaws.com", "key": key}
        aed = {
            "SignatureVersion": "SigV4",
            "CipherSuite": "TLS_AES_128_GCM_SHA256",
            "bytesTransferredIn": 0,
            "AuthenticationMethod": "AuthHeader",
            "x-amz-id-2": _b64(rng, 56),
            "bytesTransferredOut": rng.randrange(0, 5_000_000),
        }
        res = [
            {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{b}/{key}"},
            {"accountId": acct, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{b}"},
        ]
        return _envelope(
            rng,
            t,
            "s3.amazonaws.com",
            name,
            region,
            ui,
            svc,
            svc,
            rp,
            None,
            acct=acct,
            read_only=True,
            mgmt=False,
            extra_after_resp=aed,
            resources=res,
            shared=True,
        )
    ui, ua, ip, console = _pick_identity(rng, W, acct, t)
    ua = _ua(ua, "s3", "s3api.get-object")
    key = "/".join(
        [
            rng.choice(["raw", "curated", "tmp", "users", "img"]),
            _hex(rng, 10) + rng.choice([".parquet", ".json", ".jpg", ".csv", ".pdf"]),
        ]
    )
    name = rng.choices(
        ["GetObject", "PutObject", "HeadObject", "ListObjects"], [0.6, 0.2, 0.15, 0.05]
    )[0]
    rp = {"bucketName": b, "Host": f"{b}.s3.{region}.amazonaws.com", "key": key}
    if name == "ListObjects":
        rp = {
            "list-type": "2",
            "bucketName": b,
            "encoding-type": "url",
            "prefix": key.rsplit("/", 1)[0] + "/",
            "Host": f"{b}.s3.{region}.amazonaws.com",
        }
    aed = {
        "SignatureVersion": "SigV4",
        "CipherSuite": "TLS_AES_128_GCM_SHA256",
        "bytesTransferredIn": 0 if name != "PutObject" else rng.randrange(100, 10_000_000),
        "AuthenticationMethod": "AuthHeader",
        "x-amz-id-2": _b64(rng, 56),
        "bytesTransferredOut": rng.randrange(0, 5_000_000) if name == "GetObject" else 0,
    }
    res = [
        {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{b}/{key}"},
        {"accountId": acct, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{b}"},
    ]
    re_ = None
    if name == "PutObject" and rng.random() < 0.4:
        re_ = {
            "x-amz-server-side-encryption": "aws:kms",
            "x-amz-server-side-encryption-aws-kms-key-id": f"arn:aws:kms:{region}:{acct}:key/{rng.choice(W['keys'])}",
            "x-amz-server-side-encryption-bucket-key-enabled": "true",
        }
    return _envelope(
        rng,
        t,
        "s3.amazonaws.com",
        name,
        region,
        ui,
        ip,
        ua,
        rp,
        re_,
        acct=acct,
        read_only=name != "PutObject",
        mgmt=False,
        extra_after_resp=aed,
        resources=res,
        tls_host=f"{b}.s3.{region}.amazonaws.com",
    )


def ev_sts_assume_by_lambda(rng, W, acct, region, t):
    """Lambda service assuming a function's execution role: bare lambda.amazonaws.com everywhere."""
    fn = rng.choice(W["fns"])
    role_arn = fn["role"]
    rn = role_arn.rsplit("/", 1)[1]
    ui = {"type": "AWSService", "invokedBy": "lambda.amazonaws.com"}
    rp = {"roleArn": role_arn, "roleSessionName": fn["name"]}
    re_ = {
        "credentials": {
            "accessKeyId": _id(rng, "ASIA", 16),
            "sessionToken": _b64(rng, rng.randrange(120, 200)),
            "expiration": _fmt_legacy(t + 43200),
        },
        "assumedRoleUser": {
            "assumedRoleId": f"{fn['role_pid']}:{fn['name']}",
            "arn": f"arn:aws:sts::{acct}:assumed-role/{rn}/{fn['name']}",
        },
    }
    res = [{"accountId": acct, "type": "AWS::IAM::Role", "ARN": role_arn}]
    return _envelope(
        rng,
        t,
        "sts.amazonaws.com",
        "AssumeRole",
        region,
        ui,
        "lambda.amazonaws.com",
        "lambda.amazonaws.com",
        rp,
        re_,
        acct=acct,
        read_only=True,
        resources=res,
        shared=True,
    )


def ev_sts_assume(rng, W, acct, region, t):
    ui, ua, ip, console = _pick_identity(rng, W, acct, t)
    role = rng.choice(W["roles"])
    sess = "botocore-session-" + str(rng.randrange(1_600_000_000, 1_730_000_000))
    rp = {"roleArn": role["arn"], "roleSessionName": sess, "durationSeconds": 3600}
    re_ = {
        "credentials": {
            "accessKeyId": _id(rng, "ASIA", 16),
            "sessionToken": _b64(rng, rng.randrange(120, 200)),
            "expiration": _fmt_legacy(t + 3600),
        },
        "assumedRoleUser": {
            "assumedRoleId": f"{role['pid']}:{sess}",
            "arn": f"arn:aws:sts::{acct}:assumed-role/{role['name']}/{sess}",
        },
    }
    name = "AssumeRole" if rng.random() < 0.8 else "GetCallerIdentity"
    if name == "GetCallerIdentity":
        rp, re_ = None, None
    return _envelope(
        rng,
        t,
        "sts.amazonaws.com",
        name,
        region,
        ui,
        ip,
        _ua(ua, "sts", "sts.assume-role"),
        rp,
        re_,
        acct=acct,
        read_only=True,
        resources=[{"accountId": acct, "type": "AWS::IAM::Role", "ARN": role["arn"]}]
        if rp
        else None,
        tls_host=f"sts.{region}.amazonaws.com",
    )


def ev_kms_lambda(rng, W, acct, region, t):
    """KMS Decrypt of a function's environment variables: invokedBy / context mention Lambda."""
    fn = rng.choice(W["fns"])
    rn = fn["role"].rsplit("/", 1)[1]
    role = {"name": rn, "arn": fn["role"], "pid": fn["role_pid"]}
    ui = _assumed(rng, acct, role, fn["name"], t, invoked_by="lambda.amazonaws.com")
    fa = f"arn:aws:lambda:{region}:{acct}:function:{fn['name']}"
    rp = {
        "encryptionContext": {"aws:lambda:FunctionArn": fa},
        "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
    }
    key = rng.choice(W["keys"])
    res = [
        {
            "accountId": acct,
            "type": "AWS::KMS::Key",
            "ARN": f"arn:aws:kms:{region}:{acct}:key/{key}",
        }
    ]
    return _envelope(
        rng,
        t,
        "kms.amazonaws.com",
        "Decrypt",
        region,
        ui,
        "lambda.amazonaws.com",
        "lambda.amazonaws.com",
        rp,
        None,
        acct=acct,
        read_only=True,
        resources=res,
    )


def ev_kms(rng, W, acct, region, t):
    ui, ua, ip, console = _pick_identity(rng, W, acct, t)
    key = rng.choice(W["keys"])
    name = rng.choices(
        ["Decrypt", "GenerateDataKey", "Encrypt", "DescribeKey"], [0.5, 0.3, 0.1, 0.1]
    )[0]
    b = rng.choice(W["buckets"])
    rp = {
        "encryptionContext": {"aws:s3:arn": f"arn:aws:s3:::{b}"},
        "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
    }
    if name == "GenerateDataKey":
        rp = {
            "keyId": f"arn:aws:kms:{region}:{acct}:key/{key}",
            "encryptionContext": {"aws:s3:arn": f"arn:aws:s3:::{b}"},
            "keySpec": "AES_256",
        }
    elif name == "DescribeKey":
        rp = {"keyId": f"alias/{W['env']}-data"}
    res = [
        {
            "accountId": acct,
            "type": "AWS::KMS::Key",
            "ARN": f"arn:aws:kms:{region}:{acct}:key/{key}",
        }
    ]
    inv = rng.random() < 0.5
    if inv:  # SSE-KMS on behalf of the caller
        ui["invokedBy"] = "s3.amazonaws.com"
        ip = ua = "s3.amazonaws.com"
    return _envelope(
        rng,
        t,
        "kms.amazonaws.com",
        name,
        region,
        ui,
        ip,
        ua if inv else _ua(ua, "kms"),
        rp,
        None,
        acct=acct,
        read_only=name != "Encrypt",
        resources=res,
    )


EC2_DESCRIBE = [
    "DescribeInstances",
    "DescribeSecurityGroups",
    "DescribeVolumes",
    "DescribeSubnets",
    "DescribeNetworkInterfaces",
    "DescribeImages",
    "DescribeInstanceStatus",
    "DescribeVpcs",
    "DescribeTags",
    "DescribeAddresses",
]


def ev_ec2(rng, W, acct, region, t):
    ui, ua, ip, console = _pick_identity(rng, W, acct, t)
    name = rng.choice(EC2_DESCRIBE)
    items = [
        {
            "name": rng.choice(["instance-state-name", "vpc-id", "tag:Environment", "subnet-id"]),
            "valueSet": {
                "items": [{"value": rng.choice(["running", "vpc-" + _hex(rng, 17), W["env"]])}]
            },
        }
        for _ in range(rng.randrange(1, 3))
    ]
    rp = {"filterSet": {"items": items}}
    if name == "DescribeInstances":
        rp = {
            "instancesSet": {
                "items": [{"instanceId": "i-" + _hex(rng, 17)} for _ in range(rng.randrange(1, 4))]
            },
            "filterSet": {},
        }
    return _envelope(
        rng,
        t,
        "ec2.amazonaws.com",
        name,
        region,
        ui,
        ip,
        _ua(ua, "ec2"),
        rp,
        None,
        acct=acct,
        read_only=True,
        tls_host=f"ec2.{region}.amazonaws.com",
        error=(
            "Client.UnauthorizedOperation",
            "You are not authorized to perform this operation. User: "
            + ui["arn"]
            + " is not authorized to perform: ec2:"
            + name
            + " because no identity-based policy allows the ec2:"
            + name
            + " action",
        )
        if rng.random() < 0.02
        else None,
        console=console,
    )


def ev_iam(rng, W, acct, region, t):
    ui, ua, ip, console = _pick_identity(rng, W, acct, t)
    role = rng.choice(W["roles"])
    name = rng.choices(
        [
            "GetRole",
            "ListAttachedRolePolicies",
            "GetPolicyVersion",
            "ListRoles",
            "CreateRole",
            "AttachRolePolicy",
            "PutRolePolicy",
            "TagRole",
        ],
        [0.3, 0.2, 0.15, 0.1, 0.05, 0.06, 0.05, 0.09],
    )[0]
    ro = name.startswith(("Get", "List"))
    rp = {"roleName": role["name"]}
    re_ = None
    if name == "GetPolicyVersion":
        rp = {
            "policyArn": f"arn:aws:iam::{acct}:policy/{W['env']}-app-access",
            "versionId": f"v{rng.randrange(1, 9)}",
        }
    elif name == "ListRoles":
        rp = {"maxItems": 100}
    elif name == "CreateRole":
        nm = f"{W['env']}-{rng.choice(FN_WORDS)}-role-{_hex(rng, 8)}"
        doc = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
        rp = {"roleName": nm, "assumeRolePolicyDocument": doc, "description": "Execution role"}
        re_ = {
            "role": {
                "path": "/",
                "roleName": nm,
                "roleId": _id(rng, "AROA", 17),
                "arn": f"arn:aws:iam::{acct}:role/{nm}",
                "createDate": _fmt_legacy(t),
                "assumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D",
            }
        }
    elif name == "AttachRolePolicy":
        rp = {
            "roleName": role["name"],
            "policyArn": rng.choice(
                [
                    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                    "arn:aws:iam::aws:policy/AdministratorAccess",
                ]
            ),
        }
    elif name == "PutRolePolicy":
        rp = {
            "roleName": role["name"],
            "policyName": "inline-access",
            "policyDocument": '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],\n      "Resource": "*"\n    }\n  ]\n}',
        }
    elif name == "TagRole":
        rp = {
            "roleName": role["name"],
            "tags": [{"key": "owner", "value": "platform"}, {"key": "env", "value": W["env"]}],
        }
    return _envelope(
        rng,
        t,
        "iam.amazonaws.com",
        name,
        "us-east-1",
        ui,
        ip,
        _ua(ua, "iam"),
        rp,
        re_,
        acct=acct,
        read_only=ro,
        tls_host="iam.amazonaws.com",
        console=console,
    )


def ev_logs(rng, W, acct, region, t):
    fn = rng.choice(W["fns"])
    r = rng.random()
    if r < 0.6:
        # the function's own role creating its log stream (Lambda runtime)
        rn = fn["role"].rsplit("/", 1)[1]
        ui = _assumed(
            rng, acct, {"name": rn, "arn": fn["role"], "pid": fn["role_pid"]}, fn["name"], t
        )
        d = dt.datetime.fromtimestamp(int(t), dt.UTC)
        rp = {
            "logGroupName": f"/aws/lambda/{fn['name']}",
            "logStreamName": f"{d:%Y/%m/%d}/[$LATEST]{_hex(rng, 32)}",
        }
        return _envelope(
            rng,
            t,
            "logs.amazonaws.com",
            "CreateLogStream",
            region,
            ui,
            _ip(rng),
            "aws-lambda-go/1.0 (lambda.amazonaws.com)"
            if fn["runtime"] == "go1.x"
            else "awslambda-worker/1.0 rv:" + str(rng.randrange(10, 99)),
            rp,
            None,
            acct=acct,
            read_only=False,
        )
    ui, ua, ip, console = _pick_identity(rng, W, acct, t)
    name = rng.choice(
        ["DescribeLogGroups", "FilterLogEvents", "DescribeLogStreams", "GetLogEvents"]
    )
    rp = {"logGroupName": f"/aws/lambda/{fn['name']}", "limit": 50}
    if name == "DescribeLogGroups":
        rp = {"logGroupNamePrefix": "/aws/lambda/", "limit": 50}
    elif name == "FilterLogEvents":
        rp = {
            "logGroupName": f"/aws/lambda/{fn['name']}",
            "startTime": int(t - 3600) * 1000,
            "endTime": int(t) * 1000,
            "filterPattern": "ERROR",
            "interleaved": True,
        }
    return _envelope(
        rng,
        t,
        "logs.amazonaws.com",
        name,
        region,
        ui,
        ip,
        _ua(ua, "logs"),
        rp,
        None,
        acct=acct,
        read_only=True,
        tls_host=f"logs.{region}.amazonaws.com",
        console=console,
    )


def ev_ssm(rng, W, acct, region, t):
    ui, ua, ip, console = _pick_identity(rng, W, acct, t)
    name = rng.choice(
        ["GetParameter", "GetParameters", "DescribeInstanceInformation", "GetParametersByPath"]
    )
    if name == "DescribeInstanceInformation":
        rp = {
            "filters": [
                {
                    "key": "InstanceIds",
                    "values": ["i-" + _hex(rng, 17) for _ in range(rng.randrange(1, 4))],
                }
            ]
        }
    elif name == "GetParameters":
        rp = {
            "names": [
                f"/{W['env']}/{rng.choice(FN_WORDS)}/{rng.choice(['db_url', 'api_key', 'feature_flags'])}"
                for _ in range(rng.randrange(1, 4))
            ],
            "withDecryption": True,
        }
    elif name == "GetParametersByPath":
        rp = {
            "path": f"/{W['env']}/{rng.choice(FN_WORDS)}/",
            "recursive": True,
            "withDecryption": True,
        }
    else:
        rp = {
            "name": f"/{W['env']}/{rng.choice(FN_WORDS)}/{rng.choice(['db_url', 'api_key', 'feature_flags'])}",
            "withDecryption": True,
        }
    return _envelope(
        rng,
        t,
        "ssm.amazonaws.com",
        name,
        region,
        ui,
        ip,
        _ua(ua, "ssm"),
        rp,
        None,
        acct=acct,
        read_only=True,
        tls_host=f"ssm.{region}.amazonaws.com",
        console=console,
    )


def ev_secrets(rng, W, acct, region, t):
    ui, ua, ip, console = _pick_identity(rng, W, acct, t)
    sid = f"arn:aws:secretsmanager:{region}:{acct}:secret:{W['env']}/{rng.choice(FN_WORDS)}/db-{''.join(rng.choices(ALNUM, k=6))}"
    return _envelope(
        rng,
        t,
        "secretsmanager.amazonaws.com",
        "GetSecretValue",
        region,
        ui,
        ip,
        _ua(ua, "secretsmanager"),
        {"secretId": sid},
        None,
        acct=acct,
        read_only=True,
        tls_host=f"secretsmanager.{region}.amazonaws.com",
        console=console,
    )


def ev_dynamodb(rng, W, acct, region, t):
    ui, ua, ip, console = _pick_identity(rng, W, acct, t)
    table = f"{W['env']}-{rng.choice(FN_WORDS)}"
    name = rng.choice(
        ["DescribeTable", "ListTables", "DescribeContinuousBackups", "DescribeTimeToLive"]
    )
    rp = {"tableName": table} if name != "ListTables" else {"limit": 100}
    res = (
        [
            {
                "accountId": acct,
                "type": "AWS::DynamoDB::Table",
                "ARN": f"arn:aws:dynamodb:{region}:{acct}:table/{table}",
            }
        ]
        if name != "ListTables"
        else None
    )
    return _envelope(
        rng,
        t,
        "dynamodb.amazonaws.com",
        name,
        region,
        ui,
        ip,
        _ua(ua, "dynamodb"),
        rp,
        None,
        acct=acct,
        read_only=True,
        resources=res,
        tls_host=f"dynamodb.{region}.amazonaws.com",
    )


def ev_events_rule(rng, W, acct, region, t):
    """EventBridge PutRule whose pattern (a JSON *string*) names lambda.amazonaws.com as eventSource."""
    ui, ua, ip, console = _pick_identity(rng, W, acct, t)
    nm = f"{W['env']}-lambda-change-{_hex(rng, 6)}"
    pattern = '{"source":["aws.lambda"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["lambda.amazonaws.com"],"eventName":["CreateFunction20150331","UpdateFunctionCode20150331v2"]}}'
    rp = {"name": nm, "eventPattern": pattern, "state": "ENABLED", "eventBusName": "default"}
    re_ = {"ruleArn": f"arn:aws:events:{region}:{acct}:rule/{nm}"}
    return _envelope(
        rng,
        t,
        "events.amazonaws.com",
        "PutRule",
        region,
        ui,
        ip,
        _ua(ua, "eventbridge"),
        rp,
        re_,
        acct=acct,
        read_only=False,
        tls_host=f"events.{region}.amazonaws.com",
    )


def ev_cloudtrail_lookup(rng, W, acct, region, t):
    ui, ua, ip, console = _pick_identity(rng, W, acct, t)
    rp = {
        "lookupAttributes": [
            {"attributeKey": "EventSource", "attributeValue": "lambda.amazonaws.com"}
        ],
        "maxResults": 50,
    }
    return _envelope(
        rng,
        t,
        "cloudtrail.amazonaws.com",
        "LookupEvents",
        region,
        ui,
        ip,
        _ua(ua, "cloudtrail"),
        rp,
        None,
        acct=acct,
        read_only=True,
        tls_host=f"cloudtrail.{region}.amazonaws.com",
        console=console,
    )


def ev_lambda_read(rng, W, acct, region, t):
    fn = rng.choice(W["fns"])
    fa = f"arn:aws:lambda:{region}:{acct}:function:{fn['name']}"
    r = rng.random()
    if r < 0.55:
        ui, ua, ip, console = _pick_identity(rng, W, acct, t)
        rp = {
            "functionName": fa if rng.random() < 0.5 else fn["name"],
            "invocationType": rng.choice(["RequestResponse", "Event"]),
        }
        aed = {"functionVersion": fa + ":$LATEST"}
        res = [{"accountId": acct, "type": "AWS::Lambda::Function", "ARN": fa}]
        return _envelope(
            rng,
            t,
            "lambda.amazonaws.com",
            "Invoke",
            region,
            ui,
            ip,
            _ua(ua, "lambda"),
            rp,
            None,
            acct=acct,
            read_only=False,
            mgmt=False,
            extra_after_resp=aed,
            resources=res,
            tls_host=f"lambda.{region}.amazonaws.com",
        )
    ui, ua, ip, console = _pick_identity(rng, W, acct, t)
    name = rng.choice(
        [
            "GetFunction20150331v2",
            "GetFunctionConfiguration20150331v2",
            "ListFunctions20150331",
            "GetPolicy20150331v2",
            "ListEventSourceMappings20150331",
            "ListTags20170331",
            "GetFunctionUrlConfig",
            "ListVersionsByFunction20150331",
        ]
    )
    rp = {"functionName": fn["name"]}
    if name == "ListFunctions20150331":
        rp = None
    elif name == "ListEventSourceMappings20150331":
        rp = {"functionName": fa}
    elif name == "ListTags20170331":
        rp = {"resource": fa}
    return _envelope(
        rng,
        t,
        "lambda.amazonaws.com",
        name,
        region,
        ui,
        ip,
        _ua(ua, "lambda", "lambda.get-function"),
        rp,
        None,
        acct=acct,
        read_only=True,
        tls_host=f"lambda.{region}.amazonaws.com",
        console=console,
    )


# --------------------------------------------------------------------------------------------
# Lambda management writes
# --------------------------------------------------------------------------------------------
ERRORS = [
    ("AccessDenied", 0.55),
    ("ResourceConflictException", 0.15),
    ("InvalidParameterValueException", 0.12),
    ("ResourceNotFoundException", 0.10),
    ("TooManyRequestsException", 0.08),
]
LAMBDA_WRITES = [  # (eventName as logged, weight)
    ("CreateFunction20150331", 0.12),
    ("UpdateFunctionCode20150331v2", 0.26),
    ("UpdateFunctionCode20150331", 0.02),
    ("UpdateFunctionConfiguration20150331v2", 0.22),
    ("UpdateFunctionConfiguration20150331", 0.01),
    ("AddPermission20150331v2", 0.10),
    ("AddPermission20150331", 0.02),
    ("CreateEventSourceMapping20150331", 0.06),
    ("CreateFunctionUrlConfig", 0.02),
    ("CreateFunctionUrlConfig20211031", 0.01),
    ("UpdateFunctionUrlConfig", 0.01),
    ("PublishLayerVersion20181031", 0.03),
    ("PublishVersion20150331", 0.04),
    ("DeleteFunction20150331", 0.02),
    ("TagResource20170331v2", 0.03),
    ("UpdateEventSourceMapping20150331", 0.02),
    ("RemovePermission20150331v2", 0.01),
]
LW_NAMES = [n for n, _ in LAMBDA_WRITES]
LW_W = [w for _, w in LAMBDA_WRITES]


def _deployer(rng, W, acct, t):
    r = rng.random()
    roles = W["roles"]
    if r < 0.45:
        role = roles[0]
        return _assumed(rng, acct, role, "GitHubActions", t), UA_TERRAFORM, _ip(rng), False
    if r < 0.60:
        role = roles[1]
        return (
            _assumed(
                rng,
                acct,
                role,
                "botocore-session-" + str(rng.randrange(1_600_000_000, 1_730_000_000)),
                t,
            ),
            UA_SAM,
            _ip(rng),
            False,
        )
    if r < 0.75:
        role = roles[7]
        return (
            _assumed(
                rng, acct, role, "AWSCloudFormation", t, invoked_by="cloudformation.amazonaws.com"
            ),
            UA_CFN,
            UA_CFN,
            False,
        )
    if r < 0.90:
        role = roles[2] if rng.random() < 0.6 else roles[3]
        sess = rng.choice(["alice@example.com", "bob@example.com", "carol@example.com"])
        return _assumed(rng, acct, role, sess, t), UA_CONSOLE, _ip(rng), True
    u = rng.choice(W["users"])
    return (
        _user(rng, acct, u),
        _ua(USER_AGENTS_SDK[0], "lambda", "lambda.update-function-code"),
        _ip(rng),
        False,
    )


def _fn_config(rng, fn, region, acct, t, *, layers=None, version="$LATEST", env_keys=None):
    fa = f"arn:aws:lambda:{region}:{acct}:function:{fn['name']}"
    cfg = {
        "functionName": fn["name"],
        "functionArn": fa if version == "$LATEST" else f"{fa}:{version}",
        "runtime": fn["runtime"],
        "role": fn["role"],
        "handler": fn["handler"],
        "codeSize": fn["code_size"],
        "description": "",
        "timeout": fn["timeout"],
        "memorySize": fn["mem"],
        "lastModified": dt.datetime.fromtimestamp(int(t), dt.UTC).strftime(
            "%Y-%m-%dT%H:%M:%S.000+0000"
        ),
        "codeSha256": _b64(rng, 32),
        "version": version,
        "environment": {},  # CloudTrail never logs variable values (nor, in responses, keys)
        "tracingConfig": {"mode": rng.choice(["PassThrough", "Active"])},
        "revisionId": _uuid(rng),
        "state": "Pending",
        "stateReason": "The function is being created.",
        "stateReasonCode": "Creating",
        "packageType": "Zip",
        "architectures": [rng.choice(["x86_64", "arm64"])],
        "ephemeralStorage": {"size": 512},
        "snapStart": {"applyOn": "None", "optimizationStatus": "Off"},
        "runtimeVersionConfig": {
            "runtimeVersionArn": f"arn:aws:lambda:{region}::runtime:{_hex(rng, 64)}"
        },
        "loggingConfig": {"logFormat": "Text", "logGroup": f"/aws/lambda/{fn['name']}"},
    }
    if layers:
        cfg["layers"] = [
            {
                "arn": x,
                "codeSize": rng.randrange(1000, 50_000_000),
                "uncompressedCodeSize": rng.randrange(1000, 200_000_000),
            }
            for x in layers
        ]
    return cfg


def _fqa(acct, region, name, qualifier=None):
    return {
        "arnPrefix": {"partition": "aws", "region": region, "account": acct},
        "relativeId": {"functionName": name},
        "functionQualifier": {} if qualifier is None else {"versionQualifier": qualifier},
    }


def ev_lambda_write(rng, W, acct, region, t):
    name = rng.choices(LW_NAMES, LW_W)[0]
    base = VERSION_SUFFIX.sub("", name)
    fn = rng.choice(W["fns"])
    ui, ua, ip, console = _deployer(rng, W, acct, t)
    fa = f"arn:aws:lambda:{region}:{acct}:function:{fn['name']}"
    as_arn = rng.random() < 0.4
    err = None
    if rng.random() < 0.12:
        code = rng.choices([e for e, _ in ERRORS], [w for _, w in ERRORS])[0]
        msg = {
            "AccessDenied": f"User: {ui['arn']} is not authorized to perform: lambda:{base} on resource: {fa} because no identity-based policy allows the lambda:{base} action",
            "ResourceConflictException": f"The operation cannot be performed at this time. An update is in progress for resource: {fa}",
            "InvalidParameterValueException": "The role defined for the function cannot be assumed by Lambda.",
            "ResourceNotFoundException": f"Function not found: {fa}",
            "TooManyRequestsException": "Rate exceeded",
        }[code]
        err = (code, msg)
    layers = None
    if base == "CreateFunction":
        use_s3 = rng.random() < 0.6
        env_keys = rng.sample(
            ["DB_HOST", "API_URL", "LOG_LEVEL", "TABLE_NAME", "QUEUE_URL"], rng.randrange(0, 4)
        )
        rp = {
            "functionName": fn["name"],
            "runtime": fn["runtime"],
            "role": fn["role"],
            "handler": fn["handler"],
            "code": (
                {
                    "s3Bucket": rng.choice(W["buckets"]),
                    "s3Key": f"lambda/{fn['name']}/{_hex(rng, 32)}.zip",
                }
                if use_s3
                else {}
            ),
            "description": "",
            "timeout": fn["timeout"],
            "memorySize": fn["mem"],
            "publish": rng.random() < 0.3,
            "environment": {},
            "tags": {"env": W["env"], "owner": "platform"},
        }
        if rng.random() < 0.3:
            layers = [
                x.replace("{region}", region) for x in rng.sample(W["layers"], rng.randrange(1, 3))
            ]
            rp["layers"] = layers
        re_ = _fn_config(rng, fn, region, acct, t, layers=layers, env_keys=env_keys)
    elif base == "UpdateFunctionCode":
        rp = {
            "fullyQualifiedArn": _fqa(acct, region, fn["name"]),
            "functionName": fa if as_arn else fn["name"],
            "publish": rng.random() < 0.5,
            "dryRun": False,
        }
        if rng.random() < 0.55:
            rp["s3Bucket"] = rng.choice(W["buckets"])
            rp["s3Key"] = f"lambda/{fn['name']}/{_hex(rng, 32)}.zip"
        re_ = _fn_config(
            rng,
            fn,
            region,
            acct,
            t,
            version=str(rng.randrange(1, 200)) if rp["publish"] else "$LATEST",
        )
        re_["lastUpdateStatus"] = "InProgress"
        re_["lastUpdateStatusReason"] = "The function is being created."
        re_["lastUpdateStatusReasonCode"] = "Creating"
    elif base == "UpdateFunctionConfiguration":
        rp = {"functionName": fa if as_arn else fn["name"]}
        r = rng.random()
        if r < 0.35:
            layers = [
                x.replace("{region}", region) for x in rng.sample(W["layers"], rng.randrange(1, 3))
            ]
            if rng.random() < 0.05:
                layers.append(
                    f"arn:aws:lambda:{region}:{rng.choice(['464622532012', '901920570463', '580247275435'])}:layer:{rng.choice(['Datadog-Extension', 'AWS-Parameters-and-Secrets-Lambda-Extension', 'LambdaInsightsExtension'])}:{rng.randrange(1, 60)}"
                )
            rp["layers"] = layers
        elif r < 0.6:
            rp["environment"] = {}
        elif r < 0.8:
            rp["timeout"] = rng.choice([30, 60, 900])
            rp["memorySize"] = rng.choice([512, 1024, 3008])
        else:
            rp["role"] = fn["role"]
        re_ = _fn_config(rng, fn, region, acct, t, layers=layers)
        re_["lastUpdateStatus"] = "InProgress"
        re_["state"] = "Active"
        for k in ("stateReason", "stateReasonCode"):
            re_.pop(k, None)
    elif base == "AddPermission":
        principal = rng.choices(
            [
                "s3.amazonaws.com",
                "sns.amazonaws.com",
                "events.amazonaws.com",
                "apigateway.amazonaws.com",
                "*",
                "999988887777",
            ],
            [0.3, 0.15, 0.25, 0.2, 0.03, 0.07],
        )[0]
        sid = rng.choice(
            ["s3invoke", "sns", "AllowExecutionFromCloudWatch", "apigw-" + _hex(rng, 8), "backdoor"]
        )
        rp = {
            "functionName": fn["name"],
            "statementId": sid,
            "action": "lambda:InvokeFunction",
            "principal": principal,
        }
        if principal.endswith("amazonaws.com") and rng.random() < 0.6:
            rp["sourceArn"] = (
                f"arn:aws:s3:::{rng.choice(W['buckets'])}"
                if principal.startswith("s3")
                else f"arn:aws:events:{region}:{acct}:rule/{fn['name']}-schedule"
            )
        pr = (
            '"*"'
            if principal == "*"
            else (
                '{"AWS":"arn:aws:iam::%s:root"}' % principal
                if principal.isdigit()
                else '{"Service":"%s"}' % principal
            )
        )
        stmt = (
            '{"Sid":"%s","Effect":"Allow","Principal":%s,"Action":"lambda:InvokeFunction","Resource":"%s"'
            % (sid, pr, fa)
        )
        if "sourceArn" in rp:
            stmt += ',"Condition":{"ArnLike":{"AWS:SourceArn":"%s"}}' % rp["sourceArn"]
        re_ = {"statement": stmt + "}"}
    elif base == "CreateEventSourceMapping":
        q = f"arn:aws:sqs:{region}:{acct}:{W['env']}-{rng.choice(FN_WORDS)}-queue"
        rp = {
            "eventSourceArn": q,
            "functionName": fn["name"],
            "enabled": True,
            "batchSize": 10,
            "filterCriteria": {},
            "scalingConfig": {},
            "maximumBatchingWindowInSeconds": 0,
            "sourceAccessConfigurations": [],
        }
        u = _uuid(rng)
        re_ = {
            "uUID": u,
            "batchSize": 10,
            "maximumBatchingWindowInSeconds": 0,
            "eventSourceArn": q,
            "filterCriteria": {},
            "functionArn": fa,
            "lastModified": _fmt_legacy(t),
            "state": "Creating",
            "stateTransitionReason": "USER_INITIATED",
            "functionResponseTypes": [],
            "eventSourceMappingArn": f"arn:aws:lambda:{region}:{acct}:event-source-mapping:{u}",
        }
    elif base in ("CreateFunctionUrlConfig", "UpdateFunctionUrlConfig"):
        auth = rng.choice(["NONE", "AWS_IAM"])
        rp = {"authType": auth, "cors": {}, "functionName": fn["name"], "invokeMode": "BUFFERED"}
        re_ = {
            "authType": auth,
            "creationTime": _fmt_time(t).replace("Z", ".556353Z"),
            "functionArn": fa,
            "functionUrl": f"https://{_hex(rng, 32)}.lambda-url.{region}.on.aws/",
            "invokeMode": "BUFFERED",
        }
    elif base == "PublishLayerVersion":
        ln = rng.choice(["common-utils", "otel-collector", "pandas-numpy", "auth-sdk"])
        rp = {
            "layerName": ln,
            "description": "",
            "content": {"s3Bucket": rng.choice(W["buckets"]), "s3Key": f"layers/{ln}.zip"},
            "compatibleRuntimes": [fn["runtime"]],
            "licenseInfo": "",
        }
        re_ = {
            "content": {
                "codeSha256": _b64(rng, 32),
                "codeSize": rng.randrange(1000, 50_000_000),
                "uncompressedCodeSize": 0,
            },
            "layerArn": f"arn:aws:lambda:{region}:{acct}:layer:{ln}",
            "layerVersionArn": f"arn:aws:lambda:{region}:{acct}:layer:{ln}:{rng.randrange(1, 40)}",
            "description": "",
            "createdDate": _fmt_time(t).replace("Z", ".000+0000"),
            "version": rng.randrange(1, 40),
            "compatibleRuntimes": [fn["runtime"]],
            "licenseInfo": "",
        }
    elif base == "PublishVersion":
        rp = {"functionName": fn["name"], "description": ""}
        re_ = _fn_config(rng, fn, region, acct, t, version=str(rng.randrange(1, 200)))
    elif base == "TagResource":
        rp = {"resource": fa, "tags": {"cost-center": str(rng.randrange(1000, 9999))}}
        re_ = None
    elif base == "UpdateEventSourceMapping":
        rp = {"uUID": _uuid(rng), "enabled": rng.random() < 0.5, "batchSize": 10}
        re_ = None
    else:  # DeleteFunction, RemovePermission
        rp = {"functionName": fn["name"]}
        if base == "RemovePermission":
            rp["statementId"] = "s3invoke"
        re_ = None
    if err:
        re_ = None
    return _envelope(
        rng,
        t,
        "lambda.amazonaws.com",
        name,
        region,
        ui,
        ip,
        ua,
        rp,
        re_,
        acct=acct,
        read_only=False,
        tls_host=f"lambda.{region}.amazonaws.com" if ip != UA_CFN else None,
        error=err,
        console=console,
    )


BACKGROUND = [
    (ev_s3_get, 0.26),
    (ev_sts_assume_by_lambda, 0.07),
    (ev_sts_assume, 0.05),
    (ev_kms_lambda, 0.07),
    (ev_kms, 0.08),
    (ev_ec2, 0.16),
    (ev_iam, 0.04),
    (ev_logs, 0.06),
    (ev_ssm, 0.06),
    (ev_secrets, 0.02),
    (ev_dynamodb, 0.05),
    (ev_lambda_read, 0.045),
    (ev_events_rule, 0.0025),
    (ev_cloudtrail_lookup, 0.0025),
]
BG_FUNCS = [f for f, _ in BACKGROUND]
BG_CUM = []
_acc = 0.0
for _f, _w in BACKGROUND:
    _acc += _w
    BG_CUM.append(_acc)


def is_founding(rec: dict) -> bool:
    if rec.get("eventSource") != "lambda.amazonaws.com":
        return False
    if VERSION_SUFFIX.sub("", rec.get("eventName", "")) not in FOUNDING:
        return False
    return not rec.get("errorCode")


# --------------------------------------------------------------------------------------------
# File planning and writing
# --------------------------------------------------------------------------------------------
def plan_files(n_records: int, seed: int, days: int, start: dt.datetime):
    """Deterministic list of (index, account, region, delivery_epoch, n_records, rand16)."""
    rng = random.Random(f"plan-{seed}")
    plan = []
    left = n_records
    t0 = start.timestamp()
    span = days * 86400
    i = 0
    while left > 0:
        # per-file record counts ~ lognormal, clipped to [100, 2000], mean ~700
        n = int(min(2000, max(100, rng.lognormvariate(math.log(550), 0.7))))
        if left - n < 100:
            n = left
        acct = rng.choices(ACCOUNTS, ACCOUNT_WEIGHTS)[0]
        region = rng.choices(REGIONS, REGION_WEIGHTS)[0]
        deliver = t0 + rng.random() * span
        deliver -= deliver % 300  # CloudTrail delivers about every 5 minutes
        rand16 = "".join(rng.choices(ALNUM, k=16))
        plan.append((i, acct, region, deliver, n, rand16))
        left -= n
        i += 1
    return plan


def _path_for(out: str, acct: str, region: str, deliver: float, rand16: str) -> str:
    d = dt.datetime.fromtimestamp(deliver, dt.UTC)
    folder = os.path.join(
        out, "AWSLogs", acct, "CloudTrail", region, f"{d:%Y}", f"{d:%m}", f"{d:%d}"
    )
    return os.path.join(folder, f"{acct}_CloudTrail_{region}_{d:%Y%m%dT%H%MZ}_{rand16}.json.gz")


_W: World | None = None
_ARGS: dict = {}


def _init_worker(seed, lambda_share, out, level):
    global _W, _ARGS
    _W = World(seed)
    _ARGS = {"seed": seed, "lambda_share": lambda_share, "out": out, "level": level}


def _write_file(item):
    i, acct, region, deliver, n, rand16 = item
    seed, share, out = _ARGS["seed"], _ARGS["lambda_share"], _ARGS["out"]
    rng = random.Random(f"file-{seed}-{i}")
    W = _W.acct[acct]
    recs = []
    names: Counter = Counter()
    founding: Counter = Counter()
    rand = rng.random
    for _ in range(n):
        # events of the 5 minutes before delivery (a few stragglers up to 15 minutes late)
        t = deliver - rand() * (300 if rand() < 0.97 else 900)
        if rand() < share:
            rec = ev_lambda_write(rng, W, acct, region, t)
        else:
            x = rand() * BG_CUM[-1]
            j = 0
            while BG_CUM[j] < x:
                j += 1
            rec = BG_FUNCS[j](rng, W, acct, region, t)
        src = rec["eventSource"]
        key = (
            rec["eventName"]
            if src == "lambda.amazonaws.com"
            else f"{src.split('.')[0]}:{rec['eventName']}"
        )
        names[key] += 1
        if is_founding(rec):
            founding[rec["eventName"]] += 1
        recs.append(rec)
    raw = b'{"Records":' + orjson.dumps(recs) + b"}"
    co = zlib.compressobj(_ARGS["level"], zlib.DEFLATED, 31)  # gzip wrapper, mtime 0: deterministic
    gz = co.compress(raw) + co.flush()
    path = _path_for(out, acct, region, deliver, rand16)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(gz)
    return {
        "path": path,
        "records": n,
        "raw": len(raw),
        "gz": len(gz),
        "names": names,
        "founding": founding,
        "acct": acct,
        "region": region,
        "deliver": deliver,
        "sha256": hashlib.sha256(gz).hexdigest(),
        "oldest": min(r["eventTime"] for r in recs),
        "newest": max(r["eventTime"] for r in recs),
    }


def _write_digests(out: str, results: list[dict], seed: int) -> list[str]:
    """A couple of CloudTrail-Digest files per account (first region seen), as AWS writes them."""
    rng = random.Random(f"digest-{seed}")
    paths = []
    by_acct: dict[str, list[dict]] = {}
    for r in results:
        by_acct.setdefault(r["acct"], []).append(r)
    for acct in sorted(by_acct):
        rs = sorted(by_acct[acct], key=lambda r: (r["deliver"], r["path"]))
        region = rs[0]["region"]
        chunks = [rs[: len(rs) // 2], rs[len(rs) // 2 :]]
        prev_sig = None
        for chunk in chunks:
            if not chunk:
                continue
            end = chunk[-1]["deliver"] + 3600
            d = dt.datetime.fromtimestamp(end, dt.UTC)
            folder = os.path.join(
                out, "AWSLogs", acct, "CloudTrail-Digest", region, f"{d:%Y}", f"{d:%m}", f"{d:%d}"
            )
            name = f"{acct}_CloudTrail-Digest_{region}_{TRAIL}_{region}_{d:%Y%m%dT%H%M%SZ}.json.gz"
            key = f"AWSLogs/{acct}/CloudTrail-Digest/{region}/{d:%Y/%m/%d}/{name}"
            doc = {
                "awsAccountId": acct,
                "digestStartTime": _fmt_time(chunk[0]["deliver"] - 3600),
                "digestEndTime": _fmt_time(end),
                "digestS3Bucket": ORG_BUCKET,
                "digestS3Object": key,
                "digestPublicKeyFingerprint": _hex(rng, 32),
                "digestSignatureAlgorithm": "SHA256withRSA",
                "newestEventTime": max(r["newest"] for r in chunk),
                "oldestEventTime": min(r["oldest"] for r in chunk),
                "previousDigestS3Bucket": ORG_BUCKET if prev_sig else None,
                "previousDigestS3Object": None,
                "previousDigestHashValue": _hex(rng, 64) if prev_sig else None,
                "previousDigestHashAlgorithm": "SHA-256" if prev_sig else None,
                "previousDigestSignature": prev_sig,
                "logFiles": [
                    {
                        "s3Bucket": ORG_BUCKET,
                        "s3Object": os.path.relpath(r["path"], out),
                        "hashValue": r["sha256"],
                        "hashAlgorithm": "SHA-256",
                        "newestEventTime": r["newest"],
                        "oldestEventTime": r["oldest"],
                    }
                    for r in chunk
                    if r["region"] == region
                ],
            }
            prev_sig = _hex(rng, 512)
            os.makedirs(folder, exist_ok=True)
            p = os.path.join(folder, name)
            with open(p, "wb") as f:
                co = zlib.compressobj(6, zlib.DEFLATED, 31)
                f.write(co.compress(orjson.dumps(doc)) + co.flush())
            paths.append(p)
    return paths


def generate(
    out: str,
    records: int,
    seed: int = 1,
    lambda_share: float = 0.02,
    days: int = 7,
    start: str = "2024-11-01",
    workers: int | None = None,
    level: int = 6,
    quiet: bool = False,
) -> dict:
    t_start = time.perf_counter()
    out = os.path.abspath(out)
    if os.path.exists(os.path.join(out, "AWSLogs")):
        raise SystemExit(f"{out}/AWSLogs already exists: refusing to mix corpora")
    os.makedirs(out, exist_ok=True)
    start_dt = dt.datetime.fromisoformat(start).replace(tzinfo=dt.UTC)
    plan = plan_files(records, seed, days, start_dt)
    workers = workers or os.cpu_count() or 1
    results = []
    ctx = get_context("fork" if sys.platform != "win32" else "spawn")
    with ctx.Pool(
        workers, initializer=_init_worker, initargs=(seed, lambda_share, out, level)
    ) as pool:
        done = 0
        for r in pool.imap(_write_file, plan, chunksize=4):
            results.append(r)
            done += r["records"]
            if not quiet and sys.stderr.isatty():
                print(f"\r{done:,}/{records:,} records", end="", file=sys.stderr)
    if not quiet and sys.stderr.isatty():
        print(file=sys.stderr)
    digests = _write_digests(out, results, seed)
    names: Counter = Counter()
    founding: Counter = Counter()
    for r in results:
        names.update(r["names"])
        founding.update(r["founding"])
    manifest = {
        "generator": "bench/gen_corpus.py",
        "params": {
            "records": records,
            "seed": seed,
            "lambda_share": lambda_share,
            "days": days,
            "start": start,
            "gzip_level": level,
        },
        "records": sum(r["records"] for r in results),
        "files": len(results),
        "digest_files": len(digests),
        "bytes_gz": sum(r["gz"] for r in results),
        "bytes_raw": sum(r["raw"] for r in results),
        "avg_record_bytes": round(sum(r["raw"] for r in results) / max(1, records), 1),
        "founding_matches": sum(founding.values()),
        "founding_by_event_name": dict(sorted(founding.items())),
        "lambda_records": sum(v for k, v in names.items() if ":" not in k),
        "event_names": dict(sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))),
        "founding_filter": (
            "eventSource == 'lambda.amazonaws.com' AND re.sub(r'\\d{8}(v\\d+)?$', '', eventName) IN "
            "(CreateFunction, UpdateFunctionCode, UpdateFunctionConfiguration, AddPermission, "
            "CreateEventSourceMapping) AND errorCode absent/null/empty"
        ),
        "event_names_note": "Lambda events keyed by eventName as logged; others as '<service>:<eventName>'",
        "generate_seconds": round(time.perf_counter() - t_start, 2),
    }
    with open(os.path.join(out, "MANIFEST.json"), "wb") as f:
        f.write(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return manifest


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--lambda-share",
        type=float,
        default=0.02,
        help="share of records that are Lambda management write events (default 0.02)",
    )
    ap.add_argument("--days", type=int, default=7, help="time span of the corpus (default 7)")
    ap.add_argument(
        "--start", default="2024-11-01", help="first day, ISO date (default 2024-11-01)"
    )
    ap.add_argument("--workers", type=int, default=None, help="processes (default: CPU count)")
    ap.add_argument("--gzip-level", type=int, default=6)
    a = ap.parse_args(argv)
    m = generate(
        a.outdir, a.records, a.seed, a.lambda_share, a.days, a.start, a.workers, a.gzip_level
    )
    print(
        f"{m['records']:,} records in {m['files']:,} files (+{m['digest_files']} digest files), "
        f"{m['bytes_gz'] / 1e6:.1f} MB gz / {m['bytes_raw'] / 1e6:.1f} MB raw "
        f"({m['avg_record_bytes']:.0f} B/record), founding_matches={m['founding_matches']:,}, "
        f"{m['generate_seconds']} s -> {os.path.join(os.path.abspath(a.outdir), 'MANIFEST.json')}"
    )


if __name__ == "__main__":
    main()
