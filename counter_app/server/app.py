"""The provincial server's HTTP API (FastAPI, served by uvicorn; see docs/SYNC.md).

The process holds no state but a connection pool: every answer comes from the database, so several
workers or hosts can serve the same province. Errors are 4xx answers ``{"error": code, "message":
Vietnamese words}``; nothing is applied half-way (one transaction per request).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import FastAPI, Header, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from counter_app.domain.errors import DomainError
from counter_app.server import citizen, devices, sync
from counter_app.server.db import ServerDatabase, head_revision, require_current, url_from_env
from counter_app.services.i18n import describe_error, language_scope

_log = logging.getLogger(__name__)
MAX_BODY = 16 * 1024 * 1024  # a full batch of big dossier snapshots fits many times over
MAX_PAYLOAD = 256 * 1024

STATUS_OF_ERROR = {
    "server.no_token": 401, "server.bad_token": 401, "server.device_revoked": 401,
    "sync.other_device": 403, "sync.other_centre": 403,
    "server.unknown_code": 404, "server.code_used": 409, "server.code_expired": 410,
    "server.device_enrolled": 409, "server.bad_device_id": 422,
    "sync.batch_too_large": 413, "sync.unordered": 422, "sync.bad_cursor": 422,
    "sync.cursor_unknown": 409, "server.schema_mismatch": 503,
}


class EnrolIn(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    device_id: str = Field(min_length=1, max_length=36, description="the PC's own device id (its outbox ops carry it)")
    name: str = Field(default="", max_length=200, description="the PC's name, for the administrator")


class EnrolOut(BaseModel):
    device_id: str
    centre_id: str
    slot: int
    token: str = Field(description="secret: keep it in the local store, never in logs")


class OpIn(BaseModel):
    """One outbox op (storage/models.py OutboxRow); other fields of the row are ignored."""

    model_config = ConfigDict(extra="ignore")
    op_id: str = Field(min_length=1, max_length=36)
    device_id: str = Field(min_length=1, max_length=36)
    device_seq: int = Field(ge=1, le=2**62)
    entity: str = Field(min_length=1, max_length=50)
    entity_id: str = Field(max_length=64)
    op: str = Field(min_length=1, max_length=40)
    payload: str | dict[str, Any] = Field(description="the op's JSON text as written (or the object)")
    schema_version: str = Field(min_length=1, max_length=32)
    hlc: str = Field(min_length=1, max_length=80)


class PushIn(BaseModel):
    batch_id: str = Field(min_length=1, max_length=64, description="idempotency key: the same batch sent again gets the same answer")
    ops: list[OpIn] = Field(max_length=sync.MAX_BATCH)


class OpResult(BaseModel):
    op_id: str
    status: str = Field(description="applied | duplicate | rejected | gap | not_applied")
    reason: str | None = None
    detail: str | None = None
    first: str | None = Field(default=None, description="for a duplicate: applied or rejected the first time")
    expected_seq: int | None = None


class PushOut(BaseModel):
    batch_id: str
    results: list[OpResult]
    last_seq: int = Field(description="every device_seq up to this one is on the server")
    expected_seq: int
    gap: dict[str, int] | None = None
    replayed: bool = False


class ChangeOut(BaseModel):
    entity: str
    entity_id: str
    op: str
    payload: dict[str, Any]


class PullOut(BaseModel):
    changes: list[ChangeOut]
    cursor: str | None = Field(description="send it back as ?cursor= to read on; null: nothing read yet")
    more: bool


class DeviceOut(BaseModel):
    device_id: str
    centre_id: str
    slot: int
    last_seq: int


class ErrorOut(BaseModel):
    error: str
    message: str


def _op(raw: OpIn) -> sync.Op:
    payload = raw.payload if isinstance(raw.payload, str) else json.dumps(raw.payload, ensure_ascii=False, sort_keys=True)
    if len(payload) > MAX_PAYLOAD:
        raise DomainError("sync.payload_too_large", op_id=raw.op_id, limit=MAX_PAYLOAD)
    return sync.Op(raw.op_id, raw.device_id, raw.device_seq, raw.entity, raw.entity_id, raw.op, payload,
                   raw.schema_version, raw.hlc)


def _now() -> datetime:
    return datetime.now(UTC)


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (401, 403, 404, 409, 410, 413, 422, 503)
}


def create_app(db: ServerDatabase, *, check_schema: bool = True) -> FastAPI:
    if check_schema:
        require_current(db.engine)
    app = FastAPI(title="Quầy một cửa — provincial server", version=head_revision(),
                  description="Device enrolment, push of outbox ops, pull of the province's changes, citizen status page.")
    app.state.db = db

    @app.exception_handler(DomainError)
    def _domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        with language_scope("vi"):
            words = describe_error(exc)
        status = STATUS_OF_ERROR.get(exc.code, 400)
        _log.info("refused (%s): %s", status, exc)
        return JSONResponse({"error": exc.code, "message": words}, status_code=status)

    @app.exception_handler(OperationalError)
    def _busy(_request: Request, exc: OperationalError) -> JSONResponse:
        _log.warning("database busy or unreachable: %s", exc.orig)
        with language_scope("vi"):
            words = describe_error(DomainError("server.busy"))
        return JSONResponse({"error": "server.busy", "message": words}, status_code=503, headers={"Retry-After": "2"})

    @app.middleware("http")
    async def _limit_body(request: Request, call_next: Any) -> Any:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            with language_scope("vi"):
                words = describe_error(DomainError("sync.body_too_large", limit=MAX_BODY))
            return JSONResponse({"error": "sync.body_too_large", "message": words}, status_code=413)
        return await call_next(request)

    @app.get("/health", tags=["server"])
    def health() -> dict[str, str]:
        with db.transaction(readonly=True) as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok", "schema": head_revision()}

    @app.post("/api/v1/enrol", response_model=EnrolOut, responses=ERRORS, tags=["devices"])
    def enrol(body: EnrolIn) -> EnrolOut:
        with db.transaction() as session:
            done = devices.enrol(session, body.code, body.device_id, body.name, _now())
        _log.info("device %s enrolled for centre %s (slot %s)", done.device_id, done.centre_id, done.slot)
        return EnrolOut(device_id=done.device_id, centre_id=done.centre_id, slot=done.slot, token=done.token)

    @app.get("/api/v1/device", response_model=DeviceOut, responses=ERRORS, tags=["devices"])
    def whoami(authorization: Annotated[str | None, Header()] = None) -> DeviceOut:
        with db.transaction(readonly=True) as session:
            device = devices.authenticate(session, authorization)
            return DeviceOut(device_id=device.id, centre_id=device.centre_id, slot=device.slot,
                             last_seq=device.last_seq)

    @app.post("/api/v1/push", response_model=PushOut, responses=ERRORS, tags=["sync"])
    def push(body: PushIn, authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        ops = [_op(raw) for raw in body.ops]
        with db.transaction() as session:
            device = devices.authenticate(session, authorization, lock=True)
            return sync.push(session, device, body.batch_id, ops, _now())

    @app.get("/api/v1/pull", response_model=PullOut, responses=ERRORS, tags=["sync"])
    def pull(
        authorization: Annotated[str | None, Header()] = None,
        cursor: Annotated[str | None, Query(max_length=41)] = None,
        limit: Annotated[int, Query(ge=1, le=sync.MAX_PULL)] = 500,
    ) -> dict[str, Any]:
        with db.transaction(readonly=True) as session:
            device = devices.authenticate(session, authorization)
            return sync.pull(session, device, cursor, limit, postgres=db.postgres)

    @app.get("/tra-cuu", response_class=HTMLResponse, tags=["citizens"],
             summary="Tra cứu tình trạng hồ sơ (the QR on Mẫu 01 and the receipt)")
    def status_page(ma: Annotated[str, Query(max_length=citizen.MAX_CODE)] = "") -> HTMLResponse:
        with db.transaction(readonly=True) as session, language_scope("vi"):
            status, page = citizen.status_page(session, ma)
        return HTMLResponse(page, status_code=status)

    return app


def app_from_env() -> FastAPI:
    """The app of a `counter serve` worker process: the database URL comes in COUNTER_SERVER_DATABASE."""
    return create_app(ServerDatabase.open(url_from_env()))
