"""Clients made in one place: nothing talks to AWS at import, clients are passed in."""

from __future__ import annotations

import threading
from typing import Any

_RETRIES = {"mode": "adaptive", "max_attempts": 8}


class CallRecorder:
    """Every API call a client made, as ``service:Operation`` (botocore's ``before-call`` hook).

    Tests use it to prove the shipped least-privilege IAM policy covers what the code calls."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: list[tuple[str, str]] = []

    def _hook(self, model: Any, **_: Any) -> None:
        service = model.service_model.endpoint_prefix
        with self._lock:
            self.calls.append((service, model.name))

    def attach(self, client: Any) -> None:
        client.meta.events.register("before-call.*.*", self._hook)

    def operations(self) -> set[str]:
        with self._lock:
            return {f"{service}:{name}" for service, name in self.calls}


class ClientFactory:
    """boto3 clients for one profile, cached per (service, region), safe across threads.

    ``endpoint_url`` overrides boto3's own configuration (which already honours
    ``AWS_ENDPOINT_URL`` and ``AWS_ENDPOINT_URL_<SERVICE>``); tests point it at moto's server."""

    def __init__(
        self,
        *,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        recorder: CallRecorder | None = None,
        max_pool_connections: int = 16,
        session: Any = None,
    ) -> None:
        import boto3  # lazy: start-up of commands that never touch AWS stays fast

        self._session: Any = session or boto3.session.Session(
            profile_name=profile, region_name=region
        )
        self.endpoint_url = endpoint_url
        self.recorder = recorder
        self._pool = max_pool_connections
        self._clients: dict[tuple[str, str | None], Any] = {}
        self._lock = threading.Lock()

    @property
    def region(self) -> str | None:
        name: str | None = self._session.region_name
        return name

    def client(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self.region)
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                from botocore.config import Config

                config = Config(
                    retries=dict(_RETRIES),  # type: ignore[arg-type, unused-ignore]
                    max_pool_connections=self._pool,
                    connect_timeout=10,
                    read_timeout=60,
                )
                kwargs: dict[str, Any] = {"region_name": key[1], "config": config}
                if self.endpoint_url:
                    kwargs["endpoint_url"] = self.endpoint_url
                found = self._session.client(service, **kwargs)
                if self.recorder is not None:
                    self.recorder.attach(found)
                self._clients[key] = found
            return found

    def account_id(self) -> str:
        ident = self.client("sts").get_caller_identity()
        return str(ident["Account"])
