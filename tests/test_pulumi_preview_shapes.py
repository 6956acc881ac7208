"""Pulumi previews of every shape `pulumi preview --json` can write, and shapes it cannot, through
`planlint check`: what is judged, what is refused (exit 2, one line naming the file and the step), and
what the report says.

The document is Pulumi's PreviewDigest (pulumi/pulumi `pkg/display/json.go`, written by
`pkg/backend/display/json.go` `ShowPreviewDigest`): every key is `omitempty`, so a preview that never
reached its summary event has no `changeSummary` at all; `oldState`/`newState` are `apitype.ResourceV3`
(`custom` always written, `protect`/`retainOnDelete`/`deletedWith` only when set); a `same` step is shown
without `--show-sames` when `protect` changed (`shouldShow` in `pkg/backend/display/display.go`). The
previews here are small and synthetic, written in that shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main
from planlint.loaders import load_inputs
from planlint.loaders.pulumi import is_preview
from planlint.model import REDACTED

STACK_URN = "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod"
ROOT = {"op": "same", "urn": STACK_URN, "oldState": {"type": "pulumi:pulumi:Stack", "custom": False}}
STACK_DELETE = {**ROOT, "op": "delete"}  # `pulumi destroy`: the stack itself goes
DB = "aws:rds/instance:Instance"
BUCKET = "aws:s3/bucket:Bucket"


def urn(name: str, type_: str = DB, parents: str = "") -> str:
    return f"urn:pulumi:prod::shop::{parents}{type_}::{name}"


def state(name: str, type_: str = DB, **options: Any) -> dict[str, Any]:
    """An apitype.ResourceV3 as Pulumi serialises it (custom always present, options only when set)."""
    return {
        "urn": urn(name, type_),
        "custom": True,
        "type": type_,
        "id": f"{name}-1",
        "inputs": {"identifier": name},
        **options,
    }


def step(
    op: str, name: str, type_: str = DB, old: Any = None, new: Any = None, **extra: Any
) -> dict[str, Any]:
    raw: dict[str, Any] = {"op": op, "urn": urn(name, type_), **extra}
    if old is not None:
        raw["oldState"] = old
    if new is not None:
        raw["newState"] = new
    return raw


def write(tmp_path: Path, steps: list[Any], **top: Any) -> str:
    doc: dict[str, Any] = {"steps": [ROOT, *steps], "duration": 1000, "changeSummary": {"same": 1}}
    doc.update(top)
    path = tmp_path / "synthetic-preview.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def judged(capsys: pytest.CaptureFixture[str], path: str, *flags: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", path, "--format", "json", *flags])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    report: dict[str, Any] = json.loads(out)
    return code, report


def refused(capsys: pytest.CaptureFixture[str], path: str, *flags: str) -> str:
    code = main(["check", path, *flags])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith(f"planlint: error: {path}: ") and err.count("\n") == 1, err
    return err


def four_updates() -> list[dict[str, Any]]:
    return [
        step("update", f"b{i}", BUCKET, old=state(f"b{i}", BUCKET), new=state(f"b{i}", BUCKET))
        for i in range(4)
    ]


def gated(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["rule_id"], f["address"]) for f in report["findings"] if f["gated"]]


# --- refused: a preview that is unfinished, failed, corrupt or not in Pulumi's shape -------------------


def test_a_preview_cut_short_before_its_summary_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pulumi writes changeSummary from the last event (SummaryEvent); omitempty drops it when absent."""
    path = write(tmp_path, [step("delete", "orders", old=state("orders"))])
    doc = json.loads(Path(path).read_text())
    del doc["changeSummary"]
    Path(path).write_text(json.dumps(doc))
    assert "the preview is incomplete (no changeSummary)" in refused(capsys, path)


def test_an_empty_change_summary_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, [step("delete", "orders", old=state("orders"))], changeSummary={})
    assert "the preview is incomplete (no changeSummary)" in refused(capsys, path)


