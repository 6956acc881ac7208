"""SARIF 2.1.0 in the subset GitHub code scanning reads (docs.github.com, "SARIF support for code scanning").

One run; rules are the rules that produced findings; one result per finding, located at the resource's
source when the loader knew it, otherwise at line 1 of the input file, plus the address as a logical
location. partialFingerprints are stable per (rule, scope, address) so re-runs update the same alert.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from planlint import __version__
from planlint.model import SEVERITIES, Enforcement, Finding, Severity, Verdict
from planlint.report.wording import ENFORCEMENT_TEXT, explanation

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/planlint/planlint"
FINGERPRINT_KEY = "planlint/v1"
# GitHub rejects a run with more results than this; gated findings are kept first when over it.
MAX_RESULTS = 25_000

LEVEL: dict[Enforcement, str] = {"deny": "error", "approve": "error", "warn": "warning", "info": "note"}
# GitHub maps security-severity to critical (>= 9.0), high (7.0-8.9), medium (4.0-6.9), low (0.1-3.9).
SECURITY_SEVERITY: dict[Severity, str] = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def render(verdict: Verdict) -> str:
    """The SARIF log as indented JSON, ending in a newline."""
    return json.dumps(sarif_log(verdict), indent=2, ensure_ascii=False) + "\n"


def sarif_log(verdict: Verdict, *, max_results: int = MAX_RESULTS) -> dict[str, Any]:
    findings = list(verdict.findings)
    omitted = max(len(findings) - max_results, 0)
    if omitted:
        # keep what needs approval; among equals, evaluation order
        findings = sorted(findings, key=lambda f: not f.gated)[:max_results]
    rule_index: dict[str, int] = {}
    rules: list[dict[str, Any]] = []
    worst: dict[str, Severity] = {}
    for finding in findings:
        current = worst.get(finding.rule_id, "low")
        worst[finding.rule_id] = max(current, finding.severity, key=SEVERITIES.index)
    for finding in findings:
        if finding.rule_id not in rule_index:
            rule_index[finding.rule_id] = len(rules)
            rules.append(_rule(finding, worst[finding.rule_id]))
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
        "results": [_result(f, rule_index[f.rule_id]) for f in findings],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "decision": verdict.decision,
            "destructive_digest": verdict.destructive_digest,
            "inputs": [plan.origin for plan in verdict.plans],
            "results_omitted": omitted,
        },
    }
    if omitted:
        run["invocations"] = [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {
                        "level": "warning",
                        "message": {
                            "text": f"{omitted} of {len(verdict.findings)} findings left out: code scanning "
                            f"accepts at most {max_results} results per run. The JSON report has them all."
                        },
                    }
                ],
            }
        ]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def fingerprint(finding: Finding) -> str:
    """Stable across re-plans: the rule and the resource, not the message, line or input path."""
    key = json.dumps([finding.rule_id, finding.scope, finding.address], ensure_ascii=False)
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def artifact_uri(path: str) -> str:
    """A relative URI reference for a path as given (GitHub resolves it against the repository root)."""
    if path == "-":
        return "stdin"
    if PureWindowsPath(path).drive:
        return PureWindowsPath(path).as_uri()
    posix = path.replace("\\", "/")
    if PurePosixPath(posix).is_absolute():
        return PurePosixPath(posix).as_uri()
    while posix.startswith("./"):
        posix = posix[2:]
    return quote(posix, safe="/")


def _rule(finding: Finding, severity: Severity) -> dict[str, Any]:
    """A rule as code scanning shows it; its security-severity is the worst its findings have here."""
    return {
        "id": finding.rule_id,
        "name": finding.rule_name,
        "shortDescription": {"text": finding.title},
        "fullDescription": {"text": f"{finding.title} ({finding.rule_id} {finding.rule_name})."},
        "help": {"text": f"`planlint rules {finding.rule_id}` shows what it checks, why, and how to fix it."},
        "properties": {
            "tags": ["security", "infrastructure", "destructive-change"],
            "precision": "very-high",
            "security-severity": SECURITY_SEVERITY[severity],
        },
    }


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    region: dict[str, int]
    if finding.location is not None:
        uri = artifact_uri(finding.location.path)
        region = {"startLine": max(finding.location.line, 1)}
        if finding.location.end_line and finding.location.end_line >= region["startLine"]:
            region["endLine"] = finding.location.end_line
    else:
        uri = artifact_uri(finding.origin)
        region = {"startLine": 1}
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[finding.enforcement],
        "message": {"text": _message(finding)},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": uri}, "region": region},
                "logicalLocations": [_logical_location(finding)],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
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
    parts.append(f"Enforcement: {ENFORCEMENT_TEXT[finding.enforcement]}.")
    if finding.origin:
        parts.append(f"Input: {finding.origin}.")
    return " ".join(parts)
