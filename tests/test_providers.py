from typing import Annotated

import pytest
from pydantic import BaseModel, Field, SecretBytes, SecretStr

from hub.errors import NotFound, ValidationFailed
from hub.providers import ConfigKind, Provider, ProviderRegistry, run_test, secret_fields


class Mixed(BaseModel):
    plain: str
    secret: SecretStr
    optional_secret: SecretStr | None = None
    annotated: Annotated[SecretStr, Field(min_length=3)]
    raw: SecretBytes | None = None
    number: int = 1


def test_secret_fields_are_found_through_optional_and_annotated() -> None:
    assert secret_fields(Mixed) == ["secret", "optional_secret", "annotated", "raw"]


def test_kind_selection() -> None:
    single = Provider.single("one", "One", Mixed)
    assert single.kind(None).name == "default"
    multi = Provider("two", "Two", (ConfigKind(Mixed, "app"), ConfigKind(Mixed, "robot")))
    assert multi.kind("robot").name == "robot"
    with pytest.raises(ValidationFailed):
        multi.kind(None)
    with pytest.raises(NotFound):
        multi.kind("bot")


def test_registry_keeps_the_first_owner_of_a_name() -> None:
    registry = ProviderRegistry()
    registry.add("plugin_a", Provider.single("svc", "A", Mixed))
    registry.add("plugin_b", Provider.single("svc", "B", Mixed))
    assert registry.get("svc").title == "A"
    assert registry.plugin_of("svc") == "plugin_a"
    with pytest.raises(TypeError):
        registry.add("plugin_c", {"name": "svc"})  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        registry.get("nope")


async def test_run_test_passes_as_many_arguments_as_accepted() -> None:
    seen: list[object] = []

    async def one_arg(config: BaseModel) -> str:
        return "one"

    async def two_args(config: BaseModel, ctx: object) -> None:
        seen.append(ctx)

    values = Mixed(plain="p", secret="s", annotated="abc")
    assert await run_test(ConfigKind(Mixed, test=one_arg), values, "CTX") == "one"
    assert await run_test(ConfigKind(Mixed, test=two_args), values, "CTX") is None
    assert seen == ["CTX"]

    async def three_args(config: BaseModel, ctx: object, config_id: str | None) -> str:
        return f"{ctx}/{config_id}"

    kind = ConfigKind(Mixed, test=three_args)
    assert await run_test(kind, values, "CTX", "cfg-1") == "CTX/cfg-1"
    assert await run_test(ConfigKind(Mixed), values, "CTX") is None


def test_a_single_kind_provider_can_receive_webhooks() -> None:
    handler = object()
    single = Provider.single("one", "One", Mixed, webhook=handler)  # type: ignore[arg-type]
    assert single.kinds[0].webhook is handler
