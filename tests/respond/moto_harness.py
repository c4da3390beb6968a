"""Fixes to moto's Lambda backend so the server the tests start answers like real AWS.

moto 5.2.1 keeps one resource policy for every qualifier (and ``RemovePermission`` ignores
``Qualifier``), ignores ``Qualifier`` on function URLs, stores statements in a shape AWS never
returns, rejects another account's layer and routes ``GetLayerVersionByArn`` to ``ListLayers``
(``../shared/LIVE-AWS.md`` B.1b). The code under test follows real AWS; this module, installed
before the server starts, makes moto follow it too. It patches moto's server-side classes only,
never boto3 or the clients the code under test uses.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from moto.awslambda import models as lambda_models
from moto.awslambda.exceptions import GenericResourcNotFound, LambdaClientError
from moto.awslambda.policy import Policy
from moto.awslambda.responses import LambdaResponse

# (account, region, function name, qualifier or "") -> policy / URL configuration
_POLICIES: dict[tuple[str, str, str, str], Policy] = {}
_URLS: dict[tuple[str, str, str, str], lambda_models.FunctionUrlConfig] = {}
LAYER_LOCATION = "https://awslambda-{region}-layers.s3.{region}.amazonaws.com/{name}-{version}"


class _AccessDenied(LambdaClientError):
    code = 403

    def __init__(self, message: str) -> None:
        super().__init__("AccessDeniedException", message)


def _name(path: str, back: int) -> str:
    raw = unquote(path.split("?")[0].rstrip("/").split("/")[-back])
    return raw.split(":")[6] if raw.startswith("arn:") else raw.split(":")[0]


def _qualifier(resp: LambdaResponse) -> str:
    q = resp.querystring.get("Qualifier", [""])[0]
    return "" if q == "$LATEST" else q


def _real_shape(statement: dict[str, Any]) -> dict[str, Any]:
    """The statement as AWS returns it: URL auth type in a Condition, accounts as root ARNs."""
    out = dict(statement)
    principal = out.get("Principal")
    if isinstance(principal, str) and principal.isdigit():
        out["Principal"] = {"AWS": f"arn:aws:iam::{principal}:root"}
    for key, cond in (("FunctionUrlAuthType", "lambda:FunctionUrlAuthType"),):
        if key in out:
            out.setdefault("Condition", {}).setdefault("StringEquals", {})[cond] = out.pop(key)
    out.pop("InvokedViaFunctionUrl", None)
    return out


def _key(resp: LambdaResponse, name: str, qualifier: str) -> tuple[str, str, str, str]:
    return (resp.current_account, resp.region, name, qualifier)


def add_permission(self: LambdaResponse) -> str:
    name, qualifier = _name(self.path, 2), _qualifier(self)
    fn = self.backend.get_function(name, qualifier or None)
    policy = _POLICIES.setdefault(_key(self, name, qualifier), Policy(fn))
    statement, _rev = policy.add_statement(self.body, None)
    statement = _real_shape(statement)
    arn = f"arn:aws:lambda:{self.region}:{self.current_account}:function:{name}"
    statement["Resource"] = arn + (f":{qualifier}" if qualifier else "")
    policy.statements[-1] = statement
    return json.dumps({"Statement": json.dumps(policy.statements[-1])})


def get_policy(self: LambdaResponse) -> str:
    name, qualifier = _name(self.path, 2), _qualifier(self)
    self.backend.get_function(name, qualifier or None)
    policy = _POLICIES.get(_key(self, name, qualifier))
    if policy is None:
        raise GenericResourcNotFound()
    return policy.wire_format()


def remove_permission(self: LambdaResponse) -> Any:
    name, qualifier = _name(self.path, 3), _qualifier(self)
    sid = self.path.split("/")[-1].split("?")[0]
    policy = _POLICIES.get(_key(self, name, qualifier))
    if policy is None:
        raise GenericResourcNotFound()
    policy.del_statement(sid, "")
    return 204, {"status": 204}, "{}"


def _url_config(self: LambdaResponse, name: str, qualifier: str) -> lambda_models.FunctionUrlConfig:
    found = _URLS.get(_key(self, name, qualifier))
    if found is None:
        raise GenericResourcNotFound()
    return found


def _url_dict(config: lambda_models.FunctionUrlConfig, qualifier: str) -> dict[str, Any]:
    out = config.to_dict()
    if qualifier:
        out["FunctionArn"] = f"{out['FunctionArn']}:{qualifier}"
    return out


def create_url(self: LambdaResponse) -> Any:
    name, qualifier = _name(self.path, 2), _qualifier(self)
    fn = self.backend.get_function(name, None)
    if qualifier:
        self.backend.get_function(name, qualifier)
    config = lambda_models.FunctionUrlConfig(function=fn, config=self.json_body)
    _URLS[_key(self, name, qualifier)] = config
    return 201, {"status": 201}, json.dumps(_url_dict(config, qualifier))


def get_url(self: LambdaResponse) -> Any:
    name, qualifier = _name(self.path, 2), _qualifier(self)
    return (
        200,
        {"status": 200},
        json.dumps(_url_dict(_url_config(self, name, qualifier), qualifier)),
    )


def update_url(self: LambdaResponse) -> str:
    name, qualifier = _name(self.path, 2), _qualifier(self)
    config = _url_config(self, name, qualifier)
    config.update(self.json_body)
    return json.dumps(_url_dict(config, qualifier))


def delete_url(self: LambdaResponse) -> Any:
    name, qualifier = _name(self.path, 2), _qualifier(self)
    _url_config(self, name, qualifier)
    del _URLS[_key(self, name, qualifier)]
    return 204, {"status": 204}, "{}"


_original_list_layers = LambdaResponse.list_layers


def list_layers(self: LambdaResponse) -> str:
    """``GetLayerVersionByArn`` is ``GET /layers?find=LayerVersion&Arn=...``: answer it."""
    if self.querystring.get("find", [""])[0] != "LayerVersion":
        return str(_original_list_layers(self))
    arn = self.querystring["Arn"][0]
    parts = arn.split(":")
    if parts[4] != self.current_account:
        raise _AccessDenied(
            f"User is not authorized to perform: lambda:GetLayerVersion on resource: {arn}"
        )
    layer = self.backend.get_layer_version(parts[6], parts[7])
    out = layer.get_layer_version()
    out["Content"]["Location"] = LAYER_LOCATION.format(
        region=self.region, name=parts[6], version=parts[7]
    )
    return json.dumps(out)


_original_layers_data = lambda_models.LambdaFunction._get_layers_data
_original_get_code = lambda_models.LambdaFunction.get_code
CODE_LOCATION = "https://awslambda-{region}-tasks.s3.{region}.amazonaws.com/{name}/{version}"


def _get_code(self: Any) -> Any:
    """A download location per version (moto gives every version the first upload's key)."""
    out = _original_get_code(self)
    if "Location" in out.get("Code", {}):
        out["Code"]["Location"] = CODE_LOCATION.format(
            region=self.region, name=self.function_name, version=self.version
        )
    return out


def _layers_data(self: Any, arns: list[str]) -> Any:
    """Real AWS accepts any layer version the caller may read, another account's included."""
    own = [a for a in arns if a.split(":")[4] == self.account_id]
    data = {d["Arn"]: d for d in _original_layers_data(self, own)} if own else {}
    return [data.get(a, {"Arn": a, "CodeSize": 1024}) for a in arns]


def reset() -> None:
    """Forget every policy and URL (with moto's own ``/moto-api/reset``)."""
    _POLICIES.clear()
    _URLS.clear()


def install() -> None:
    """Apply the fixes (idempotent); call before the server handles its first request."""
    LambdaResponse.add_permission = add_permission  # type: ignore[method-assign]
    LambdaResponse.get_policy = get_policy  # type: ignore[method-assign]
    LambdaResponse.remove_permission = remove_permission  # type: ignore[method-assign]
    LambdaResponse.create_function_url_config = create_url  # type: ignore[method-assign]
    LambdaResponse.get_function_url_config = get_url  # type: ignore[method-assign]
    LambdaResponse.update_function_url_config = update_url  # type: ignore[method-assign]
    LambdaResponse.delete_function_url_config = delete_url  # type: ignore[method-assign]
    LambdaResponse.list_layers = list_layers  # type: ignore[method-assign]
    lambda_models.LambdaFunction._get_layers_data = _layers_data  # type: ignore[method-assign,assignment]
    lambda_models.LambdaFunction.get_code = _get_code  # type: ignore[method-assign]
