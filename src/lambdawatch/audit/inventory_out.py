"""``--save-inventory DIR``: the live state in the shapes ``hunt`` already reads.

- ``lambda-inventory.json`` for ``hunt --lambda-inventory``: ``list-functions`` (every version's
  configuration), ``get-function`` per function (configuration, code, tags), ``get-policy`` per
  qualifier, ``list-function-url-configs``, ``list-event-source-mappings`` and
  ``describe-security-groups``, each as the AWS CLI prints it.
- ``iam-inventory.json`` for ``hunt --iam-inventory``: ``get-account-authorization-details``
  of the execution roles and their managed policies (default versions).

No secret is written: every environment value is masked, a detected secret with its type
(``****(40 chars; aws-secret-access-key, critical)``, which ``hunt`` reads back as env-secret);
pre-signed code URLs are dropped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from lambdawatch.audit.model import LATEST, FunctionState
from lambdawatch.audit.run import AuditRun
from lambdawatch.secrets import scan_variable, stored_mask

LAMBDA_FILE = "lambda-inventory.json"
IAM_FILE = "iam-inventory.json"


def masked_config(config: dict[str, Any]) -> dict[str, Any]:
    env = config.get("Environment")
    variables = env.get("Variables") if isinstance(env, dict) else None
    if not isinstance(env, dict) or not isinstance(variables, dict):
        return dict(config)
    shown = {k: stored_mask(str(v), scan_variable(k, v)) for k, v in variables.items()}
    return {**config, "Environment": {**env, "Variables": shown}}


def _function(fn: FunctionState) -> dict[str, Any]:
    code = {k: v for k, v in fn.code.get(LATEST, {}).items() if k != "Location"}
    return {"Configuration": masked_config(fn.latest), "Code": code, "Tags": fn.tags}


def lambda_inventory(run: AuditRun) -> dict[str, Any]:
    fns = [fn for s in run.states for fn in s.functions.values()]
    return {
        "list-functions": {
            "Functions": [masked_config(c) for fn in fns for c in fn.configs.values()]
        },
        "get-function": [_function(fn) for fn in fns],
        "get-policy": [{"Policy": json.dumps(doc)} for fn in fns for doc in fn.policies.values()],
        "list-function-url-configs": {
            "FunctionUrlConfigs": [u for fn in fns for u in fn.urls.values()]
        },
        "list-event-source-mappings": {
            "EventSourceMappings": [m for fn in fns for m in fn.mappings]
        },
        "describe-security-groups": {
            "SecurityGroups": [g for s in run.states for g in s.security_groups.values()]
        },
    }


def save_inventory(run: AuditRun, folder: str | Path) -> list[Path]:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in (
        (LAMBDA_FILE, lambda_inventory(run)),
        (IAM_FILE, run.roles.authorization_details()),
    ):
        path = out / name
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True, default=str)
        os.replace(tmp, path)
        written.append(path)
    return written
