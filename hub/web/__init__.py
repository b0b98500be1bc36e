"""HTTP plumbing shared by the core and plugins: endpoint declarations, middleware, OpenAPI."""

from hub.web.endpoint import endpoint, parse_body, parse_query

__all__ = ["endpoint", "parse_body", "parse_query"]
