"""planlint.records.NamedTuple builds the same records as typing.NamedTuple (the hook's records use it)."""

from __future__ import annotations

import pickle
import typing

import pytest

from planlint import records
from planlint.guard.classify import Classification
from planlint.guard.shell import SimpleCommand

BODY = '''
class Change(NamedTuple):
    """One change (synthetic)."""

    address: str
    actions: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def destroys(self) -> bool:
        return "delete" in self.actions

    def shown(self) -> str:
        return f"{self.address} {'/'.join(self.actions)}"
'''


def _build(named_tuple: object) -> type:
    namespace: dict[str, object] = {"NamedTuple": named_tuple, "__name__": "synthetic"}
    exec(compile("from __future__ import annotations\n" + BODY, "synthetic", "exec"), namespace)
    record = namespace["Change"]
    assert isinstance(record, type)
    return record


def test_same_record_as_typing_namedtuple() -> None:
    ours, theirs = _build(records.NamedTuple), _build(typing.NamedTuple)
    for record in (ours, theirs):
        change = record("aws_db_instance.main", ("delete", "create"))
        assert change == ("aws_db_instance.main", ("delete", "create"), None)  # a plain tuple
        assert change.destroys and change.shown() == "aws_db_instance.main delete/create"
        assert change._replace(reason="tags") == ("aws_db_instance.main", ("delete", "create"), "tags")
        assert hash(change) == hash(tuple(change))
    for name in ("_fields", "_field_defaults", "__doc__", "__name__", "__qualname__", "__module__"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert repr(ours("a")) == repr(theirs("a")) == "Change(address='a', actions=(), reason=None)"
    assert list(ours.__annotations__) == list(theirs.__annotations__) == ["address", "actions", "reason"]


def test_hook_records_pickle_and_replace() -> None:
    command = SimpleCommand(("terraform", "plan"), cwd="infra")
    assert pickle.loads(pickle.dumps(command)) == command
    verdict = Classification("pass", "terraform", command.argv, "plan destroys nothing", "plan")
    assert verdict._replace(kind="unverifiable").kind == "unverifiable"
    assert not verdict.gated and verdict.display() == "terraform plan"


def test_refuses_what_typing_namedtuple_refuses() -> None:
    with pytest.raises(TypeError, match="without a default follows"):
        _build_text("class Bad(NamedTuple):\n    a: int = 1\n    b: int\n")
    with pytest.raises(AttributeError, match="_replace"):
        _build_text("class Bad(NamedTuple):\n    a: int\n    def _replace(self): ...\n")
    with pytest.raises(TypeError, match="inherits from NamedTuple alone"):
        _build_text("class Bad(NamedTuple, object):\n    a: int\n")


def _build_text(text: str) -> None:
    namespace: dict[str, object] = {"NamedTuple": records.NamedTuple, "__name__": "synthetic"}
    exec(compile(text, "synthetic", "exec"), namespace)