def test_a_preview_with_every_key_and_maybe_corrupt_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        [step("update", "orders", old=state("orders"), new=state("orders"))],
        config={"aws:region": "eu-west-1"},
        diagnostics=[{"message": "warning: deprecated", "severity": "warning"}],
        maybeCorrupt=True,
    )
    assert "state may be corrupt (maybeCorrupt: true)" in refused(capsys, path)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("urn:aws:s3:::orders", "steps[5]: 'urn:aws:s3:::orders' is not a Pulumi URN"),
        ("urn:pulumi:prod::shop", "steps[5]: 'urn:pulumi:prod::shop' is not a Pulumi URN"),
    ],
)
def test_a_step_with_a_malformed_urn_is_refused_by_its_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str, message: str
) -> None:
    """Detection reads the first five steps (the stack's and four more); the sixth is still checked, and
    named by its index."""
    steps = [*four_updates(), {"op": "delete", "urn": bad, "oldState": state("orders")}]
    assert message in refused(capsys, write(tmp_path, steps))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("delete", "steps[5] has no `op` and `urn`"),
        ({"urn": urn("orders"), "oldState": {}}, "steps[5] has no `op` and `urn`"),
        ({"op": "delete", "urn": 7}, "steps[5] has no `op` and `urn`"),
        ({"op": ["delete"], "urn": urn("orders")}, "steps[5] has no `op` and `urn`"),
        (step("delete", "orders", old=["gone"]), "oldState/newState is not an object"),
        (step("create", "orders", new="orders"), "oldState/newState is not an object"),
    ],
)
def test_a_step_of_the_wrong_shape_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: Any, message: str
) -> None:
    assert message in refused(capsys, write(tmp_path, [*four_updates(), raw]))


@pytest.mark.parametrize(
    ("top", "message"),
    [
        ({"steps": {}}, "`steps` is not a list"),
        ({"diagnostics": {"severity": "error", "message": "boom"}}, "`diagnostics` is not a list"),
    ],
)
def test_a_document_list_of_the_wrong_type_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], top: dict[str, Any], message: str
) -> None:
    path = write(tmp_path, [step("delete", "orders", old=state("orders"))])
    doc = {**json.loads(Path(path).read_text()), **top}
    Path(path).write_text(json.dumps(doc))
    assert message in refused(capsys, path)


def test_an_error_diagnostic_refuses_and_names_up_to_three_protected_deletes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pulumi's own refusal of a protected delete is an error diagnostic; planlint says which resources."""
    names = ["db1", "db2", "db3", "db4"]
    steps = [step("delete", n, old=state(n, protect=True)) for n in names]
    steps.append(step("update", "kept", old=state("kept", protect=True), new=state("kept", protect=True)))
    diagnostics = [
        {
            "urn": urn("db1"),
            "message": "error: unable to delete\n   protected resource db1",
            "severity": "error",
        },
        {"urn": urn("db2"), "message": "error: second", "severity": "error"},
        {"message": "info: hello", "severity": "info"},
    ]
    err = refused(capsys, write(tmp_path, steps, diagnostics=diagnostics))
    assert (
        "the preview failed (2 error diagnostic(s)): error: unable to delete protected resource db1." in err
    )
    assert (
        f"cannot be deleted, so `pulumi up` would fail too: {urn('db1')}, {urn('db2')}, {urn('db3')} (" in err
    )
    assert urn("db4") not in err and urn("kept") not in err
    assert err.endswith("; fix the errors and preview again\n")


def test_an_error_without_protected_deletes_says_only_the_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = [
        step("delete", "orders", old=state("orders")),
        step("update", "p", old=state("p", protect=True), new=state("p")),
    ]
    diagnostics = [{"message": "x" * 400, "severity": "error"}]
    err = refused(capsys, write(tmp_path, steps, diagnostics=diagnostics))
    assert f"(1 error diagnostic(s)): {'x' * 300}; fix the errors and preview again" in err
    assert "Protected" not in err


def test_warnings_and_infos_do_not_refuse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    diagnostics = [
        {"message": "warning: deprecated", "severity": "warning"},
        {"message": "hello from the program", "severity": "info"},
        {"message": "to stderr", "severity": "info#err"},
    ]
    path = write(tmp_path, [step("delete", "orders", old=state("orders"))], diagnostics=diagnostics)
    code, report = judged(capsys, path)
    assert code == 1 and gated(report) == [("PL001", f"{DB}::orders")]


