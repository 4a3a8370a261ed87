"""No import cycle anywhere in blog/, and the layers import downwards only.

blueprints (auth, settings, article, feed, profile, dev, api, mod) -> blog.web ->
blog.domain -> the models and the app's wiring; never upwards. The domain
speaks no HTTP: it reads no request and answers nothing.

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


# What each layer may import besides itself (the app's wiring below everything).
WIRING = {"blog.models", "blog.extensions", "blog.events", "blog.config", "blog.config_env",
          "blog.config_loader", "blog.database", "blog.reads_outside", "blog.runtime"}
BLUEPRINTS = {"auth", "settings", "article", "feed", "profile", "dev", "api", "mod", "notify",
              "search", "media"}
# Names that only mean something while answering an HTTP request.
HTTP_NAMES = {
    "flask": {"request", "abort", "flash", "url_for", "redirect", "jsonify", "session", "g",
              "make_response", "Response", "Blueprint"},
    "flask_login": None,  # every name: current_user, login_user, ...
    "flask_wtf": None,
    "werkzeug.exceptions": None,
}


def layer(name):
    part = name.split(".")[1] if name.count(".") else ""
    if part == "domain":
        return "domain"
    if part == "web":
        return "web"
    if part in BLUEPRINTS:
        return "blueprint"
    return "top"


def test_domain_and_web_import_only_downwards():
    known = modules()
    allowed = {
        "domain": lambda target: layer(target) == "domain" or target in WIRING,
        "web": lambda target: layer(target) in ("domain", "web") or target in WIRING,
    }
    wrong = sorted(
        f"{name} imports {target}"
        for name, path in known.items()
        if layer(name) in allowed
        for target in imports_of(name, path, known) - {"blog"}
        if not allowed[layer(name)](target)
    )
    assert wrong == []


def test_blueprint_packages_do_not_import_each_other_both_ways():
    known = modules()
    edges = {}
    for name, path in known.items():
        if layer(name) == "blueprint":
            source = name.split(".")[1]
            for target in imports_of(name, path, known):
                if layer(target) == "blueprint" and target.split(".")[1] != source:
                    edges.setdefault(source, set()).add(target.split(".")[1])
    assert find_cycle(edges) is None, " -> ".join(find_cycle(edges))


def http_imports(path):
    """The HTTP-only names a module imports, as "module.name"."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module in HTTP_NAMES:
            banned = HTTP_NAMES[node.module]
            found += [f"{node.module}.{alias.name}" for alias in node.names
                      if banned is None or alias.name in banned]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names
                      if alias.name.split(".")[0] in ("flask_login", "flask_wtf", "werkzeug")]
    return found


def test_the_checker_sees_http_in_a_module(tmp_path):
    module = tmp_path / "rule.py"
    module.write_text(
        "from flask import abort, current_app\nfrom flask_login import current_user\n"
    )
    assert http_imports(module) == ["flask.abort", "flask_login.current_user"]


def test_the_domain_imports_no_flask_at_all():
    """Settings, templates and the app come through blog.runtime, the one door to Flask."""
    found = {
        name: [node.module for node in ast.walk(ast.parse(path.read_text()))
               if isinstance(node, ast.ImportFrom) and node.module
               and node.module.split(".")[0] in ("flask", "flask_login", "werkzeug")]
        for name, path in modules().items()
        if layer(name) == "domain"
    }
    assert {name: found for name, found in found.items() if found} == {}


def test_the_domain_speaks_no_http():
    found = {
        name: http_imports(path)
        for name, path in modules().items()
        if layer(name) == "domain" and http_imports(path)
    }
    assert found == {}
