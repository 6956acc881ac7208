"""A plan's input buffer is let go once the plan is loaded: only the values a rule can read are kept.
Each change is judged as soon as it is decoded, and that never changes a report either.

Judging with the buffers released must give exactly the verdict of judging with every value kept, on
every real plan of the corpus; a rule of the policy's own that reads no-op changes' values still sees
them. That the buffer is really gone is read from tracemalloc (which blocks are alive, not how long
anything took). The big-input digest is computed on a second thread and must equal hashlib's.
"""

from __future__ import annotations

import gc
import hashlib
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from planlint import inputs
from planlint.errors import ConfigError, InputError
from planlint.inputs import HASH_IN_BACKGROUND_BYTES, read_input
from planlint.loaders import load_inputs, terraform
from planlint.loaders.terraform_changes import Listing
from planlint.loaders.terraform_values import PlanValues
from planlint.model import ResourceChange
from planlint.pipeline import judge, run_check
from planlint.report import REPORTERS
from planlint.ruleset import load_ruleset
from planlint.shapes import values_reader

REFUSED = {"show-json__plan-error__output.json", "actions__plan.json"}  # errored; invokes an action


def _plans(corpus: Path) -> list[Path]:
    return sorted(p for p in (corpus / "terraform").rglob("*.json") if p.name not in REFUSED)


def test_released_buffers_never_change_a_verdict(corpus: Path) -> None:
    plans = _plans(corpus)
    assert len(plans) > 100
    ruleset = load_ruleset()
    needed = values_reader(ruleset)  # what run_check passes to the loader
    for path in plans:
        kept = judge(load_inputs([str(path)]), ruleset=ruleset)  # every value stays readable
        released = judge(load_inputs([str(path)], needs_values=needed), ruleset=ruleset)
        assert REPORTERS["json"](released) == REPORTERS["json"](kept), path


def test_only_values_a_rule_can_read_are_kept(corpus: Path) -> None:
    needed = values_reader(load_ruleset())
    kept = released = 0
    for path in _plans(corpus):
        [plan] = load_inputs([str(path)], needs_values=needed)
        for change in plan.changes:
            assert isinstance(change.values, PlanValues)
            if needed(change):
                kept += 1
                change.values.before()  # copied out of the buffer: still decodes
            else:
                released += 1
                with pytest.raises(RuntimeError, match="released"):
                    change.values.after()
    assert kept and released


def _input_buffers_alive(path: Path, needs_values: Callable[[ResourceChange], bool] | None) -> list[int]:
    """Sizes of the blocks read_input allocated for `path` that are still alive once it is loaded (the
    plans are kept: the values they hold are what could keep the buffer alive)."""
    tracemalloc.start(32)  # deep enough to see read_input under pathlib's read
    try:
        plans = load_inputs([str(path)], needs_values=needs_values)
        gc.collect()
        snapshot = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    assert plans[0].changes
    size = path.stat().st_size
    return [
        t.size
        for t in snapshot.traces
        if t.size >= size and any(frame.filename == inputs.__file__ for frame in t.traceback)
    ]


@pytest.mark.parametrize(
    "name", ["snyk-cli/tf-plan.json", "infracost/terraform_v0.14_plan.json", "tfreveal/advanced__plan.json"]
)
def test_a_loaded_plans_input_buffer_is_freed(corpus: Path, name: str) -> None:
    """Real plans with changes a rule reads (kept: copied out) and changes none reads (released). Once
    loaded, no block the size of the file that read_input allocated is alive: a run over many big plans
    holds one file's bytes at a time. Without `needs_values` (a library call) every value stays readable
    and the buffer with them: that is what the measure must see."""
    path = corpus / "terraform" / name
    needed = values_reader(load_ruleset())
    [plan] = load_inputs([str(path)], needs_values=needed)
    assert any(map(needed, plan.changes)) and not all(map(needed, plan.changes))
    assert _input_buffers_alive(path, None), "the measure does not see the input buffer"
    assert _input_buffers_alive(path, needed) == []


RULE = """\
id: PL952
name: unchanged-bucket-without-versioning
title: An unchanged bucket has no versioning
severity: low
enforcement: approve
match:
  types: [aws_s3_bucket]
  attributes:
    - {path: bucket, after: synthetic-kept}
message: "{address} is kept without versioning."
docs:
  what: A synthetic test rule that reads the values of changes that do nothing.
  why: A synthetic test rule that reads the values of changes that do nothing.
  example: "a synthetic example of the rule, long enough for the schema"
  fix: A synthetic test rule that reads the values of changes that do nothing.
  references: ["https://example.com/synthetic"]
"""


