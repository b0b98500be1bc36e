"""Helpers for driving the admin API through the real app."""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

TENANTS = "/api/admin/tenants"
CONFIGS = "/api/admin/configs"


class Admin:
    """Thin wrapper that sends the admin token and checks the expected status."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    async def call(
        self,
        method: str,
        path: str,
        expect: int,
        json: Any = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        resp = await self.client.request(
            method, path, json=json, params=params, headers=self.headers
        )
        text = await resp.text()
        assert resp.status == expect, f"{method} {path}: {resp.status} {text}"
        return await resp.json() if text else None

    async def tenant(self, slug: str = "acme", name: str = "Acme Corp") -> dict[str, Any]:
        return await self.call("POST", TENANTS, 201, json={"slug": slug, "name": name})

    async def config(
        self,
        tenant: str = "acme",
        name: str = "default",
        api_key: str = "good-key-1234567890",
        provider: str = "example",
        expect: int = 201,
        **extra: Any,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "tenant": tenant,
            "provider": provider,
            "name": name,
            "config": {"api_key": api_key, **extra},
        }
        return await self.call("POST", CONFIGS, expect, json=body)


@pytest.fixture
def admin(client: TestClient, admin_headers: dict[str, str]) -> Admin:
    return Admin(client, admin_headers)
