"""Tenants and their provider configurations, with secrets encrypted at rest."""