# --- judged: what each step shape becomes, seen in the report ---------------------------------------------

COMPONENT = "shop:index:Network"
PROVIDER = "pulumi:providers:aws"


def test_components_providers_and_the_stack_are_counted_not_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only custom resources hold anything; a changing component, provider or stack is said in a note."""
    component = {"urn": urn("net", COMPONENT), "custom": False, "type": COMPONENT}
    provider = {**state("default_6_0_0", PROVIDER), "custom": True}
    steps = [
        step("create", "net", COMPONENT, new=component),
        step("update", "default_6_0_0", PROVIDER, old=provider, new=provider),
        step("same", "quiet", COMPONENT, old=component, new=component),
        step("delete", "orders", old=state("orders")),
    ]
    code, report = judged(capsys, write(tmp_path, steps))
    assert code == 1 and gated(report) == [("PL001", f"{DB}::orders")]
    (plan,) = report["inputs"]
    assert plan["changes"] == 1 and plan["complete"] is True and plan["facts"]["applyable"] is True
    assert plan["format"] == "pulumi" and plan["scope"] == "shop/prod"
    assert plan["notes"] == ["2 component resource(s), provider(s) or the stack itself change; not listed"]


def test_nothing_but_sames_of_components_leaves_no_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    component = {"urn": urn("net", COMPONENT), "custom": False, "type": COMPONENT}
    steps = [step("same", "net", COMPONENT, old=component, new=component)]
    code, report = judged(capsys, write(tmp_path, steps))
    assert code == 0 and report["inputs"][0]["notes"] == [] and report["inputs"][0]["changes"] == 0


def test_a_step_without_states_takes_its_type_from_the_urn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pulumi drops a state it cannot serialise; the URN's qualified type (after any parent `$`) remains."""
    raw = {"op": "delete", "urn": urn("orders", DB, parents=f"{COMPONENT}$")}
    code, report = judged(capsys, write(tmp_path, [raw]))
    assert code == 1
    assert [(f["rule_id"], f["address"], f["type"]) for f in report["findings"]] == [
        ("PL001", f"{DB}::orders", DB)
    ]


def test_destroy_preview_is_destroy_mode_only_when_it_tears_down_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`pulumi destroy --preview-only`: the stack itself is deleted with every resource in it."""
    deletes = [step("delete", n, BUCKET, old=state(n, BUCKET)) for n in ("logs", "assets")]
    kept = step("delete", "legacy", old=state("legacy", retainOnDelete=True))
    path = write(tmp_path, [STACK_DELETE, *deletes, kept])
    doc = json.loads(Path(path).read_text())
    doc["steps"] = doc["steps"][1:]  # the stack's own step is the delete
    Path(path).write_text(json.dumps(doc))
    code, report = judged(capsys, path)
    assert report["inputs"][0]["facts"]["destroy_mode"] is True
    assert code == 1 and sorted(a for r, a in gated(report) if r == "PL011") == [
        f"{BUCKET}::assets",
        f"{BUCKET}::logs",
    ]

    doc["steps"].append(
        step("update", "config", BUCKET, old=state("config", BUCKET), new=state("config", BUCKET))
    )
    Path(path).write_text(json.dumps(doc))
    _, report = judged(capsys, path)
    assert report["inputs"][0]["facts"]["destroy_mode"] is False
    assert not [a for r, a in gated(report) if r == "PL011"]


def test_a_stack_deleting_no_managed_resource_is_not_destroy_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, [STACK_DELETE, step("same", "orders", old=state("orders"), new=state("orders"))])
    doc = json.loads(Path(path).read_text())
    doc["steps"] = doc["steps"][1:]  # the stack's own step is the delete (Pulumi writes one per resource)
    Path(path).write_text(json.dumps(doc))
    _, report = judged(capsys, path)
    assert report["inputs"][0]["facts"]["destroy_mode"] is False


@pytest.mark.parametrize(
    ("ops", "order"),
    [
        (["create-replacement", "replace", "delete-replaced"], "create_first"),
        (["delete-replaced", "replace", "create-replacement"], "delete_first"),
        (["create-replacement", "replace"], "unknown"),
        (["replace"], "unknown"),
    ],
)
def test_replacement_order_comes_from_the_physical_halves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ops: list[str], order: str
) -> None:
    """`--show-replacement-steps` shows the halves in the order the engine runs them."""
    old, new = state("orders"), state("orders", inputs={"identifier": "orders-2"})
    steps = [
        step(
            op, "orders", old=old, new=None if op == "delete-replaced" else new, replaceReasons=["identifier"]
        )
        for op in ops
    ]
    code, report = judged(capsys, write(tmp_path, steps))
    assert code == 1
    (finding,) = report["findings"]
    assert (finding["address"], finding["actions"], finding["replace_order"]) == (
        f"{DB}::orders",
        ["replace"],
        order,
    )
    assert finding["replace_paths"] == ["identifier"]


def test_a_lone_old_half_deletes_an_old_copy_pending_deletion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without its `replace`, a delete-replaced deletes an old copy left pending deletion (step_generator
    GenerateDeletes: `res.Delete`), while the live resource's own step is a hidden same."""
    steps = [step("delete-replaced", "orders", old=state("orders", delete=True))]
    code, report = judged(capsys, write(tmp_path, steps))
    assert code == 1 and [(f["address"], f["actions"]) for f in report["findings"]] == [
        (f"{DB}::orders (pending deletion orders-1)", ["delete"])
    ]


