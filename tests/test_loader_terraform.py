"""Terraform/OpenTofu loader: every corpus plan loads (or is refused for its documented reason), with the
action counts INDEX.tsv gives; plus the hostile and broken inputs the loader must refuse or decode."""

from __future__ import annotations

import csv
import json
import os
import stat
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main
from planlint.errors import InputError
from planlint.loaders import load_inputs, terraform
from planlint.model import REDACTED, Plan

# Files the loader must refuse, and the words the refusal must contain.
REFUSED = {
    "terraform/terraform/show-json__plan-error__output.json": "errored",
    # a real `terraform plan -invoke` plan: what an action does is not judged (tests/test_loader_terraform_actions.py)
    "terraform/terraform-json/actions__plan.json": r"\(action_invocations: action.bufo_print.success\)",
}
INDEX_COLUMNS = (
    "create",
    "update",
    "delete",
    "replace_delete_first",
    "replace_create_first",
    "forget",
    "no-op",
    "read",
    "import",
)


def _index(corpus: Path) -> list[dict[str, str]]:
    with (corpus / "terraform" / "INDEX.tsv").open() as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _counts(plan: Plan) -> Counter[str]:
    """Count actions the way INDEX.tsv does (raw Terraform action lists)."""
    counts: Counter[str] = Counter()
    for change in plan.changes:
        rest = [a for a in change.actions if a not in ("move", "import")]
        if "import" in change.actions:
            counts["import"] += 1
        if not rest:
            counts["no-op"] += 1
        for action in rest:
            counts[f"replace_{change.replace_order}" if action == "replace" else action] += 1
    return counts


def test_every_corpus_plan_loads_with_index_counts(corpus: Path) -> None:
    rows = _index(corpus)
    assert len(rows) == 165
    for row in rows:
        rel = row["file"].removeprefix("shared/corpus/")
        path = corpus / rel
        if rel in REFUSED:
            with pytest.raises(InputError, match=REFUSED[rel]):
                load_inputs([str(path)])
            continue
        [plan] = load_inputs([str(path)])
        assert plan.format == "terraform"
        assert plan.format_version == row["format_version"], rel
        assert len(plan.changes) == int(row["n_resource_changes"]), rel
        counts = _counts(plan)
        assert {k: counts[k] for k in INDEX_COLUMNS} == {k: int(row[k]) for k in INDEX_COLUMNS}, rel
        assert bool(plan.facts.drift_count) == (row["has_resource_drift"] == "yes"), rel
        moved = any(c.previous_address for c in plan.changes)
        assert moved == (row["has_previous_address"] == "yes"), rel


def test_moves_are_not_destroys(corpus: Path) -> None:
    [plan] = load_inputs([str(corpus / "terraform/opentofu/show-json__moved__output.json")])
    moved = [c for c in plan.changes if c.previous_address]
    assert moved
    assert all("move" in c.actions and not c.is_destructive for c in moved)


def test_replace_paths_and_reason(corpus: Path) -> None:
    [plan] = load_inputs([str(corpus / "terraform/terraform/show-json__requires-replace__output.json")])
    [change] = [c for c in plan.changes if "replace" in c.actions]
    assert change.replace_order == "delete_first"
    assert change.reason == "replace_because_cannot_update"
    assert change.replace_paths == ("ami",)


def test_replace_paths_read_as_hcl_traversals(tmp_path: Path) -> None:
    """Synthetic replace_paths of the shapes Terraform writes (attribute names, list indexes, map keys)."""
    paths = [["ebs_block_device", 0, "size"], ["tags", "Name"], ["tags", "team-a"]]
    change = {"actions": ["delete", "create"], "before": {}, "after": {}, "replace_paths": paths}
    doc = _plan(_rc("aws_instance.a", ["delete", "create"], rtype="aws_instance", change=change))
    [plan] = load_inputs([_write(tmp_path, doc)])
    assert plan.changes[0].replace_paths == ("ebs_block_device[0].size", "tags.Name", 'tags["team-a"]')


def test_utf16_with_bom_is_decoded(corpus: Path) -> None:
    utf16 = corpus / "terraform/checkov/plan_encodings__tfplan_win_utf16.json"
    utf8 = corpus / "terraform/checkov/plan_encodings__tfplan_win_utf8.json"
    assert utf16.read_bytes()[:2] == b"\xff\xfe"
    [a] = load_inputs([str(utf16)])
    [b] = load_inputs([str(utf8)])
    assert [c.address for c in a.changes] == [c.address for c in b.changes]
    assert a.changes


