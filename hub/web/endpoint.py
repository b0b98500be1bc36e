"""Declare an HTTP handler's request and response models once.

`@endpoint(...)` validates the query string and JSON body with the given
pydantic models before the handler runs, serializes a returned model, and
records everything for the OpenAPI document, so documentation and validation
cannot drift apart. Plugins use it for their own routes too.
"""

import functools
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from hub.errors import BadRequest, ValidationFailed, validation_details

Handler = Callable[..., Awaitable[Any]]
ENDPOINT_ATTR = "__hub_endpoint__"
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class EndpointSpec:
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    tags: tuple[str, ...] = ()
    errors: tuple[int, ...] = ()
    content_type: str = "application/json"
    description: str | None = None


async def parse_body(request: web.Request, model: type[M]) -> M:
    raw = await request.read()
    if not raw.strip():
        data: Any = {}
    else:
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("request body is not valid JSON", code="invalid_json") from None
        except RecursionError:
            raise BadRequest("request body is nested too deeply", code="invalid_json") from None
    if not isinstance(data, dict):
        raise BadRequest("request body must be a JSON object", code="invalid_json")
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationFailed(
            "request body is invalid", details=validation_details(exc.errors())
        ) from None


def parse_query(request: web.Request, model: type[M]) -> M:
    try:
        return model.model_validate(dict(request.query))
    except PydanticValidationError as exc:
        raise ValidationFailed(
            "query parameters are invalid",
            details=validation_details(exc.errors(), prefix="query"),
        ) from None


def endpoint(
    summary: str,
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    tags: Sequence[str] = (),
    errors: Sequence[int] = (),
    content_type: str = "application/json",
    description: str | None = None,
) -> Callable[[Handler], Handler]:
    spec = EndpointSpec(
        summary, body, query, response, status, tuple(tags), tuple(errors), content_type,
        description,
    )

    def decorate(fn: Handler) -> Handler:
        @functools.wraps(fn)
        async def handler(request: web.Request) -> web.StreamResponse:
            kwargs: dict[str, Any] = {}
            if spec.query is not None:
                kwargs["query"] = parse_query(request, spec.query)
            if spec.body is not None:
                kwargs["body"] = await parse_body(request, spec.body)
            result = await fn(request, **kwargs)
            if isinstance(result, web.StreamResponse):
                return result
            if result is None:
                return web.Response(status=204)
            if isinstance(result, BaseModel):
                result = result.model_dump(mode="json")
            return web.json_response(result, status=spec.status)

        setattr(handler, ENDPOINT_ATTR, spec)
        return handler

    return decorate