def test_a_policy_rule_reading_no_op_values_still_sees_them(tmp_path: Path) -> None:
    """Synthetic: one no-op bucket; the rule (no `actions:`, so it matches no-ops) reads its `bucket`."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "PL952.yaml").write_text(RULE, encoding="utf-8")
    bucket = {"bucket": "synthetic-kept", "force_destroy": False}
    change = {"actions": ["no-op"], "before": bucket, "after": bucket}
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_s3_bucket.b",
                "mode": "managed",
                "type": "aws_s3_bucket",
                "name": "b",
                "change": change,
            }
        ],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    verdict = run_check([str(path)], rule_dirs=[rules])
    assert [f.rule_id for f in verdict.findings] == ["PL952"]


def test_a_big_input_is_hashed_beside_the_decode(tmp_path: Path) -> None:
    data = json.dumps({"padding": "x" * HASH_IN_BACKGROUND_BYTES}).encode()
    path = tmp_path / "big.json"
    path.write_bytes(data)
    raw = read_input(str(path))
    assert raw.sha256 == hashlib.sha256(data).hexdigest()
    assert raw.sha256 == raw.digest.hexdigest()  # asked again: the same answer, no second hash


def test_a_big_first_plan_is_read_ahead_with_the_same_bytes_and_digest(tmp_path: Path) -> None:
    """Synthetic: from HASH_IN_BACKGROUND_BYTES on, `check` reads its first plan on a second thread."""
    data = json.dumps({"padding": "x" * HASH_IN_BACKGROUND_BYTES}).encode()
    path = tmp_path / "big.json"
    path.write_bytes(data)
    small = tmp_path / "small.json"
    small.write_bytes(data[:1000])
    assert inputs.read_ahead(str(small)) is None  # read when loaded, no thread
    assert inputs.read_ahead(str(tmp_path / "missing.json")) is None  # its error is said when loaded
    ahead = inputs.read_ahead(str(path))
    assert ahead is not None
    raw = read_input(str(path), ahead)
    assert raw.data == data and raw.sha256 == hashlib.sha256(data).hexdigest()
    with pytest.raises(RuntimeError, match="already taken"):  # taken once: it does not keep the buffer
        ahead.result()


def test_what_reading_ahead_raises_is_raised_where_the_plan_is_loaded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Synthetic: a big file of only whitespace is refused as empty, read ahead or not, and a problem
    found before the plans are loaded (a missing policy file) is still the one reported."""
    path = tmp_path / "blank.json"
    path.write_bytes(b" " * (HASH_IN_BACKGROUND_BYTES + 1))
    with pytest.raises(InputError, match="empty input") as ahead:
        run_check([str(path)])
    with pytest.raises(InputError, match="empty input") as loaded:
        load_inputs([str(path)])
    assert str(ahead.value) == str(loaded.value)
    with pytest.raises(ConfigError):
        run_check([str(path)], config_path=tmp_path / "missing.yml")


def test_judging_each_change_as_it_is_decoded_never_changes_a_report(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` judges each of `resource_changes` as soon as it is decoded and empties it; every corpus
    plan's report is the same when the whole document is decoded first and its changes judged after."""
    plans = _plans(corpus)
    while_decoding = [REPORTERS["json"](run_check([str(p)])) for p in plans]
    listing = Listing(str(plans[0]))
    doc = terraform.decode_document(plans[0].read_bytes(), str(plans[0]), listing)
    assert doc.resource_changes and listing.seen == len(doc.resource_changes)
    emptied = {(rc.address, rc.type, rc.name, rc.mode, rc.change.actions) for rc in doc.resource_changes}
    assert emptied == {("", "", "", "", ())}  # only the structs are left, not what they held
    assert {rc.provider_name for rc in doc.resource_changes} == {None}
    decode = terraform.decode_document
    monkeypatch.setattr(terraform, "decode_document", lambda data, origin, listing=None: decode(data, origin))
    for path, report in zip(plans, while_decoding, strict=True):
        assert REPORTERS["json"](run_check([str(path)])) == report, path
