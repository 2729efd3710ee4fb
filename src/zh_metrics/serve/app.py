"""The HTTP service: `create_app(nlp)` gives a FastAPI app around a loaded pipeline.

`POST /extract` answers JSON (records, entities, relations) for a JSON body or an uploaded
file; `/` is the page, `GET /?text=…` its result rendered on the server; `/health`; `/docs` is
the OpenAPI page FastAPI makes. Every answer to a bad request is JSON (or the page with the
message), with the status code that names the problem, and the server goes on serving:

- a body over `max_body` bytes → 413, before the app reads any of it;
- malformed JSON, a `text` that is not a string, a bad `date`, an unreadable file → 422 with
  the field;
- more than `max_pending` requests waiting for the pipeline → 503 at once;
- no answer within `timeout` seconds of arrival → 504; the request is then fed no further to
  the pipeline, so that it is soon free for the others;
- anything else that goes wrong → 500 (uvicorn logs the traceback).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, StrictStr, ValidationError
from spacy.language import Language
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..documents import Document
from .analysis import Analysis, BadInput, text_documents, upload_documents
from .render import render_page
from .worker import Busy, Overtime, Worker

MAX_BODY = 1 << 20
T = TypeVar("T")


class ExtractRequest(BaseModel):
    """A report to read: `text`, or a `file` uploaded as multipart/form-data, and optionally
    the document's date (ISO, as 2025-07-15), which replaces the date of a file's metadata."""

    text: StrictStr | None = None
    date: datetime.date | None = None


class Relation(BaseModel):
    head: tuple[int, int]
    child: tuple[int, int]
    label: str


class ExtractResponse(BaseModel):
    """Offsets of entities, relations and records (`start`, `end`) all refer to `text`: the
    input's cleaned paragraphs joined by line breaks. Records are as `extract` writes them:
    document, paragraph, page, date, then `Metric.to_dict()`."""

    text: str
    records: list[dict[str, Any]]
    entities: list[dict[str, Any]]
    relations: list[Relation]


STATUS = {BadInput: 422, Busy: 503, Overtime: 504}


class BodyLimit:
    """Refuse a request body over `max_bytes` with 413, by its Content-Length or, when it
    has none, as soon as the bytes received pass the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"body: over {self.max_bytes:,} bytes"
        await JSONResponse({"error": message, "field": "body"}, status_code=413)(scope, receive, send)


async def read_request(request: Request) -> tuple[ExtractRequest, tuple[str, bytes] | None]:
    """The fields of a JSON, multipart or form body, and the uploaded file if there is one."""
    kind = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    upload = None
    if kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.form()
        file = form.get("file")
        if isinstance(file, UploadFile) and file.filename:
            upload = (file.filename, await file.read())
        fields: Any = {key: value for key, value in form.items() if key != "file" and value != ""}
    elif kind == "application/json":
        try:
            fields = json.loads(await request.body())
        except ValueError as err:
            raise BadInput("body", f"body: malformed JSON ({err})") from None
    else:
        raise HTTPException(415, f"content type {kind!r}: send application/json or multipart/form-data")
    return validate_fields(fields), upload


def validate_fields(fields: Any) -> ExtractRequest:
    """The request's fields checked, or BadInput naming the first bad field."""
    try:
        return ExtractRequest.model_validate(fields)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        raise BadInput(field, f"{field}: {first['msg']}") from None


def create_app(nlp: Language, *, timeout: float = 30.0, max_pending: int = 16, max_body: int = MAX_BODY) -> FastAPI:
    """The service around `nlp`, which is loaded once by the caller and used by one thread."""
    worker = Worker(nlp, timeout, max_pending)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        worker.close()

    app = FastAPI(
        title="zh-metrics",
        summary="Figures, change rates, organisations and campaigns from Chinese official reports.",
        lifespan=lifespan,
    )
    app.add_middleware(BodyLimit, max_bytes=max_body)

    async def answer(fields: ExtractRequest, upload: tuple[str, bytes] | None, finish: Callable[[Analysis], T]) -> T:
        """`finish` of the Analysis of the uploaded file, else of the text."""

        def read() -> list[Document]:
            if upload is not None:
                return upload_documents(*upload, fields.date)
            if fields.text is None:
                raise BadInput("text", "text: missing; send a `text` or upload a `file`")
            return text_documents(fields.text, fields.date)

        return await worker.run(read, finish)

    @app.exception_handler(BadInput)
    @app.exception_handler(Busy)
    @app.exception_handler(Overtime)
    async def refused(_: Request, err: Exception) -> JSONResponse:
        field = {"field": err.field} if isinstance(err, BadInput) else {}
        headers = {"Retry-After": "1"} if isinstance(err, Busy) else None
        return JSONResponse({"error": str(err), **field}, status_code=STATUS[type(err)], headers=headers)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, err: HTTPException) -> JSONResponse:
        return JSONResponse({"error": err.detail}, status_code=err.status_code, headers=err.headers)

    @app.exception_handler(Exception)
    async def failed(_: Request, err: Exception) -> JSONResponse:
        return JSONResponse({"error": f"internal error: {type(err).__name__}"}, status_code=500)

    @app.get("/health")
    async def health() -> dict[str, Any]:
        """The pipeline is loaded; how many requests wait for it."""
        return {
            "status": "ok",
            "pipeline": f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}",
            "components": nlp.pipe_names,
            "pending": worker.pending,
        }

    @app.post(
        "/extract",
        responses={200: {"model": ExtractResponse}, 413: {}, 422: {}, 503: {}, 504: {}},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": ExtractRequest.model_json_schema()},
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "text": {"type": "string"},
                                "date": {"type": "string", "format": "date"},
                            },
                        }
                    },
                },
            }
        },
    )
    async def extract(request: Request) -> JSONResponse:
        """Records, entities and HAS_CHANGE relations of a text (JSON `{"text": …}`) or of an
        uploaded file (multipart `file`, in any format the `extract` command reads)."""
        fields, upload = await read_request(request)
        return JSONResponse(await answer(fields, upload, Analysis.to_dict))

    async def page(fields: ExtractRequest, upload: tuple[str, bytes] | None) -> HTMLResponse:
        """The page with the result, or with what is wrong and the status code that says it."""
        text = fields.text or ""
        date = fields.date.isoformat() if fields.date else ""
        try:
            shown = await answer(fields, upload, lambda a: render_page(a, text=text, date=date))
        except (BadInput, Busy, Overtime) as err:
            return HTMLResponse(render_page(text=text, date=date, error=str(err)), status_code=STATUS[type(err)])
        return HTMLResponse(shown)

    @app.get("/", response_class=HTMLResponse)
    async def page_get(request: Request) -> HTMLResponse:
        """The page; with `?text=…` (and `&date=…`) the result for that text, made here."""
        if not request.query_params:
            return HTMLResponse(render_page())
        try:
            fields = validate_fields(dict(request.query_params))
        except BadInput as err:
            text = request.query_params.get("text", "")
            return HTMLResponse(render_page(text=text, error=str(err)), status_code=422)
        return await page(fields, None)

    @app.post("/", response_class=HTMLResponse)
    async def page_post(request: Request) -> HTMLResponse:
        """The page's form: a pasted text or a chosen file."""
        try:
            fields, upload = await read_request(request)
        except BadInput as err:
            return HTMLResponse(render_page(error=str(err)), status_code=422)
        return await page(fields, upload)

    return app
