"""Mutation testing of planlint's security core: would the test suite notice a bug that lets a destructive
change through?

    python scripts/mutation_test.py                      # every security-core module (slow: tens of minutes)
    python scripts/mutation_test.py planlint/digest.py   # one module
    python scripts/mutation_test.py --list               # print the mutants, run nothing
    python scripts/mutation_test.py --jobs 2 --json out.json

Each mutant is one small, typical bug made by rewriting the module's source through its syntax tree
(operators from the mutation-testing literature, as mutmut and cosmic-ray use them):

- a comparison turned around (`==`/`!=`, `<`/`<=`, `>`/`>=`, `in`/`not in`, `is`/`is not`);
- `and` swapped with `or`; a `not` dropped; `True` swapped with `False`; `any(` swapped with `all(`;
- an integer changed (`0`/`1` swapped, any other `n` made `n + 1`: exit codes, thresholds, indexes);
- a `raise` replaced by `pass` (the fail-open bug: an error that is no longer raised);
- a `continue` replaced by `pass`, and a `return X` of a boolean-looking expression negated.

A mutant is applied to a scratch copy of the repository and the tests mapped to its module (``TESTS``) run
against that copy (``PYTHONPATH`` puts it before the installed package, for subprocesses too). Killed:
the tests fail or run out of time. Survived: they pass. The script prints the score per module and every
survivor with its place and code; `scripts/mutation_survivors.md` explains the ones that remain.
Not part of CI (too slow on two cores): a documented command, run before a release and after changes
to the security core.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_LOADER_TESTS = ("tests/test_properties.py", "tests/test_corpus_precision.py", "tests/test_golden.py")
_CFN_TESTS = (
    "tests/test_cfn_refusals.py",
    "tests/test_loader_cloudformation.py",
    "tests/test_cfn_malformed_fields.py",
    "tests/test_cfn_nested_child_matching.py",
    "tests/test_cfn_deletion_policy_changes.py",
    "tests/test_cfn_change_details.py",
    "tests/test_cfn_execution_status.py",
    *_LOADER_TESTS,
)
_TERRAFORM_TESTS = (
    "tests/test_loader_terraform.py",
    "tests/test_loader_terraform_actions.py",
    "tests/test_loader_terraform_destroy_mode.py",
    "tests/test_loader_terraform_removed_module.py",
    "tests/test_loader_opentofu_tool.py",
    "tests/test_counted_no_ops.py",
    "tests/test_values_asked_twice.py",
    "tests/test_plan_buffers.py",
    "tests/test_plan_section_shapes.py",
    "tests/test_input_detection.py",
    "tests/test_security_core.py",
    *_LOADER_TESTS,
    "tests/test_real_terraform.py",
)
# the screen's and hooks' tables, then guard's flows that act on a kind
_CLASSIFY_TESTS = (
    "tests/guard/test_guard_kinds.py",
    "tests/guard/test_guard_classify_allowlist.py",
    "tests/guard/test_command_tables.py",
    "tests/guard/test_guard_parser.py",
    "tests/guard/test_hook_tools.py",
    "tests/guard/test_env_split_string.py",
    "tests/guard/test_hook_attacks.py",
    "tests/guard/test_guard_hooks.py",
    "tests/guard/test_guard_terraform.py",
    "tests/guard/test_guard_cloudformation.py",
    "tests/guard/test_guard_bound_inputs.py",
    "tests/guard/test_hook_option_spellings.py",
    "tests/guard/test_guard_iac_inputs.py",
    "tests/guard/test_guard_iac_input_clis.py",
    "tests/guard/test_hook_data_deletes.py",
    "tests/test_start_up_imports.py",  # the hook's path imports no `typing` (TYPE_CHECKING stays False)
)
_APPROVAL_TESTS = (
    "tests/guard/test_approval_boundaries.py",
    "tests/guard/test_approval_record_shapes.py",
    "tests/guard/test_guard_approvals.py",
)
# The engine, its condition groups and its attribute conditions (condition_groups.py, conditions.py) are
# judged by the same tests.
_ENGINE_TESTS = (
    "tests/test_rule_attribute_conditions.py",
    "tests/test_rule_element_conditions.py",
    "tests/test_finding_message_text.py",
    "tests/test_kind_unreadable.py",
    "tests/test_protect_sensitive_tags.py",
    "tests/test_custom_rule_match.py",
    "tests/test_rule_cases.py",
    "tests/test_rule_messages.py",
    "tests/test_blast_radius.py",
    "tests/test_security_core.py",
    "tests/test_corpus_precision.py",
    "tests/test_golden.py",
)
# The security core (issue: "loaders, engine, decision, digest, gate approval, approval verification,
# guard classification") and the tests that guard each module, most focused first (`-x` stops at the first
# failure, so a killed mutant costs little).
TESTS: dict[str, tuple[str, ...]] = {
    "planlint/loaders/__init__.py": (
        "tests/test_input_detection.py",
        "tests/test_loader_pulumi.py",
        "tests/test_security_core.py",
        "tests/test_loader_terraform.py",
        "tests/test_plan_buffers.py",
        "tests/test_counted_no_ops.py",
        "tests/test_stacks.py",
        "tests/test_pulumi_preview_shapes.py",
        "tests/test_cli.py",
        *_CFN_TESTS,
    ),
    "planlint/loaders/terraform.py": _TERRAFORM_TESTS,
    # split out of terraform.py: its changes one at a time, their attribute values (redaction), plan facts
    "planlint/loaders/terraform_changes.py": _TERRAFORM_TESTS,
    "planlint/loaders/terraform_values.py": tuple(
        dict.fromkeys(("tests/test_values_asked_twice.py", "tests/test_plan_buffers.py", *_TERRAFORM_TESTS))
    ),
    "planlint/loaders/terraform_facts.py": tuple(
        dict.fromkeys(
            (
                "tests/test_loader_terraform_destroy_mode.py",
                "tests/test_loader_terraform_removed_module.py",
                "tests/test_loader_opentofu_tool.py",
                *_TERRAFORM_TESTS,
            )
        )
    ),
    "planlint/loaders/cloudformation.py": _CFN_TESTS,
    "planlint/loaders/cfn_change.py": _CFN_TESTS,
    "planlint/loaders/cfn_policy.py": _CFN_TESTS,
    "planlint/loaders/pulumi.py": (
        "tests/test_loader_pulumi.py",
        "tests/test_pulumi_preview_shapes.py",
        "tests/test_catalogue_pulumi.py",
        *_LOADER_TESTS,
    ),
    "planlint/engine.py": _ENGINE_TESTS,
    "planlint/condition_groups.py": _ENGINE_TESTS,
    "planlint/conditions.py": _ENGINE_TESTS,
    "planlint/decision.py": (
        "tests/test_security_core.py",
        "tests/test_cli.py",
        "tests/gate/test_gate_scenarios.py",
        "tests/test_golden.py",
    ),
    "planlint/digest.py": ("tests/test_digest.py", "tests/test_security_core.py", "tests/test_golden.py"),
    "planlint/redact.py": (
        "tests/test_security_core.py",
        "tests/test_loader_terraform.py",
        "tests/test_golden.py",
    ),
    "planlint/gate/approval.py": (  # the gate tests that judge approvals (not the API client or run task)
        "tests/gate/test_gate_boundaries.py",
        "tests/gate/test_gate_scenarios.py",
        "tests/gate/test_gate_modes.py",
        "tests/gate/test_gate_action.py",
    ),
    "planlint/approvals/verify.py": _APPROVAL_TESTS,
    "planlint/approvals/record.py": _APPROVAL_TESTS,
    "planlint/guard/classify.py": _CLASSIFY_TESTS,
    "planlint/guard/classify_cfn.py": _CLASSIFY_TESTS,
}
TIMEOUT_S = 300

_COMPARE_SWAP = {
    ast.Eq: "!=",
    ast.NotEq: "==",
    ast.Lt: "<=",
    ast.LtE: "<",
    ast.Gt: ">=",
    ast.GtE: ">",
    ast.In: "not in",
    ast.NotIn: "in",
    ast.Is: "is not",
    ast.IsNot: "is",
}
_COMPARE_TEXT = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}


@dataclass(frozen=True, slots=True)
class Mutant:
    """One mutation: replace source[start:end] (character offsets into the module's text) by `new`."""

    module: str
    line: int
    operator: str
    start: int
    end: int
    old: str
    new: str


def _offsets(text: str) -> list[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _unmutated_constants(tree: ast.AST) -> set[int]:
    """Constants no mutant touches: docstrings, and the options of a class's construction (`@dataclass(
    frozen=True, slots=True)`, `class X(msgspec.Struct, gc=False)`). Those options decide mutability,
    memory layout and garbage-collector tracking; no code path reads them, so flipping one is an
    equivalent mutant (mypy --strict is what holds frozen records frozen: it rejects any assignment)."""
    nodes: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                nodes.add(id(first.value))
        if isinstance(node, ast.ClassDef):
            options = [*node.keywords]
            options += [k for d in node.decorator_list if isinstance(d, ast.Call) for k in d.keywords]
            nodes.update(id(k.value) for k in options if isinstance(k.value, ast.Constant))
    return nodes


def mutants_of(module: str) -> Iterator[Mutant]:
    """Every mutant of one module, in source order. Offsets are into the file's text as read."""
    text = (REPO / module).read_text(encoding="utf-8")
    tree = ast.parse(text)
    starts = _offsets(text)

    def at(line: int, col: int) -> int:
        # ast columns are UTF-8 byte offsets; convert within the line
        line_text = text[starts[line - 1] : starts[line]]
        return starts[line - 1] + len(line_text.encode("utf-8")[:col].decode("utf-8"))

    def span(node: ast.AST) -> tuple[int, int]:
        return at(node.lineno, node.col_offset), at(node.end_lineno or node.lineno, node.end_col_offset or 0)

    def gap(
        left: ast.AST, right: ast.AST, word: str, new: str, *, operator: str, line: int
    ) -> Iterator[Mutant]:
        lo, hi = span(left)[1], span(right)[0]
        between = text[lo:hi]
        index = _find_word(between, word)
        if index >= 0:
            yield Mutant(module, line, operator, lo + index, lo + index + len(word), word, new)

    skip = _unmutated_constants(tree)
    found: list[Mutant] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            left = node.left
            for op, right in zip(node.ops, node.comparators, strict=True):
                found.extend(
                    gap(
                        left,
                        right,
                        _COMPARE_TEXT[type(op)],
                        _COMPARE_SWAP[type(op)],
                        operator="compare",
                        line=node.lineno,
                    )
                )
                left = right
        elif isinstance(node, ast.BoolOp):
            word, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
            for left, right in zip(node.values, node.values[1:], strict=False):
                found.extend(gap(left, right, word, new, operator="boolean", line=node.lineno))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            lo, _ = span(node)
            found.append(Mutant(module, node.lineno, "drop-not", lo, span(node.operand)[0], "not ", ""))
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool) and id(node) not in skip:
            lo, hi = span(node)
            found.append(
                Mutant(module, node.lineno, "constant", lo, hi, str(node.value), str(not node.value))
            )
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            lo, hi = span(node)
            new = {0: "1", 1: "0"}.get(node.value, str(node.value + 1))
            found.append(Mutant(module, node.lineno, "number", lo, hi, text[lo:hi], new))
        elif (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("any", "all")
        ):
            lo, hi = span(node.func)
            new = "all" if node.func.id == "any" else "any"
            found.append(Mutant(module, node.lineno, "any-all", lo, hi, node.func.id, new))
        elif isinstance(node, (ast.Raise, ast.Continue)):
            lo, hi = span(node)
            kind = "drop-raise" if isinstance(node, ast.Raise) else "drop-continue"
            found.append(Mutant(module, node.lineno, kind, lo, hi, text[lo:hi], "pass"))
        elif isinstance(node, ast.Return) and isinstance(node.value, (ast.Compare, ast.BoolOp)):
            lo, hi = span(node.value)
            found.append(
                Mutant(module, node.lineno, "negate-return", lo, hi, text[lo:hi], f"not ({text[lo:hi]})")
            )
    yield from sorted(found, key=lambda m: (m.start, m.operator))


def _find_word(text: str, word: str) -> int:
    """Index of `word` as a whole token in `text` (outside nothing fancier: the gap holds only punctuation)."""
    index = text.find(word)
    while index >= 0:
        before = text[index - 1] if index else " "
        after = text[index + len(word)] if index + len(word) < len(text) else " "
        if word[0].isalpha():
            if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
                return index
        elif not (word in ("<", ">") and after == "="):
            return index
        index = text.find(word, index + 1)
    return -1


def _copy_repo(into: Path) -> Path:
    target = into / "repo"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"
    )
    shutil.copytree(REPO, target, ignore=ignore)
    return target


