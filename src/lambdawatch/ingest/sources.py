"""Sources: turn the PATH arguments into readable inputs (local files, S3 objects, stdin).

Folders are walked recursively for CloudTrail log names; CloudTrail digest files are skipped and
counted. Nothing is read here: readers open each input when a worker gets to it.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lambdawatch.errors import UsageError

LOG_SUFFIXES = (".json", ".json.gz", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")


@dataclass(frozen=True, slots=True)
class LocalFile:
    path: str

    @property
    def name(self) -> str:
        return self.path


@dataclass(frozen=True, slots=True)
class S3Object:
    bucket: str
    key: str
    size: int = 0

    @property
    def name(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


@dataclass(frozen=True, slots=True)
class Stdin:
    @property
    def name(self) -> str:
        return "-"


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input seen but not read, with the reason (digest file, not a log file name)."""

    name: str
    reason: str


Input = LocalFile | S3Object | Stdin


def is_digest(name: str) -> bool:
    return "CloudTrail-Digest" in name


def is_log_name(name: str) -> bool:
    return name.lower().endswith(LOG_SUFFIXES)


def split_s3_url(url: str) -> tuple[str, str]:
    rest = url[len("s3://") :]
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise UsageError(f"{url}: an S3 location needs a bucket (s3://bucket/prefix)")
    return bucket, prefix


def special_kind(mode: int) -> str | None:
    """What a non-regular, non-folder file is (``FIFO``, ``socket``, ...); None otherwise."""
    for test, kind in (
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
    ):
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else "special file"


def _stat(path: str) -> os.stat_result | Skipped:
    """The file's status through symbolic links, or why it cannot be had."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return Skipped(
            path,
            "broken symbolic link" if os.path.islink(path) else "file vanished or does not exist",
        )
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Skipped(path, "symbolic link loop")
        return Skipped(path, f"cannot be read ({exc.strerror or exc})")


def _file(path: str, st: os.stat_result, named: bool) -> LocalFile | Skipped | None:
    kind = special_kind(st.st_mode)
    if kind is not None:
        return Skipped(path, f"{kind}, not a regular file: not opened")
    if is_digest(path):
        return Skipped(path, "CloudTrail digest file")
    if named or is_log_name(os.path.basename(path)):
        return LocalFile(path)  # an explicitly named file is read whatever its name
    return None  # other names in a folder (READMEs, manifests) are not logs: not reported


def walk_local(path: str) -> Iterator[LocalFile | Skipped]:
    """Files under ``path`` in name order. Symbolic links are followed, each folder walked once
    (a loop is reported, not followed); every folder or file that cannot be walked, and every
    special file (never opened), is reported."""
    st = _stat(path)
    if isinstance(st, Skipped):
        yield st
        return
    if not stat.S_ISDIR(st.st_mode):
        if (item := _file(path, st, named=True)) is not None:
            yield item
        return
    seen = {(st.st_dev, st.st_ino)}
    stack = [path]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                names = sorted(entry.name for entry in it)
        except OSError as exc:
            yield Skipped(folder, f"cannot read folder ({exc.strerror or exc})")
            continue
        subfolders = []
        for name in names:
            full = os.path.join(folder, name)
            est = _stat(full)
            if isinstance(est, Skipped):
                yield est
            elif stat.S_ISDIR(est.st_mode):
                key = (est.st_dev, est.st_ino)
                if key in seen:
                    yield Skipped(
                        full,
                        "folder already walked (symbolic link loop or second "
                        "link): not walked again",
                    )
                else:
                    seen.add(key)
                    subfolders.append(full)
            elif (item := _file(full, est, named=False)) is not None:
                yield item
        stack.extend(reversed(subfolders))


def walk_s3(client: Any, url: str) -> Iterator[S3Object | Skipped]:
    bucket, prefix = split_s3_url(url)
    paginator = client.get_paginator("list_objects_v2")
    try:
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                key = obj["Key"]
                if key.endswith("/"):
                    continue
                if is_digest(key):
                    yield Skipped(f"s3://{bucket}/{key}", "CloudTrail digest file")
                elif is_log_name(key):
                    yield S3Object(bucket, key, int(obj.get("Size", 0)))
    except Exception as exc:  # noqa: BLE001 - botocore ClientError/BotoCoreError: report, go on
        yield Skipped(url, f"cannot list S3 location ({_aws_message(exc)})")


def _aws_message(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:
        err = response["Error"]
        return f"{err.get('Code', 'Error')}: {err.get('Message', '')}".strip()
    return str(exc)


def check_paths(paths: list[str]) -> None:
    """Fail fast, with one line, on a local path that does not exist (S3 and ``-`` excepted)."""
    if not paths:
        raise UsageError("give at least one PATH (file, folder, s3://bucket/prefix or -)")
    for p in paths:
        if p == "-" or p.startswith("s3://"):
            continue
        if not os.path.lexists(p):
            raise UsageError(f"{p}: no such file or folder")


def expand(paths: list[str], s3_client_factory: Any = None) -> Iterator[Input | Skipped]:
    """Every input named by ``paths``, in argument order; S3 listed through the given factory."""
    for p in paths:
        if p == "-":
            yield Stdin()
        elif p.startswith("s3://"):
            if s3_client_factory is None:
                raise UsageError(f"{p}: S3 access is not configured")
            yield from walk_s3(s3_client_factory(), p)
        else:
            yield from walk_local(p)


def read_stdin(limit: int | None = None) -> bytes:
    """Standard input's bytes (at most ``limit + 1``: past the cap, inflate reports it)."""
    return sys.stdin.buffer.read() if limit is None else sys.stdin.buffer.read(limit + 1)
