"""The markdown report rendered by GitHub's own cmark-gfm (the `cmarkgfm` bindings), checked as HTML.

A PR comment is judged by what GitHub shows: the structure a reviewer scans (verdict, plan line, what
needs approval with where, approval, collapsed rest), no link, markup or mention coming from a plan,
and the whole body within GitHub's 65,536-character comment limit.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from msgspec.structs import replace

from planlint.gate.evidence import Actor, Outcome, PullRequest
from planlint.gate.publish import render_comment
from planlint.model import Plan, ResourceChange, SourceLocation, Verdict
from planlint.pipeline import run_check
from planlint.report import markdown
from tests.fixtures.report import synthetic_verdicts as synthetic

CORPUS_CASES = {
    "destroy-plan-and-database": (
        "terraform/snyk-cli/tf-plan-destroy.json",
        "terraform/terraform-visual/examples__aws-s3.json",
    ),
    "cloudformation": ("cloudformation/trek10-cfn-changeset-viewer/deletion-policies.json",),
    "cloudformation-nested": (
        "cloudformation/trek10-cfn-changeset-viewer/nested.json",
        "cloudformation/trek10-cfn-changeset-viewer/nested.nested.json",
    ),
}


def to_html(text: str) -> str:
    """GitHub's renderer with its extensions (tables, autolinks, strikethrough, tag filter)."""
    import cmarkgfm
    from cmarkgfm.cmark import Options

    return cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)


