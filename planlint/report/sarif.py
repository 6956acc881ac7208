"""SARIF 2.1.0 in the subset GitHub code scanning reads (docs.github.com, "SARIF support for code scanning").

One run per input (a Terraform plan, a CloudFormation stack, a template, the Terraform source), each with
its own `automationDetails.id` category, so uploading several stacks never closes another stack's alerts.
One result per finding, located at the resource's `.tf` block or template resource when known, else at the
input file when it is a file in the repository; paths are relative to the repository root (`%SRCROOT%`).
Each result carries `partialFingerprints.primaryLocationLineHash` computed from the finding's identity
(rule, stack, address, actions), so codeql-action does not hash the (shared) source line instead.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from planlint import __version__
from planlint.model import Enforcement, Finding, Plan, Severity, Verdict
from planlint.report.rules_meta import builtin_rule, help_markdown, help_uri
from planlint.report.wording import ENFORCEMENT_TEXT, explanation, split_revision

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/planlint/planlint"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "planlint/v1"
LINE_HASH_KEY = "primaryLocationLineHash"  # the fingerprint GitHub matches alerts by
CATEGORY_PREFIX = "planlint"
# GitHub rejects a run with more results than this; gated findings are kept first when over it.
MAX_RESULTS = 25_000

LEVEL: dict[Enforcement, str] = {"deny": "error", "approve": "error", "warn": "warning", "info": "note"}
# GitHub maps security-severity to critical (>= 9.0), high (7.0-8.9), medium (4.0-6.9), low (0.1-3.9).
# A rule's value is its declared severity: the same in every run, whatever its findings were lowered to.
SECURITY_SEVERITY: dict[Severity, str] = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def render(verdict: Verdict) -> str:
    """The SARIF log as indented JSON, ending in a newline."""
    return json.dumps(sarif_log(verdict), indent=2, ensure_ascii=False) + "\n"


def sarif_log(
    verdict: Verdict, *, max_results: int = MAX_RESULTS, root: Path | None = None
) -> dict[str, Any]:
    """The SARIF log object; `root` is the repository root paths are made relative to (default: found)."""
    base = root if root is not None else repository_root()
    runs = [
        _run(verdict, (origin, scope), findings, max_results=max_results, root=base)
        for (origin, scope), findings in _by_input(verdict).items()
    ]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": runs}


def repository_root() -> Path:
    """$GITHUB_WORKSPACE when planlint runs inside it, else the git work tree around the working directory."""
    cwd = Path.cwd().resolve()
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace and cwd.is_relative_to(Path(workspace).resolve()):
        return Path(workspace).resolve()
    return next((d for d in (cwd, *cwd.parents) if (d / ".git").exists()), cwd)


def category(origin: str, scope: str, root: Path) -> str:
    """`planlint/<stack>/`: the stack name for CloudFormation, the input's repository path otherwise."""
    # outside the repository only the file name is stable (CI writes plans to fresh temp directories)
    name = scope or repository_path(origin, root) or ("stdin" if origin in ("", "-") else Path(origin).name)
    return f"{CATEGORY_PREFIX}/{name}/"


def fingerprint(finding: Finding) -> str:
    """Stable across re-plans and runs: rule, stack, address and actions; never the line, message or path."""
    identity = [finding.rule_id, finding.scope, finding.address, sorted(finding.actions)]
    key = json.dumps(identity, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def repository_path(path: str, root: Path) -> str | None:
    """`path` as a POSIX path relative to `root`, or None (stdin, outside the repository, a URL)."""
    if path in ("", "-"):
        return None
    path = _without_git_ref(path)
    if PureWindowsPath(path).drive and not Path(path).is_absolute():
        return None  # a Windows path read on another system
    absolute = Path(path) if Path(path).is_absolute() else Path.cwd() / path
    try:
        relative = PurePosixPath(Path(os.path.normpath(absolute)).relative_to(root).as_posix())
    except ValueError:
        return None
    return None if str(relative) == "." else str(relative)


def _without_git_ref(path: str) -> str:
    """`HEAD~1:infra/main.tf` (a block in a --base-ref export) -> `infra/main.tf`."""
    return split_revision(path)[1]


def _by_input(verdict: Verdict) -> dict[tuple[str, str], list[Finding]]:
    """Findings per input, in input order; an input with no findings still gets its (empty) run."""
    groups: dict[tuple[str, str], list[Finding]] = {(p.origin, p.scope): [] for p in verdict.plans}
    for finding in verdict.findings:
        groups.setdefault((finding.origin, finding.scope), []).append(finding)
    if not groups:
        groups[("", "")] = []
    return groups


def _run(
    verdict: Verdict, key: tuple[str, str], found: list[Finding], *, max_results: int, root: Path
) -> dict[str, Any]:
    origin, scope = key
    omitted = max(len(found) - max_results, 0)
    findings = sorted(found, key=lambda f: not f.gated)[:max_results] if omitted else found
    rule_index: dict[str, int] = {}
    rules: list[dict[str, Any]] = []
    for finding in findings:
        if finding.rule_id not in rule_index:
            rule_index[finding.rule_id] = len(rules)
            rules.append(_rule(finding))
    plan = next((p for p in verdict.plans if p.origin == origin and p.scope == scope), None)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "planlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "automationDetails": {"id": category(origin, scope, root)},
        "results": [_result(f, rule_index[f.rule_id], root) for f in findings],
        "columnKind": "unicodeCodePoints",
        "properties": _run_properties(verdict, origin, plan, omitted),
    }
    notes = _notifications(findings, omitted, len(found), max_results, root)
    if notes:
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": notes}]
    return run


