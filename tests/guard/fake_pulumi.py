"""A SYNTHETIC test double of the `pulumi` CLI for guard's end-to-end tests.

The real CLI is not installable here: the npm package `pulumi` only downloads the binary on first run,
and no registry reachable from this machine or CI ships it. This double records what guard runs and answers
with the synthetic previews in tests/fixtures/pulumi (modelled on Pulumi's `PreviewDigest` document):

- every call appends `{"argv", "cwd", "streaming"}` as one JSON line to $FAKE_PULUMI_LOG;
- `preview … --json --save-plan=FILE`: prints $FAKE_PULUMI_PREVIEW and writes FILE naming it (a stand-in
  for Pulumi's update plan); $FAKE_PULUMI_FAIL makes it fail like a program error (exit 255);
- `destroy … --preview-only --json`: prints the next of $FAKE_PULUMI_DESTROY_PREVIEWS (os.pathsep-separated;
  the last one repeats), so a test can make the stack change between two previews;
- `up … --plan=FILE`: records FILE's content as "plan" and exits $FAKE_PULUMI_RUN_EXIT (default 0), as does
  `destroy` without `--preview-only`; anything else exits 0.
"""

from __future__ import annotations

from pathlib import Path

from .fake_terraform import read_log

__all__ = ["install", "read_log"]

SCRIPT = r"""#!{python}
# SYNTHETIC fake pulumi (tests/guard/fake_pulumi.py): not the real CLI.
import json, os, sys
argv = sys.argv[1:]
log_path = os.environ["FAKE_PULUMI_LOG"]
entry = {"argv": argv, "cwd": os.getcwd(),
         "streaming": "PULUMI_ENABLE_STREAMING_JSON_PREVIEW" in os.environ}
words = [a for a in argv if not a.startswith("-")]
def value(name):
    for a in argv:
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return None
def record():
    with open(log_path, "a") as log:
        log.write(json.dumps(entry) + "\n")
def show(path):
    with open(path, "rb") as preview:
        sys.stdout.buffer.write(preview.read())
if "preview" in words:
    record()
    if os.environ.get("FAKE_PULUMI_FAIL"):
        print("error: an unhandled error occurred: program failed (synthetic)", file=sys.stderr)
        sys.exit(255)
    show(os.environ["FAKE_PULUMI_PREVIEW"])
    plan = value("--save-plan")
    if plan:
        with open(plan, "w") as out:
            json.dump({"synthetic_fake_pulumi_plan": os.environ["FAKE_PULUMI_PREVIEW"]}, out)
    sys.exit(0)
if "destroy" in words and "--preview-only" in argv:
    previews = os.environ["FAKE_PULUMI_DESTROY_PREVIEWS"].split(os.pathsep)
    counter = log_path + ".destroy-previews"
    seen = int(open(counter).read()) if os.path.exists(counter) else 0
    with open(counter, "w") as out:
        out.write(str(seen + 1))
    record()
    show(previews[min(seen, len(previews) - 1)])
    sys.exit(0)
if "up" in words or "update" in words:
    plan = value("--plan")
    entry["plan"] = open(plan).read() if plan and os.path.exists(plan) else None
    record()
    print("Update complete (synthetic)")
    sys.exit(int(os.environ.get("FAKE_PULUMI_RUN_EXIT", "0")))
record()
if "destroy" in words:
    print("Destroy complete (synthetic)")
    sys.exit(int(os.environ.get("FAKE_PULUMI_RUN_EXIT", "0")))
sys.exit(0)
"""


def install(bin_dir: Path, python: str) -> None:
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / "pulumi"
    path.write_text(SCRIPT.replace("{python}", python))
    path.chmod(0o755)
