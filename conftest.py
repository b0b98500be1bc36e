"""Test-run wide fixtures: the hub's own (`hub.testing`) and the installed test plugins."""

pytest_plugins = ["hub.testing", "tests.conftest_plugins"]
