"""HTTP to the provincial server (httpx): enrol, push a batch, pull a page (docs/SYNC.md).

Faults come back as ``SyncFault``: ``transient`` ones (the network, a 5xx, a busy server) are tried
again with backoff by the worker; the others (a revoked token, a refused request) wait for a person.
The token travels in the Authorization header only and is never logged.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from counter_app.domain.errors import DomainError
from counter_app.services.sync_port import SYNC_OFFLINE, SYNC_SERVER_ERROR

_log = logging.getLogger(__name__)
TIMEOUT = httpx.Timeout(15.0, connect=5.0)


class SyncFault(DomainError):
    """A request that did not go through: ``code`` is a message code (server's own or sync.*)."""

    def __init__(self, code: str, *, transient: bool, detail: str = "", **params: Any) -> None:
        super().__init__(code, detail=detail, **params)
        self.transient = transient
        self.detail = detail


class ServerClient:
    def __init__(self, server_url: str, token: str | None = None, *, timeout: httpx.Timeout = TIMEOUT,
                 transport: httpx.BaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=server_url.rstrip("/"), headers=headers, timeout=timeout,
                                  transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ServerClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            answer = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise SyncFault(SYNC_OFFLINE, transient=True, detail=f"{type(exc).__name__}: {exc}") from exc
        if answer.status_code < 400:
            try:
                return answer.json()
            except ValueError as exc:
                raise SyncFault(SYNC_SERVER_ERROR, transient=True, detail=f"HTTP {answer.status_code}: not JSON") from exc
        try:
            body = answer.json()
        except ValueError:
            body = {}
        code = body.get("error") if isinstance(body, dict) else None
        words = body.get("message", "") if isinstance(body, dict) else ""
        detail = f"HTTP {answer.status_code}: {words or answer.text[:200]}"
        if answer.status_code >= 500 or answer.status_code == 429:
            raise SyncFault(SYNC_SERVER_ERROR, transient=True, detail=detail)
        raise SyncFault(code or SYNC_SERVER_ERROR, transient=False, detail=detail)

    def enrol(self, code: str, device_id: str, name: str) -> dict[str, Any]:
        answer = self._call("POST", "/api/v1/enrol", json={"code": code, "device_id": device_id, "name": name})
        _log.info("enrolled as device %s of centre %s (slot %s)", answer.get("device_id"), answer.get("centre_id"),
                  answer.get("slot"))  # never the token
        return dict(answer)

    def push(self, batch_id: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
        return dict(self._call("POST", "/api/v1/push", json={"batch_id": batch_id, "ops": ops}))

    def pull(self, cursor: str | None, limit: int) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return dict(self._call("GET", "/api/v1/pull", params=params))
