"""`ctx.http`: one session per process, closed with the context or the app."""

from collections.abc import Awaitable, Callable

import pytest
from aiohttp.test_utils import TestClient

from hub.app import create_app
from hub.context import CTX_KEY, HubContext
from hub.plugins import Plugins
from hub.settings import Settings
from tests.http.fake_provider import FakeProviderClient


async def test_one_session_is_shared_and_closed_with_the_context(
    ctx: HubContext, api: FakeProviderClient
) -> None:
    session = ctx.http.session
    await api.items()
    assert ctx.http.session is session

    await ctx.http.close()
    assert session.closed
    await ctx.http.close()  # closing twice is harmless
    await api.items()  # a later call gets a new session (CLI use)
    assert ctx.http.session is not session


async def test_metrics_count_attempts_by_outcome(
    ctx: HubContext, api: FakeProviderClient
) -> None:
    await api.items()
    await api.items()

    registry = ctx.metrics.registry
    labels = {"provider": "example", "outcome": "ok"}
    assert registry.get_sample_value("hub_outbound_requests_total", labels) == 2
    count = registry.get_sample_value(
        "hub_outbound_request_duration_seconds_count", {"provider": "example"}
    )
    assert count == 2


async def test_the_app_opens_the_session_on_start_and_closes_it_on_stop(
    aiohttp_client: Callable[..., Awaitable[TestClient]], settings: Settings, plugins: Plugins
) -> None:
    client = await aiohttp_client(create_app(settings, plugins=plugins))
    ctx = client.app[CTX_KEY]
    session = ctx.http.session
    assert not session.closed

    await client.close()

    assert session.closed


def test_a_client_without_a_provider_name_is_refused(ctx: HubContext) -> None:
    class Nameless(FakeProviderClient):
        provider = ""

    with pytest.raises(TypeError, match="must set the class attribute `provider`"):
        Nameless(ctx.http, None)
