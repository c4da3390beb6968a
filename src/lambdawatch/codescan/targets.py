"""Resolve a scan target to bytes or a folder. AWS clients and the downloader are passed in."""

from __future__ import annotations

import os
import re
import stat
import urllib.request
from collections.abc import Callable
from typing import Any

from lambdawatch.errors import AwsError, ScanError, UsageError

LAYER_ARN = re.compile(r"^(arn:aws[\w-]*:lambda:[\w-]+:\d{12}:layer:[\w-]+):(\d+)$")
MAX_DOWNLOAD = 1024 * 1024 * 1024


def default_downloader(url: str) -> bytes:
    """Fetch a pre-signed code URL (https only), bounded."""
    if not url.startswith("https://"):
        raise ScanError(f"refusing to download a non-HTTPS code location: {url[:60]}")
    with urllib.request.urlopen(url, timeout=60) as resp:
        data: bytes = resp.read(MAX_DOWNLOAD + 1)
    if len(data) > MAX_DOWNLOAD:
        raise ScanError("code package larger than 1 GiB")
    return data


def fetch(
    target: str,
    *,
    lambda_client: Any = None,
    s3_client: Any = None,
    downloader: Callable[[str], bytes] | None = None,
) -> tuple[str, str, bytes | None]:
    """``(kind, name, data)``: kind is folder (data None), file, s3, function or layer."""
    download = downloader or default_downloader
    if target.startswith("s3://"):
        bucket, _, key = target[5:].partition("/")
        if not bucket or not key:
            raise UsageError(f"S3 target must be s3://bucket/key, got {target!r}")
        client = _need(s3_client, "s3")
        try:
            body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        except Exception as exc:
            raise AwsError(f"cannot read {target}: {_aws_msg(exc)}") from exc
        return "s3", key, body
    if target.startswith("lambda:"):
        client = _need(lambda_client, "lambda")
        try:
            fn = client.get_function(FunctionName=target[7:])
        except Exception as exc:
            raise AwsError(f"GetFunction {target[7:]}: {_aws_msg(exc)}") from exc
        loc = fn.get("Code", {}).get("Location")
        if not loc:
            raise ScanError(
                f"{target}: no code location (container image functions are not scanned here)"
            )
        return "function", "function.zip", _download(download, loc, target)
    if m := LAYER_ARN.match(target):
        client = _need(lambda_client, "lambda")
        try:
            layer = client.get_layer_version(LayerName=m.group(1), VersionNumber=int(m.group(2)))
        except Exception as exc:
            raise AwsError(f"GetLayerVersion {target}: {_aws_msg(exc)}") from exc
        loc = layer.get("Content", {}).get("Location")
        if not loc:
            raise ScanError(f"{target}: layer has no content location")
        return "layer", "layer.zip", _download(download, loc, target)
    if os.path.isdir(target):
        return "folder", target, None
    if os.path.lexists(target):
        return "file", os.path.basename(target), _read_local(target)
    raise UsageError(
        f"scan target not found: {target!r} (a zip, folder, s3://bucket/key, "
        "lambda:NAME or a layer version ARN)"
    )


def _read_local(target: str) -> bytes:
    """A local package file: regular files only (a FIFO or device is never opened), bounded."""
    try:
        st = os.stat(target)
    except OSError as exc:
        raise ScanError(f"cannot open scan target {target!r}: {exc.strerror}") from exc
    if not stat.S_ISREG(st.st_mode):
        raise ScanError(
            f"scan target {target!r} is not a regular file or folder (a FIFO, "
            "device or socket): not opened"
        )
    if st.st_size > MAX_DOWNLOAD:
        raise ScanError(f"scan target {target!r} is larger than 1 GiB")
    try:
        with open(target, "rb") as fh:
            return fh.read(MAX_DOWNLOAD + 1)
    except OSError as exc:
        raise ScanError(f"cannot read scan target {target!r}: {exc.strerror}") from exc


def _download(download: Callable[[str], bytes], url: str, target: str) -> bytes:
    try:
        return download(url)
    except (ScanError, AwsError):
        raise
    except Exception as exc:
        raise ScanError(f"cannot download code of {target}: {type(exc).__name__}: {exc}") from exc


def _need(client: Any, service: str) -> Any:
    if client is None:
        import boto3

        return boto3.client(service)  # type: ignore[call-overload]
    return client


def _aws_msg(exc: Exception) -> str:
    resp = getattr(exc, "response", None)
    if isinstance(resp, dict) and "Error" in resp:
        return f"{resp['Error'].get('Code')}: {resp['Error'].get('Message')}"
    return f"{type(exc).__name__}: {exc}"
