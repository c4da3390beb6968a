"""The IAM action behind each API call the command makes (most share the operation's name)."""

from __future__ import annotations

# (endpoint prefix, operation) -> IAM action, where the two differ
_RENAMED = {
    ("lambda", "GetLayerVersionByArn"): "lambda:GetLayerVersion",
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "GetBucketNotificationConfiguration"): "s3:GetBucketNotification",
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
}
# calls that need no permission at all
NO_PERMISSION = frozenset({"sts:GetCallerIdentity"})


def action_for(service: str, operation: str) -> str:
    """``lambda:GetPolicy`` for ("lambda", "GetPolicy"); the IAM action to grant."""
    return _RENAMED.get((service, operation), f"{service}:{operation}")