def test_sensitive_values_are_redacted_at_load(corpus: Path) -> None:
    path = corpus / "terraform/terraform/show-json__sensitive-values__output.json"
    raw = json.loads(path.read_text())
    [plan] = load_inputs([str(path)])
    secrets = {
        json.dumps(rc["change"]["after"].get(key))
        for rc in raw["resource_changes"]
        for key, flag in (rc["change"].get("after_sensitive") or {}).items()
        if flag is True
    }
    assert secrets
    decoded = json.dumps([c.values.after() for c in plan.changes])
    assert REDACTED in decoded
    for secret in secrets:
        assert secret not in decoded


def _write(tmp_path: Path, doc: Any, name: str = "synthetic-plan.json") -> str:
    path = tmp_path / name
    path.write_bytes(doc if isinstance(doc, bytes) else json.dumps(doc).encode())
    return str(path)


def _plan(*changes: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": list(changes), **top}


def _rc(address: str, actions: list[str], rtype: str = "aws_db_instance", **extra: Any) -> dict[str, Any]:
    return {
        "address": address,
        "type": rtype,
        "name": address.rsplit(".", maxsplit=1)[-1],
        "change": {"actions": actions, "before": {}, "after": None},
        **extra,
    }


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        (_plan(errored=True), "errored"),
        (_plan(complete=False), "incomplete"),
        (_plan(_rc("aws_db_instance.a", ["purge"])), "unknown action list"),
        (_plan(_rc("aws_db_instance.a", ["create", "delete", "forget"])), "unknown action list"),
        (_plan(_rc("aws_db_instance.a", ["delete"], mode="transient")), "unknown resource mode"),
        # Synthetic: a stateful type's delete or replacement relabelled as a data source, which the
        # catalogue treats as stateless; Terraform only ever reads data sources.
        (_plan(_rc("aws_db_instance.a", ["delete"], mode="data")), r"\['delete'\] on a data source"),
        (_plan(_rc("aws_db_instance.a", ["delete", "create"], mode="data")), "only ever reads"),
        (_plan(_rc("aws_db_instance.a", ["update"], mode="ephemeral")), "on an ephemeral resource"),
        (_plan(_rc("aws_db_instance.a", ["delete"]), planned_values=[]), "planned_values"),
        ({"format_version": "1.0", "terraform_version": "1.5.0", "values": {"root_module": {}}}, "state"),
        (
            {"version": 4, "terraform_version": "1.5.0", "serial": 3, "lineage": "x", "resources": []},
            "state file",
        ),
        ({"plan_format_version": "1.1", "resource_changes": []}, "redacted"),
        (_plan(format_version="2.0"), "unsupported plan format_version"),
        ({"hello": "world"}, "not a plan or change set"),
        ([1, 2, 3], "not a valid Terraform plan"),
        (_plan({"address": 3, "type": "x", "change": {"actions": []}}), "resource_changes"),
    ],
)
def test_untrustworthy_plans_are_refused(tmp_path: Path, decoding: str, doc: Any, words: str) -> None:
    with pytest.raises(InputError, match=words):
        load_inputs([_write(tmp_path, doc)])


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        # the first change that cannot be trusted is named, by its place in resource_changes
        (
            _plan(
                _rc("aws_db_instance.a", ["no-op"]),
                _rc("aws_db_instance.b", ["delete"]),
                _rc("aws_db_instance.c", ["purge"]),
                _rc("aws_db_instance.d", ["delete"], mode="transient"),
            ),
            r"resource_changes\[2\] \(aws_db_instance.c\): unknown action list \['purge'\]",
        ),
        # what is wrong with the whole document is said first, as when changes were judged after decoding
        (
            _plan(
                _rc("aws_db_instance.a", ["purge"]), {"address": 3, "type": "x", "change": {"actions": []}}
            ),
            r"not a valid Terraform plan: .*resource_changes\[1\]\.address",
        ),
        (_plan(_rc("aws_db_instance.a", ["purge"]), errored=True), "errored"),
        (_plan(_rc("aws_db_instance.a", ["purge"]), complete=False), "incomplete"),
        (_plan(_rc("aws_db_instance.a", ["purge"]), format_version="2.0"), "unsupported plan format_version"),
    ],
    ids=["first-bad-change", "json-path", "errored", "incomplete", "version"],
)
def test_which_refusal_a_plan_with_several_problems_gets(
    tmp_path: Path, decoding: str, doc: Any, words: str
) -> None:
    """Synthetic: judging each change as it is decoded keeps the order of the checks: the document's own
    problems first, then the first change that cannot be trusted."""
    with pytest.raises(InputError, match=words):
        load_inputs([_write(tmp_path, doc)])


