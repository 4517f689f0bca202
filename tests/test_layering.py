"""The floor plan holds: imports run one way, and no module imports itself round a circle.

`common` imports no app; `stations` ← `elections` ← `observers` ← `complaints` ← `integrity`
← `transparency`, `integrity` ← `standards`, and `elections` ← `forensics` ← `integrity`
(whose page lists the forensic signals); `config` wires and may import anything, and nothing
but Django (settings, URLs, WSGI, Celery) imports `config`; `elections.public` and
`standards` import no service, task or protocol model. Imports inside functions count too: a
deferred import is still a dependency. Migrations and tests are outside the plan.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each package and the project's packages it may import.
MAY_IMPORT: dict[str, set[str]] = {
    "common": set(),
    "stations": {"common"},
    "elections": {"common", "stations"},
    "observers": {"common", "stations", "elections"},
    "complaints": {"common", "stations", "elections", "observers"},
    "integrity": {"common", "stations", "elections", "observers", "complaints", "forensics"},
    "forensics": {"common", "stations", "elections"},
    "transparency": {"common", "stations", "elections", "observers", "complaints", "integrity"},
    "standards": {"common", "stations", "elections", "observers", "complaints", "integrity"},
    "config": {
        "common",
        "stations",
        "elections",
        "observers",
        "complaints",
        "integrity",
        "forensics",
        "transparency",
        "standards",
    },
}
# Inside a package, what a part must not import: the public site reads published records,
# tallies and the structure, never protocols or the services that change them.
MUST_NOT_IMPORT: dict[str, tuple[str, ...]] = {
    "elections.public": (
        "elections.services",
        "elections.models.protocols",
        "elections.models.Protocol",
        "elections.models.ProtocolEntry",
        "elections.models.ProtocolVote",
        "elections.models.ProtocolEvent",
        "elections.tasks",
    ),
}
# The open standards' files are public files too: the same published records, nothing else.
MUST_NOT_IMPORT["standards"] = MUST_NOT_IMPORT["elections.public"]


def imports_of(source: str, module: str) -> set[str]:
    """The project modules a module's source imports (absolute names)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing module's package
                base = module.split(".")[: -node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in MAY_IMPORT}


def project_modules() -> dict[str, str]:
    """Every module of the plan's packages, by dotted name, with its source."""
    modules = {}
    for package in MAY_IMPORT:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path.read_text()
    return modules


def violations(modules: dict[str, str]) -> list[str]:
    """Imports against the plan's direction, as "importer -> imported"."""
    found = []
    for name, source in sorted(modules.items()):
        home = name.split(".")[0]
        for target in sorted(imports_of(source, name)):
            floor = target.split(".")[0]
            if floor != home and floor not in MAY_IMPORT[home]:
                found.append(f"{name} -> {target}")
            for part, forbidden in MUST_NOT_IMPORT.items():
                inside = name == part or name.startswith(f"{part}.")
                if inside and any(target == f or target.startswith(f"{f}.") for f in forbidden):
                    found.append(f"{name} -> {target}")
    return found


def circles(modules: dict[str, str]) -> list[list[str]]:
    """Each import circle among the modules, once (depth-first search for back edges)."""
    graph = {
        name: {t for t in imports_of(source, name) if t in modules and t != name}
        for name, source in modules.items()
    }
    # A package's __init__ re-exporting its modules is not a circle with them.
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(f"{t}.")}
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_no_import_runs_against_the_floor_plan():
    assert violations(project_modules()) == []


def test_no_module_imports_itself_round_a_circle():
    assert circles(project_modules()) == []


def test_the_check_fails_when_a_forbidden_import_is_added():
    """Shown once: the checks see an upward import and a circle that a change would add."""
    modules = project_modules()
    before = set(violations(modules))
    modules["stations.models"] += "\nfrom observers.models import Note\n"
    modules["common.uploads"] += "\ndef later():\n    from config import settings\n"
    modules["elections.public.views"] += "\nfrom elections.models import Protocol\n"
    assert sorted(set(violations(modules)) - before) == [
        "common.uploads -> config",
        "common.uploads -> config.settings",
        "elections.public.views -> elections.models.Protocol",
        "stations.models -> observers.models",
        "stations.models -> observers.models.Note",
    ]
    modules = {"common.a": "from common import b", "common.b": "def f():\n    import common.a"}
    assert circles(modules) == [["common.a", "common.b", "common.a"]]
