"""Read a `planlint check --format json` report back into a Verdict, trusting nothing it says unchecked."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from planlint.decision import decide
from planlint.digest import destructive_digest
from planlint.errors import InputError
from planlint.model import Finding, SourceLocation, Verdict


def load_report(path: str) -> Verdict:
    """Validate against the report schema, rebuild the findings, recompute decision and digest."""
    import jsonschema

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("report not found", path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a readable JSON report: {exc}", path) from None
    validator = jsonschema.Draft202012Validator(_report_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise InputError(f"not a planlint JSON report: {where}: {error.message}", path)
    findings = tuple(_finding(item) for item in doc["findings"])
    digest = destructive_digest(findings)
    if doc["destructive_digest"] != digest:
        raise InputError(
            f"destructive_digest {doc['destructive_digest'] or '(empty)'} does not match its findings "
            f"({digest}); the report was edited or written by another version",
            path,
        )
    decision = decide(findings)
    if doc["decision"] == "error":
        raise InputError("the report records an error; fix the check step first", path)
    if doc["decision"] not in (decision, "approved"):
        raise InputError(f"decision {doc['decision']} does not match its findings ({decision})", path)
    return Verdict(plans=(), findings=findings, destructive_digest=digest, decision=decision)


def _report_schema() -> dict[str, Any]:
    text = resources.files("planlint").joinpath("schemas/report.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _finding(item: dict[str, Any]) -> Finding:
    location = item["location"]
    return Finding(
        rule_id=item["rule_id"],
        rule_name=item["rule_name"],
        title=item["title"],
        severity=item["severity"],
        enforcement=item["enforcement"],
        message=item["message"],
        origin=item["origin"],
        scope=item["scope"],
        address=item["address"],
        type=item["type"],
        actions=tuple(item["actions"]),
        reason=item["reason"],
        replace_order=item["replace_order"],
        replace_paths=tuple(item["replace_paths"]),
        mitigation=item["mitigation"],
        waived_by=item["waived_by"],
        location=SourceLocation(location["path"], location["line"], location.get("end_line"))
        if location
        else None,
    )