def _run_properties(verdict: Verdict, origin: str, plan: Plan | None, omitted: int) -> dict[str, Any]:
    return {
        "decision": verdict.decision,
        "destructive_digest": verdict.destructive_digest,
        "input": origin,
        "tool": plan.tool if plan is not None else None,
        "results_omitted": omitted,
    }


def _notifications(
    findings: list[Finding], omitted: int, total: int, max_results: int, root: Path
) -> list[dict[str, Any]]:
    notes: list[dict[str, Any]] = []
    if omitted:
        notes.append(
            _notification(
                f"{omitted} of {total} findings left out: code scanning accepts at most {max_results} "
                "results per run. The JSON report has them all."
            )
        )
    unplaced = sum(1 for f in findings if _artifact(f, root) is None)
    if unplaced:
        notes.append(
            _notification(
                f"{unplaced} finding(s) have no file in the repository (the plan came from stdin or from "
                "outside the repository, and no --source/--template located them): code scanning lists "
                "them without a file. Pass the plan as a repository file, or --source DIR."
            )
        )
    return notes


def _notification(text: str) -> dict[str, Any]:
    return {"level": "warning", "message": {"text": text}}


def _rule(finding: Finding) -> dict[str, Any]:
    """A rule as code scanning shows it, with one security-severity per rule (its declared severity)."""
    rule = builtin_rule(finding.rule_id)
    properties: dict[str, Any] = {
        "tags": ["security", "infrastructure", "destructive-change"],
        "precision": "very-high",
    }
    described: dict[str, Any] = {
        "id": finding.rule_id,
        "name": finding.rule_name,
        "shortDescription": {"text": finding.title},
        "fullDescription": {"text": f"{finding.title} ({finding.rule_id} {finding.rule_name})."},
        "help": {
            "text": f"`planlint rules show {finding.rule_id}` prints what it checks, why, and how to fix it."
        },
    }
    if rule is not None:
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
        described["helpUri"] = help_uri(rule)
        described["help"]["markdown"] = help_markdown(rule)
        described["defaultConfiguration"] = {"level": LEVEL[rule.enforcement]}
    described["properties"] = properties
    return described


def _artifact(finding: Finding, root: Path) -> tuple[str, dict[str, int]] | None:
    """(repository path, region) of the finding: its source block first, then its input file."""
    if finding.location is not None:
        path = repository_path(finding.location.path, root)
        if path is not None:
            if _without_git_ref(finding.location.path) != finding.location.path:
                return path, {"startLine": 1}  # the block is in the base revision: its line is not the head's
            region = {"startLine": max(finding.location.line, 1)}
            if finding.location.end_line and finding.location.end_line >= region["startLine"]:
                region["endLine"] = finding.location.end_line
            return path, region
    path = repository_path(finding.origin, root)
    return (path, {"startLine": 1}) if path is not None else None


def _result(finding: Finding, rule_index: int, root: Path) -> dict[str, Any]:
    location: dict[str, Any] = {"logicalLocations": [_logical_location(finding)]}
    artifact = _artifact(finding, root)
    if artifact is not None:
        path, region = artifact
        location["physicalLocation"] = {
            "artifactLocation": {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT},
            "region": region,
        }
    identity = fingerprint(finding)
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": "note" if finding.waived_by is not None else LEVEL[finding.enforcement],
        "message": {"text": _message(finding)},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: identity, LINE_HASH_KEY: f"{identity}:1"},
        "properties": {
            "address": finding.address,
            "type": finding.type,
            "actions": list(finding.actions),
            "reason": finding.reason,
            "replace_paths": list(finding.replace_paths),
            "severity": finding.severity,
            "enforcement": finding.enforcement,
            "gated": finding.gated,
            "input": finding.origin,
        },
    }
    if finding.waived_by is not None:
        result["suppressions"] = [{"kind": "external", "justification": f"waived by {finding.waived_by}"}]
    return result


def _logical_location(finding: Finding) -> dict[str, str]:
    name = f"{finding.scope}/{finding.address}" if finding.scope else finding.address
    return {"fullyQualifiedName": name, "name": finding.address, "kind": "resource"}


def _message(finding: Finding) -> str:
    parts = explanation(finding)
    if finding.location is not None and _without_git_ref(finding.location.path) != finding.location.path:
        parts.append(f"Declared at {finding.location.path}:{finding.location.line} (before this change).")
    parts.append(f"Enforcement: {ENFORCEMENT_TEXT[finding.enforcement]}.")
    return " ".join(parts)
