"""API Gateway HTTP APIs (v2): which routes reach which function, and with what authorization.

CloudTrail logs the v2 control plane under ``apigateway.amazonaws.com`` with the API's own
parameter names: ``CreateIntegration``/``UpdateIntegration`` (``apiId``, ``integrationType``
``AWS_PROXY``, ``integrationUri`` = the function ARN; the response adds ``integrationId``),
``CreateRoute``/``UpdateRoute`` (``apiId``, ``routeKey`` such as ``GET /items`` or
``$default``, ``target`` = ``integrations/ID``, ``authorizationType`` ``NONE`` | ``AWS_IAM`` |
``JWT`` | ``CUSTOM``, NONE when omitted on create; the response adds ``routeId``), and
``CreateApi`` quick create (``protocolType`` HTTP, ``target`` = a function ARN: a ``$default``
route with no authorization). The record functions are pure; :class:`HttpApiBook` is the state
kept across records (it belongs in the stream state: see the module's note in the report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lambdawatch.ingest.normalize import Event, get, lambda_arns_in

Record = dict[str, Any]
ApiKey = tuple[str, str, str, str]  # (account, region, apiId, integrationId | routeId)
SOURCE = "apigateway.amazonaws.com"


@dataclass(frozen=True, slots=True)
class HttpIntegration:
    api_id: str
    integration_id: str | None
    function_arn: str | None  # None: not a Lambda integration


@dataclass(frozen=True, slots=True)
class HttpRoute:
    api_id: str
    route_id: str | None
    route_key: str | None
    integration_id: str | None  # None: the record does not set the target
    authorization: str | None  # None: the record does not set it (UpdateRoute)


def _field(record: Record, name: str) -> Any:
    """A parameter from the request, else the response (which echoes the resulting object)."""
    req = record.get("requestParameters")
    resp = record.get("responseElements")
    for part in (req, resp):
        if isinstance(part, dict) and part.get(name) not in (None, ""):
            return part[name]
    return None


def _base(record: Record) -> str:
    name = record.get("eventName")
    return name if isinstance(name, str) else ""


def http_integration_of(record: Record) -> HttpIntegration | None:
    """A v2 CreateIntegration/UpdateIntegration record's integration, else None."""
    if record.get("eventSource") != SOURCE or _base(record) not in (
        "CreateIntegration",
        "UpdateIntegration",
    ):
        return None
    api = _field(record, "apiId")
    if not isinstance(api, str):
        return None
    ident = _field(record, "integrationId")
    arns = lambda_arns_in(_field(record, "integrationUri"))
    return HttpIntegration(
        api, ident if isinstance(ident, str) else None, arns[0] if arns else None
    )


def http_route_of(record: Record) -> HttpRoute | None:
    """A v2 CreateRoute/UpdateRoute record's route, else None."""
    base = _base(record)
    if record.get("eventSource") != SOURCE or base not in ("CreateRoute", "UpdateRoute"):
        return None
    api = _field(record, "apiId")
    if not isinstance(api, str):
        return None
    target = _field(record, "target")
    integration = (
        target.split("/", 1)[1]
        if isinstance(target, str) and target.startswith("integrations/")
        else None
    )
    auth = _field(record, "authorizationType")
    if auth is None and base == "CreateRoute":
        auth = "NONE"  # the API's default
    route_id, key = _field(record, "routeId"), _field(record, "routeKey")
    return HttpRoute(
        api,
        route_id if isinstance(route_id, str) else None,
        key if isinstance(key, str) else None,
        integration,
        str(auth).upper() if auth is not None else None,
    )


def quick_create_target(record: Record) -> str | None:
    """The function ARN of a quick-created HTTP API (CreateApi with a Lambda ``target``): its
    ``$default`` route has no authorization."""
    if record.get("eventSource") != SOURCE or _base(record) != "CreateApi":
        return None
    if str(_field(record, "protocolType") or "").upper() != "HTTP":
        return None
    arns = lambda_arns_in(get(record, "requestParameters.target"))
    return arns[0] if arns else None


@dataclass
class HttpApiBook:
    """Integrations and routes of HTTP APIs as the stream has shown them."""

    integrations: dict[ApiKey, str | None] = field(default_factory=dict)  # -> function ARN
    routes: dict[ApiKey, dict[str, str | None]] = field(default_factory=dict)

    def observe(self, event: Event) -> None:
        if not event.success or event.event_source != SOURCE:
            return
        acct, region = event.account, event.region
        if (integ := http_integration_of(event.record)) and integ.integration_id:
            key = (acct, region, integ.api_id, integ.integration_id)
            if integ.function_arn or event.base_name == "CreateIntegration":
                self.integrations[key] = integ.function_arn
        elif (route := http_route_of(event.record)) and (route.route_id or route.route_key):
            key = (acct, region, route.api_id, route.route_id or f"key:{route.route_key}")
            known = self.routes.setdefault(
                key, {"auth": None, "integration": None, "route_key": None}
            )
            for name, value in (
                ("auth", route.authorization),
                ("integration", route.integration_id),
                ("route_key", route.route_key),
            ):
                if value is not None:
                    known[name] = value

    def route(self, account: str, region: str, route: HttpRoute) -> dict[str, str | None]:
        """What is known of a route: the record's values over what the stream showed."""
        key = (account, region, route.api_id, route.route_id or f"key:{route.route_key}")
        known = dict(self.routes.get(key) or {})
        for name, value in (
            ("auth", route.authorization),
            ("integration", route.integration_id),
            ("route_key", route.route_key),
        ):
            if value is not None:
                known[name] = value
        return known

    def function_of(
        self, account: str, region: str, api: str, integration: str | None
    ) -> str | None:
        return self.integrations.get((account, region, api, integration)) if integration else None

    def open_routes_to(self, account: str, region: str, integ: HttpIntegration) -> list[str]:
        """Route keys with no authorization that target this integration."""
        return sorted(
            str(r.get("route_key") or k[3])
            for k, r in self.routes.items()
            if k[:3] == (account, region, integ.api_id)
            and r.get("integration") == integ.integration_id
            and r.get("auth") == "NONE"
        )


def attached_function(event: Event, book: HttpApiBook | None) -> str | None:
    """The function ARN an HTTP API record leads to (for records that name none themselves):
    a quick create's target, a route's integration function, else None."""
    if target := quick_create_target(event.record):
        return target
    route = http_route_of(event.record)
    if route is None or book is None:
        return None
    known = book.route(event.account, event.region, route)
    return book.function_of(event.account, event.region, route.api_id, known.get("integration"))
