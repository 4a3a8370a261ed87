"""No import cycle anywhere in blog/: the layers import downwards only.

The graph is read from the source (module-level imports and those inside
functions, which only hide a cycle), so a cycle fails here even where Python
happens to import the modules in a lucky order.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "blog"


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules():
    return {
        module_name(path): path
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts
    }


def imports_of(name, path, known):
    """The blog modules `name` imports (`from . import x` counts as importing module x)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in known:
                    found.add(submodule)
                elif target in known:
                    found.add(target)
    found.discard(name)
    return found


def find_cycle(graph):
    """One cycle in `graph` as a list of names, or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*trail[trail.index(nxt):], nxt]
            if nxt not in state:
                cycle = visit(nxt, [*trail, nxt])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [start])
            if cycle:
                return cycle
    return None


def test_the_graph_reader_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_in_blog_imports_its_way_back_to_itself():
    known = modules()
    # The package itself is left out: create_app() imports every blueprint on
    # purpose, and importing any blog module runs blog/__init__.py first anyway.
    graph = {
        name: imports_of(name, path, known) - {"blog"}
        for name, path in known.items()
        if name != "blog"
    }
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))
