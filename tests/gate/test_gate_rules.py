"""Pure parts of the gate: protected paths, when a digest was shown, whose review counts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from planlint.gate.approval import digest_shown_since, latest_reviews
from planlint.gate.evidence import Actor, GateStatus, Review
from planlint.gate.gather import parse_time
from planlint.gate.protected import DEFAULT_PROTECTED, is_protected, protected_findings, protected_patterns

T0 = datetime(2026, 11, 20, 10, tzinfo=timezone.utc)
A = "pl1:" + "a" * 64
B = "pl1:" + "b" * 64


@pytest.mark.parametrize(
    ("path", "protected"),
    [
        (".planlint.yml", True),
        ("rules/PL001.yaml", True),
        ("rules/catalogue/aws.yaml", True),
        (".github/workflows/plan.yml", True),
        (".github/actions/setup/action.yml", True),
        ("action.yml", True),
        ("infra/main.tf", False),
        ("rules.md", False),
        ("docs/.planlint.yml", False),
        ("policy/extra/PL100.yaml", True),  # named by the policy's rule_dirs
    ],
)
def test_protected_paths(path: str, protected: bool):
    patterns = protected_patterns(".planlint.yml", ["./policy/extra/"])
    assert is_protected(path, patterns) is protected


def test_protected_findings_are_gated_and_name_the_file():
    findings = protected_findings(
        [("infra/main.tf", "modified"), (".planlint.yml", "modified"), ("rules/PL009.yaml", "added")],
        DEFAULT_PROTECTED,
    )
    assert [(f.address, f.actions, f.rule_id, f.gated) for f in findings] == [
        (".planlint.yml", ("update",), "PL900", True),
        ("rules/PL009.yaml", ("create",), "PL900", True),
    ]


def _status(digest: str | None, minutes: int, creator: str = "github-actions[bot]") -> GateStatus:
    return GateStatus(digest, T0 + timedelta(minutes=minutes), creator)


def test_digest_shown_since_is_the_latest_uninterrupted_run():
    statuses = [_status(A, 10), _status(A, 20), _status(B, 30), _status(A, 40), _status(A, 50)]
    assert digest_shown_since(reversed(statuses), A, "github-actions[bot]") == T0 + timedelta(minutes=40)
    assert digest_shown_since(statuses, B, "github-actions[bot]") is None  # shown, then replaced
    assert digest_shown_since([_status(A, 5, creator="mallory")], A, "github-actions[bot]") is None


def test_latest_significant_review_per_reviewer():
    peer = Actor("peer")
    reviews = [
        Review(peer, "APPROVED", "c1", T0),
        Review(peer, "COMMENTED", "c1", T0 + timedelta(minutes=1)),  # a comment does not undo an approval
        Review(Actor("other"), "CHANGES_REQUESTED", "c1", T0),
        Review(Actor("other"), "APPROVED", "c1", T0 + timedelta(minutes=2)),
    ]
    assert [(r.reviewer.login, r.state) for r in latest_reviews(reviews)] == [
        ("peer", "APPROVED"),
        ("other", "APPROVED"),
    ]


@pytest.mark.parametrize(
    ("actor", "bot"),
    [
        (Actor("octocat"), False),
        (Actor("renovate[bot]"), True),
        (Actor("x", "Bot"), True),
        (Actor("y", via_app=True), True),
    ],
)
def test_bots_and_apps(actor: Actor, bot: bool):
    assert actor.is_bot is bot


def test_parse_time_accepts_githubs_z_suffix():
    assert parse_time("2026-11-20T10:00:00Z") == T0
