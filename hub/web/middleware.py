"""Request ids, metrics, JSON errors and the admin bearer check."""

import hmac
import re
import time
from collections.abc import Awaitable, Callable

import structlog
from aiohttp import web

from hub.context import CTX_KEY
from hub.errors import HubError, Unauthorized
from hub.ids import new_id

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_KEY = web.RequestKey("request_id", str)
ADMIN_PREFIX = "/api/admin"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    408: "request_timeout",
    409: "conflict",
    411: "length_required",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
}

log = structlog.get_logger("hub.web")


def error_response(status: int, code: str, message: str, **extra: object) -> web.Response:
    return web.json_response({"code": code, "message": message, **extra}, status=status)


def _route_name(request: web.Request) -> str:
    info = request.match_info.route.resource
    if info is None:
        return "unmatched"
    return info.canonical


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else new_id()
    request[REQUEST_ID_KEY] = request_id
    structlog.contextvars.bind_contextvars(request_id=request_id)
    start = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        response.headers[REQUEST_ID_HEADER] = request_id
        return response
    finally:
        metrics = request.app[CTX_KEY].metrics
        route = _route_name(request)
        metrics.http_requests.labels(request.method, route, str(status)).inc()
        metrics.http_duration.labels(request.method, route).observe(time.perf_counter() - start)
        structlog.contextvars.unbind_contextvars("request_id")


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    limit = request.app[CTX_KEY].settings.max_body_bytes
    # A handler marked with `__hub_own_body_limit__` (the webhook route) enforces its own.
    own_limit = getattr(request.match_info.handler, "__hub_own_body_limit__", False)
    if not own_limit and request.content_length is not None and request.content_length > limit:
        message = f"request body is larger than {limit} bytes"
        return error_response(413, "payload_too_large", message)
    try:
        return await handler(request)
    except HubError as exc:
        if exc.status >= 500:
            log.error("request failed", code=exc.code, error=exc.message, path=request.path)
        response = web.json_response(exc.to_dict(), status=exc.status)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = _STATUS_CODES.get(exc.status, "http_error")
        message = exc.reason
        if isinstance(exc, web.HTTPRequestEntityTooLarge):
            limit = request.app[CTX_KEY].settings.max_body_bytes
            message = f"request body is larger than {limit} bytes"
        elif exc.text and not exc.text.startswith(f"{exc.status}:"):
            message = exc.text
        response = error_response(exc.status, code, message)
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in exc.headers:
                response.headers[header] = exc.headers[header]
        return response
    except Exception:
        log.exception("unhandled error", path=request.path, method=request.method)
        return error_response(
            500,
            "internal_error",
            "internal error; the server log has details",
            request_id=request.get(REQUEST_ID_KEY),
        )


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def require_admin(request: web.Request) -> None:
    """Raise 401 unless the request carries the admin bearer token."""
    expected = request.app[CTX_KEY].secrets.admin_token
    given = bearer_token(request)
    if given is None:
        raise Unauthorized("missing bearer token", code="missing_token")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("invalid bearer token", code="invalid_token")


@web.middleware
async def admin_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path == ADMIN_PREFIX or request.path.startswith(ADMIN_PREFIX + "/"):
        require_admin(request)
    return await handler(request)
