#!/usr/bin/env python3
"""Import cycles between the modules of a Rust crate's source tree.

    scripts/module_cycles.py app/src server/src simulation/src

Reads each file's `crate::...` and `super::...` paths (outside `mod tests`),
resolves each to the deepest module file it names, and prints the strongly
connected components of that graph (Tarjan) with more than one module:
"none" when the crate's modules form no cycle. Standard library only.
"""

import os
import re
import sys


def modules(root):
    files = {}
    for directory, _, names in os.walk(root):
        for name in names:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(directory, name)
            parts = os.path.relpath(path, root)[:-3].split("/")
            if parts[-1] in ("lib", "main"):
                parts = parts[:-1]
            if parts and parts[-1] == "mod":
                parts = parts[:-1]
            files["::".join(parts)] = path
    return files


def edges(files):
    graph = {module: set() for module in files}
    for module, path in files.items():
        text = re.sub(r"#\[cfg\(test\)\]\s*mod tests \{.*", "", open(path).read(), flags=re.S)
        parent = module.rsplit("::", 1)[0] if "::" in module else ""
        refs = set(re.findall(r"crate::([a-z_][a-z_0-9]*(?:::[a-z_][a-z_0-9]*)*)", text))
        for ref in re.findall(r"super::([a-z_][a-z_0-9]*(?:::[a-z_][a-z_0-9]*)*)", text):
            refs.add(f"{parent}::{ref}" if parent else ref)
        for block in re.findall(r"crate::\{([^}]*)\}", text):
            refs.update(part.strip().split(" ")[0] for part in block.split(",") if part.strip())
        for ref in refs:
            parts = ref.split("::")
            for k in range(len(parts), 0, -1):
                candidate = "::".join(parts[:k])
                if candidate in files and candidate != module:
                    graph[module].add(candidate)
                    break
    return graph


def cycles(graph):
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return found


def main():
    status = 0
    for root in sys.argv[1:]:
        graph = edges(modules(root))
        found = cycles(graph)
        print(f"{root}: cycles: {found if found else 'none'}")
        status |= bool(found)
    sys.exit(status)


if __name__ == "__main__":
    main()
