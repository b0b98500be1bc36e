"""Provider descriptors that plugins return from `hub_providers`.

A provider has one or more config kinds; each kind is a pydantic model whose
`SecretStr` fields are secrets (encrypted at rest, write-only through the API)
and an optional async `test` used by "test connection".
"""

import inspect
import types
import typing
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import structlog
from pydantic import BaseModel, SecretBytes, SecretStr

from hub.errors import NotFound, ValidationFailed
from hub.webhooks.handler import WebhookHandler

DEFAULT_KIND = "default"

log = structlog.get_logger("hub.providers")

TestFn = Callable[..., Awaitable[Any]]


class ConnectionTestFailed(Exception):
    """Raised by a provider's `test` with a message fit for the user; `state` says why."""

    def __init__(self, message: str, *, state: str = "error") -> None:
        super().__init__(message)
        self.state = state


@dataclass(frozen=True)
class ConfigKind:
    model: type[BaseModel]
    name: str = DEFAULT_KIND
    title: str = ""
    test: TestFn | None = None
    webhook: "WebhookHandler | None" = None
    """Receives `/webhooks/<provider>/<config_id>` for configs of this kind (hub.webhooks)."""

    @property
    def secret_fields(self) -> list[str]:
        return secret_fields(self.model)


@dataclass(frozen=True)
class Provider:
    name: str
    title: str
    kinds: tuple[ConfigKind, ...]
    capabilities: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def single(
        cls,
        name: str,
        title: str,
        model: type[BaseModel],
        test: TestFn | None = None,
        capabilities: Iterable[str] = (),
        webhook: "WebhookHandler | None" = None,
    ) -> "Provider":
        kind = ConfigKind(model, test=test, webhook=webhook)
        return cls(name, title, (kind,), frozenset(capabilities))

    def kind(self, name: str | None) -> ConfigKind:
        if name is None:
            if len(self.kinds) == 1:
                return self.kinds[0]
            names = ", ".join(k.name for k in self.kinds)
            raise ValidationFailed(
                f"provider {self.name!r} has several config kinds; give one of: {names}",
                details=[{"field": "kind", "message": f"required, one of: {names}"}],
            )
        for kind in self.kinds:
            if kind.name == name:
                return kind
        raise NotFound(
            f"provider {self.name!r} has no config kind {name!r}", code="unknown_config_kind"
        )


def _is_secret(annotation: Any) -> bool:
    if annotation in (SecretStr, SecretBytes):
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        return any(_is_secret(arg) for arg in typing.get_args(annotation))
    return False


def secret_fields(model: type[BaseModel]) -> list[str]:
    return [name for name, info in model.model_fields.items() if _is_secret(info.annotation)]


async def run_test(
    kind: ConfigKind, values: BaseModel, ctx: Any, config_id: str | None = None
) -> str | None:
    """Call a kind's test with as many of (values, ctx, config_id) as it accepts."""
    if kind.test is None:
        return None
    arity = len(inspect.signature(kind.test).parameters)
    result = await kind.test(*(values, ctx, config_id)[: max(1, min(arity, 3))])
    return None if result is None else str(result)


class ProviderRegistry:
    def __init__(self) -> None:
        self._providers: dict[str, tuple[str, Provider]] = {}

    def add(self, plugin: str, provider: Provider) -> None:
        if not isinstance(provider, Provider):
            raise TypeError(f"hub_providers returned {type(provider).__name__}, not Provider")
        if provider.name in self._providers:
            owner = self._providers[provider.name][0]
            log.error(
                "provider name already taken", provider=provider.name, plugin=plugin, owner=owner
            )
            return
        self._providers[provider.name] = (plugin, provider)

    def get(self, name: str) -> Provider:
        try:
            return self._providers[name][1]
        except KeyError:
            raise NotFound(f"unknown provider {name!r}", code="unknown_provider") from None

    def plugin_of(self, name: str) -> str:
        return self._providers[name][0]

    def names(self) -> list[str]:
        return sorted(self._providers)

    def all(self) -> list[Provider]:
        return [self._providers[n][1] for n in self.names()]
