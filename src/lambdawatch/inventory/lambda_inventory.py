"""The Lambda inventory: what ``aws lambda ...`` prints about the functions that already exist.

Accepted shapes (each as printed by the AWS CLI with ``--output json``), alone in a file or
combined in a JSON list or in a dict of any keys whose values are these shapes:

- ``list-functions``: ``{"Functions": [configuration, ...]}``
- ``get-function``: ``{"Configuration": {...}, "Code": {...}, "Tags": {...}}``
- ``get-function-configuration``: a configuration (``FunctionName`` + ``FunctionArn``)
- ``get-policy``: ``{"Policy": "<json string>", "RevisionId": ...}`` (function from ``Resource``)
- ``get-function-url-config``: ``{"FunctionUrl", "FunctionArn", "AuthType", "Cors"}``;
  ``list-function-url-configs``: ``{"FunctionUrlConfigs": [...]}``
- ``list-event-source-mappings``: ``{"EventSourceMappings": [...]}``
- ``describe-security-groups`` (EC2): ``{"SecurityGroups": [...]}`` to know VPC egress rules.

Functions are keyed by (account, region, name) from their ARN. The inventory holds secret
values (environment variables) in memory only; nothing here prints them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambdawatch.errors import InputError

_FN_ARN = re.compile(
    r"^arn:[\w-]+:lambda:(?P<region>[\w-]+):(?P<account>\d+):function:(?P<name>[^:]+)"
)

Key = tuple[str, str, str]


@dataclass
class FunctionInfo:
    account: str
    region: str
    name: str
    config: dict[str, Any] = field(default_factory=dict)
    code: dict[str, Any] = field(default_factory=dict)
    policy: dict[str, Any] | None = None
    url_configs: list[dict[str, Any]] = field(default_factory=list)
    mappings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{self.name}"

    @property
    def env(self) -> dict[str, Any]:
        variables = (self.config.get("Environment") or {}).get("Variables") or {}
        return variables if isinstance(variables, dict) else {}

    @property
    def layers(self) -> list[str]:
        out = []
        for layer in self.config.get("Layers") or []:
            arn = layer.get("Arn") if isinstance(layer, dict) else layer
            if isinstance(arn, str):
                out.append(arn)
        return out

    @property
    def security_group_ids(self) -> list[str]:
        return list((self.config.get("VpcConfig") or {}).get("SecurityGroupIds") or [])


@dataclass
class LambdaInventory:
    functions: dict[Key, FunctionInfo] = field(default_factory=dict)
    security_groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: str | None = None

    def function(self, account: str, region: str, name: str) -> FunctionInfo | None:
        found = self.functions.get((account, region, name))
        if found is None and region in ("", "unknown"):
            found = next(
                (f for (a, _, n), f in self.functions.items() if a == account and n == name), None
            )
        return found

    def names_in(self, account: str) -> set[str]:
        return {n for (a, _, n) in self.functions if a == account}

    def _get(self, arn: Any) -> FunctionInfo | None:
        m = _FN_ARN.match(arn) if isinstance(arn, str) else None
        if m is None:
            return None
        key = (m["account"], m["region"], m["name"])
        if key not in self.functions:
            self.functions[key] = FunctionInfo(*key)
        return self.functions[key]

    # -- shapes -----------------------------------------------------------------------------
    def add(self, data: Any, where: str) -> None:
        if isinstance(data, list):
            for item in data:
                self.add(item, where)
            return
        if not isinstance(data, dict):
            return
        if "Functions" in data:
            self.add(data["Functions"] or [], where)
        elif "Configuration" in data and isinstance(data["Configuration"], dict):
            self._config(data["Configuration"])
            info = self._get(data["Configuration"].get("FunctionArn"))
            if info is not None and isinstance(data.get("Code"), dict):
                info.code = data["Code"]
        elif "FunctionArn" in data and "FunctionName" in data:
            self._config(data)
        elif "Policy" in data and isinstance(data["Policy"], (str, dict)):
            self._policy(data["Policy"], where)
        elif "FunctionUrl" in data:
            self._url(data)
        elif "FunctionUrlConfigs" in data:
            for url in data["FunctionUrlConfigs"] or []:
                self._url(url)
        elif "EventSourceMappings" in data:
            for m in data["EventSourceMappings"] or []:
                info = self._get(m.get("FunctionArn"))
                if info is not None and m not in info.mappings:
                    info.mappings.append(m)
        elif "UUID" in data and "FunctionArn" in data:
            info = self._get(data["FunctionArn"])
            if info is not None and data not in info.mappings:
                info.mappings.append(data)
        elif "SecurityGroups" in data:
            for sg in data["SecurityGroups"] or []:
                if isinstance(sg, dict) and sg.get("GroupId"):
                    self.security_groups[sg["GroupId"]] = sg
        else:  # a dict combining outputs: {"list-functions": {...}, "get-policy": {...}}
            for value in data.values():
                if isinstance(value, (dict, list)):
                    self.add(value, where)

    def _config(self, config: dict[str, Any]) -> None:
        info = self._get(config.get("FunctionArn"))
        if info is not None:
            info.config = {**info.config, **config}

    def _url(self, url: dict[str, Any]) -> None:
        info = self._get(url.get("FunctionArn"))
        if info is not None and url not in info.url_configs:
            info.url_configs.append(url)

    def _policy(self, policy: str | dict[str, Any], where: str) -> None:
        if isinstance(policy, str):
            try:
                policy = json.loads(policy)
            except json.JSONDecodeError:
                raise InputError(
                    "get-policy output holds a Policy that is not JSON", where=where
                ) from None
        statements = policy.get("Statement") if isinstance(policy, dict) else None
        if isinstance(statements, dict):
            statements = [statements]
        for st in statements or []:
            resource = st.get("Resource") if isinstance(st, dict) else None
            for arn in resource if isinstance(resource, list) else [resource]:
                info = self._get(arn)
                if info is None:
                    continue
                if info.policy is None:
                    version = policy.get("Version") if isinstance(policy, dict) else None
                    info.policy = {"Version": version, "Statement": []}
                if st not in info.policy["Statement"]:
                    info.policy["Statement"].append(st)


def load_lambda_inventory(paths: str | Path | list[str | Path] | None) -> LambdaInventory | None:
    """Read one or more inventory files; None when none is given."""
    if paths is None:
        return None
    inv = LambdaInventory()
    for p in paths if isinstance(paths, list) else [paths]:
        path = Path(p)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError("Lambda inventory file not found", where=str(path)) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"Lambda inventory is not JSON ({exc})", where=str(path)) from None
        inv.add(data, str(path))
        inv.source = str(path)
    return inv
