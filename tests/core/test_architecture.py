"""The structure of the code: no circle between files, no import sideways or up the layers (docs/architecture.md).

Every import counts, wherever it is written: at the top of a module, inside a function (a lazy import that dodges
the rule is still an import), under `if TYPE_CHECKING:` and as a literal string given to `import_module`. Only
discovery by name over every installed app (`jobs.py`, `demo.py`, built from the app's own name) is a registry,
not an import. Read with `ast`: nothing is imported to check it.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "compagnons"

LAYERS = {
    "core": 1,
    "accounts": 2,
    "skills": 3,
    "ledger": 3,
    "credentials": 3,
    "apprenticeship": 4,
    "missions": 5,
    "learning": 5,
    "coaching": 5,
    "community": 5,
    "certification": 6,
    "funding": 6,
    "showcase": 7,
    "outcomes": 7,
    "quality": 7,
    "api": 8,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    return {
        _module_name(path): path
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and "management" not in path.parts
    }


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ours that `name` imports, resolved to the most precise known module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()

    def add(target: str) -> None:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                add(full if full in known else base)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in {
            "import_module",
            "find_spec",
            "__import__",
        }:
            for arg in node.args[:1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    add(arg.value)
    return {target for target in found if target.startswith("compagnons.")}


def _graph() -> dict[str, set[str]]:
    sources = _sources()
    known = set(sources)
    return {name: _imports(name, path, known) for name, path in sources.items()}


def _app(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def test_every_app_has_a_layer():
    apps = {path.name for path in ROOT.iterdir() if (path / "apps.py").exists()}
    assert apps <= set(LAYERS), f"apps without a layer in this test and in docs/architecture.md: {apps - set(LAYERS)}"


def test_no_import_sideways_or_up_the_layers():
    wrong = []
    for module, targets in _graph().items():
        here = _app(module)
        for target in targets:
            there = _app(target)
            if there and there != here and LAYERS.get(there, 0) >= LAYERS.get(here, 99):
                wrong.append(f"{module} → {target} (layer {LAYERS[here]} → {LAYERS[there]})")
    assert not wrong, "imports sideways or up the layers:\n" + "\n".join(sorted(wrong))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        result.append(sorted(component))
    return result


def test_no_circle_between_files():
    cycles = _cycles(_graph())
    assert not cycles, "files that import each other, directly or around a circle:\n" + "\n".join(
        " ⇄ ".join(cycle) for cycle in cycles
    )


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from compagnons.missions import services\n", {"compagnons.missions.services"}),
        ("def f():\n    from compagnons.missions.services import x\n", {"compagnons.missions.services"}),
        ("import_module('compagnons.missions.services')\n", {"compagnons.missions.services"}),
        ("from . import models\n", {"compagnons.core.models"}),
        ("from .models import X\n", {"compagnons.core.models"}),
    ],
)
def test_the_checker_sees_every_kind_of_import(tmp_path, source, expected):
    path = tmp_path / "probe.py"
    path.write_text(source)
    known = {"compagnons.missions.services", "compagnons.core.models", "compagnons.core", "compagnons.missions"}
    assert _imports("compagnons.core.probe", path, known) == expected


def test_the_cycle_finder_finds_a_circle():
    graph = defaultdict(set, {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert _cycles(dict(graph)) == [["a", "b", "c"]]
