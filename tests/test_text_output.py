"""The text report as a person sees it: on a real pseudo-terminal (width, colour), in pipes, on corpus plans."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import msgspec
import pytest

from planlint.model import Finding, SourceLocation, Verdict
from planlint.report import markdown as markdown_report
from planlint.report import text as text_report
from planlint.report.rows import report_order
from tests.test_reporters import synthetic

DESTROY_PLAN = "terraform/snyk-cli/tf-plan-destroy.json"
S3_PLAN = "terraform/terraform-visual/examples__aws-s3.json"
ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
CLEAN_ENV = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "CI", "GITHUB_ACTIONS")


def run_on_terminal(args: list[str], cwd: Path, columns: int, **env: str) -> str:
    """`planlint ARGS` with stdout on a real pseudo-terminal `columns` wide; what the terminal received."""
    main, child = os.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV}
    proc = subprocess.Popen(
        [sys.executable, "-m", "planlint", *args],
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env={**environ, **env},
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    proc.wait(timeout=60)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def run_in_pipe(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV}
    return subprocess.run(
        [sys.executable, "-m", "planlint", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**environ, **env},
        check=False,
    )


@pytest.mark.parametrize("columns", [80, 160, 220])
def test_terminal_output_follows_the_width_and_never_breaks_an_address(corpus: Path, columns: int) -> None:
    output = ESCAPE.sub("", run_on_terminal(["check", DESTROY_PLAN], corpus, columns))
    addresses = [
        "aws_iam_role_policy_attachment.terra_ci_job_ecr_access",
        "aws_s3_bucket.terra_ci",
        "aws_sfn_state_machine.terra_ci_runner",
    ]
    for address in addresses:
        assert any(address in line for line in output.splitlines()), (columns, address)
    if columns < text_report.MIN_TABLE_WIDTH:
        # narrow: plain lines, word-wrapped at the terminal's width under a hanging indent; a word longer
        # than the width (an address, a digest) stands whole on its own line
        assert "  aws_s3_bucket.terra_ci (aws_s3_bucket): destroyed" in output
        assert all(len(line) <= columns or len(line.split()) == 1 for line in output.splitlines())
        assert "Rules and why" not in output
    else:
        table = [line for line in output.splitlines() if set(line) == {"─"}]
        assert table and all(len(line) == columns for line in table)  # the table uses the whole width
        assert all(len(line) <= columns for line in output.splitlines())


def test_a_long_address_on_a_wide_terminal_falls_back_to_plain_lines() -> None:
    base = _synthetic_finding()
    address = (
        "module.a_very_long_module_name.module.another_nested_module.aws_db_instance.primary_database[0]"
    )
    verdict = Verdict((), (msgspec.structs.replace(base, address=address),), "", "approval_required")
    for width in (100, 140):
        output = text_report.render(verdict, width=width)
        assert "Rules and why" not in output
        assert any(line.split()[:1] == [address] for line in output.splitlines())  # whole, never broken
    assert "Rules and why" in text_report.render(verdict, width=220)


def test_no_color_force_color_and_the_flag(corpus: Path) -> None:
    args = ["check", S3_PLAN]
    assert "\x1b[" in run_on_terminal(args, corpus, 160)
    assert "\x1b[" not in run_on_terminal(args, corpus, 160, NO_COLOR="1")
    assert "\x1b[" not in run_on_terminal([*args, "--no-color"], corpus, 160)
    assert "\x1b[" not in run_on_terminal([*args, "--no-color"], corpus, 160, FORCE_COLOR="1")
    assert "\x1b[" in run_on_terminal(args, corpus, 160, NO_COLOR="")  # empty means unset (no-color.org)
    piped = run_in_pipe(args, corpus, FORCE_COLOR="1")
    assert "\x1b[31m" in piped.stdout or "\x1b[1;31m" in piped.stdout
    assert "\x1b[" not in run_in_pipe(args, corpus).stdout


def test_plain_output_has_the_rule_title_and_the_real_why(corpus: Path) -> None:
    output = run_in_pipe(["check", S3_PLAN], corpus).stdout
    assert "A stateful resource is deleted or replaced" in output
    assert "attributes that change: bucket" in output


def test_a_destroy_plan_lists_each_resource_once_with_all_its_rules(corpus: Path) -> None:
    lines = run_in_pipe(["check", DESTROY_PLAN], corpus).stdout.splitlines()
    heads = [line for line in lines if line.startswith("  aws_s3_bucket.terra_ci ")]
    assert heads == ["  aws_s3_bucket.terra_ci (aws_s3_bucket): destroyed"]
    start = lines.index(heads[0])
    assert lines[start + 1].startswith("    PL001 approve/high  A stateful resource")
    assert lines[start + 2].startswith("    PL011 approve/high  A destroy-mode plan")


def test_quiet_prints_the_decision_line_only(corpus: Path) -> None:
    done = run_in_pipe(["check", "-q", S3_PLAN], corpus)
    assert done.returncode == 1
    assert done.stdout == "Decision: approval required: destructive changes need a peer's approval\n"


def test_one_order_everywhere_gated_first() -> None:
    info = msgspec.structs.replace(_synthetic_finding(), address="aws_sqs_queue.a", enforcement="info")
    gated = msgspec.structs.replace(_synthetic_finding(), address="aws_db_instance.b")
    verdict = Verdict((), (info, gated), "", "approval_required")
    assert report_order(verdict.findings) == [gated, info]
    for output in (text_report.render(verdict), text_report.render(verdict, width=200)):
        assert output.index("aws_db_instance.b") < output.index("aws_sqs_queue.a")
    md = markdown_report.render(verdict)
    assert md.index("`aws_db_instance.b`") < md.index("`aws_sqs_queue.a`")


def test_severity_has_its_own_colour_critical_is_not_dim() -> None:
    finding = msgspec.structs.replace(_synthetic_finding(), severity="critical")
    verdict = Verdict((), (finding,), "", "approval_required")
    for output in (
        text_report.render(verdict, color=True),
        text_report.render(verdict, color=True, width=200),
    ):
        assert re.search(r"\x1b\[1;31mcritical\x1b\[0m", output), output


def test_bidi_controls_from_a_plan_are_escaped_in_text_and_markdown() -> None:
    address = "aws_s3_bucket.a\u202e\u2066evil"
    finding = msgspec.structs.replace(_synthetic_finding(), address=address)
    verdict = Verdict((), (finding,), "", "approval_required")
    for output in (
        text_report.render(verdict),
        text_report.render(verdict, width=200),
        markdown_report.render(verdict),
    ):
        assert "\u202e" not in output and "\u2066" not in output
        assert "u202e" in output


def test_stdin_is_named_stdin(corpus: Path) -> None:
    data = (corpus / S3_PLAN).read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "planlint", "check", "-"], input=data, capture_output=True, check=False
    )
    assert b"<stdin>  (terraform 0.12.6" in done.stdout
    assert b"\n- " not in done.stdout.split(b"Decision:")[0]


def _synthetic_finding() -> Finding:
    """Synthetic (tests/fixtures/report): one gated replacement of a database, unlocated, one forcing path."""
    return msgspec.structs.replace(
        synthetic.db_finding("plan.json"),
        address="aws_db_instance.b",
        message="aws_db_instance.b (RDS DB instance) will be replaced.",
        replace_order=None,
        replace_paths=("engine",),
        location=None,
    )


CFN_CHANGE_SET = "cloudformation/trek10-cfn-changeset-viewer/deletion-policies.json"


def test_next_steps_follow_where_planlint_runs_and_the_tool(corpus: Path) -> None:
    local = run_in_pipe(["check", S3_PLAN], corpus).stdout.split("Next:")[1]
    assert "`planlint approve ...`" in local and "SKIP=" not in local
    assert "after the latest push" not in local
    assert "`moved` block" in local and "DeletionPolicy" not in local
    hook = run_in_pipe(["check", S3_PLAN], corpus, PRE_COMMIT="1").stdout.split("Next:")[1]
    assert "`SKIP=planlint-terraform-source git commit ...`" in hook
    github = run_in_pipe(["check", S3_PLAN], corpus, GITHUB_ACTIONS="true").stdout.split("Next:")[1]
    assert "the peer adds the approval label" in github and "after the latest push" in github
    cfn = run_in_pipe(["check", CFN_CHANGE_SET], corpus).stdout.split("Next:")[1]
    assert "DeletionPolicy and UpdateReplacePolicy to Retain or Snapshot" in cfn
    assert "moved" not in cfn


def test_a_block_deleted_since_the_base_revision_is_shown_where_it_was(tmp_path: Path) -> None:
    """Synthetic repository: a bucket block committed, then deleted in the working tree."""
    infra = tmp_path / "infra"
    infra.mkdir()
    main_tf = infra / "main.tf"
    main_tf.write_text('terraform {}\n\nresource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n')
    git = ["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=tmp_path, check=True)
    main_tf.write_text("terraform {}\n")
    text = run_in_pipe(["check", "--source", "infra", "--base-ref", "HEAD"], tmp_path)
    assert text.returncode == 1, text.stderr
    assert (
        "aws_s3_bucket.logs (aws_s3_bucket): destroyed, at infra/main.tf:3 (as it was in HEAD)" in text.stdout
    )
    markdown = run_in_pipe(["check", "--source", "infra", "--base-ref", "HEAD", "-f", "markdown"], tmp_path)
    assert "at `infra/main.tf:3` (as it was in HEAD)" in markdown.stdout
    assert "HEAD:infra" not in text.stdout + markdown.stdout


def test_file_and_line_from_the_source_in_text_and_markdown() -> None:
    located = msgspec.structs.replace(_synthetic_finding(), location=SourceLocation("infra/db.tf", 7, 19))
    verdict = Verdict((), (located,), "", "approval_required")
    assert "aws_db_instance.b (aws_db_instance): replaced, at infra/db.tf:7" in text_report.render(verdict)
    assert "infra/db.tf:7" in text_report.render(verdict, width=200)
    assert "<br>at `infra/db.tf:7`" in markdown_report.render(verdict)


def test_plain_lines_wrap_only_on_a_terminal_and_never_break_a_word() -> None:
    """Synthetic: the same verdict piped (no width) keeps one line per rule; at 60 columns every line fits,
    the words are the same in the same order, and colour codes do not count towards the width."""
    verdict = Verdict((), (_synthetic_finding(),), "", "approval_required")
    piped = text_report.render(verdict)
    assert any(len(line) > 60 for line in piped.splitlines())
    for color in (False, True):
        wrapped = text_report.render(verdict, width=60, color=color)
        visible = ESCAPE.sub("", wrapped)
        assert all(len(line) <= 60 or len(line.split()) == 1 for line in visible.splitlines())
        assert visible.split() == ESCAPE.sub("", text_report.render(verdict, color=color)).split()
