"""Plugins that fail to import, to register, or at run time."""