def test_deferred_delete_is_named_in_the_refusal(tmp_path: Path) -> None:
    doc = _plan(
        complete=False,
        deferred_changes=[
            {"reason": "resource_config_unknown", "resource_change": _rc("aws_db_instance.x", ["delete"])}
        ],
    )
    with pytest.raises(
        InputError, match=r"1 change\(s\) deferred, including destructive ones: aws_db_instance.x"
    ):
        load_inputs([_write(tmp_path, doc)])


def test_truncated_plan_is_refused(tmp_path: Path, corpus: Path) -> None:
    data = (corpus / "terraform/snyk-cli/tf-plan-destroy.json").read_bytes()
    with pytest.raises(InputError, match="truncated"):
        load_inputs([_write(tmp_path, data[: len(data) // 2])])


def test_setup_terraform_wrapper_output_is_refused_with_the_fix(tmp_path: Path, corpus: Path) -> None:
    body = (corpus / "terraform/snyk-cli/tf-plan-destroy.json").read_bytes()
    wrapped = (
        b"[command]/home/runner/work/_temp/terraform-bin show -json tfplan\n"
        + body
        + b"\n::debug::exitcode: 0\n"
    )
    with pytest.raises(InputError, match="terraform_wrapper: false"):
        load_inputs([_write(tmp_path, wrapped)])


def test_all_action_lists_normalise(tmp_path: Path) -> None:
    doc = _plan(
        _rc("a.create", ["create"]),
        _rc("a.delete", ["delete"]),
        _rc("a.dc", ["delete", "create"]),
        _rc("a.cd", ["create", "delete"]),
        _rc("a.forget", ["forget"]),
        _rc("a.cf", ["create", "forget"]),
        _rc("a.read", ["read"], mode="data"),
        _rc("a.noop", ["no-op"]),
        _rc("a.update", ["update"]),
        _rc("a.imp", ["no-op"], change={"actions": ["no-op"], "importing": {"id": "db-1"}}),
        _rc("a.dep", ["delete"], deposed="00000001"),
    )
    [plan] = load_inputs([_write(tmp_path, doc)])
    got = {c.address: (c.actions, c.replace_order) for c in plan.changes}
    assert got == {
        "a.create": (("create",), None),
        "a.delete": (("delete",), None),
        "a.dc": (("replace",), "delete_first"),
        "a.cd": (("replace",), "create_first"),
        "a.forget": (("forget",), None),
        "a.cf": (("create", "forget"), None),
        "a.read": (("read",), None),
        "a.noop": (("no-op",), None),
        "a.update": (("update",), None),
        "a.imp": (("import",), None),
        "a.dep (deposed 00000001)": (("delete",), None),
    }


def test_destroy_mode_plan_is_recognised(tmp_path: Path) -> None:
    [plan] = load_inputs([_write(tmp_path, _plan(_rc("a.x", ["delete"]), _rc("b.y", ["delete"])))])
    assert plan.facts.destroy_mode
    [plan] = load_inputs([_write(tmp_path, _plan(_rc("a.x", ["delete"]), _rc("b.y", ["create"])), "b.json")])
    assert not plan.facts.destroy_mode


EMPTY_STATE = {"root_module": {}}
DATA_ONLY_STATE = {"root_module": {"child_modules": [{"resources": [{"mode": "data"}]}]}}
KEEPS_ONE = {"root_module": {"child_modules": [{"resources": [{"mode": "managed"}]}]}}


@pytest.mark.parametrize(
    ("changes", "planned", "destroy_mode"),
    [
        # `tofu plan -destroy` keeping two resources (removed + destroy = false) and deleting four
        (
            [
                *(_rc(f"a.d{i}", ["delete"]) for i in range(4)),
                *(
                    _rc(f"a.k{i}", ["forget"], action_reason="forgot_because_lifecycle_destroy_in_config")
                    for i in range(2)
                ),
            ],
            EMPTY_STATE,
            True,
        ),
        # ...also when it reads data sources, imports or leaves things unchanged
        (
            [
                _rc("a.d", ["delete"]),
                _rc("data.x.y", ["read"], mode="data", action_reason="read_because_config_unknown"),
                _rc("a.n", ["no-op"], change={"actions": ["no-op"], "importing": {"id": "i-1"}}),
            ],
            DATA_ONLY_STATE,
            True,
        ),
        # a normal plan whose configuration dropped everything says why it deletes: not destroy mode
        (
            [_rc(f"a.d{i}", ["delete"], action_reason="delete_because_no_resource_config") for i in range(3)],
            EMPTY_STATE,
            False,
        ),
        # something managed is left after apply: not a destroy-mode plan, however many deletes
        ([_rc(f"a.d{i}", ["delete"]) for i in range(5)], KEEPS_ONE, False),
        # only forgets: nothing destroyed
        ([_rc("a.k", ["forget"])], EMPTY_STATE, False),
    ],
)
def test_destroy_mode_is_told_from_planned_values(
    tmp_path: Path, changes: list[dict[str, Any]], planned: dict[str, Any], destroy_mode: bool
) -> None:
    [plan] = load_inputs([_write(tmp_path, _plan(*changes, planned_values=planned))])
    assert plan.facts.destroy_mode is destroy_mode


def test_opentofu_forget_then_create_destroys_nothing(tmp_path: Path) -> None:
    """OpenTofu 1.12 writes ["forget", "create"] for a replacement under lifecycle destroy = false."""
    doc = _plan(
        _rc("a.t", ["forget", "create"], action_reason="replace_because_cannot_update"),
        _rc("ephemeral.e.x", ["read"], mode="ephemeral"),
    )
    [plan] = load_inputs([_write(tmp_path, doc)])
    table, ephemeral = plan.changes
    assert table.actions == ("create", "forget") and not table.is_destructive
    assert ephemeral.mode == "ephemeral"


def test_binary_plan_without_terraform_says_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    binary = _write(tmp_path, b"PK\x03\x04synthetic-zip", "tfplan")
    with pytest.raises(InputError, match=r"terraform show -json .*tfplan > plan.json"):
        load_inputs([binary])


def test_binary_plan_is_rendered_by_terraform_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corpus: Path
) -> None:
    """A fake `terraform` (there is no real one here) that replays a corpus plan for `show -json`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "argv.log"
    fake = bin_dir / "terraform"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{log}"\n'
        f'[ "$1" = show ] && [ "$2" = -json ] && exec cat "{corpus}/terraform/snyk-cli/tf-plan-destroy.json"\n'
        "exit 1\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    binary = _write(tmp_path, b"PK\x03\x04synthetic-zip", "tfplan")
    [plan] = load_inputs([binary])
    assert log.read_text().split() == ["show", "-json", binary]
    assert any(c.actions == ("delete",) for c in plan.changes)


def test_stdin_and_exit_codes(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    data = (corpus / "terraform/snyk-cli/tf-plan-destroy.json").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["check", "-", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["decision"] == "approval_required"
    assert report["inputs"][0]["origin"] == "-"
    assert main(["check", str(corpus / "terraform/snyk-cli/tf-plan-create.json"), "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["check", str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("planlint: error: ") and "missing.json: no such file" in err
    assert err.count("\n") == 1


def test_invalid_utf8_fails_closed_in_structure_and_in_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    in_structure = b'{"format_version": "1.2", "resource_changes": [{"address": "\xc3\x28", "type": "x", '
    in_structure += b'"change": {"actions": ["delete"]}}]}'
    with pytest.raises(InputError, match="not valid UTF-8"):
        load_inputs([_write(tmp_path, in_structure, "synthetic-a.json")])
    # values stay raw until a rule reads them; the bad bytes surface then, and still fail closed
    in_values = b'{"format_version": "1.2", "resource_changes": [{"address": "aws_db_instance.a", '
    in_values += b'"type": "aws_db_instance", "change": {"actions": ["delete"], "before": '
    in_values += b'{"skip_final_snapshot": false, "final_snapshot_identifier": "\xc3\x28"}, "after": null}}]}'
    assert main(["check", _write(tmp_path, in_values, "synthetic-b.json")]) == 2
    assert "aws_db_instance.a: attribute values cannot be decoded: not valid UTF-8" in capsys.readouterr().err


@pytest.fixture(params=["while decoding", "after decoding"])
def decoding(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Judge the test's plan's changes as each is decoded (what `check` does), or once the whole document
    is decoded (a document decoded without a `Listing`)."""
    if request.param == "after decoding":
        decode = terraform.decode_document
        monkeypatch.setattr(
            terraform, "decode_document", lambda data, origin, listing=None: decode(data, origin)
        )
    return str(request.param)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            {"address": 3, "type": "x", "change": {"actions": []}},
            "Expected `str`, got `int` - at `$.resource_changes[2].address`",
        ),
        (
            {**_rc("aws_db_instance.c", ["delete"]), "change": {"actions": [7]}},
            "Expected `str`, got `int` - at `$.resource_changes[2].change.actions[0]`",
        ),
        (
            _rc("aws_db_instance.c", ["delete"], index=1e400),
            "Number out of range - at `$.resource_changes[2].index`",
        ),
    ],
    ids=["address", "action", "index"],
)
def test_a_change_that_does_not_decode_is_named_by_its_place_in_the_whole_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], decoding: str, bad: dict[str, Any], message: str
) -> None:
    """Synthetic: after two no-ops the run only counts, the refusal names the bad change by its JSON path
    in the whole document, whether the changes are judged as they are decoded or after."""
    doc = _plan(_rc("aws_db_instance.a", ["no-op"]), _rc("aws_db_instance.b", ["no-op"]), bad)
    path = _write(tmp_path, json.dumps(doc).replace("Infinity", "1e400").encode())
    assert main(["check", path]) == 2
    assert capsys.readouterr().err == f"planlint: error: {path}: not a valid Terraform plan: {message}\n"


