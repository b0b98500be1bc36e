"""A plugin whose module cannot be imported."""

raise ImportError("hub_test_broken needs the 'frobnicator-sdk' package, which is not installed")
