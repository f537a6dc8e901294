"""The stage order of ARCHITECTURE.md, enforced: imports go one way, with no cycle.

Every ``import`` in ``mapper/`` is read with :mod:`ast`, at module level and
inside functions alike.  A module may import its own stage and the stages
below it; the CLI may import only the front door (``mapper.api``), the
vocabularies and the errors; and the import graph has no cycle.  An import
inside a function must say why it is there, in a comment on its line or the
line above.
"""

import ast
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "mapper"

# Lowest first.  The root package (``mapper/__init__.py``: the version) and
# ``mapper.errors`` sit under every stage.
STAGES = ("mapper", "mapper.errors", "mapper.core", "mapper.load", "mapper.text", "mapper.geo", "mapper.compose",
          "mapper.html", "mapper.export", "mapper.api", "mapper.cli")
# What a CLI module may import (these modules and those under them): the
# package root for its version, and nothing of the library past the front door.
CLI_MAY_IMPORT = ("mapper.errors", "mapper.core.vocab", "mapper.core.text", "mapper.api", "mapper.cli")


def module_name(path, root):
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def stage_of(module):
    """The stage a mapper module belongs to: the longest prefix in STAGES."""
    return max((s for s in STAGES if module == s or module.startswith(s + ".")), key=len)


def rank(module):
    return STAGES.index(stage_of(module))


def imports_of(path, root, known):
    """(target module, line, inside a function, has a comment) for every mapper import in ``path``."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source, filename=str(path))
    found = []

    def commented(node):
        here = lines[node.lineno - 1]
        above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
        return "#" in here or above.startswith("#")

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append((alias.name, child.lineno, in_function, commented(child)))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    package = module_name(path, root).split(".")
                    if path.name != "__init__.py":
                        package.pop()
                    base = ".".join(package[:len(package) - child.level + 1] + ([base] if base else []))
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    found.append((sub if sub in known else base, child.lineno, in_function, commented(child)))
            visit(child, inside)

    visit(tree, False)
    return found


def import_graph(root):
    """``{module: [(target, line, in_function, commented)]}`` for every module under ``root``, mapper targets only."""
    paths = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    graph = {}
    for module, path in paths.items():
        graph[module] = [(target, line, in_function, commented)
                         for target, line, in_function, commented in imports_of(path, root, paths)
                         if target == "mapper" or target.startswith("mapper.")]
    return graph


def stage_violations(graph):
    """One line for each import of a higher stage, or of the library from the CLI."""
    problems = []
    for module, targets in graph.items():
        for target, line, _, _ in targets:
            if rank(target) > rank(module):
                problems.append(f"{module}:{line} imports {target} ({stage_of(module)} may not import "
                                f"{stage_of(target)})")
            elif stage_of(module) == "mapper.cli" and target != "mapper" and not any(
                    target == allowed or target.startswith(allowed + ".") for allowed in CLI_MAY_IMPORT):
                problems.append(f"{module}:{line} imports {target} (the CLI calls mapper.api only)")
    return problems


def cycles(graph):
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, on_stack, stack, groups = {}, {}, set(), [], []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target, *_ in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or any(t == node for t, *_ in graph[node]):
                groups.append(sorted(group))

    for node in graph:
        if node not in index:
            connect(node)
    return groups


def uncommented_function_imports(graph):
    return [f"{module}:{line} imports {target} inside a function without a comment saying why"
            for module, targets in graph.items() for target, line, in_function, commented in targets
            if in_function and not commented]


GRAPH = import_graph(PACKAGE_DIR)


def test_every_module_is_in_a_stage():
    loose = [m for m in GRAPH if stage_of(m) == "mapper" and m != "mapper"]
    assert loose == [], "modules outside the stage packages; see ARCHITECTURE.md"


def test_imports_go_down_the_stages_only():
    assert stage_violations(GRAPH) == []


def test_the_import_graph_has_no_cycle():
    assert cycles(GRAPH) == []


def test_imports_inside_functions_say_why():
    assert uncommented_function_imports(GRAPH) == []


# The checks must be able to fail: a small fake package with an inverted import and a cycle.
def _fake_package(tmp_path, files):
    root = tmp_path / "mapper"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()
    return import_graph(root)


def test_an_inverted_import_is_caught(tmp_path):
    graph = _fake_package(tmp_path, {
        "core/units.py": "from mapper.html import page\n",
        "html/page.py": "from mapper.core import units\n",
    })
    assert stage_violations(graph) == [
        "mapper.core.units:1 imports mapper.html.page (mapper.core may not import mapper.html)"]


@pytest.mark.parametrize("cli_import", ["from mapper.geo import geodesy\n", "import mapper.load.geodata\n"])
def test_the_cli_reaching_past_the_front_door_is_caught(tmp_path, cli_import):
    graph = _fake_package(tmp_path, {"cli/distance.py": cli_import, "geo/geodesy.py": "", "load/geodata.py": ""})
    assert len(stage_violations(graph)) == 1


def test_a_cycle_inside_functions_is_caught(tmp_path):
    graph = _fake_package(tmp_path, {
        "load/a.py": "def f():\n    from mapper.load import b\n",
        "load/b.py": "from mapper.load import a  # fine on its own\n",
    })
    assert stage_violations(graph) == []
    assert cycles(graph) == [["mapper.load.a", "mapper.load.b"]]
    assert uncommented_function_imports(graph) == [
        "mapper.load.a:2 imports mapper.load.b inside a function without a comment saying why"]


def test_the_front_door_has_what_it_lists():
    from mapper import api

    assert sorted(api.__all__) == sorted(set(api.__all__))
    assert [name for name in api.__all__ if not hasattr(api, name)] == []
