"""How guard reads commands out of configuration text: heredocs, `run_cmd(…)` calls, Terragrunt path
expressions, and programs.yml. Small SYNTHETIC inputs, each named for the one form it shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from planlint.approvals.trustdir import TrustError
from planlint.errors import InputError
from planlint.guard.hcl_blocks import parse_blocks
from planlint.guard.program_policy import load_programs
from planlint.guard.programs import heredoc, literal_vector, run_cmd_calls
from planlint.guard.tf_programs import block_programs
from planlint.guard.tg_programs import call_arguments, resolve_path


def test_an_indented_heredoc_is_the_text_hcl_reads() -> None:
    assert heredoc("<<-EOT\n    a\n      b\n    EOT") == "a\n  b\n"
    assert heredoc("<<EOT\n  a\nEOT") == "  a\n"
    assert heredoc("plain") == "plain"


def test_a_computed_word_makes_the_vector_unallowable() -> None:
    assert literal_vector(["python3", "x.py"]) == ("python3", "x.py")
    assert literal_vector(["python3", "${var.script}"]) is None
    assert literal_vector("python3 x.py") is None


@pytest.mark.parametrize(
    ("text", "calls"),
    [
        ('${run_cmd("--terragrunt-quiet", "sh", "-c", "id")}', [("sh", "-c", "id")]),
        ('${run_cmd("echo", "a")}-${run_cmd("date")}', [("echo", "a"), ("date",)]),
        ('${run_cmd("echo", local.x)}', [None]),
        ('${run_cmd("say \\"hi\\"")}', [('say "hi"',)]),
        ("${upper(local.x)}", []),
    ],
)
def test_run_cmd_calls_are_found_and_only_literal_ones_have_a_vector(text: str, calls: list[object]) -> None:
    assert run_cmd_calls(text) == calls


def test_terragrunt_paths_guard_can_and_cannot_work_out(tmp_path: Path) -> None:
    unit = tmp_path / "live" / "app"
    unit.mkdir(parents=True)
    (tmp_path / "root.hcl").write_text("")
    found = resolve_path('${find_in_parent_folders("root.hcl")}', unit, unit, tmp_path)
    assert found == tmp_path / "root.hcl"
    assert resolve_path("${get_terragrunt_dir()}/../env.hcl", unit, unit, tmp_path) == unit / ".." / "env.hcl"
    assert resolve_path(
        '${dirname(find_in_parent_folders("root.hcl"))}/common.hcl', unit, unit, tmp_path
    ) == (tmp_path / "common.hcl")
    assert resolve_path("${local.somewhere}/x.hcl", unit, unit, tmp_path) is None
    assert call_arguments(
        '${read_terragrunt_config(find_in_parent_folders("env.hcl")).locals}', "read_terragrunt_config"
    ) == ['find_in_parent_folders("env.hcl")']


def test_programs_yml_is_refused_unless_it_is_exactly_shaped(tmp_path: Path) -> None:
    (tmp_path / "programs.yml").write_text("programs:\n  - argv: aws eks get-token\n")
    with pytest.raises(TrustError, match="non-empty list of strings"):
        load_programs(tmp_path)
    (tmp_path / "programs.yml").write_text("programs:\n  - argv: [x]\n    sha256: {x: abc}\n")
    with pytest.raises(TrustError, match="64-digit"):
        load_programs(tmp_path)
    (tmp_path / "programs.yml").write_text("allow: []\n")
    with pytest.raises(TrustError, match="expected a mapping"):
        load_programs(tmp_path)
    (tmp_path / "programs.yml").write_text("programs:\n  - argv: [aws, eks]\n")
    (tmp_path / "programs.yml").chmod(0o666)
    with pytest.raises(TrustError, match="writable"):
        load_programs(tmp_path)


def test_a_json_configuration_with_a_key_twice_is_refused() -> None:
    """Python keeps the last of two `"data"` keys, Terraform reads the blocks of both: the `external` data
    source of the first would run unseen (synthetic file, a fresh attacker's finding)."""
    text = (
        '{"data": {"external": {"x": {"program": ["sh", "-c", "id"]}}},'
        ' "data": {"terraform_remote_state": {"y": {"backend": "local"}}}}'
    )
    with pytest.raises(InputError, match="the key 'data' appears twice in one object"):
        parse_blocks(text, "main.tf.json", json_syntax=True)
    assert [
        b.type for b in parse_blocks('{"data": {"external": {"x": {"program": ["id"]}}}}', "m.tf.json", True)
    ]


def test_a_dynamic_exec_block_is_an_exec_plugin() -> None:
    """`dynamic "exec" { content { command = … } }` configures the same credential plugin as `exec { … }`
    (synthetic provider block, a fresh attacker's finding)."""
    text = (
        'provider "kubernetes" {\n  dynamic "exec" {\n    for_each = [1]\n    content {\n'
        '      api_version = "client.authentication.k8s.io/v1beta1"\n      command = "sh"\n'
        '      args = ["-c", "id"]\n    }\n  }\n}\n'
    )
    (block,) = parse_blocks(text, "main.tf")
    (use,) = block_programs(block, Path())
    assert (use.argv, use.when, use.where) == (("sh", "-c", "id"), "plan", "main.tf:4")
