"""A kubernetes_manifest whose object kind the plan hides (marked sensitive) is asked about as an object
whose kind cannot be read, never answered by classing every kubernetes_manifest. Plans are small and
synthetic, in the shape of `terraform show -json` with the kubernetes provider's manifest values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planlint.cli import main

PVC = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"}}


def _plan(tmp_path: Path, before_sensitive: Any, manifest: dict[str, Any] = PVC) -> Path:
    change = {
        "address": "kubernetes_manifest.x",
        "mode": "managed",
        "type": "kubernetes_manifest",
        "name": "x",
        "change": {
            "actions": ["delete"],
            "before": {"manifest": manifest, "object": manifest},
            "after": None,
            "before_sensitive": before_sensitive,
            "after_sensitive": False,
        },
        "action_reason": "delete_because_no_resource_config",
    }
    path = tmp_path / "synthetic-plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "resource_changes": [change]}), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "before_sensitive",
    [{"manifest": True, "object": True}, {"manifest": {"kind": True}, "object": {"kind": True}}],
    ids=["manifest-sensitive", "kind-sensitive"],
)
def test_hidden_kind_is_asked_about_without_classing_the_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before_sensitive: Any
) -> None:
    assert main(["check", str(_plan(tmp_path, before_sensitive)), "--format", "json"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["rule_id"] == "PL003"
    assert "object kind is marked sensitive" in finding["message"]
    assert "does not know" not in finding["message"].split("will be")[0]
    assert "stateful_types" not in finding["message"] and "stateless_types" not in finding["message"]
    assert "do not class all of kubernetes_manifest" in finding["message"]
    assert main(["check", str(_plan(tmp_path, before_sensitive))]) == 1
    text = capsys.readouterr().out
    assert "stateful_types" not in text and "a type planlint does not know" not in text.split("Why:")[1]


def test_readable_kind_is_still_judged_by_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(_plan(tmp_path, {})), "--format", "json"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["rule_id"] == "PL001"


def test_catalogue_command_never_suggests_classing_a_kind_judged_type(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["catalogue", "kubernetes_manifest", "--kind", "Widget"]) == 1
    out = capsys.readouterr().out
    assert "judged by each object's kind" in out and "stateful_types" not in out


@pytest.mark.parametrize(
    ("manifest", "why"),
    [
        (
            {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}},
            "its object kind, Widget, is in neither the catalogue's kinds nor its stateless kinds",
        ),
        ({"apiVersion": "v1", "metadata": {"name": "w"}}, "its values do not name its object kind"),
    ],
    ids=["unknown-kind", "no-kind"],
)
def test_unknown_or_missing_kind_is_asked_about_saying_which(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], manifest: dict[str, Any], why: str
) -> None:
    assert main(["check", str(_plan(tmp_path, {}, manifest)), "--format", "json"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["rule_id"] == "PL003"
    assert why in finding["message"]