def test_a_discarded_read_resource_is_forgotten_not_deleted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """discard-replaced: a read (external) resource Pulumi never owned leaves the stack; nothing is deleted."""
    steps = [step("discard-replaced", "orders", old=state("orders", external=True))]
    code, report = judged(capsys, write(tmp_path, steps))
    assert code == 0 and report["inputs"][0]["change_counts"] == {"forget": 1}


def test_an_import_replacement_deletes_the_old_resource(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = [
        step("import-replacement", "orders", old=state("orders"), new=state("orders")),
        step("replace", "orders", old=state("orders"), new=state("orders")),
    ]
    code, report = judged(capsys, write(tmp_path, steps))
    assert code == 1
    assert [(f["address"], f["actions"], f["reason"]) for f in report["findings"] if f["gated"]] == [
        (f"{DB}::orders", ["import", "replace"], "pulumi_import_replacement")
    ]


def test_a_read_of_a_database_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    steps = [
        step("read", "orders", new=state("orders", external=True)),
        step("refresh", "ledger", old=state("ledger"), new=state("ledger")),
    ]
    code, report = judged(capsys, write(tmp_path, steps))
    assert code == 0 and report["findings"] == [] and report["inputs"][0]["change_counts"] == {"read": 2}


def test_retain_on_delete_turns_a_delete_into_a_forget_and_softens_a_replace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = [
        step("delete", "legacy", old=state("legacy", retainOnDelete=True)),
        step(
            "replace",
            "scratch",
            old=state("scratch", retainOnDelete=True),
            new=state("scratch", retainOnDelete=True),
        ),
    ]
    code, report = judged(capsys, write(tmp_path, steps))
    assert code == 1
    found = {(f["rule_id"], f["address"]): f for f in report["findings"]}
    assert set(found) == {("PL019", f"{DB}::legacy"), ("PL001", f"{DB}::scratch")}
    assert found[("PL019", f"{DB}::legacy")]["actions"] == ["forget"]
    assert "retainOnDelete" in (found[("PL001", f"{DB}::scratch")]["mitigation"] or "")


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ({"protect": True}, {}, "pulumi_protect_removed"),
        ({"protect": True}, {"protect": False}, "pulumi_protect_removed"),
        ({"protect": True}, {"protect": True}, None),
        ({}, {"protect": True}, None),
        ({"retainOnDelete": True}, {}, "pulumi_retain_on_delete_removed"),
        ({"retainOnDelete": True}, {"retainOnDelete": True}, None),
        ({}, {"retainOnDelete": True}, None),
    ],
)
@pytest.mark.parametrize("op", ["same", "update"])
def test_protection_turned_off_is_gated_and_kept_or_added_is_not(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    op: str,
    old: dict[str, Any],
    new: dict[str, Any],
    reason: str | None,
) -> None:
    """A `same` step is in the preview exactly when protect changed (shouldShow); retainOnDelete rides on
    an update."""
    steps = [step(op, "orders", old=state("orders", **old), new=state("orders", **new))]
    code, report = judged(capsys, write(tmp_path, steps))
    got = [(f["rule_id"], f["address"], f["reason"]) for f in report["findings"] if f["gated"]]
    assert got == ([("PL070", f"{DB}::orders", reason)] if reason else [])
    assert code == (1 if reason else 0)


