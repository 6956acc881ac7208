"""`planlint pre-commit terraform|cloudformation`: what the hooks in .pre-commit-hooks.yaml run.

`terraform` finds the Terraform directories the commit touches from git (deleted files included: pre-commit
never passes those to a hook), compares each with the base revision and reports removed protections and
destroyed stateful blocks. `cloudformation FILE...` checks templates for missing retain policies. Both print
one `path:line: ...` line per finding, which editors and terminals turn into links.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from planlint.errors import ConfigError

if TYPE_CHECKING:
    from planlint.model import Plan, Verdict

HOOK_IDS = {"terraform": "planlint-terraform-source", "cloudformation": "planlint-cloudformation-template"}
HELP = (
    "Run planlint as a pre-commit hook. `terraform`: check every Terraform directory the commit changes "
    "(deleted .tf files included) against the base revision (HEAD, PRE_COMMIT_FROM_REF on pre-push, "
    "an empty base before the first commit). `cloudformation FILE...`: check templates. Prints "
    "`path:line: RULE enforcement/severity: message` lines. Exit 0 pass, 1 approval required, 2 error."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=("terraform", "cloudformation"), help="what the hook checks")
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="templates (cloudformation); ignored for terraform"
    )
    parser.add_argument("--base-ref", metavar="REF", help="compare with this revision (default HEAD)")
    parser.add_argument("-c", "--config", metavar="FILE", help="policy file (.planlint.yml)")
    parser.add_argument("--rules", action="append", default=[], metavar="DIR", help="extra rule directory")


def run(args: argparse.Namespace) -> int:
    from planlint.commands.check import policy_path
    from planlint.config import DEFAULT_POLICY, load_policy
    from planlint.decision import exit_code
    from planlint.pipeline import judge
    from planlint.report.lines import render

    config = policy_path(args)
    policy = load_policy(config) if config is not None else DEFAULT_POLICY
    if args.kind == "terraform":
        plans = terraform_plans(Path.cwd(), args.base_ref)
    else:
        if not args.files:
            raise ConfigError("`planlint pre-commit cloudformation` needs template files")
        from planlint.loaders import load_inputs

        plans = load_inputs(args.files, "cloudformation-template")
    verdict: Verdict = judge(plans, policy, args.rules)
    sys.stdout.write(render(verdict))
    code = exit_code(verdict.decision)
    if code == 1:
        sys.stdout.write(
            "A peer must approve this destructive change in the pull request. If the commit means it, skip "
            f"this hook for it (SKIP={HOOK_IDS[args.kind]} git commit ...); the pull request gate then asks a peer.\n"
        )
    return code


def terraform_plans(cwd: Path, base_ref: str | None) -> list[Plan]:
    """One source Plan per changed Terraform directory: base revision vs working tree."""
    import tempfile

    from planlint.source.changed import change_scope
    from planlint.source.gitbase import export_ref
    from planlint.source.index import SourceIndex, build_index
    from planlint.source.protection import source_plan

    scope = change_scope(cwd, base_ref)
    if not scope.roots:
        return []
    plans: list[Plan] = []
    with tempfile.TemporaryDirectory(prefix="planlint-base-") as scratch:
        exported = export_ref(scope.top, scope.base_ref, Path(scratch)) if scope.base_ref else None
        for root in scope.roots:
            head_dir = scope.top / root
            head = (
                build_index(head_dir, shown_as=root)
                if head_dir.is_dir()
                else SourceIndex(root, (), {}, (f"{root}: the directory was deleted",))
            )
            revision = f"{scope.base_ref}:" + ("" if root == "." else root)
            base_dir = exported / root if exported is not None else None
            base = (
                build_index(base_dir, shown_as=revision)
                if base_dir is not None and base_dir.is_dir()
                else SourceIndex(revision, (), {}, ())
            )
            plans.append(source_plan(head, base))
    return plans
