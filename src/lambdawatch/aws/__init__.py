"""The AWS access layer shared by the live commands (audit, respond, watch, logs, scan targets).

One client factory (profile, region, endpoint from boto3's own configuration, adaptive retries,
clients cached per service and region, an optional recorder of every API call made) and one
mapping from botocore errors to recorded gaps or :class:`lambdawatch.errors.AwsError`.
"""

from lambdawatch.aws.errors import Gap, classify, gap_from, raise_for
from lambdawatch.aws.session import CallRecorder, ClientFactory

__all__ = ["CallRecorder", "ClientFactory", "Gap", "classify", "gap_from", "raise_for"]
