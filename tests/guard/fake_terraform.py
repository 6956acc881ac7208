"""A fake `terraform`/`tofu` for guard's end-to-end tests (there is no real one here or on CI).

`install(bin_dir, python)` writes executables named terraform, tofu and terraform_1.9.8 that:
- append `{"argv", "tf_cli_args", "cwd", ...}` as one JSON line to $FAKE_TF_LOG;
- `plan … -out=FILE`: write FILE naming the corpus plan to replay ($FAKE_TF_DESTROY_PLAN when -destroy is
  given and set, else $FAKE_TF_PLAN) and record the mode of FILE's directory; $FAKE_TF_PLAN_FAIL fails it;
- `show -json FILE`: print the replayed corpus plan (exactly the real `terraform show -json` output the corpus
  holds); $FAKE_TF_TAMPER makes show modify FILE afterwards, as an attacker racing guard would;
- `apply FILE`: succeed with $FAKE_TF_APPLY_EXIT (default 0); anything else: exit 0.
"""

from __future__ import annotations

import json
from pathlib import Path

SCRIPT = r"""#!{python}
import json, os, stat, sys
argv = sys.argv[1:]
entry = {
    "prog": os.path.basename(sys.argv[0]),
    "argv": argv,
    "tf_cli_args": {k: v for k, v in os.environ.items() if k.startswith("TF_CLI_ARGS")},
    "cwd": os.getcwd(),
    "guarded_plan": os.environ.get("PLANLINT_GUARDED_PLAN"),
}
args = [a for a in argv if not a.startswith("-chdir=")]
sub, rest = (args[0], args[1:]) if args else ("", [])
if sub == "plan" and os.environ.get("FAKE_TF_NO_OUT"):  # a plain `terraform plan`: nothing saved
    with open(os.environ["FAKE_TF_LOG"], "a") as log:
        log.write(json.dumps(entry) + "\n")
    sys.exit(0)
if sub == "plan":
    out = next(a.split("=", 1)[1] for a in rest if a.startswith("-out="))
    entry["out_dir_mode"] = oct(stat.S_IMODE(os.stat(os.path.dirname(os.path.abspath(out))).st_mode))
    with open(os.environ["FAKE_TF_LOG"], "a") as log:
        log.write(json.dumps(entry) + "\n")
    if os.environ.get("FAKE_TF_PLAN_FAIL"):
        print("Error: fake provider failure", file=sys.stderr)
        sys.exit(1)
    destroy = any(a == "-destroy" for a in rest)
    replay = os.environ.get("FAKE_TF_DESTROY_PLAN") if destroy else None
    with open(out, "w") as plan:
        json.dump({"fake_terraform_plan": replay or os.environ["FAKE_TF_PLAN"], "args": rest}, plan)
    print("fake plan saved to", out)
    sys.exit(0)
with open(os.environ["FAKE_TF_LOG"], "a") as log:
    log.write(json.dumps(entry) + "\n")
if sub == "show":
    path = rest[-1]
    with open(path) as plan:
        replay = json.load(plan)["fake_terraform_plan"]
    with open(replay, "rb") as corpus:
        sys.stdout.buffer.write(corpus.read())
    if os.environ.get("FAKE_TF_TAMPER"):
        with open(path, "a") as plan:
            plan.write(" ")
    sys.exit(0)
if sub == "apply":
    print("Apply complete! (fake)")
    sys.exit(int(os.environ.get("FAKE_TF_APPLY_EXIT", "0")))
sys.exit(0)
"""

NAMES = ("terraform", "tofu", "terraform_1.9.8", "terragrunt")


def install(bin_dir: Path, python: str) -> None:
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        path = bin_dir / name
        path.write_text(SCRIPT.replace("{python}", python))
        path.chmod(0o755)


def read_log(log: Path) -> list[dict[str, object]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
