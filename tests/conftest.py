"""Fixtures of the core's own tests; the shared ones come from `hub.testing`."""

import pytest

from hub.plugins import Plugins
from tests.helpers.example_plugin import ExamplePlugin


@pytest.fixture
def example_plugin() -> ExamplePlugin:
    return ExamplePlugin()


@pytest.fixture
def plugins(example_plugin: ExamplePlugin) -> Plugins:
    plugins = Plugins()
    plugins.register(example_plugin, "example", "1.0.0")
    return plugins
