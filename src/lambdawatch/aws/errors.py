"""botocore errors mapped once: a recorded gap (the run goes on) or an :class:`AwsError`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lambdawatch.errors import AwsError

_ACCESS = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnrecognizedClientException",
    "AuthorizationError",
    "AuthFailure",
}
_NOT_FOUND_SUFFIX = (
    "NotFound",
    "NotFoundException",
    "NoSuchEntity",
    "NoSuchKey",
    "NoSuchBucket",
    "NoSuchBucketPolicy",
    "NoSuchConfiguration",
)
_THROTTLE = {
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
}
_UNSUPPORTED = {
    "NotImplemented",
    "NotImplementedError",
    "InvalidAction",
    "UnknownOperation",
    "UnsupportedOperation",
}
_REGION = {"InvalidClientTokenId", "OptInRequired", "UnrecognizedClientException"}


@dataclass(frozen=True)
class Gap:
    """Something that could not be read: the API, the resource, the error class and message."""

    api: str
    error: str  # access-denied | not-found | throttled | unsupported | region-disabled | other
    message: str
    resource: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "error": self.error,
            "message": self.message,
            "resource": self.resource,
        }


def _code_of(exc: BaseException) -> tuple[str, str, int]:
    response = getattr(exc, "response", None) or {}
    err = response.get("Error", {}) if isinstance(response, dict) else {}
    status = (
        response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if isinstance(response, dict)
        else 0
    )
    return str(err.get("Code", type(exc).__name__)), str(err.get("Message", exc)), int(status or 0)


def classify(exc: BaseException) -> str:
    """The error class of a botocore exception (ClientError, endpoint or connection errors)."""
    code, _message, status = _code_of(exc)
    if code in _ACCESS or status == 403:
        return "access-denied"
    if code in _THROTTLE or status == 429:
        return "throttled"
    if code.endswith(_NOT_FOUND_SUFFIX) or code == "ResourceNotFoundException":
        return "not-found"
    if code in _UNSUPPORTED or status in (404, 501):
        return "unsupported"  # moto answers an API it does not serve with 404/501
    if code in _REGION:
        return "region-disabled"
    name = type(exc).__name__
    if name in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError"):
        return "unreachable"
    return "other"


def gap_from(exc: BaseException, api: str, resource: str | None = None) -> Gap:
    code, message, _status = _code_of(exc)
    return Gap(api=api, error=classify(exc), message=f"{code}: {message}"[:300], resource=resource)


def raise_for(exc: BaseException, api: str, resource: str | None = None) -> AwsError:
    """An :class:`AwsError` with a message naming the API (and the IAM action to grant)."""
    gap = gap_from(exc, api, resource)
    hint = f" (grant {api})" if gap.error == "access-denied" else ""
    where = f" on {resource}" if resource else ""
    return AwsError(f"{api}{where}: {gap.message}{hint}")
