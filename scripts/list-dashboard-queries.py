#!/usr/bin/env python3
"""Lists every PromQL expression of the Grafana dashboards and the rule files.

Prints one JSON object per line:

    {"source": "dashboards/grpc-prometheus.json:Server: RPC rate", "expr": "..."}
    {"source": "rules/grpc-alerts.rules.yml:GRPCServerHighErrorRatio", "expr": "..."}

so a test can evaluate them all against a live Prometheus. Sources are
"<file relative to the repository>:<panel title>" for panel targets,
"<file>:templating $<name>" for the series selector inside a variable's
label_values(...) query, and "<file>:<record or alert name>" for rules.

Grafana variables are substituted so the expressions are plain PromQL:
$job, $instance, $grpc_service, $grpc_method (also ${name} and [[name]])
become .+ and $__rate_interval, $__range, $__interval become 1m. Any other
variable left in an expression is an error (exit status 1).

Usage: scripts/list-dashboard-queries.py [--root DIR] [FILE ...]
  FILE   dashboards (*.json) and rule files (*.yml/*.yaml); by default
         dashboards/*.json and rules/*.rules.yml under the repository root.

Standard library only: the rule files are read with a small YAML subset reader
that understands record:/alert:/expr: entries with plain, quoted, literal (|)
and folded (>) scalars.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LABEL_VARIABLES = ("job", "instance", "grpc_service", "grpc_method")
INTERVAL_VARIABLES = ("__rate_interval", "__range", "__interval")

_VARIABLE = re.compile(
    r"\$\{(?P<braced>\w+)(?::\w+)?\}|\[\[(?P<bracketed>\w+)(?::\w+)?\]\]|\$(?P<plain>\w+)"
)


def substitute(expr: str) -> tuple[str, list[str]]:
    """Returns expr with the known variables replaced, and the unknown ones found."""
    unknown: list[str] = []

    def replace(match: re.Match) -> str:
        name = match.group("braced") or match.group("bracketed") or match.group("plain")
        if name in LABEL_VARIABLES:
            return ".+"
        if name in INTERVAL_VARIABLES:
            return "1m"
        unknown.append(match.group(0))
        return match.group(0)

    return _VARIABLE.sub(replace, expr), unknown


# --- dashboards -----------------------------------------------------------------------------

_LABEL_VALUES = re.compile(r"^\s*label_values\s*\((?P<args>.*)\)\s*$", re.DOTALL)


def _label_values_selector(query: str) -> str | None:
    """The series selector of label_values(selector, label), or None."""
    match = _LABEL_VALUES.match(query)
    if not match:
        return None
    args = match.group("args")
    # Split at the last top-level comma: label names have no commas or braces.
    depth = 0
    split = -1
    in_string = None
    for index, char in enumerate(args):
        if in_string:
            if char == "\\":
                continue
            if char == in_string:
                in_string = None
        elif char in "\"'`":
            in_string = char
        elif char in "({[":
            depth += 1
        elif char in ")}]":
            depth -= 1
        elif char == "," and depth == 0:
            split = index
    if split < 0:
        return None  # label_values(label): no selector
    selector = args[:split].strip()
    return selector or None


def _panels(panels: list) -> list:
    out = []
    for panel in panels or []:
        out.append(panel)
        # Collapsed rows keep their panels inside the row.
        out.extend(_panels(panel.get("panels", [])))
    return out


def dashboard_queries(path: str, source: str) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8") as handle:
        dashboard = json.load(handle)
    if "dashboard" in dashboard and "panels" not in dashboard:
        dashboard = dashboard["dashboard"]  # the API's {"dashboard": ...} wrapping
    queries: list[tuple[str, str]] = []
    for panel in _panels(dashboard.get("panels", [])):
        title = panel.get("title") or f"panel {panel.get('id')}"
        for target in panel.get("targets", []) or []:
            expr = target.get("expr")
            if isinstance(expr, str) and expr.strip() and not target.get("hide"):
                queries.append((f"{source}:{title}", expr))
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        if isinstance(query, dict):
            query = query.get("query")
        if not isinstance(query, str):
            continue
        selector = _label_values_selector(query)
        if selector is None and not query.strip().startswith(("label_values", "label_names",
                                                              "metrics", "query_result")):
            selector = query.strip() or None
        elif selector is None:
            match = re.match(r"^\s*query_result\s*\((?P<q>.*)\)\s*$", query, re.DOTALL)
            selector = match.group("q").strip() if match else None
        if selector:
            queries.append((f"{source}:templating ${variable.get('name')}", selector))
    return queries


# --- rule files (a YAML subset) -------------------------------------------------------------

_KEY = re.compile(r"^(?P<indent>\s*)(?:-\s+)?(?P<key>record|alert|expr)\s*:\s*(?P<value>.*)$")


def _unquote(value: str) -> str:
    value = value.strip()
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        return json.loads(value)  # YAML double-quoted escapes are a superset of JSON's
    if value.startswith("'") and value.endswith("'") and len(value) >= 2:
        return value[1:-1].replace("''", "'")
    # A plain scalar: drop a trailing comment.
    return re.sub(r"\s+#.*$", "", value)


def _block(lines: list[str], start: int, parent_indent: int, style: str) -> tuple[str, int]:
    """Reads a literal (|) or folded (>) block scalar starting at lines[start]."""
    body: list[str] = []
    indent = None
    index = start
    while index < len(lines):
        line = lines[index]
        if line.strip() == "":
            body.append("")
            index += 1
            continue
        current = len(line) - len(line.lstrip(" "))
        if current <= parent_indent:
            break
        if indent is None:
            indent = current
        if current < indent:
            break
        body.append(line[indent:])
        index += 1
    while body and body[-1] == "":
        body.pop()
    if style.startswith(">"):
        text, paragraph = [], []
        for line in body:
            if line == "" or line.startswith((" ", "\t")):
                if paragraph:
                    text.append(" ".join(paragraph))
                    paragraph = []
                text.append(line)
            else:
                paragraph.append(line)
        if paragraph:
            text.append(" ".join(paragraph))
        return "\n".join(text), index
    return "\n".join(body), index


def _plain_continuation(lines: list[str], start: int, parent_indent: int) -> tuple[list[str], int]:
    """Continuation lines of a multi-line plain or quoted scalar."""
    parts = []
    index = start
    while index < len(lines):
        line = lines[index]
        if line.strip() == "":
            break
        current = len(line) - len(line.lstrip(" "))
        if current <= parent_indent or _KEY.match(line) or re.match(r"^\s*[\w.-]+\s*:(\s|$)", line):
            break
        parts.append(line.strip())
        index += 1
    return parts, index


def rule_queries(path: str, source: str) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    queries: list[tuple[str, str]] = []
    name = None
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _KEY.match(line)
        index += 1
        if not match or line.lstrip().startswith("#"):
            continue
        key, value = match.group("key"), match.group("value").strip()
        if key in ("record", "alert"):
            name = _unquote(value)
            continue
        # expr
        key_indent = len(match.group("indent")) + (2 if line.lstrip().startswith("-") else 0)
        if value.startswith(("|", ">")):
            expr, index = _block(lines, index, key_indent, value)
        else:
            more, index = _plain_continuation(lines, index, key_indent)
            expr = _unquote(" ".join([value] + more)) if value or more else ""
        queries.append((f"{source}:{name or 'rule'}", expr.strip()))
        name = None
    return queries


# --- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=REPO_ROOT, help="repository root (default: this repo)")
    parser.add_argument("files", nargs="*", help="dashboards (*.json) and rule files (*.yml)")
    args = parser.parse_args(argv)
    root = os.path.abspath(args.root)

    files = [os.path.abspath(f) for f in args.files] or (
        sorted(glob.glob(os.path.join(root, "dashboards", "*.json")))
        + sorted(glob.glob(os.path.join(root, "rules", "*.rules.yml")))
    )
    if not files:
        print(f"no dashboards or rule files under {root}", file=sys.stderr)
        return 1

    status = 0
    for path in files:
        source = os.path.relpath(path, root)
        if source.startswith(".."):
            source = path
        if path.endswith(".json"):
            queries = dashboard_queries(path, source)
        else:
            queries = rule_queries(path, source)
        for where, expr in queries:
            substituted, unknown = substitute(expr)
            if unknown:
                print(f"{where}: unknown variables {', '.join(unknown)} in {expr!r}",
                      file=sys.stderr)
                status = 1
            print(json.dumps({"source": where, "expr": substituted}, ensure_ascii=False))
    return status


if __name__ == "__main__":
    sys.exit(main())
