"""AWS's own layer publishers (``data/layers.yml``) and the one judgement of a layer's publisher.

Read by the CloudTrail rule LW106 (``foreign-layer`` predicate), the Lambda-inventory analyzer
and ``audit``: a layer is foreign when its publisher account is neither the function's own
account, one of the configured known accounts or trusted publishers, nor an AWS publisher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from lambdawatch.data import load
from lambdawatch.errors import LambdawatchError

_LAYER_ARN = re.compile(r"^arn:aws[\w-]*:lambda:([\w-]+):(\d{12}):layer:([\w-]+)(?::\d+)?$")
_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True, slots=True)
class LayerRef:
    region: str
    account: str
    name: str


@dataclass(frozen=True, slots=True)
class Publisher:
    account: str
    product: str
    regions: tuple[str, ...]  # ("*",) for every region


def parse_layer_arn(arn: object) -> LayerRef | None:
    """(region, publisher account, layer name) of a layer (version) ARN, else None."""
    m = _LAYER_ARN.match(arn) if isinstance(arn, str) else None
    return LayerRef(m.group(1), m.group(2), m.group(3)) if m else None


@cache
def aws_publishers() -> dict[str, Publisher]:
    """Every AWS publisher account -> its product, from ``data/layers.yml``."""
    out: dict[str, Publisher] = {}
    for entry in load("layers.yml")["publishers"]:
        product = entry["product"]
        by_account: dict[str, list[str]] = {}
        for region, account in entry["accounts"].items():
            if not isinstance(account, str) or not _ACCOUNT.match(account):
                raise LambdawatchError(
                    f"account {account!r} of {product} is not 12 digits",
                    where="lambdawatch/data/layers.yml",
                )
            by_account.setdefault(account, []).append(str(region))
        for account, regions in by_account.items():
            if account in out:
                raise LambdawatchError(
                    f"account {account} listed twice", where="lambdawatch/data/layers.yml"
                )
            out[account] = Publisher(account, product, tuple(regions))
    return out


def aws_publisher(account: str) -> str | None:
    """The AWS product that publishes layers from ``account``, or None."""
    found = aws_publishers().get(account)
    return found.product if found else None


def foreign_layer(
    arn: object, own_accounts: Iterable[str], trusted_accounts: Iterable[str] = ()
) -> LayerRef | None:
    """The parsed layer when its publisher is foreign, else None (AWS's, yours, trusted, or
    not a layer ARN at all)."""
    ref = parse_layer_arn(arn)
    if ref is None or aws_publisher(ref.account) is not None:
        return None
    if ref.account in set(own_accounts) or ref.account in set(trusted_accounts):
        return None
    return ref
