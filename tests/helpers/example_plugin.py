"""An in-process plugin used by core tests: two providers, a route and lifecycle hooks."""

from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, Field, SecretStr

from hub import hookimpl
from hub.plugins import Health
from hub.providers import ConfigKind, ConnectionTestFailed, Provider
from hub.web import endpoint


class ExampleConfig(BaseModel):
    endpoint: str = "https://example.invalid"
    api_key: SecretStr
    region: Literal["cn", "intl"] = "cn"
    retries: int = Field(default=3, ge=0, le=10)
    webhook_secret: SecretStr | None = None


class MultiApp(BaseModel):
    app_id: str
    app_secret: SecretStr


class MultiRobot(BaseModel):
    webhook_key: SecretStr


async def check_example(config: ExampleConfig) -> str:
    key = config.api_key.get_secret_value()
    if key.startswith("bad"):
        raise ConnectionTestFailed(f"provider rejected key {key}: invalid credentials")
    if key.startswith("expired"):
        raise ConnectionTestFailed("token expired", state="needs_reauth")
    if key.startswith("crash"):
        raise RuntimeError(f"unexpected failure using {key}")
    return "connected"


class Pong(BaseModel):
    pong: bool = True


@endpoint("Example ping", response=Pong, tags=["example"])
async def ping(request: web.Request) -> Pong:
    return Pong()


class ExamplePlugin:
    def __init__(self) -> None:
        self.changes: list[tuple[str, str]] = []
        self.started = False
        self.stopped = False
        self.health: Any = Health("ok")

    @hookimpl
    def hub_providers(self) -> list[Provider]:
        return [
            Provider.single("example", "Example service", ExampleConfig, test=check_example),
            Provider(
                "multi",
                "Multi-kind service",
                (ConfigKind(MultiApp, "app", "Application"), ConfigKind(MultiRobot, "robot")),
            ),
        ]

    @hookimpl
    def hub_routes(self, app: web.Application) -> None:
        app.router.add_get("/api/example/ping", ping)

    @hookimpl
    async def hub_config_changed(self, config: Any, change: str) -> None:
        self.changes.append((config.id, change))

    @hookimpl
    async def hub_startup(self, ctx: Any) -> None:
        self.started = True

    @hookimpl
    def hub_shutdown(self, ctx: Any) -> None:
        self.stopped = True

    @hookimpl
    def hub_health(self, ctx: Any) -> Any:
        return self.health
