"""Bus tests: a recording plugin and quick retries (3 attempts, millisecond backoff)."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest

from hub.context import HubContext, open_context
from hub.plugins import Plugins
from hub.settings import Settings
from tests.helpers.bus_plugin import DEFAULT_SUBSCRIPTIONS, Recorder, Subscriptions, demo_plugins

Reopen = Callable[..., AbstractAsyncContextManager[HubContext]]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "bus_max_attempts": 3,
            "bus_retry_base_seconds": 0.001,
            "bus_retry_max_seconds": 0.005,
        }
    )


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def plugins(recorder: Recorder) -> Plugins:
    return demo_plugins(recorder)


@pytest.fixture
def reopen(settings: Settings, recorder: Recorder) -> Reopen:
    """Open another context on the same database: the hub after a restart, or a 2nd process."""

    @asynccontextmanager
    async def opened(
        subscriptions: Subscriptions = DEFAULT_SUBSCRIPTIONS, **changes: object
    ) -> AsyncIterator[HubContext]:
        plugins = demo_plugins(recorder, subscriptions)
        context = open_context(settings.model_copy(update=changes), plugins)
        try:
            yield context
        finally:
            await context.close()

    return opened