def test_bad_utf8_in_a_later_change_is_named_by_its_byte_in_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], decoding: str
) -> None:
    """Synthetic: the byte offset is the file's, not the change's own."""
    data = json.dumps(
        _plan(_rc("aws_db_instance.a", ["no-op"]), _rc("aws_db_instance.b", ["delete"]))
    ).encode()
    data = data.replace(b"aws_db_instance.b", b"aws_db_instance.\xc3\x28")
    path = _write(tmp_path, data)
    assert main(["check", path]) == 2
    at = data.index(b"\xc3\x28")
    assert capsys.readouterr().err == f"planlint: error: {path}: not valid UTF-8 at byte {at}\n"


def test_a_delete_relabelled_as_a_data_source_is_exit_2_not_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Synthetic edit of a real shape: data sources are stateless to the catalogue, so before this
    refusal a database delete with `mode: data` passed with exit 0."""
    read = _plan(_rc("data.aws_db_instance.a", ["read"], mode="data"))
    assert main(["check", "-q", _write(tmp_path, read, "synthetic-read.json")]) == 0
    capsys.readouterr()
    hidden = _plan(_rc("aws_db_instance.a", ["delete"], mode="data"))
    assert main(["check", _write(tmp_path, hidden, "synthetic-hidden.json")]) == 2
    err = capsys.readouterr().err
    assert "synthetic-hidden.json" in err and "aws_db_instance.a" in err and "only ever reads" in err
    assert err.count("\n") == 1


def test_partial_decoding_of_a_deleted_side(tmp_path: Path) -> None:
    """Rules read single attributes of both sides; the deleted side (null) has none, and that is no error."""
    doc = _plan(_rc("aws_db_instance.a", ["delete"], change={"actions": ["delete"],
                "before": {"deletion_protection": True, "password": "x"}, "after": None,
                "before_sensitive": {"password": True}}))  # fmt: skip
    [plan] = load_inputs([_write(tmp_path, doc)])
    values = plan.changes[0].values
    assert values.fields("before", ("deletion_protection", "password")) == {
        "deletion_protection": True,
        "password": REDACTED,
    }
    assert values.fields("after", ("deletion_protection",)) == {"deletion_protection": None}


def test_removed_module_call_is_told_from_the_configuration(tmp_path: Path) -> None:
    """Terraform 1.11 deletes a removed module's resources with delete_because_no_resource_config."""
    gone = [
        _rc(f"module.store.aws_db_instance.{n}", ["delete"], module_address="module.store", action_reason=r)
        for n, r in (("a", "delete_because_no_resource_config"), ("b", "delete_because_no_resource_config"))
    ]
    kept = _rc(
        'module.app["x"].aws_db_instance.old',
        ["delete"],
        module_address='module.app["x"]',
        action_reason="delete_because_no_resource_config",
    )
    config = {"root_module": {"module_calls": {"app": {"source": "./app", "module": {}}}}}
    [plan] = load_inputs([_write(tmp_path, _plan(*gone, kept, configuration=config))])
    assert plan.facts.removed_module_calls == ("module.store",)


