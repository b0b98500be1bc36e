"""docs/plugin_hooks.md must document exactly the hooks in hub/hookspecs.py.

Every hook gets one section headed `## hub_name(arg1, arg2)`, with the spec's
argument names in order. The Python examples in the plugin docs must compile
and may only implement hooks that exist, with arguments the spec provides.
"""

import ast
import inspect
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hub import hookspecs

ROOT = Path(__file__).resolve().parents[1]
HOOKS_DOC = ROOT / "docs" / "plugin_hooks.md"
PLUGIN_DOCS = [HOOKS_DOC, ROOT / "docs" / "writing_plugins.md"]

FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[ \t]*$", re.M | re.S)
PYTHON_BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
HOOK_LIKE_HEADING = re.compile(r"^(#{1,6})[ \t]+`?(hub_\w+).*$", re.M)
HOOK_HEADING = re.compile(r"^## (hub_\w+)\(([^()]*)\)$")


def spec_hooks() -> dict[str, Callable[..., Any]]:
    """Module-level functions of hub.hookspecs named hub_*: the hooks."""
    return {
        name: fn
        for name, fn in vars(hookspecs).items()
        if name.startswith("hub_")
        and inspect.isfunction(fn)
        and fn.__module__ == hookspecs.__name__
    }


def spec_params(fn: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(fn).parameters)


def heading_for(name: str, fn: Callable[..., Any]) -> str:
    return f"## {name}({', '.join(spec_params(fn))})"


def without_code(text: str) -> str:
    """The markdown with fenced code blocks blanked, so `#` lines in code are not headings."""
    return FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def hook_headings(text: str) -> list[tuple[int, str]]:
    """(line number, heading line) for every heading whose text starts with hub_."""
    prose = without_code(text)
    return [
        (prose.count("\n", 0, m.start()) + 1, m.group(0).rstrip())
        for m in HOOK_LIKE_HEADING.finditer(prose)
    ]


def documented(text: str) -> dict[str, list[str]]:
    """Hook name -> argument names, from the well-formed `## hub_x(a, b)` headings."""
    found: dict[str, list[str]] = {}
    for _line, heading in hook_headings(text):
        match = HOOK_HEADING.match(heading)
        if match:
            args = [a.strip() for a in match.group(2).split(",") if a.strip()]
            found[match.group(1)] = args
    return found


@pytest.fixture(scope="module")
def hooks_doc() -> str:
    assert HOOKS_DOC.is_file(), f"{HOOKS_DOC.relative_to(ROOT)} is missing"
    return HOOKS_DOC.read_text(encoding="utf-8")


def test_spec_module_has_hooks() -> None:
    hooks = spec_hooks()
    assert hooks, "no hub_* functions found in hub/hookspecs.py"
    unmarked = sorted(n for n, fn in hooks.items() if not hasattr(fn, "integration_hub_spec"))
    assert not unmarked, f"hub_* functions in hub/hookspecs.py without @hookspec: {unmarked}"


def test_every_hook_is_documented(hooks_doc: str) -> None:
    missing = sorted(set(spec_hooks()) - set(documented(hooks_doc)))
    expected = [heading_for(name, spec_hooks()[name]) for name in missing]
    assert not missing, f"docs/plugin_hooks.md lacks a section for: {expected}"


def test_no_unknown_hook_is_documented(hooks_doc: str) -> None:
    unknown = sorted(set(documented(hooks_doc)) - set(spec_hooks()))
    assert not unknown, f"docs/plugin_hooks.md documents hooks not in hub/hookspecs.py: {unknown}"


def test_documented_signatures_match_specs(hooks_doc: str) -> None:
    hooks = spec_hooks()
    wrong = [
        f"{name}({', '.join(args)}) should be {heading_for(name, hooks[name])[3:]}"
        for name, args in documented(hooks_doc).items()
        if name in hooks and args != spec_params(hooks[name])
    ]
    assert not wrong, "documented signatures differ from hub/hookspecs.py: " + "; ".join(wrong)


def test_hook_headings_are_well_formed_and_unique(hooks_doc: str) -> None:
    headings = hook_headings(hooks_doc)
    malformed = [f"line {n}: {h!r}" for n, h in headings if not HOOK_HEADING.match(h)]
    rule = "hook headings must read exactly '## hub_name(arg1, arg2)'"
    assert not malformed, f"{rule}: {'; '.join(malformed)}"
    names = Counter(m.group(1) for _n, h in headings if (m := HOOK_HEADING.match(h)))
    repeated = sorted(name for name, count in names.items() if count > 1)
    assert not repeated, f"hooks documented more than once: {repeated}"


def python_blocks() -> list[Any]:
    """One pytest.param per ```python block of the plugin docs, named doc:line."""
    blocks = []
    for doc in PLUGIN_DOCS:
        if not doc.is_file():
            continue  # reported by test_plugin_docs_exist
        text = doc.read_text(encoding="utf-8")
        for match in PYTHON_BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 2
            where = f"{doc.relative_to(ROOT).as_posix()}:{line}"
            blocks.append(pytest.param(where, match.group(1), id=where))
    return blocks


def parse(source: str, where: str) -> ast.Module:
    flags = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    tree: ast.Module = compile(source, where, "exec", flags=flags, dont_inherit=True)
    return tree


def is_hookimpl(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Name):
        return target.id == "hookimpl"
    return isinstance(target, ast.Attribute) and target.attr == "hookimpl"


def test_plugin_docs_exist() -> None:
    for doc in PLUGIN_DOCS:
        assert doc.is_file(), f"{doc.relative_to(ROOT)} is missing"


@pytest.mark.parametrize(("where", "source"), python_blocks())
def test_python_examples_compile_and_use_real_hooks(where: str, source: str) -> None:
    try:
        tree = parse(source, where)
    except SyntaxError as exc:
        pytest.fail(f"example at {where} does not compile: {exc}")
    hooks = spec_hooks()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not any(is_hookimpl(d) for d in node.decorator_list):
            continue
        assert node.name in hooks, f"example at {where} implements unknown hook {node.name}"
        args = [a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs]
        extra = sorted(set(args) - {"self"} - set(spec_params(hooks[node.name])))
        assert not extra, (
            f"example at {where}: {node.name} takes {extra}, which the hook does not pass"
        )
