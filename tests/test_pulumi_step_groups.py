"""Several steps of one URN, `changeSummary` against the steps, and `custom: false` on a provider's resource.

Pulumi's engine writes one logical step per resource; the physical halves of a replacement come only with
their `replace`; an old copy pending deletion is deleted by a `delete-replaced` next to whatever its live
resource does (pulumi/pulumi `pkg/resource/deploy/step_generator.go`, `step.go`). `changeSummary` counts
one per logical step (`pkg/engine/update.go` `previewActions.OnResourceStepPost`), and the JSON preview
shows every logical step but `same` (`shouldShow`, `pkg/backend/display/display.go`). Every preview here is
small and synthetic, in the shape of `pulumi preview --json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.loaders import load_inputs
from tests.test_pulumi_preview_shapes import DB, gated, judged, refused, state, step, write

OLD_COPY = state("orders", id="orders-OLD", delete=True)


def same(name: str = "orders") -> dict[str, Any]:
    return step("same", name, old=state(name), new=state(name))


def with_summary(tmp_path: Path, steps: list[Any], summary: dict[str, Any]) -> str:
    return write(tmp_path, steps, changeSummary=summary)


# --- one URN, several steps ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first",
    [same(), step("update", "orders", old=state("orders"), new=state("orders")), step("create", "orders")],
    ids=["same", "update", "create"],
)
def test_two_logical_steps_of_one_resource_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], first: dict[str, Any]
) -> None:
    """`[same(db), delete(db)]` once passed as "no changes": only the first step of a URN was judged."""
    path = write(tmp_path, [first, step("delete", "orders", old=state("orders"))])
    err = refused(capsys, path)
    assert f"steps[1] and steps[2] give urn:pulumi:prod::shop::{DB}::orders two operations" in err
    assert f"({first['op']}, delete)" in err and "one logical step per resource" in err


def test_an_old_copy_pending_deletion_is_judged_beside_its_live_resources_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An earlier replacement left orders-OLD pending deletion: the preview deletes it while orders stays."""
    old_copy = step("delete-replaced", "orders", old=OLD_COPY)
    code, report = judged(capsys, write(tmp_path, [same(), old_copy]))
    assert code == 1
    assert gated(report) == [("PL001", f"{DB}::orders (pending deletion orders-OLD)")]
    (finding,) = [f for f in report["findings"] if f["gated"]]
    assert finding["actions"] == ["delete"]
    (plan,) = load_inputs([write(tmp_path, [same(), old_copy])])
    (change,) = [c for c in plan.changes if c.deposed]
    assert (change.deposed, change.physical_id) == ("orders-OLD", "orders-OLD")
    assert change.details == (
        "an old copy (id orders-OLD) left pending deletion by an earlier replacement; Pulumi deletes it "
        "(delete-replaced)",
    )


def test_an_external_old_copy_pending_deletion_is_dropped_not_deleted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_copy = step("discard-replaced", "orders", old={**OLD_COPY, "external": True})
    (plan,) = load_inputs([write(tmp_path, [same(), old_copy])])
    (change,) = [c for c in plan.changes if c.deposed]
    assert change.actions == ("forget",) and "Pulumi drops it (discard-replaced)" in change.details[0]


def test_a_pending_copys_logical_delete_sits_beside_its_live_resources_update(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A delete-before-replace removes a dependent's copy pending deletion with a logical `delete`."""
    steps = [
        step("update", "orders", old=state("orders"), new=state("orders")),
        step("delete", "orders", old=OLD_COPY),
    ]
    code, report = judged(capsys, write(tmp_path, steps))
    assert code == 1 and gated(report) == [("PL001", f"{DB}::orders (pending deletion orders-OLD)")]
    assert report["inputs"][0]["change_counts"] == {"delete": 1, "update": 1}


def test_a_replace_keeps_its_own_old_half_and_deletes_an_older_copy_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = state("orders"), state("orders", inputs={"identifier": "orders-2"})
    steps = [
        step("create-replacement", "orders", old=old, new=new),
        step("replace", "orders", old=old, new=new),
        step("delete-replaced", "orders", old=OLD_COPY),
        step("delete-replaced", "orders", old=old),
    ]
    code, report = judged(capsys, write(tmp_path, steps))
    assert code == 1
    found = {
        (f["address"], tuple(f["actions"]), f["replace_order"]) for f in report["findings"] if f["gated"]
    }
    assert found == {
        (f"{DB}::orders", ("replace",), "create_first"),
        (f"{DB}::orders (pending deletion orders-OLD)", ("delete",), None),
    }


@pytest.mark.parametrize("half", ["create-replacement", "read-replacement", "import-replacement"])
@pytest.mark.parametrize("lead", [None, "update"])
def test_a_new_half_without_its_replace_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], half: str, lead: str | None
) -> None:
    """The engine emits a new half only together with its `replace`, which the preview always shows."""
    steps = [step(half, "orders", old=state("orders"), new=state("orders"))]
    if lead:
        steps.insert(0, step(lead, "orders", old=state("orders"), new=state("orders")))
    err = refused(capsys, write(tmp_path, steps))
    has = "none" if lead is None else repr(lead)
    assert f"{half} comes only with a `replace` of the same resource, and the preview has {has}" in err