def _run_tests(copy: Path, tests: tuple[str, ...], timeout: float) -> tuple[bool, float, bool]:
    """(the tests passed, seconds taken, a stage ran out of time). A timeout counts as killed (a mutant
    can loop forever) but is reported apart: on a busy machine an unmutated run can take that long too."""
    env = dict(os.environ, PYTHONPATH=str(copy))
    # Bytecode caching is what makes a run cheap (compiling the tests and the package costs more than
    # many tests take); _drop_bytecode keeps the mutated module's cache honest.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PLANLINT_CORPUS", str(REPO.parent / "shared" / "corpus"))
    env.setdefault("PLANLINT_PROPERTY_EXAMPLES", "40")  # the property tests' cost dominates survivors' runs
    started = time.monotonic()
    # The most focused file alone first: most mutants die there, without collecting the slow files
    # (the corpus-wide ones read every corpus file just to collect). Survivors pay one extra start.
    stages = [tests[:1], tests[1:]] if len(tests) > 1 else [tests]
    for stage in stages:
        try:
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *stage],
                cwd=copy,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return False, time.monotonic() - started, True
        if done.returncode != 0:
            return False, time.monotonic() - started, False
    return True, time.monotonic() - started, False


def _drop_bytecode(path: Path) -> None:
    """Remove the cached bytecode of one module. A pyc is trusted while the source's size and mtime (whole
    seconds) match, which a same-length mutant written within the same second would, so the mutated module
    is always compiled afresh; every other module's bytecode stays cached across runs."""
    for cached in (path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"):
        cached.unlink()


def _worker(
    mutants: list[Mutant], results: dict[Mutant, bool], progress: bool, timeout: float, timed_out: set[Mutant]
) -> None:
    with tempfile.TemporaryDirectory(prefix="planlint-mutants-") as scratch:
        copy = _copy_repo(Path(scratch))
        for mutant in mutants:
            path = copy / mutant.module
            original = (REPO / mutant.module).read_text(encoding="utf-8")
            path.write_text(original[: mutant.start] + mutant.new + original[mutant.end :], encoding="utf-8")
            _drop_bytecode(path)
            passed, seconds, late = _run_tests(copy, TESTS[mutant.module], timeout)
            path.write_text(original, encoding="utf-8")
            _drop_bytecode(path)
            results[mutant] = passed
            if late:
                timed_out.add(mutant)
            if progress:
                verdict = "SURVIVED" if passed else ("killed (timed out)" if late else "killed")
                print(
                    f"{mutant.module}:{mutant.line} {mutant.operator} {verdict} ({seconds:.1f}s)", flush=True
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("modules", nargs="*", help="modules to mutate (default: the whole security core)")
    parser.add_argument("--list", action="store_true", help="print the mutants and run nothing")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once (default 1)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--quiet", action="store_true", help="no per-mutant progress lines")
    parser.add_argument(
        "--timeout",
        type=float,
        default=TIMEOUT_S,
        help=f"seconds a stage of a mutant's tests may take before it counts as killed (default {TIMEOUT_S})",
    )
    parser.add_argument(
        "--rerun",
        type=Path,
        metavar="JSON",
        help="a --json file of an earlier run: test again only its survivors (and mutants it lacks); "
        "the mutants it recorded as killed count as killed",
    )
    args = parser.parse_args(argv)
    modules = args.modules or list(TESTS)
    unknown = [m for m in modules if m not in TESTS]
    if unknown:
        parser.error(f"not a security-core module with mapped tests: {', '.join(unknown)}")
    mutants = [m for module in modules for m in mutants_of(module)]
    if args.list:
        for m in mutants:
            print(f"{m.module}:{m.line} {m.operator}: {m.old!r} -> {m.new!r}")
        print(f"{len(mutants)} mutants")
        return 0
    for module in modules:  # the unmutated code must pass its tests, or every mutant looks killed
        with tempfile.TemporaryDirectory(prefix="planlint-baseline-") as scratch:
            passed, _, _ = _run_tests(_copy_repo(Path(scratch)), TESTS[module], args.timeout)
        if not passed:
            print(f"baseline fails for {module}: fix the tests first", file=sys.stderr)
            return 2
    results: dict[Mutant, bool] = {}
    if args.rerun is not None:
        killed_before = {  # a timeout is tested again: it may have been the machine, not the mutant
            _key(row)
            for row in json.loads(args.rerun.read_text())
            if not row["survived"] and not row.get("timed_out")
        }
        results = {m: False for m in mutants if _key(asdict(m)) in killed_before}
    todo = [m for m in mutants if m not in results]
    shards = [todo[i :: args.jobs] for i in range(args.jobs)]
    timed_out: set[Mutant] = set()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for future in [
            pool.submit(_worker, shard, results, not args.quiet, args.timeout, timed_out) for shard in shards
        ]:
            future.result()
    return _report(modules, mutants, results, args.json, timed_out)


def _key(row: dict[str, object]) -> tuple[object, ...]:
    """A mutant's identity across runs (offsets move when lines are added above it; this does not)."""
    return (row["module"], row["line"], row["operator"], row["old"], row["new"])


def _report(
    modules: list[str],
    mutants: list[Mutant],
    results: dict[Mutant, bool],
    out: Path | None,
    timed_out: set[Mutant],
) -> int:
    print("\nmodule | mutants | killed | score")
    for module in modules:
        mine = [m for m in mutants if m.module == module]
        killed = sum(1 for m in mine if not results[m])
        score = 100.0 * killed / len(mine) if mine else 100.0
        print(f"{module} | {len(mine)} | {killed} | {score:.1f}%")
    total_killed = sum(1 for m in mutants if not results[m])
    print(f"total | {len(mutants)} | {total_killed} | {100.0 * total_killed / max(len(mutants), 1):.1f}%")
    survivors = [m for m in mutants if results[m]]
    if survivors:
        print("\nsurvivors:")
        for m in survivors:
            print(f"  {m.module}:{m.line} {m.operator}: {m.old!r} -> {m.new!r}")
    late = [m for m in mutants if m in timed_out]
    if late:
        print("\ntimed out (counted as killed; on a busy machine, rerun them with a larger --timeout):")
        for m in late:
            print(f"  {m.module}:{m.line} {m.operator}: {m.old!r} -> {m.new!r}")
    if out is not None:
        rows = [dict(asdict(m), survived=results[m], timed_out=m in timed_out) for m in mutants]
        out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