def test_a_protected_resource_deleted_anyway_was_deleted_with_ignore_protect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = [step("delete", "orders", old=state("orders", protect=True))]
    code, report = judged(capsys, write(tmp_path, steps))
    assert code == 1
    assert sorted((f["rule_id"], f["reason"]) for f in report["findings"] if f["gated"]) == [
        ("PL001", "pulumi_protect_ignored"),
        ("PL070", "pulumi_protect_ignored"),
    ]


def test_deletion_protection_turned_off_reads_like_terraform(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bridged providers camel-case Terraform's names: deletionProtection is deletion_protection (PL014)."""
    old = state("orders", inputs={"deletionProtection": True, "masterPassword": "[secret]"})
    new = state("orders", inputs={"deletionProtection": False, "masterPassword": "[secret]"})
    code, report = judged(capsys, write(tmp_path, [step("update", "orders", old=old, new=new)]))
    assert code == 1 and gated(report) == [("PL014", f"{DB}::orders")]
    # outputs stand in when a state has no inputs
    old, new = (
        {"urn": urn("orders"), "custom": True, "type": DB, "outputs": s["inputs"]} for s in (old, new)
    )
    code, report = judged(capsys, write(tmp_path, [step("update", "orders", old=old, new=new)]))
    assert code == 1 and gated(report) == [("PL014", f"{DB}::orders")]


# --- detection ------------------------------------------------------------------------------------------


def test_a_preview_with_a_key_pulumi_does_not_write_is_not_taken_for_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only PreviewDigest's keys: a document with others is some other JSON, refused rather than guessed."""
    path = write(
        tmp_path, [step("delete", "orders", old=state("orders"))], permalink="https://app.pulumi.com/x"
    )
    assert "is not a plan or change set" in refused(capsys, path)


@pytest.mark.parametrize(
    "doc",
    [["steps"], [{"urn": STACK_URN}], "steps", {}, {"config": {}}, {"steps": [{"urn": "urn:aws:x"}]}],
    ids=["list-of-keys", "list-of-steps", "string", "empty", "config-only", "foreign-urn"],
)
def test_detection_rejects_what_is_not_a_preview(doc: Any) -> None:
    assert is_preview(doc) is False


@pytest.mark.parametrize("steps", [None, []], ids=["no-steps-key", "empty-steps"])
def test_a_preview_without_any_step_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], steps: list[Any] | None
) -> None:
    """ShowPreviewDigest always writes the stack's own step; a summary without steps lost them."""
    path = tmp_path / "synthetic-no-steps.json"
    doc: dict[str, Any] = {"duration": 1000, "changeSummary": {"delete": 2, "same": 1}}
    if steps is not None:
        doc["steps"] = steps
    path.write_text(json.dumps(doc), encoding="utf-8")
    err = refused(capsys, str(path))
    assert "the preview lists no steps, not even the stack itself" in err


