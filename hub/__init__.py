"""Integration Hub: connects a company's systems to collaboration platforms through plugins."""

from hub.hookspecs import hookimpl

__version__ = "0.1.0"

__all__ = ["__version__", "hookimpl"]