def test_module_call_path_drops_instance_keys() -> None:
    from planlint.blast_radius import module_call_path

    assert module_call_path('module.a["x.y]"].module.b[0]') == "module.a.module.b"
    assert module_call_path('module.a["q\\"]"]') == "module.a"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'{"format_version":"1.2","terraform_version":"1.9.5","resource_changes":[{"address":"a"',
            "not valid JSON (truncated: the file ends in the middle of the JSON)",
        ),
        (
            b'{"format_version":"1.2","resource_changes":[],"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "JSON nested too deeply to be a plan",
        ),
    ],
    ids=["truncated", "nested-too-deeply"],
)
def test_a_plan_that_does_not_decode_is_refused_in_planlint_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    """The Terraform decoder's own reason, not a generic JSON parser's, reaches the user."""
    path = tmp_path / "synthetic-undecodable.json"
    path.write_bytes(content)
    assert main(["check", str(path)]) == 2
    assert capsys.readouterr().err == f"planlint: error: {path}: {message}\n"


@pytest.mark.parametrize(
    "member",
    [
        {"resource_changes": []},
        {"planned_values": {"root_module": {}}},
        {"configuration": {"root_module": {}}},
        {"deferred_changes": []},
    ],
    ids=["resource_changes", "planned_values", "configuration", "deferred_changes"],
)
def test_any_one_plan_member_makes_a_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], member: dict[str, Any]
) -> None:
    """A `show -json` plan is format_version plus any of these (Terraform omits empty ones)."""
    path = tmp_path / "synthetic-minimal-plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.5", **member}))
    assert main(["check", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["inputs"][0]["format"] == "terraform"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"version": 4, "serial": 3, "lineage": "9f1c", "resources": []}, "is a Terraform state file"),
        ({"version": 4, "lineage": "9f1c", "resources": []}, "is a Terraform state file"),
        ({"version": 4, "serial": 3, "resources": []}, "is a Terraform state file"),
        (
            {"format_version": "1.0", "values": {"root_module": {}}},
            "is `terraform show -json` of a state, not of a plan",
        ),
        ({"format_version": "1.2"}, "is not a plan or change set"),
        ({"hello": 1}, "is not a plan or change set"),
    ],
    ids=["state", "state-lineage-only", "state-serial-only", "show-json-of-state", "bare", "other-json"],
)
def test_a_document_that_is_not_a_plan_is_refused_saying_what_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: dict[str, Any], message: str
) -> None:
    path = tmp_path / "synthetic-state.json"
    path.write_text(json.dumps({"terraform_version": "1.9.5", **document}))
    assert main(["check", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_an_incomplete_plan_names_its_first_five_destructive_deferrals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deferred = [
        {
            "reason": "provider_config_unknown",
            "resource_change": {
                "address": f"aws_s3_bucket.b{i}",
                "type": "aws_s3_bucket",
                "name": f"b{i}",
                "change": {"actions": ["delete"], "before": {"bucket": f"b{i}"}, "after": None},
            },
        }
        for i in range(1, 8)
    ]
    doc = {"format_version": "1.2", "complete": False, "resource_changes": [], "deferred_changes": deferred}
    path = tmp_path / "synthetic-incomplete.json"
    path.write_text(json.dumps(doc))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    named = ", ".join(f"aws_s3_bucket.b{i}" for i in range(1, 6))
    assert f"7 change(s) deferred, including destructive ones: {named}. Plan without" in err, err


def test_a_plan_without_sensitivity_masks_keeps_its_values_readable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No before_sensitive/after_sensitive (older or hand-made plans): nothing is sensitive, so a policy
    that protects by tag still sees the tag and gates the delete."""
    change = {"actions": ["delete"], "before": {"name": "ci", "tags": {"env": "prod"}}, "after": None}
    rc = {
        "address": "aws_iam_role.ci",
        "type": "aws_iam_role",
        "name": "ci",
        "mode": "managed",
        "change": change,
    }
    doc = {"format_version": "1.2", "terraform_version": "1.9.5", "complete": True, "resource_changes": [rc]}
    plan, policy = tmp_path / "synthetic-no-masks.json", tmp_path / "synthetic-protect.yml"
    plan.write_text(json.dumps(doc))
    policy.write_text("protect: {tags: {env: prod}}\n")
    assert main(["check", str(plan), "--config", str(policy), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(f["address"], f["gated"]) for f in report["findings"]] == [("aws_iam_role.ci", True)]