def test_two_new_halves_of_one_replacement_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = [
        step(op, "orders", old=state("orders"), new=state("orders"))
        for op in ("create-replacement", "replace", "import-replacement")
    ]
    err = refused(capsys, write(tmp_path, steps))
    assert "steps[3]" in err and "a second new half (create-replacement, import-replacement)" in err


def test_a_read_replacement_keeps_its_reason_when_shown_with_its_replace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = [
        step(op, "orders", old=state("orders"), new=state("orders")) for op in ("read-replacement", "replace")
    ]
    code, report = judged(capsys, write(tmp_path, steps))
    assert code == 1
    assert [(f["actions"], f["reason"]) for f in report["findings"] if f["gated"]] == [
        (["replace"], "pulumi_read_replacement")
    ]


def test_a_refresh_before_the_logical_step_is_not_a_second_operation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`pulumi preview --refresh` writes a refresh step before each resource's logical step."""
    steps = [
        step("refresh", "orders", old=state("orders"), new=state("orders")),
        step("delete", "orders", old=state("orders")),
    ]
    code, report = judged(capsys, write(tmp_path, steps))
    assert code == 1 and gated(report) == [("PL001", f"{DB}::orders")]


# --- changeSummary against the steps ---------------------------------------------------------------


@pytest.mark.parametrize("op", ["delete", "replace", "discard", "create"])
def test_a_summary_counting_an_op_the_steps_do_not_show_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], op: str
) -> None:
    err = refused(capsys, with_summary(tmp_path, [], {op: 1, "same": 1}))
    assert f"changeSummary counts 1 {op} but the steps show 0: steps were removed or cut" in err


def test_a_summary_counting_more_deletes_than_shown_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = [step("delete", "orders", old=state("orders"))]
    err = refused(capsys, with_summary(tmp_path, steps, {"delete": 2, "same": 1}))
    assert "changeSummary counts 2 delete but the steps show 1" in err


def test_a_summary_that_matches_the_steps_and_hides_sames_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sames are counted but hidden without --show-sames; reads are shown but counted only when changed."""
    steps = [
        step("delete", "orders", old=state("orders")),
        step("read", "lookup", new=state("lookup")),
    ]
    code, report = judged(capsys, with_summary(tmp_path, steps, {"delete": 1, "same": 40}))
    assert code == 1 and gated(report) == [("PL001", f"{DB}::orders")]


@pytest.mark.parametrize(
    ("summary", "words"),
    [
        ({"same": 1, "obliterate": 1}, "changeSummary counts an unknown op 'obliterate'"),
        ({"same": 1, "delete": -1}, "changeSummary['delete'] is -1, not a count"),
        ({"same": 1, "delete": "1"}, "changeSummary['delete'] is '1', not a count"),
        ({"same": True}, "changeSummary['same'] is True, not a count"),
    ],
)
def test_a_summary_that_is_not_pulumis_counts_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], summary: dict[str, Any], words: str
) -> None:
    assert words in refused(capsys, with_summary(tmp_path, [], summary))


# --- custom: false ---------------------------------------------------------------------------------


def test_custom_false_with_a_provider_id_is_refused_not_hidden_as_a_component(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A component has no provider-assigned id (apitype.ResourceV3 `id`); an RDS delete must not hide."""
    path = write(tmp_path, [step("delete", "orders", old=state("orders", custom=False))])
    err = refused(capsys, path)
    assert "steps[1]" in err and "`custom: false` (a component), yet it has a provider-assigned id" in err


def test_states_disagreeing_on_custom_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = {**state("orders"), "custom": False}
    del new["id"]
    path = write(tmp_path, [step("replace", "orders", old=state("orders"), new=new)])
    assert "oldState and newState disagree on `custom`" in refused(capsys, path)


def test_a_real_component_without_an_id_is_still_only_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    component = {"urn": "x", "custom": False, "type": "shop:index:Network"}
    path = write(tmp_path, [step("delete", "net", "shop:index:Network", old=component)])
    code, report = judged(capsys, path)
    assert code == 0 and report["inputs"][0]["changes"] == 0
    assert json.dumps(report["inputs"][0]["notes"]).count("component") == 1
