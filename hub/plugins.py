"""Plugin loading and isolated hook calls.

Entry points in the `integration_hub` group are loaded one at a time. A plugin
that fails to import or register, or implements a hook that does not exist or
does not match its spec, is recorded as failed and skipped. Hooks are called
implementation by implementation, so one that raises marks only its own
plugin degraded.
"""

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Literal

import pluggy
import structlog

from hub import hookspecs

ENTRY_POINT_GROUP = "integration_hub"

log = structlog.get_logger("hub.plugins")


@dataclass
class Health:
    status: Literal["ok", "degraded", "error"] = "ok"
    detail: str | None = None


@dataclass
class PluginRecord:
    name: str
    version: str | None
    status: Literal["loaded", "failed", "disabled"]
    hooks: list[str] = field(default_factory=list)
    error: str | None = None
    runtime_errors: int = 0
    last_runtime_error: str | None = None

    @property
    def degraded(self) -> bool:
        return self.runtime_errors > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "status": self.status,
            "hooks": self.hooks,
            "error": self.error,
            "degraded": self.degraded,
            "runtime_errors": self.runtime_errors,
            "last_runtime_error": self.last_runtime_error,
        }


def _describe(exc: BaseException, *, every_line: bool = False) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = "; ".join(lines) if every_line else (lines[0] if lines else "")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Plugins:
    def __init__(
        self,
        disabled: Iterable[str] = (),
        on_hook_error: Callable[[str, str], None] | None = None,
    ) -> None:
        self.pm = pluggy.PluginManager("integration_hub")
        self.pm.add_hookspecs(hookspecs)
        self.disabled = set(disabled)
        self.records: dict[str, PluginRecord] = {}
        self.on_hook_error = on_hook_error

    def load_entry_points(self) -> None:
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            self._load(ep)

    def _load(self, ep: EntryPoint) -> None:
        version = ep.dist.version if ep.dist is not None else None
        if ep.name in self.records:
            log.warning("duplicate plugin name skipped", plugin=ep.name, target=ep.value)
            return
        if ep.name in self.disabled:
            self.records[ep.name] = PluginRecord(ep.name, version, "disabled")
            return
        try:
            obj = ep.load()
        except (Exception, SystemExit) as exc:
            self._fail(ep.name, version, f"import failed: {_describe(exc)}")
            return
        self.register(obj, ep.name, version)

    def register(self, obj: object, name: str, version: str | None = None) -> PluginRecord:
        """Register a plugin object; failures are recorded, never raised."""
        if name in self.disabled:
            self.records[name] = PluginRecord(name, version, "disabled")
            return self.records[name]
        try:
            self.pm.register(obj, name=name)
        except Exception as exc:
            holder = self.pm.get_plugin(name)
            if holder is obj:
                # pluggy < 1.7 keeps the hooks it registered before the one that failed.
                self.pm.unregister(obj, name=name)
            # pluggy's validation message says what is wrong on its later lines.
            detail = _describe(exc, every_line=isinstance(exc, pluggy.PluginValidationError))
            error = f"registration failed: {detail}"
            if holder is not None and holder is not obj:
                # The name belongs to another registered plugin: keep that plugin's record.
                log.error("plugin failed to load", plugin=name, error=error)
                return PluginRecord(name, version, "failed", error=error)
            return self._fail(name, version, error)
        callers = self.pm.get_hookcallers(obj) or []
        unknown = sorted(c.name for c in callers if c.spec is None)
        wrappers = sorted(
            c.name
            for c in callers
            for impl in c.get_hookimpls()
            if impl.plugin is obj and (impl.hookwrapper or impl.wrapper)
        )
        if unknown or wrappers:
            self.pm.unregister(obj)
            problem = (
                f"unknown hook(s): {', '.join(unknown)}"
                if unknown
                else f"hook wrappers are not supported: {', '.join(wrappers)}"
            )
            return self._fail(name, version, problem)
        record = PluginRecord(name, version, "loaded", hooks=sorted(c.name for c in callers))
        self.records[name] = record
        log.debug("plugin loaded", plugin=name, version=version, hooks=record.hooks)
        return record

    def _fail(self, name: str, version: str | None, error: str) -> PluginRecord:
        log.error("plugin failed to load", plugin=name, error=error)
        record = PluginRecord(name, version, "failed", error=error)
        self.records[name] = record
        return record

    def all(self) -> list[PluginRecord]:
        return [self.records[name] for name in sorted(self.records)]

    def _implementations(self, hook: str) -> list[pluggy.HookImpl]:
        # pluggy calls the most recently registered implementation first.
        return list(reversed(getattr(self.pm.hook, hook).get_hookimpls()))

    def record_error(self, plugin: str, hook: str, exc: BaseException) -> None:
        """Count a failure of `plugin` in `hook` and mark the plugin degraded."""
        record = self.records.get(plugin)
        if record is not None:
            record.runtime_errors += 1
            record.last_runtime_error = f"{hook}: {_describe(exc)}"
        log.error("plugin hook failed", plugin=plugin, hook=hook, error=_describe(exc))
        if self.on_hook_error is not None:
            self.on_hook_error(plugin, hook)

    def call(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation of `hook`; return (plugin, result) for non-None results."""
        results = []
        for impl in self._implementations(hook):
            try:
                result = impl.function(*(kwargs[a] for a in impl.argnames))
                if inspect.iscoroutine(result):
                    result.close()
                    raise TypeError(f"{hook} must be a plain function, not a coroutine")
            except Exception as exc:
                self.record_error(impl.plugin_name, hook, exc)
                continue
            if result is not None:
                results.append((impl.plugin_name, result))
        return results

    async def acall(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Like `call`, awaiting implementations that are coroutines."""
        results = []
        for impl in self._implementations(hook):
            try:
                result = impl.function(*(kwargs[a] for a in impl.argnames))
                if inspect.isawaitable(result):
                    result = await result
            except Exception as exc:
                self.record_error(impl.plugin_name, hook, exc)
                continue
            if result is not None:
                results.append((impl.plugin_name, result))
        return results


def flatten(results: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Hooks may return one item or a list; yield (plugin, item) pairs."""
    out = []
    for plugin, value in results:
        if isinstance(value, list | tuple):
            out.extend((plugin, item) for item in value)
        else:
            out.append((plugin, value))
    return out
