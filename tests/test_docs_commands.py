"""Every `console` block in README.md and docs/*.md is run and its output compared, so the docs cannot drift.

A block is a shell session: `$ COMMAND` lines, each followed by the output it prints (stdout and stderr
together). The commands run in one bash, in the repository root, against the shipped examples, with the
environment of a plain pipe (no terminal, no colour, not in CI).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = (REPO / "README.md", *sorted((REPO / "docs").glob("*.md")))
CONSOLE_BLOCK = re.compile(r"^```console\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
MARKER = "@@planlint-docs-step@@"
# Variables that change planlint's output (layout, colour, context of the "Next" steps).
CLEARED = ("COLUMNS", "NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "PRE_COMMIT", "PLANLINT_CONFIG", "CI")


def console_blocks() -> list[tuple[str, str]]:
    """(where, block text) for every console block, `where` as `docs/x.md:LINE`."""
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for match in CONSOLE_BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((f"{path.relative_to(REPO)}:{line}", match.group(1)))
    return found


def session(block: str) -> list[tuple[str, str]]:
    """The block as (command, expected output) pairs."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            assert steps, f"output before the first `$ ` command: {line!r}"
            steps[-1][1].append(line)
    return [(command, _normal("\n".join(lines))) for command, lines in steps]


def run_session(commands: list[str]) -> list[str]:
    """Run the commands in one bash (so `echo $?` sees the previous command); the output of each."""
    script = ["set +e"]
    for command in commands:
        # the marker must not change $?, which the next command (often `echo $?`) reads
        script += ["__rc=$?", f"printf '%s\\n' {MARKER}", "( exit $__rc )", f"{{ {command}\n}} 2>&1"]
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    parts = done.stdout.split(MARKER + "\n")[1:]
    assert len(parts) == len(commands), done.stdout + done.stderr
    return [_normal(part) for part in parts]


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


BLOCKS = console_blocks()


def test_the_docs_have_console_blocks_to_run() -> None:
    where = {w.split(":")[0] for w, _ in BLOCKS}
    assert "README.md" in where and len(BLOCKS) >= 3, where


@pytest.mark.parametrize(("where", "block"), BLOCKS, ids=[w for w, _ in BLOCKS])
def test_console_block_runs_as_documented(where: str, block: str) -> None:
    steps = session(block)
    outputs = run_session([command for command, _ in steps])
    for (command, expected), actual in zip(steps, outputs, strict=True):
        assert actual == expected, f"{where}: `{command}` printed:\n{actual}"


def test_configuration_example_validates_as_written(tmp_path: Path) -> None:
    """docs/configuration.md's example policy, copied as it stands, passes `planlint config validate`."""
    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    example = re.search(r"## Example\n\n```yaml\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert example, "docs/configuration.md has no ## Example yaml block"
    policy = tmp_path / ".planlint.yml"
    policy.write_text(example.group(1), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    done = subprocess.run(
        [sys.executable, "-m", "planlint", "config", "validate", str(policy)],
        capture_output=True, text=True, cwd=tmp_path, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


PINNED = re.compile(r"(?:rev:\s*|uses:\s*planlint/planlint@)([\w.\-]+)")


def test_docs_and_examples_pin_refs_that_exist() -> None:
    """`rev:` (pre-commit) and `uses: planlint/planlint@` (workflows) name a ref this repository has."""
    tags = subprocess.run(
        ["git", "tag"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.split()
    files = [*DOCS, REPO / ".pre-commit-hooks.yaml", *sorted((REPO / "examples").rglob("*.yml"))]
    for path in files:
        for ref in PINNED.findall(path.read_text(encoding="utf-8")):
            assert ref == "main" or ref in tags or re.fullmatch(r"[0-9a-f]{40}", ref), (path.name, ref)


# The variables that point the tests at ../shared's data when the clone is not next to it.
SHARED_DATA_VARIABLES = ("PLANLINT_CORPUS", "PLANLINT_CASES")


def test_readme_set_up_is_two_commands_and_says_how_to_point_the_tests_at_the_corpus() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in section.splitlines() if line.startswith("    python3 -m venv .venv && ")]
    assert len(commands) == 2, commands
    tests_text = "".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "tests").rglob("*.py")))
    for name in SHARED_DATA_VARIABLES:
        assert f'os.environ.get("{name}"' in tests_text, name  # the tests really read it
        assert f"`{name}=" in section, name
