"""A SYNTHETIC test double of `terragrunt run --all` that drives the REAL `terraform` in every unit.

Terragrunt is not installable here (no registry reachable from this machine or CI ships it). This double
does what guard relies on, the way terragrunt documents and implements it (gruntwork-io/terragrunt
`internal/component/unit.go`, `internal/runner/runnerpool/runner.go`, `internal/report`):

- units are the directories below the working directory holding a `terragrunt.hcl` (hidden ones skipped),
  run in path order, or in reverse for `destroy`, `plan -destroy` and `apply -destroy`;
- `--out-dir D`: `plan` gets `-out=D/<unit>/tfplan.tfplan`, `apply` gets that file as its argument;
  `--json-out-dir J`: after a plan, `terraform show -json` of it is written to `J/<unit>/tfplan.json`;
- `--report-file R`: a JSON list of `{"Name", "Started", "Ended", "Result", "Reason"}`, one per unit;
- `--queue-exclude-dir U`: the unit is excluded (Result `excluded`, Reason `--queue-exclude-dir`);
- a single-unit command (`terragrunt plan -out=F`, `terragrunt show -json F`, `terragrunt apply F`) runs
  terraform in the working directory only, with the output passed through;
- in each unit, as Terragrunt does when it parses and runs it: every `run_cmd("literal", …)` in its
  terragrunt.hcl runs, then every `before_hook` whose `commands` lists the command runs its `execute`
  vector (python-hcl2 reads the file; nothing else of Terragrunt's configuration language is done);
- test knobs: $FAKE_TG_FAIL_UNIT makes that unit's plan fail; $FAKE_TG_NO_JSON_UNIT makes that unit
  succeed without writing its JSON plan; every call appends `{"argv", "units": [[unit, terraform argv]]}`
  to $FAKE_TG_LOG.
"""

from __future__ import annotations

from pathlib import Path

from .fake_terraform import read_log

__all__ = ["install", "read_log"]

SCRIPT = r"""#!{python}
# SYNTHETIC fake terragrunt (tests/guard/fake_terragrunt.py): drives the real terraform per unit.
import json, os, subprocess, sys
argv = sys.argv[1:]
cut = argv.index("--") if "--" in argv else len(argv)
head, inner = argv[:cut], argv[cut + 1:]
def option(name):
    for i, word in enumerate(head):
        if word == name and i + 1 < len(head):
            return head[i + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None
root = os.path.abspath(option("--working-dir") or os.getcwd())
units = sorted(
    os.path.relpath(d, root) for d, dirs, files in os.walk(root)
    if "terragrunt.hcl" in files and not any(p.startswith(".") for p in os.path.relpath(d, root).split(os.sep))
)
command, args = (inner[0], inner[1:]) if inner else ("", [])
single = not inner and "--all" not in head and head[:1] != ["run"]
if single:
    units, command, args = ["."], head[0], head[1:]
def run_programs(unit_dir, command):
    import re, hcl2
    path = os.path.join(unit_dir, "terragrunt.hcl")
    text = open(path).read()
    for call in re.findall(r'run_cmd\(((?:\s*"[^"]*"\s*,?)+)\)', text):
        words = [w for w in re.findall(r'"([^"]*)"', call) if w != "--terragrunt-quiet"]
        subprocess.run(words, cwd=unit_dir, check=True, stdout=subprocess.DEVNULL)
    config = hcl2.loads(text)
    for block in config.get("terraform", []):
        for hooks in block.get("before_hook", []):
            for hook in hooks.values():
                if command in [c.strip('"') for c in hook.get("commands", [])]:
                    subprocess.run([w.strip('"') for w in hook["execute"]], cwd=unit_dir, check=True)
destroy = command == "destroy" or "-destroy" in args
if destroy:
    units.reverse()
out_dir, json_dir, report_file = option("--out-dir"), option("--json-out-dir"), option("--report-file")
excluded = {option("--queue-exclude-dir")} - {None}
env = {k: v for k, v in os.environ.items()}
runs, log, failed = [], [], False
for unit in units:
    row = {"Name": unit, "Started": "2026-01-01T00:00:00Z", "Ended": "2026-01-01T00:00:01Z"}
    if unit in excluded:
        runs.append(row | {"Result": "excluded", "Reason": "--queue-exclude-dir"})
        continue
    cwd = os.path.join(root, unit)
    run_programs(cwd, command)
    if not os.path.isdir(os.path.join(cwd, ".terraform")):
        subprocess.run(["terraform", "init", "-input=false"], cwd=cwd, env=env, capture_output=True, check=True)
    if single:
        with open(os.environ["FAKE_TG_LOG"], "a") as handle:
            handle.write(json.dumps({"argv": argv, "units": [[unit, [command, *args]]]}) + "\n")
        sys.exit(subprocess.run(["terraform", command, *args], cwd=cwd, env=env).returncode)
    tf = ["terraform", command, "-input=false", *args]
    plan_file = os.path.join(os.path.abspath(out_dir), unit, "tfplan.tfplan") if out_dir else None
    if plan_file and command == "plan":
        os.makedirs(os.path.dirname(plan_file), mode=0o700, exist_ok=True)
        tf.append("-out=" + plan_file)
    elif plan_file and command == "apply":
        tf.append(plan_file)
    log.append([unit, tf[1:]])
    if os.environ.get("FAKE_TG_FAIL_UNIT") == unit:
        print(f"[{unit}] Error: synthetic failure", file=sys.stderr)
        runs.append(row | {"Result": "failed", "Reason": "run error"})
        failed = True
        continue
    proc = subprocess.run(tf, cwd=cwd, env=env, stdout=sys.stderr)
    if proc.returncode != 0:
        runs.append(row | {"Result": "failed", "Reason": "run error"})
        failed = True
        continue
    if json_dir and command == "plan" and os.environ.get("FAKE_TG_NO_JSON_UNIT") != unit:
        shown = subprocess.run(["terraform", "show", "-json", plan_file or "tfplan.tfplan"], cwd=cwd, env=env,
                               capture_output=True, check=True)
        target = os.path.join(os.path.abspath(json_dir), unit, "tfplan.json")
        os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(shown.stdout)
    runs.append(row | {"Result": "succeeded"})
if report_file:
    with open(report_file, "w") as handle:
        json.dump(runs, handle, indent=2)
with open(os.environ["FAKE_TG_LOG"], "a") as handle:
    handle.write(json.dumps({"argv": argv, "units": log}) + "\n")
sys.exit(1 if failed else 0)
"""


def install(bin_dir: Path, python: str) -> None:
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / "terragrunt"
    path.write_text(SCRIPT.replace("{python}", python))
    path.chmod(0o755)
