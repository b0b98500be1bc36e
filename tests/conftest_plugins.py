"""Third-party plugin distributions from tests/plugins, really installed with pip.

They go into a target directory made once per test run, never into the environment running
the tests: a test puts that directory on `sys.path` (`plugin_site`) or passes it
as `PYTHONPATH` to a subprocess, and `importlib.metadata` finds their entry points.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN_SOURCES = Path(__file__).parent / "plugins"
DISTRIBUTIONS = ("hub_test_example", "hub_test_broken", "hub_test_hmac")


@pytest.fixture(scope="session")
def installed_test_plugins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory holding hub-test-example and hub-test-broken, installed once per test run."""
    # Build from copies so setuptools leaves no build/ or *.egg-info in the checkout.
    sources = tmp_path_factory.mktemp("plugin-sources")
    for name in DISTRIBUTIONS:
        shutil.copytree(
            PLUGIN_SOURCES / name,
            sources / name,
            ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"),
        )
    target = tmp_path_factory.mktemp("plugin-site")
    command = [
        sys.executable, "-m", "pip", "install",
        "--no-deps", "--no-build-isolation", "--no-index", "--disable-pip-version-check",
        "--target", str(target),
        *(str(sources / name) for name in DISTRIBUTIONS),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(
            f"installing the test plugins failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return target


@pytest.fixture
def plugin_site(installed_test_plugins: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make the installed test plugins visible to this test's `importlib.metadata`."""
    monkeypatch.syspath_prepend(str(installed_test_plugins))
    return installed_test_plugins