class Outline(HTMLParser):
    """Headings, tables (cells per row), links, details summaries and top-level paragraphs, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str]] = []
        self.links: list[tuple[str, str]] = []
        self.tables: list[list[list[str]]] = []
        self._text: list[str] | None = None
        self._tag = ""
        self._href = ""
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "h3", "summary", "p", "td", "th", "a"):
            if tag == "a":
                self._href = dict(attrs).get("href") or ""
                self._link_text: list[str] = []
            else:
                self._tag, self._text = tag, []
        if tag == "table":
            self.tables.append([])
        if tag == "tr":
            self._row = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.links.append((self._href, "".join(self._link_text)))
        elif tag == self._tag and self._text is not None:
            text = "".join(self._text).strip()
            if tag in ("td", "th") and self._row is not None:
                self._row.append(text)
            else:
                self.events.append((tag, text))
            self._text = None
        if tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)
        if self._href and hasattr(self, "_link_text"):
            self._link_text.append(data)


def outline(text: str) -> Outline:
    parser = Outline()
    parser.feed(to_html(text))
    return parser


def _corpus_markdown(corpus: Path, inputs: tuple[str, ...], **kwargs: object) -> str:
    before = Path.cwd()
    os.chdir(corpus)
    try:
        return markdown.render(run_check(list(inputs)), **kwargs)  # type: ignore[arg-type]
    finally:
        os.chdir(before)


@pytest.mark.parametrize("case", sorted(CORPUS_CASES))
def test_corpus_reports_render_with_the_reviewers_structure(corpus: Path, case: str) -> None:
    links = markdown.ReportLinks(
        run_url="https://github.com/acme/infra/actions/runs/42",
        blob_url="https://github.com/acme/infra/blob/" + "a" * 40,
    )
    text = _corpus_markdown(corpus, CORPUS_CASES[case], links=links)
    parsed = outline(text)
    tags = [tag for tag, _ in parsed.events]
    assert tags[0] == "h2" and parsed.events[0][1].startswith("🛑 planlint: approval required")
    assert parsed.events[1][0] == "p" and parsed.events[1][1].startswith("Plan: ")
    assert "to add" in parsed.events[1][1] and "to destroy" in parsed.events[1][1]
    headings = [text for tag, text in parsed.events if tag == "h3"]
    assert headings[0].startswith("Changes that need approval")
    assert headings[1:3] == ["Approval", "What to do next"]
    summaries = [text for tag, text in parsed.events if tag == "summary"]
    assert any(s.startswith("All changes by action") for s in summaries)
    assert "Inputs" in summaries
    gated_table = parsed.tables[0]
    assert gated_table[0] == ["Change", "Why"]
    assert all(len(row) == 2 for row in gated_table)  # two columns: no sideways scrolling
    assert ("https://github.com/acme/infra/actions/runs/42", "CI run") in parsed.links
    for href, _ in parsed.links:  # every link is one planlint made, none from plan text
        assert href.startswith(("https://github.com/acme/infra/", "https://github.com/planlint/")), href
    assert text.count("<details>") == text.count("</details>")


def test_destroy_plan_is_said_up_front_and_teardown_is_one_row(corpus: Path) -> None:
    text = _corpus_markdown(corpus, CORPUS_CASES["destroy-plan-and-database"])
    parsed = outline(text)
    before_table = text[: text.index("| Change | Why |")]
    assert "Destroy plan:" in before_table and "tf-plan-destroy.json" in before_table
    rows = parsed.tables[0][1:]
    teardown = [row for row in rows if "PL011" in row[0]]
    assert len(teardown) == 1 and teardown[0][0].startswith("destroy 8 resource(s)")
    assert "aws_s3_bucket.terra_ci" in teardown[0][1]
    destroy_rows = [row for row in rows if "tf-plan-destroy.json" in row[0]]
    assert not any("the plan records no reason" in row[1] for row in destroy_rows)
    bucket_rows = [row for row in rows if row[0].startswith("destroy aws_s3_bucket.terra_ci")]
    assert len(bucket_rows) == 1


def test_locations_link_to_the_pr_head_file_and_line() -> None:
    links = markdown.ReportLinks(blob_url="https://github.com/acme/infra/blob/" + "b" * 40)
    parsed = outline(markdown.render(synthetic.verdict_with_findings(), links=links))
    assert (
        "https://github.com/acme/infra/blob/" + "b" * 40 + "/modules/data/main.tf#L12-L30",
        "modules/data/main.tf:12",
    ) in parsed.links


def test_plan_text_never_becomes_a_link_markup_or_mention() -> None:
    hostile = (
        "see https://evil.example/pwn www.evil.example <img src=x> **bold** @octo-org/admins me@evil.example"
    )
    finding = replace(
        synthetic.db_finding(),
        mitigation=hostile,
        message=hostile,
        location=SourceLocation("modules/data/main.tf", 12, 30),
    )
    plan = replace(synthetic.terraform_plan(), notes=(hostile,))
    verdict = Verdict((plan,), (finding,), "pl1:" + "0" * 64, "approval_required", approval_note=hostile)
    html = to_html(markdown.render(verdict))
    assert "<a " not in html
    assert "<img" not in html and "<strong>bold" not in html
    assert "@octo-org/admins" not in html.replace("@\u200bocto-org/admins", "")
    assert "evil.example" in html  # shown, as text


def test_a_huge_plan_fits_the_comment_limit_with_a_truncation_note() -> None:
    changes = tuple(
        ResourceChange(f"module.fleet[{i}].aws_ebs_volume.data", "aws_ebs_volume", "terraform", ("delete",))
        for i in range(6000)
    )
    plan = Plan("plans/fleet.json", "terraform", "terraform", "1.9.5", "1.2", changes)
    findings = tuple(
        replace(
            synthetic.db_finding(origin="plans/fleet.json"),
            address=c.address,
            type=c.type,
            actions=("delete",),
        )
        for c in changes
    )
    verdict = Verdict((plan,), findings, "pl1:" + "1" * 64, "approval_required")
    text = markdown.render(verdict)
    assert len(text) <= markdown.COMMENT_LIMIT - markdown.RESERVED
    assert "not shown: GitHub comments are limited to 65,536 characters" in text
    parsed = outline(text)
    assert [t for t, _ in parsed.events][:2] == ["h2", "p"]
    assert any(text == "Approval" for tag, text in parsed.events if tag == "h3")  # never cut
    assert text.count("<details>") == text.count("</details>")


def test_gate_comment_shows_who_may_approve_who_did_and_what_no_longer_counts() -> None:
    pr = PullRequest(
        7, "open", False, Actor("alice"), "c" * 40, "feature", "acme/infra", "d" * 40, "main", (), 1
    )
    outcome = Outcome(
        approved=False,
        approvers=(),
        not_counted=(("alice", "label: the pull request author cannot approve their own change"),),
        blockers=("no qualified peer added 'planlint:approve-destroy' after the latest change",),
        digest_shown_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
        latest_push_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
    )
    verdict = synthetic.verdict_with_findings()
    body = render_comment(
        verdict,
        pr,
        "planlint:approve-destroy",
        outcome,
        "pl1:" + "9" * 64,
        run_url="https://github.com/acme/infra/actions/runs/7",
        blob_url="https://github.com/acme/infra/blob/" + "c" * 40,
        teams=("acme/dba",),
    )
    assert body.startswith("<!-- planlint:gate -->")
    parsed = outline(body)
    paragraphs = [text for tag, text in parsed.events if tag == "p"]
    assert any(p.startswith("Status: 🛑 not approved yet") for p in paragraphs)
    who = next(p for p in paragraphs if p.startswith("Who may approve:"))
    assert "not the pull request's author" in who and "alice" in who and "acme/dba" in who
    assert any(
        p.startswith("An older approval no longer counts:") and "999999999999" in p for p in paragraphs
    )
    assert "alice: label: the pull request author cannot approve their own change" in to_html(body).replace(
        "<code>", ""
    ).replace("</code>", "")
    approved = dataclasses.replace(outcome, approved=True, approvers=("bob",), blockers=(), not_counted=())
    ok = outline(render_comment(verdict, pr, "planlint:approve-destroy", approved, None))
    assert any(text.startswith("Status: ✅ approved by bob") for tag, text in ok.events if tag == "p")
