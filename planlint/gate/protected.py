"""Paths that decide how the gate itself behaves: a PR that touches them needs approval like a destroy."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable

from planlint.model import Action, Finding

RULE_ID = "PL900"
RULE_NAME = "gate-configuration-changed"
DEFAULT_PROTECTED = (
    ".planlint.yml",
    ".planlint.yaml",
    "rules/**",
    ".github/workflows/**",
    ".github/actions/**",
    "action.yml",
    "action.yaml",
)
_FILE_ACTIONS: dict[str, Action] = {"added": "create", "removed": "delete", "copied": "create"}


def protected_patterns(config_path: str, rule_dirs: Iterable[str]) -> tuple[str, ...]:
    """The defaults plus the policy file actually used and the rule directories the policy names."""
    extra = [config_path.removeprefix("./"), *(f"{d.removeprefix('./').strip('/')}/**" for d in rule_dirs)]
    return tuple(dict.fromkeys([*DEFAULT_PROTECTED, *extra]))


def is_protected(path: str, patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        if pattern.endswith("/**") and (path + "/").startswith(pattern[:-2]):
            return True
        if fnmatch.fnmatchcase(path, pattern):
            return True
    return False


def protected_findings(changed: Iterable[tuple[str, str]], patterns: Iterable[str]) -> tuple[Finding, ...]:
    """One gated finding per protected file the PR adds, changes, renames or removes."""
    pats = tuple(patterns)
    findings = []
    for path, status in sorted(set(changed)):
        if not is_protected(path, pats):
            continue
        findings.append(
            Finding(
                rule_id=RULE_ID,
                rule_name=RULE_NAME,
                title="The pull request changes the gate's own configuration, rules or workflows",
                severity="critical",
                enforcement="approve",
                message=f"{path} is {status} by this pull request; it decides how planlint judges and gates "
                "changes, so a peer must approve it (the gate keeps using the base commit's version)",
                origin="pull request",
                scope="github",
                address=path,
                type="file",
                actions=(_FILE_ACTIONS.get(status, "update"),),
                reason=f"file_{status}",
            )
        )
    return tuple(findings)
