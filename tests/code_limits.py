"""`make lint`'s size check: no function of cyclomatic complexity above 25, none over
120 lines. Reads radon's JSON (`radon cc -j`); prints each offender and exits 1.

    python tests/code_limits.py favorbook            # the whole package
    python tests/code_limits.py favorbook/services   # one folder

radon's grades do not fit the limit (its grade E starts at 31), so the numbers are
checked here.
"""

from __future__ import annotations

import json
import subprocess
import sys

MAX_COMPLEXITY = 25
MAX_LINES = 120


def offenders(blocks: dict[str, list[dict]]) -> list[str]:
    """One line per function or method over a limit, from ``radon cc -j``'s output."""
    found = []

    def visit(path: str, block: dict, owner: str) -> None:
        name = f"{owner}.{block['name']}" if owner else block["name"]
        if block["type"] in ("function", "method"):
            lines = block["endline"] - block["lineno"] + 1
            why = []
            if block["complexity"] > MAX_COMPLEXITY:
                why.append(f"complexity {block['complexity']} > {MAX_COMPLEXITY}")
            if lines > MAX_LINES:
                why.append(f"{lines} lines > {MAX_LINES}")
            if why:
                found.append(f"{path}:{block['lineno']} {name}: {', '.join(why)}")
        for inner in block.get("methods", []) + block.get("closures", []):
            visit(path, inner, name if block["type"] == "class" else f"{name}.<locals>")

    for path, items in sorted(blocks.items()):
        if isinstance(items, dict):  # radon could not parse the file
            found.append(f"{path}: radon failed: {items.get('error')}")
            continue
        for block in items:
            if block["type"] == "method":
                continue  # listed under its class as well
            visit(path, block, "")
    return found


def main(paths: list[str]) -> int:
    out = subprocess.run(
        [sys.executable, "-m", "radon", "cc", "-j", *(paths or ["favorbook"])],
        capture_output=True,
        text=True,
        check=True,
    )
    found = offenders(json.loads(out.stdout))
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
