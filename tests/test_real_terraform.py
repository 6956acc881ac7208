"""Conformance with real Terraform: small configurations, real `terraform init/apply/plan/show -json`.

Each shape writes a first configuration, applies it, writes the second, plans (with the shape's flags),
renders the saved plan with `terraform show -json` and judges it with `planlint check`. Only the built-in
`terraform_data` resource is used (no provider download); a test policy classes it as stateful data, so
the verdicts are those a database would get. Skipped only when `terraform` is not on PATH.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from planlint.cli import main

TERRAFORM = shutil.which("terraform")
pytestmark = pytest.mark.skipif(
    TERRAFORM is None, reason="terraform is not on PATH (the real-Terraform suite needs it)"
)

POLICY = "stateful_types:\n  terraform_data: data\n"
EXIT = {"PASS": 0, "GATE": 1, "REFUSE": 2}


@dataclass(frozen=True)
class Shape:
    name: str
    first: str  # main.tf applied first
    second: str  # main.tf planned against that state
    want: str  # PASS | GATE | REFUSE
    plan_args: tuple[str, ...] = ()
    gated: frozenset[str] = frozenset()  # addresses that must be gated findings (exactly these)
    rules: frozenset[str] = frozenset()  # rule ids among the gated findings
    reason: str | None = None  # action_reason of the gated changes, as Terraform wrote it
    refusal: str | None = None  # words the REFUSE message must contain
    destroy_mode: bool = False
    extra_files: dict[str, str] = field(default_factory=dict)  # e.g. a module
    info_rules: frozenset[str] = frozenset()  # rules that must report (not gate) on a PASS


def _data(name: str, body: str = 'input = "v"') -> str:
    return f'resource "terraform_data" "{name}" {{\n  {body}\n}}\n'


MODULE = {"mod/main.tf": _data("one") + _data("two") + _data("three")}

SHAPES = [
    Shape(
        "count shrink",
        'resource "terraform_data" "db" {\n  count = 3\n  input = count.index\n}\n',
        'resource "terraform_data" "db" {\n  count = 1\n  input = count.index\n}\n',
        "GATE",
        gated=frozenset({"terraform_data.db[1]", "terraform_data.db[2]"}),
        rules=frozenset({"PL013"}),
        reason="delete_because_count_index",
    ),
    Shape(
        "for_each key removed",
        'resource "terraform_data" "db" {\n  for_each = toset(["a", "b"])\n  input = each.key\n}\n',
        'resource "terraform_data" "db" {\n  for_each = toset(["a"])\n  input = each.key\n}\n',
        "GATE",
        gated=frozenset({'terraform_data.db["b"]'}),
        rules=frozenset({"PL013"}),
        reason="delete_because_each_key",
    ),
    Shape(
        "module removed",
        _data("keep") + 'module "store" {\n  source = "./mod"\n}\n',
        _data("keep"),
        "GATE",
        gated=frozenset(f"module.store.terraform_data.{n}" for n in ("one", "two", "three")),
        rules=frozenset({"PL001", "PL012"}),
        # Terraform 1.11 says no_resource_config here; the configuration no longer calls the module
        reason="delete_because_no_resource_config",
        extra_files=MODULE,
    ),
    Shape(
        "module count shrink",
        'module "store" {\n  source = "./mod"\n  count  = 2\n}\n',
        'module "store" {\n  source = "./mod"\n  count  = 1\n}\n',
        "GATE",
        gated=frozenset(f"module.store[1].terraform_data.{n}" for n in ("one", "two", "three")),
        rules=frozenset({"PL001", "PL012"}),
        reason="delete_because_no_module",
        extra_files=MODULE,
    ),
    Shape(
        "resource removed",
        _data("keep") + _data("gone"),
        _data("keep"),
        "GATE",
        gated=frozenset({"terraform_data.gone"}),
        rules=frozenset({"PL001"}),
        reason="delete_because_no_resource_config",
    ),
    Shape(
        "moved block (no-op)",
        _data("old"),
        _data("new") + "moved {\n  from = terraform_data.old\n  to   = terraform_data.new\n}\n",
        "PASS",
    ),
    Shape(
        "removed block with destroy = false (forget)",
        _data("keep") + _data("kept_outside"),
        _data("keep")
        + "removed {\n  from = terraform_data.kept_outside\n  lifecycle {\n    destroy = false\n  }\n}\n",
        "PASS",
        info_rules=frozenset({"PL019"}),
    ),
    Shape(
        "-replace=",
        _data("db"),
        _data("db"),
        "GATE",
        plan_args=("-replace=terraform_data.db",),
        gated=frozenset({"terraform_data.db"}),
        rules=frozenset({"PL001"}),
        reason="replace_by_request",
    ),
    Shape(
        "replace_triggered_by",
        _data("schema", 'input = "v1"')
        + _data("db", 'input = "v"\n  lifecycle {\n    replace_triggered_by = [terraform_data.schema]\n  }'),
        _data("schema", 'input = "v2"')
        + _data("db", 'input = "v"\n  lifecycle {\n    replace_triggered_by = [terraform_data.schema]\n  }'),
        "GATE",
        gated=frozenset({"terraform_data.db"}),  # the trigger itself is only updated in place
        rules=frozenset({"PL001"}),
        reason="replace_by_triggers",
    ),
    Shape(
        "create_before_destroy",
        _data("db", 'triggers_replace = "1"\n  lifecycle {\n    create_before_destroy = true\n  }'),
        _data("db", 'triggers_replace = "2"\n  lifecycle {\n    create_before_destroy = true\n  }'),
        "GATE",
        gated=frozenset({"terraform_data.db"}),
        rules=frozenset({"PL001"}),
        reason="replace_because_cannot_update",
    ),
    Shape(
        "-destroy",
        _data("a") + _data("b") + 'module "store" {\n  source = "./mod"\n}\n',
        _data("a") + _data("b") + 'module "store" {\n  source = "./mod"\n}\n',
        "GATE",
        plan_args=("-destroy",),
        gated=frozenset(
            {
                "terraform_data.a",
                "terraform_data.b",
                *(f"module.store.terraform_data.{n}" for n in ("one", "two", "three")),
            }
        ),
        rules=frozenset({"PL001", "PL011"}),
        destroy_mode=True,
        extra_files=MODULE,
    ),
    Shape(
        "-target",
        _data("a") + _data("b"),
        _data("a"),
        "REFUSE",
        plan_args=("-target=terraform_data.b",),
        refusal="-target",
    ),
    Shape(
        "plan that errors",
        _data("a") + _data("b"),
        _data(
            "a",
            'input = "v2"\n  lifecycle {\n    precondition {\n      condition     = terraform_data.b.input == "never"\n'
            '      error_message = "synthetic failure"\n    }\n  }',
        )
        + _data("b"),
        "REFUSE",
        refusal="errored",
    ),
]


def _terraform(cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1"}
    env.pop("TF_CLI_ARGS", None)
    done = subprocess.run(
        [str(TERRAFORM), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if ok:
        assert done.returncode == 0, f"terraform {' '.join(args)} failed:\n{done.stderr}"
    return done


def _write(root: Path, main_tf: str, extra: dict[str, str]) -> None:
    (root / "main.tf").write_text(main_tf, encoding="utf-8")
    for rel, text in extra.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def real_plan(root: Path, shape: Shape) -> Path:
    """Apply `shape.first`, plan `shape.second`; the `terraform show -json` of the saved plan."""
    root.mkdir(parents=True, exist_ok=True)
    _write(root, shape.first, shape.extra_files)
    _terraform(root, "init", "-input=false")
    _terraform(root, "apply", "-auto-approve", "-input=false")
    _write(root, shape.second, {})
    _terraform(root, "init", "-input=false")  # the module set may have changed
    # a plan that errors exits 1 but still saves the plan file, marked errored
    _terraform(root, "plan", "-input=false", "-out=tfplan", *shape.plan_args, ok=shape.refusal != "errored")
    out = root / "plan.json"
    out.write_text(_terraform(root, "show", "-json", "tfplan").stdout, encoding="utf-8")
    return out


def judge(plan: Path, policy_dir: Path) -> int:
    """`planlint check --format json` under the test policy; its exit code (the report goes to stdout)."""
    policy = policy_dir / ".planlint.yml"
    policy.write_text(POLICY, encoding="utf-8")
    return main(["check", "--config", str(policy), "--format", "json", str(plan)])


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_real_terraform_shape(shape: Shape, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = real_plan(tmp_path / "tf", shape)
    code = judge(plan, tmp_path)
    out, err = capsys.readouterr()
    assert code == EXIT[shape.want], f"{shape.name}: exit {code}\n{err}{out[-3000:]}"
    if shape.want == "REFUSE":
        assert err.startswith("planlint: error:") and shape.refusal and shape.refusal in err, err
        return
    report = json.loads(out)
    findings = report["findings"]
    gated = [f for f in findings if f["gated"]]
    assert {f["address"] for f in gated} == shape.gated
    assert shape.rules <= {f["rule_id"] for f in gated}
    if shape.reason is not None:
        assert {f["reason"] for f in gated} == {shape.reason}
    assert report["inputs"][0]["facts"]["destroy_mode"] is shape.destroy_mode
    if shape.want == "PASS":
        assert report["decision"] == "pass"
        assert all(f["enforcement"] == "info" for f in findings), findings
        assert shape.info_rules == {f["rule_id"] for f in findings}


def test_a_damaged_saved_plan_is_refused_in_one_line_saying_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A saved plan cut short (a copy that did not finish): `terraform show -json` fails, and the refusal
    names the file and Terraform's error, not the colour codes and box drawing around it (before: `╵`)."""
    root = tmp_path / "tf"
    root.mkdir()
    _write(root, _data("db"), {})
    _terraform(root, "init", "-input=false")
    _terraform(root, "plan", "-input=false", "-out=tfplan")
    damaged = root / "damaged.tfplan"
    damaged.write_bytes((root / "tfplan").read_bytes()[:100])
    assert main(["check", str(damaged)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    assert err.startswith(f"planlint: error: {damaged}: `terraform show -json` exited 1: Error: "), err
    assert "\x1b" not in err and "╵" not in err, err
