"""Every output format, on synthetic verdicts (tests/fixtures/report/synthetic_verdicts.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from msgspec.structs import replace

from planlint.decision import exit_code
from planlint.errors import ConfigError
from planlint.model import Finding, Verdict
from planlint.report import REPORTERS, render, wording
from planlint.report import github as github_report
from planlint.report import markdown as markdown_report
from planlint.report import text as text_report
from tests.fixtures.report import synthetic_verdicts as synthetic

SCHEMA = Path(__file__).resolve().parent.parent / "planlint" / "schemas" / "report.schema.json"


VERDICTS: dict[str, Callable[[], Verdict]] = {
    "with-findings": synthetic.verdict_with_findings,
    "no-findings": synthetic.verdict_without_findings,
    "multiple-inputs": synthetic.verdict_multiple_inputs,
    "hostile": synthetic.verdict_hostile,
}


def _all_outputs(verdict: Verdict) -> dict[str, str]:
    outputs = {name: reporter(verdict) for name, reporter in REPORTERS.items()}
    outputs["text-color"] = text_report.render(verdict, color=True)
    return outputs


def _schema_validator():  # type: ignore[no-untyped-def]
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


# --- the same decision, digest and findings in every format ---------------------------------------


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_every_format_shows_decision_digest_and_findings(name: str) -> None:
    verdict = VERDICTS[name]()
    outputs = _all_outputs(verdict)
    report = json.loads(outputs["json"])
    assert report["decision"] == verdict.decision
    assert report["destructive_digest"] == verdict.destructive_digest
    assert [f["address"] for f in report["findings"]] == [f.address for f in verdict.findings]
    short = wording.short_digest(verdict.destructive_digest)
    for fmt in ("text", "markdown", "github"):
        assert short in outputs[fmt], fmt
    assert verdict.destructive_digest in outputs["text"]
    assert verdict.destructive_digest in outputs["markdown"]
    log = json.loads(outputs["sarif"])
    assert {run["properties"]["decision"] for run in log["runs"]} == {verdict.decision}
    assert {run["properties"]["destructive_digest"] for run in log["runs"]} == {verdict.destructive_digest}
    sarif_addresses = [r["properties"]["address"] for run in log["runs"] for r in run["results"]]
    assert sorted(sarif_addresses) == sorted(f.address for f in verdict.findings)
    decision_words = wording.DECISION_TEXT[verdict.decision]
    for fmt in ("text", "markdown", "github"):
        assert decision_words in outputs[fmt], fmt
    for finding in verdict.findings:
        for fmt in ("text", "github"):
            assert finding.rule_id in outputs[fmt]


def test_findings_show_reason_replace_order_and_paths() -> None:
    verdict = synthetic.verdict_with_findings()
    reason = "an attribute that cannot be updated in place changed"
    order = "old object destroyed first, then the new one created"
    outputs = _all_outputs(verdict)
    for fmt in ("markdown", "github", "sarif"):
        assert reason in outputs[fmt], fmt
        assert order in outputs[fmt], fmt
        assert "storage_encrypted" in outputs[fmt].replace("\\_", "_"), fmt
    plain_text = text_report.render(verdict, width=400)  # wide enough that no cell wraps
    assert "Forced by: engine, storage_encrypted" in plain_text
    assert reason in plain_text
    assert "force_destroy is false" in plain_text


def test_exit_code_in_json_matches_the_one_exit_code_function() -> None:
    for decision in ("pass", "approved", "approval_required", "denied", "error"):
        verdict = Verdict(plans=(), findings=(), destructive_digest="", decision=decision)  # type: ignore[arg-type]
        assert json.loads(REPORTERS["json"](verdict))["exit_code"] == exit_code(decision)  # type: ignore[arg-type]


def test_reporters_are_deterministic() -> None:
    for make in VERDICTS.values():
        first = _all_outputs(make())
        second = _all_outputs(make())
        assert first == second


# --- secrets never leave ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_sensitive_value_in_before_after_never_printed(name: str) -> None:
    verdict = VERDICTS[name]()
    # the synthetic plans carry the secret in before/after of the database change
    carriers = [c for p in verdict.plans for c in p.changes if c.values.before()]
    if name in ("with-findings", "multiple-inputs"):
        assert carriers and carriers[0].values.before()["password"] == synthetic.SECRET
    for fmt, output in _all_outputs(verdict).items():
        assert synthetic.SECRET not in output, fmt
        assert "hunter2" not in output, fmt
        assert "postgres" not in output, fmt  # an ordinary after value is not printed either


# --- text ---------------------------------------------------------------------------------------


def test_text_groups_findings_per_input_in_plan_order() -> None:
    output = REPORTERS["text"](synthetic.verdict_multiple_inputs())
    positions = [
        output.index("stacks/prod/plan.json"),
        output.index("module.data.aws_db_instance.main"),
        output.index("changesets/data-stack.json"),
        output.index("AWS::DynamoDB::Table"),
        output.index("Decision:"),
    ]
    assert positions == sorted(positions)
    assert "Changes: 1 to destroy, 1 to replace, 1 to update, 1 to create, 1 to import" in output
    assert "Note: synthetic note: 1 drifted resource ignored" in output
    assert "Waived by: .planlint.yml waivers[0]" in output


def test_text_colour_only_when_asked() -> None:
    verdict = synthetic.verdict_with_findings()
    assert "\x1b[" not in text_report.render(verdict, color=False)
    assert "\x1b[" in text_report.render(verdict, color=True)
    assert "\x1b[" not in REPORTERS["text"](verdict)


def test_text_no_findings_says_so_and_what_next() -> None:
    output = REPORTERS["text"](synthetic.verdict_without_findings())
    assert "No findings." in output
    assert "Changes: 1 to create" in output
    assert "Nothing to do" in output


def test_text_prints_markup_literally_and_never_terminal_escapes() -> None:
    hostile = synthetic.hostile_finding()
    finding = Finding(
        **{**_fields(hostile), "address": "aws_s3_bucket.x\x1b[2J\x1b]0;pwned\x07[bold]y[/bold]"}
    )
    verdict = Verdict(plans=(), findings=(finding,), destructive_digest="", decision="denied")
    for color in (False, True):
        output = text_report.render(verdict, color=color, width=300)
        assert "\x1b[2J" not in output
        assert "\x1b]0;" not in output
        assert "\\x1b[2J" in output
        assert "[bold]y[/bold]" in output
    assert "Findings not tied to one input" in text_report.render(verdict)


def test_github_annotations_never_carry_terminal_or_bidi_controls() -> None:
    """An ESC in a `for_each` key would rewrite the Actions log line ("\x1b[2K\x1b[1Gok"); a U+202E
    would reorder it. Both are shown as escapes, in the message and in the title/file properties."""
    hostile = synthetic.hostile_finding()
    finding = Finding(**{**_fields(hostile), "address": "aws_db_instance.x\x1b[2K\x1b[1Gok\u202egpj.exe"})
    verdict = Verdict(plans=(), findings=(finding,), destructive_digest="", decision="denied")
    output = REPORTERS["github"](verdict)
    assert "\x1b" not in output and "\u202e" not in output
    assert "aws_db_instance.x\\x1b[2K\\x1b[1Gok\\u202egpj.exe" in output
    assert all(ch in "\n" or ord(ch) >= 32 for ch in output)


def test_text_has_no_trailing_blanks() -> None:
    output = REPORTERS["text"](synthetic.verdict_multiple_inputs())
    assert all(line == line.rstrip() for line in output.splitlines())


# --- markdown -----------------------------------------------------------------------------------


def _split_row(row: str) -> list[str]:
    """Cells of a GFM table row: split on pipes that are not backslash-escaped."""
    assert row.startswith("| ") and row.endswith(" |")
    return re.split(r"(?<!\\)\|", row[1:-1])


def test_markdown_escapes_plan_text_in_cells() -> None:
    output = REPORTERS["markdown"](synthetic.verdict_hostile())
    rows = [line for line in output.splitlines() if line.startswith("| ")]
    header, finding_row = rows[0], rows[1]
    assert len(_split_row(finding_row)) == len(_split_row(header)) == 2
    import cmarkgfm  # GitHub's cmark-gfm: what a PR comment really renders to
    from cmarkgfm.cmark import Options

    html = cmarkgfm.github_flavored_markdown_to_html(output, options=Options.CMARK_OPT_UNSAFE)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html and "<strong>bold" not in html
    assert "\\|" in finding_row
    assert "@team" not in output.replace("`c<script>@team", "")  # only inside a code span (no mention there)
    notes_row = rows[-1]
    assert len(_split_row(notes_row)) == 4
    assert "\n" not in notes_row


def test_markdown_inline_escaping_table() -> None:
    assert markdown_report.inline("a|b") == "a\\|b"
    assert markdown_report.inline("x`y") == "x\\`y"
    assert markdown_report.inline("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert markdown_report.inline("[click](https://evil)") == "\\[click\\](https\u200b://evil)"
    assert markdown_report.inline("see www.evil.example") == "see www\u200b.evil.example"
    assert markdown_report.inline("a\nb\r\nc") == "a b c"
    assert markdown_report.inline("@octocat") == "@\u200boctocat"
    assert markdown_report.cell("  ") == "–"


def test_markdown_layout_verdict_plan_line_gated_first() -> None:
    output = REPORTERS["markdown"](synthetic.verdict_with_findings())
    lines = output.splitlines()
    assert lines[0].startswith("## 🛑 planlint: approval required")
    assert lines[2].startswith("**Plan: ")
    assert "| Change | Why |" in output
    assert "### Changes that need approval (1 resource)" in output
    assert "`engine, storage_encrypted`" in output
    assert output.index("### Changes that need approval") < output.index("### Approval")
    assert output.index("### What to do next") < output.index("<details><summary>Other findings")
    assert "<details><summary>Inputs</summary>" in output
    multi = REPORTERS["markdown"](synthetic.verdict_multiple_inputs())
    assert " in `stacks/prod/plan.json`" in multi
    assert "**Status:** approved by @\u200bocto-reviewer" in multi


def test_markdown_cuts_rows_to_the_size_limit_with_a_note() -> None:
    finding = synthetic.db_finding()
    findings = tuple(replace(finding, address=f"aws_db_instance.n{i}") for i in range(400))
    verdict = Verdict(plans=(), findings=findings, destructive_digest="", decision="approval_required")
    output = markdown_report.render(verdict, limit=20_000)
    assert len(output) <= 20_000
    assert "`aws_db_instance.n0`" in output and "`aws_db_instance.n399`" not in output
    assert "more change(s) that need approval not shown: GitHub comments are limited to 65,536" in output


def test_markdown_no_findings() -> None:
    output = REPORTERS["markdown"](synthetic.verdict_without_findings())
    assert output.startswith("## ✅ planlint: pass")
    assert "0 finding(s)" in output
    assert "| Change |" not in output and "### Approval" not in output


# --- github workflow commands -------------------------------------------------------------------

_COMMAND = re.compile(r"^::(?P<name>error|warning|notice)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    return _unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    """Parse one command the way the Actions runner does (ActionCommand.TryParseV2)."""
    match = _COMMAND.match(line)
    assert match, line
    props: dict[str, str] = {}
    for pair in (match["props"] or "").split(","):
        if pair:
            key, _, value = pair.partition("=")
            props[key] = _unescape_property(value)
    return match["name"], props, _unescape_data(match["data"])


def test_github_escaping_matches_the_actions_toolkit() -> None:
    assert github_report.escape_data("100%\r\ndone: a,b") == "100%25%0D%0Adone: a,b"
    assert github_report.escape_property("100%\r\ndone: a,b") == "100%25%0D%0Adone%3A a%2Cb"
    assert github_report.command("warning", "m", file="a,b:c.tf", line=3, endLine=None) == (
        "::warning file=a%2Cb%3Ac.tf,line=3::m"
    )


def test_github_commands_round_trip_hostile_text() -> None:
    verdict = synthetic.verdict_hostile()
    lines = REPORTERS["github"](verdict).splitlines()
    hostile = synthetic.hostile_finding()
    name, props, data = _parse(lines[1])
    assert name == "error"  # deny
    assert props["file"] == hostile.origin
    assert props["title"] == f"{hostile.rule_id} {hostile.title}: {hostile.address}"
    assert data.startswith(hostile.message)
    for line in lines:
        _parse(line)  # every line is one well-formed command


def test_github_levels_locations_and_decision() -> None:
    lines = REPORTERS["github"](synthetic.verdict_multiple_inputs()).splitlines()
    parsed = [_parse(line) for line in lines]
    decision, db, bucket, table, note = parsed
    assert db[0] == "error" and db[1]["file"] == "modules/data/main.tf"
    assert db[1]["line"] == "12" and db[1]["endLine"] == "30"
    assert bucket[0] == "warning" and bucket[1]["file"] == "stacks/prod/plan.json" and "line" not in bucket[1]
    assert table[0] == "notice"  # info, and waived
    assert note[0] == "notice" and note[2] == "synthetic note: 1 drifted resource ignored"
    assert decision[0] == "notice" and decision[1]["title"] == "planlint: approved"
    empty = [_parse(x) for x in REPORTERS["github"](synthetic.verdict_without_findings()).splitlines()]
    assert [p[0] for p in empty] == ["notice"]
    required = _parse(REPORTERS["github"](synthetic.verdict_with_findings()).splitlines()[0])
    assert required[0] == "error" and "must approve" in required[2]


# --- json ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_json_report_validates_against_the_schema(name: str) -> None:
    validator = _schema_validator()
    report = json.loads(REPORTERS["json"](VERDICTS[name]()))
    errors = sorted(validator.iter_errors(report), key=str)
    assert not errors, [e.message for e in errors]


def test_json_schema_rejects_what_the_report_never_contains() -> None:
    validator = _schema_validator()
    report = json.loads(REPORTERS["json"](synthetic.verdict_with_findings()))
    report["findings"][0]["before"] = {"password": "x"}
    assert not validator.is_valid(report)
    report = json.loads(REPORTERS["json"](synthetic.verdict_with_findings()))
    report["schema_version"] = "3"
    assert not validator.is_valid(report)
    report = json.loads(REPORTERS["json"](synthetic.verdict_with_findings()))
    report["findings"][0]["enforcement"] = "block"
    assert not validator.is_valid(report)


def test_json_inputs_counts_and_summary() -> None:
    report = json.loads(REPORTERS["json"](synthetic.verdict_multiple_inputs()))
    assert [i["origin"] for i in report["inputs"]] == ["stacks/prod/plan.json", "changesets/data-stack.json"]
    prod, stack = report["inputs"]
    assert prod["change_counts"] == {
        "create": 1,
        "delete": 1,
        "import": 1,
        "no-op": 1,
        "replace": 1,
        "update": 1,
    }
    assert prod["changes"] == 5
    assert stack["scope"] == "data-stack" and stack["facts"]["status"] == "CREATE_COMPLETE"
    assert report["summary"] == {
        "findings": 3,
        "gated": 1,
        "waived": 1,
        "by_enforcement": {"info": 1, "warn": 1, "approve": 1, "deny": 0},
        "destroys": 3,
        "ungated_destroys": 0,  # a hand-built verdict: the engine fills ungated_destroys
    }
    db = report["findings"][0]
    assert db["reason_text"] == "an attribute that cannot be updated in place changed"
    assert db["location"] == {"path": "modules/data/main.tf", "line": 12, "end_line": 30}
    assert db["gated"] is True
    assert report["approval_note"] == "approved by @octo-reviewer (write) after the latest push"
    output = REPORTERS["json"](synthetic.verdict_multiple_inputs())
    assert output == json.dumps(json.loads(output), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- registry -----------------------------------------------------------------------------------


def test_registry_names_and_unknown_format() -> None:
    assert set(REPORTERS) == {"text", "json", "markdown", "sarif", "github"}
    with pytest.raises(ConfigError, match="unknown output format 'xml'"):
        render("xml", synthetic.verdict_without_findings())
    assert "\x1b[" in render("text", synthetic.verdict_with_findings(), color=True)
    assert render("json", synthetic.verdict_with_findings(), color=True) == REPORTERS["json"](
        synthetic.verdict_with_findings()
    )


def test_json_sarif_markdown_github_never_import_rich() -> None:
    code = (
        "import sys\n"
        "from planlint.model import Verdict\n"
        "from planlint.report import REPORTERS\n"
        "v = Verdict(plans=(), findings=(), destructive_digest='', decision='pass')\n"
        "for name in ('json', 'sarif', 'markdown', 'github'):\n"
        "    REPORTERS[name](v)\n"
        "REPORTERS['text'](v)\n"
        "from planlint.report import render\n"
        "render('text', v, color=True)\n"
        "print('rich' in sys.modules)\n"
        "render('text', v, color=True, width=160)\n"
        "print('rich' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # plain text (pipes, CI logs, even coloured) does not pay for rich; only a wide terminal's tables do
    assert out.split() == ["False", "True"]


# --- wording ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "replace_because_cannot_update",
        "replace_by_request",
        "replace_because_tainted",
        "replace_by_triggers",
        "delete_because_no_resource_config",
        "delete_because_no_module",
        "delete_because_count_index",
        "delete_because_each_key",
        "delete_because_wrong_repetition",
        "delete_because_no_move_target",
        "read_because_config_unknown",
        "read_because_dependency_pending",
        "read_because_check_nested",
        "cfn_replacement_true",
        "cfn_replacement_conditional",
        "cfn_remove",
        "cfn_deletion_policy_removed",
    ],
)
def test_every_reason_code_has_words(code: str) -> None:
    text = wording.reason_text(code)
    assert text and text != code


def test_wording_unknown_codes_are_shown_not_hidden() -> None:
    assert wording.reason_text("replace_because_new_thing") == "replace_because_new_thing"
    assert wording.reason_text(None) is None
    assert wording.policy_action_text("ReplaceAndSnapshot") == (
        "replaced; the old resource is snapshotted, then deleted"
    )
    assert wording.action_text(("import", "update")) == "imported and updated in place"
    assert wording.action_text(("replace",), "create_first").startswith("replaced (new object created first")
    assert wording.short_digest("pl1:" + "ab" * 32) == "pl1:abababababab"
    assert wording.short_digest("") == "(none)"


def _fields(finding: Finding) -> dict[str, object]:
    return {name: getattr(finding, name) for name in Finding.__struct_fields__}


def test_one_message_formats_do_not_repeat_what_the_message_says() -> None:
    base = synthetic.db_finding()
    said = Finding(
        **{
            **_fields(base),
            "message": "db will be replaced (old object destroyed first, then the new one created). "
            "an attribute that cannot be updated in place changed",
        }
    )
    parts = wording.explanation(said)
    assert not any(p.startswith(("Action:", "Why:")) for p in parts)
    assert "Forced by: engine, storage_encrypted." in parts
    said_paths = Finding(
        **{**_fields(said), "message": said.message + ". Forced by: engine, storage_encrypted"}
    )
    assert not any(p.startswith("Forced by:") for p in wording.explanation(said_paths))
    parts = wording.explanation(base)
    assert "Why: an attribute that cannot be updated in place changed." in parts


def test_text_many_resources_on_a_wide_terminal_fall_back_to_plain_lines_all_shown() -> None:
    base = synthetic.db_finding()
    count = text_report.MAX_TABLE_ROWS + 50
    findings = tuple(
        Finding(**{**_fields(base), "address": f"aws_db_instance.n{i}\x1b[2J"}) for i in range(count)
    )
    plan = synthetic.terraform_plan()
    verdict = Verdict(plans=(plan,), findings=findings, destructive_digest="", decision="approval_required")
    output = text_report.render(verdict, width=300)
    heads = [line for line in output.splitlines() if line.startswith("  aws_db_instance.n")]
    assert len(heads) == count
    assert heads[7] == (
        "  aws_db_instance.n7\\x1b[2J (aws_db_instance): replaced "
        "(old object destroyed first, then the new one created), at modules/data/main.tf:12"
    )
    rules = [line for line in output.splitlines() if line.startswith("    PL001 approve/high  ")]
    assert len(rules) == count
    assert "Forced by: engine, storage_encrypted" in rules[7]
    assert "\x1b" not in output
    assert output == text_report.wrap_to(text_report.render(verdict), 300)  # the plain lines, wrapped


def test_github_decision_first_and_errors_before_warnings() -> None:
    base = synthetic.db_finding()
    warn = synthetic.bucket_finding()
    dbs = [Finding(**{**_fields(base), "address": f"aws_db_instance.n{i}"}) for i in range(12)]
    findings = (warn, *dbs)
    verdict = Verdict(plans=(), findings=findings, destructive_digest="", decision="approval_required")
    parsed = [_parse(line) for line in REPORTERS["github"](verdict).splitlines()]
    assert [p[0] for p in parsed] == ["error"] + ["error"] * 12 + ["warning"]
    assert parsed[0][1]["title"] == "planlint: approval_required"
    assert "GitHub shows only 10 annotations of each kind per step" in parsed[0][2]
    few = [_parse(x) for x in REPORTERS["github"](synthetic.verdict_with_findings()).splitlines()]
    assert "GitHub shows only" not in few[0][2]


def test_markdown_stays_under_the_pr_comment_limit_and_lists_gated_first() -> None:
    info = synthetic.table_finding()
    long_mitigation = "m" * 2000
    bulky = [
        replace(synthetic.bucket_finding(), address=f"b{i}", mitigation=long_mitigation) for i in range(100)
    ]
    gated = synthetic.db_finding()
    verdict = Verdict(
        plans=(), findings=(info, *bulky, gated), destructive_digest="", decision="approval_required"
    )
    output = markdown_report.render(verdict)
    assert len(output) < 65_536
    rows = [line for line in output.splitlines() if line.startswith("| ") and "---" not in line]
    assert "`module.data.aws_db_instance.main`" in rows[1]  # gated finding first, whatever its position
    assert "more finding(s) not shown" in output


def test_markdown_code_spans_for_plan_text() -> None:
    assert markdown_report.code("octo_cat") == "`octo_cat`"
    assert markdown_report.code("a`b") == "``a`b``"
    assert markdown_report.code("`x`") == "`` `x` ``"
    assert markdown_report.code("a|b") == "`a|b`"
    assert markdown_report.code("a|b", in_table=True) == "`a\\|b`"
    assert markdown_report.code("two\nlines") == "`two lines`"


def test_github_one_teardown_annotation_per_plan_and_most_severe_first(corpus: Path) -> None:
    """A destroy-mode plan's nine rows must not push another plan's database out of GitHub's ten."""
    from planlint.pipeline import run_check

    destroy = str(corpus / "terraform/snyk-cli/tf-plan-destroy.json")
    database = str(Path(__file__).resolve().parent.parent / "examples/terraform/rds-engine-change.json")
    verdict = run_check([destroy, database])
    assert sum(1 for f in verdict.findings if f.rule_id == "PL011") >= 8
    parsed = [_parse(line) for line in REPORTERS["github"](verdict).splitlines()]
    titles = [p[1].get("title", "") for p in parsed]
    teardown = [t for t in titles if t.startswith("PL011")]
    assert len(teardown) == 1 and "8 resource(s)" in teardown[0]
    assert any("aws_db_instance.orders" in t for t in titles[:10])
    teardown_message = parsed[titles.index(teardown[0])][2]
    assert "aws_s3_bucket.terra_ci" in teardown_message  # every destroyed address is named once
    ranks = {"error": 0, "warning": 1, "notice": 2}
    kinds = [ranks[p[0]] for p in parsed[1:] if p[1].get("title") != "planlint: input note"]
    assert kinds == sorted(kinds)


def test_github_deny_and_critical_come_before_approve_and_high() -> None:
    db = synthetic.db_finding()  # approve/high
    worse = replace(db, address="aws_db_instance.critical", severity="critical")
    denied = replace(db, address="aws_db_instance.denied", enforcement="deny", severity="low")
    verdict = Verdict((), (db, worse, denied), "", "denied")
    titles = [_parse(line)[1]["title"] for line in REPORTERS["github"](verdict).splitlines()[1:]]
    assert [t.rsplit(": ", 1)[1] for t in titles] == [
        "aws_db_instance.denied",
        "aws_db_instance.critical",
        db.address,
    ]
