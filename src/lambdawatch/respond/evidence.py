"""Where a case is kept: a local folder or ``s3://bucket/prefix`` (the case folder itself).

Every write returns the size and SHA-256 of what was stored, so the manifest is built from the
bytes actually written. Paths are relative, ``/``-separated and never leave the case folder.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Protocol

from lambdawatch.errors import InputError


class EvidenceStore(Protocol):
    location: str

    def put(self, path: str, data: bytes) -> tuple[int, str]: ...

    def get(self, path: str) -> bytes | None: ...


def _check(path: str) -> str:
    parts = path.split("/")
    if not path or path.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise InputError(f"evidence path {path!r} is not a plain relative path")
    return path


class LocalStore:
    """A folder only its owner can open (0700: configurations hold secret values); files are
    written whole (a temporary name, then renamed) and left read-only (0400)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.location = str(self.root)

    def put(self, path: str, data: bytes) -> tuple[int, str]:
        target = self.root / _check(path)
        for folder in reversed([target.parent, *target.parent.parents]):
            if not folder.exists():
                # reads run on several threads: another may create the folder meanwhile
                folder.mkdir(mode=0o700, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
        return len(data), hashlib.sha256(data).hexdigest()

    def get(self, path: str) -> bytes | None:
        target = self.root / _check(path)
        return target.read_bytes() if target.is_file() else None


class S3Store:
    """``s3://bucket/prefix``: one object per artifact (use a bucket with versioning or Object
    Lock, so that nothing written can be silently replaced)."""

    def __init__(self, client: Any, bucket: str, prefix: str) -> None:
        self.client, self.bucket = client, bucket
        self.prefix = prefix.strip("/")
        self.location = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"

    def _key(self, path: str) -> str:
        return f"{self.prefix}/{_check(path)}" if self.prefix else _check(path)

    def put(self, path: str, data: bytes) -> tuple[int, str]:
        digest = hashlib.sha256(data).hexdigest()
        from botocore.exceptions import BotoCoreError, ClientError

        from lambdawatch.aws import raise_for

        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self._key(path), Body=data, ChecksumAlgorithm="SHA256"
            )
        except (BotoCoreError, ClientError) as exc:  # one message naming the API
            raise raise_for(exc, "s3:PutObject", f"{self.location}/{path}") from None
        return len(data), digest

    def get(self, path: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        from lambdawatch.aws import classify, raise_for

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(path))["Body"]
            data: bytes = body.read()
            return data
        except (BotoCoreError, ClientError) as exc:
            if classify(exc) == "not-found":
                return None
            raise raise_for(exc, "s3:GetObject", f"{self.location}/{path}") from None


def open_store(spec: str, s3_client: Any = None) -> EvidenceStore:
    """The store a ``--evidence`` value names; ``s3_client`` is needed for ``s3://``."""
    if spec.startswith("s3://"):
        bucket, _, prefix = spec[5:].partition("/")
        if not bucket:
            raise InputError(f"--evidence {spec!r}: no bucket name")
        if s3_client is None:
            raise InputError(f"--evidence {spec!r}: no S3 client")
        return S3Store(s3_client, bucket, prefix)
    return LocalStore(spec)