@pytest.mark.parametrize(
    ("first", "pulumi"),
    [
        ({"sequence": 0, "timestamp": 1700000000, "cancelEvent": {}}, True),
        ({"level": "info", "timestamp": "2026-01-01T00:00:00Z", "msg": "started"}, False),
        ({"sequence": 0, "kind": "start"}, False),
    ],
    ids=["pulumi-events", "a-log-with-timestamps", "a-log-with-sequence-numbers"],
)
def test_only_pulumis_event_stream_is_called_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], first: dict[str, Any], pulumi: bool
) -> None:
    """Pulumi's engine events (`pulumi up --json`, one per line) all carry a sequence and a timestamp;
    other JSON-lines logs are refused without being blamed on Pulumi."""
    path = tmp_path / "synthetic-lines.json"
    path.write_text(json.dumps(first) + "\n" + json.dumps({**first, "n": 2}) + "\n", encoding="utf-8")
    err = refused(capsys, str(path))
    assert ("is Pulumi's JSON event stream" in err) is pulumi, err


def test_deleted_with_and_retain_on_delete_are_recorded_only_where_they_act(tmp_path: Path) -> None:
    """deletedWith is said of a delete (not of an update); retainOnDelete becomes the replace's policy
    action, never a forget's or an update's (the change records load_inputs returns)."""
    parent = urn("cluster", "aws:eks/cluster:Cluster")
    steps = [
        step("delete", "gone", old=state("gone", deletedWith=parent)),
        step(
            "update", "stays", old=state("stays", deletedWith=parent), new=state("stays", deletedWith=parent)
        ),
        step("delete", "kept", old=state("kept", retainOnDelete=True)),
        step(
            "update",
            "tuned",
            old=state("tuned", retainOnDelete=True),
            new=state("tuned", retainOnDelete=True),
        ),
        step("replace", "swapped", old=state("swapped", retainOnDelete=True), new=state("swapped")),
    ]
    (plan,) = load_inputs([write(tmp_path, steps)])
    changes = {c.name: c for c in plan.changes}
    assert [d for d in changes["gone"].details if "deletedWith" in d] == [
        f"deletedWith {parent} (which stays): it goes when that resource goes"
    ]
    assert not any("deletedWith" in d for d in changes["stays"].details)
    assert {n: c.policy_action for n, c in changes.items()} == {
        "gone": None,
        "stays": None,
        "kept": None,
        "tuned": None,
        "swapped": "retainOnDelete",
    }
    assert changes["kept"].actions == ("forget",) and changes["swapped"].actions == ("replace",)


def test_signed_secrets_are_blinded_and_other_objects_kept(tmp_path: Path) -> None:
    """Pulumi writes secrets as "[secret]"; a signed secret object that slips through is blinded whole,
    while an ordinary nested object (tags) stays readable for attribute rules."""
    sig = "4dabf18193072939515e22adb298388d"  # Pulumi's secret signature key
    inputs = {
        "tags": {"team": "payments"},
        "masterPassword": {sig: "1b47061264138c4ac30d75fd1eb44270", "value": "hunter2"},
        "users": ["[secret]", "app"],
    }
    old = state("orders", inputs=inputs)
    (plan,) = load_inputs([write(tmp_path, [step("update", "orders", old=old, new=old)])])
    before = plan.changes[0].values.before()
    assert before["tags"] == {"team": "payments"}
    assert before["master_password"] == REDACTED and before["users"] == [REDACTED, "app"]
    assert "hunter2" not in json.dumps(before)


def test_import_and_ignore_protect_are_recorded_on_their_changes_only(tmp_path: Path) -> None:
    """The change records say which changes import (an import, an import-replacement) and which delete a
    protected resource (made with --ignore-protect); the others say neither."""
    steps = [
        step("import", "adopted", new=state("adopted")),
        step("import-replacement", "swapped", old=state("swapped"), new=state("swapped")),
        step("replace", "swapped", old=state("swapped"), new=state("swapped")),
        step("delete", "forced", old=state("forced", protect=True)),
        step("delete", "plain", old=state("plain")),
        step("update", "tuned", old=state("tuned"), new=state("tuned")),
    ]
    (plan,) = load_inputs([write(tmp_path, steps)])
    changes = {c.name: c for c in plan.changes}
    assert {n for n, c in changes.items() if "import" in c.actions} == {"adopted", "swapped"}
    ignored = "protect: true, yet the preview deletes it: it was made with --ignore-protect"
    assert {n for n, c in changes.items() if ignored in c.details} == {"forced"}
