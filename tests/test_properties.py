"""Property tests: malformed and mutated plans never crash `planlint check`; bad input fails closed.

Every example starts from a real plan or change set in the corpus, mutates it (bytes, encodings or the
JSON tree), writes it to a temporary file and runs `planlint.cli.main(["check", FILE, "--format", FMT])`
in-process. Whatever the mutation, no exception may escape, the exit code is 0, 1 or 2, and exit 2 comes
with exactly one line `planlint: error: FILE: ...` on stderr and nothing on stdout.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import io
import itertools
import json
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from planlint.cli import main

FORMATS = ("text", "json", "markdown", "sarif", "github")
SETTINGS = settings(
    # PLANLINT_PROPERTY_EXAMPLES=1000 for a long hunt; the default keeps the file under a minute.
    max_examples=int(os.environ.get("PLANLINT_PROPERTY_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_counter = itertools.count()


# ---------------------------------------------------------------- corpus and running


def corpus_files(corpus: Path) -> list[Path]:
    files = sorted([*corpus.glob("terraform/*/*.json"), *corpus.glob("cloudformation/*/*.json")])
    assert len(files) > 100, f"expected the full corpus under {corpus}"
    return files


class CorpusFiles(list[Path]):
    """The corpus file list, with a short repr for hypothesis' failure reports."""

    def __repr__(self) -> str:
        return f"<{len(self)} corpus files>"


@pytest.fixture(scope="session")
def inputs(corpus: Path) -> list[Path]:
    return CorpusFiles(corpus_files(corpus))


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutated")


def write_input(workdir: Path, data: bytes, like: Path) -> Path:
    path = workdir / f"{next(_counter)}-{like.name}"
    path.write_bytes(data)
    return path


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


def run_check(
    capsys: pytest.CaptureFixture[str], paths: list[Path], fmt: str, extra: tuple[str, ...] = ()
) -> Outcome:
    """Run the CLI in-process and check what holds for every input, however broken."""
    capsys.readouterr()  # drop anything left over from an earlier example
    code = main(["check", *map(str, paths), "--format", fmt, *extra])
    captured = capsys.readouterr()
    outcome = Outcome(code, captured.out, captured.err)
    if currently_in_test_context():  # --hypothesis-show-statistics: are mutants refused or judged?
        event(f"exit {code}")
    assert code in (0, 1, 2), outcome
    assert "Traceback" not in captured.err, outcome
    if code == 2:
        assert_error_form(fmt, captured.out, outcome)
        lines = captured.err.splitlines()
        assert len(lines) == 1, f"exit 2 must come with exactly one line on stderr: {outcome}"
        assert any(lines[0].startswith(f"planlint: error: {p}: ") for p in paths), (
            f"the error must name the file at fault: {outcome}"
        )
    else:
        assert captured.out.strip(), f"exit {code} must print a report: {outcome}"
    return outcome


def assert_error_form(fmt: str, out: str, outcome: Outcome) -> None:
    """Exit 2 writes no findings: text writes nothing, the other formats their error form (decision error)."""
    if fmt == "text":
        assert out == "", f"exit 2 must print no report: {outcome}"
    elif fmt == "json":
        assert json.loads(out)["decision"] == "error", outcome
    elif fmt == "sarif":
        assert json.loads(out)["runs"][0]["invocations"][0]["executionSuccessful"] is False, outcome
    elif fmt == "github":
        assert out.startswith("::error title=planlint%3A error") and out.count("\n") == 1, outcome
    else:
        assert out.startswith("## ❌ planlint: error"), outcome


def original_text(path: Path) -> str:
    """The corpus file as text (one corpus file is UTF-16 with a BOM, as PowerShell writes it)."""
    raw = path.read_bytes()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


# ---------------------------------------------------------------- a JSON writer that can lie


@dataclass(frozen=True)
class Raw:
    """Bytes written verbatim where a JSON value goes (invalid numbers, bad UTF-8, deep nesting)."""

    data: bytes

    def __repr__(self) -> str:  # hypothesis prints failing examples; keep deep junk readable
        shown = self.data if len(self.data) <= 60 else self.data[:40] + b"..." + self.data[-12:]
        return f"Raw({shown!r}, {len(self.data)} bytes)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # what hypothesis' printer calls
        printer.text(repr(self))


@dataclass(frozen=True)
class Dup:
    """An object written with a repeated key: `pairs` in order, duplicates included."""

    pairs: tuple[tuple[str, Any], ...]


def encode(value: Any) -> bytes:
    """JSON like json.dumps, plus Raw and Dup; floats NaN/inf come out as Python writes them."""
    if isinstance(value, Raw):
        return value.data
    if isinstance(value, Dup):
        return b"{" + b",".join(encode(k) + b":" + encode(v) for k, v in value.pairs) + b"}"
    if isinstance(value, dict):
        return encode(Dup(tuple(value.items())))
    if isinstance(value, list):
        return b"[" + b",".join(encode(v) for v in value) + b"]"
    if isinstance(value, float) and not math.isfinite(value):
        return json.dumps(value).encode()
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


# ---------------------------------------------------------------- tree mutations

Node = tuple[Any, ...]  # a path of keys/indexes from the root

# Keys whose values the loaders read: mutations aim here half of the time.
INTERESTING = frozenset(
    {
        "format_version", "terraform_version", "resource_changes", "change", "actions", "before", "after",
        "before_sensitive", "after_sensitive", "replace_paths", "action_reason", "address", "type",
        "index", "deposed", "previous_address", "importing", "deferred_changes", "output_changes",
        "resource_drift", "complete", "errored", "applyable", "mode", "module_address", "provider_name",
        "Changes", "ResourceChange", "Action", "Replacement", "PolicyAction", "Details", "Target",
        "RequiresRecreation", "Scope", "BeforeContext", "AfterContext", "Status", "StatusReason",
        "ExecutionStatus", "NextToken", "ChangeSetId", "ParentChangeSetId", "RootChangeSetId",
        "ChangeSetName", "StackName", "ResourceType", "LogicalResourceId", "PhysicalResourceId",
        "Type", "Name", "Attribute", "CausingEntity", "ChangeSource", "Evaluation",
    }
)  # fmt: skip

WRONG_TYPES: tuple[Any, ...] = (None, True, False, 0, -1, 1.5, "", "x", [], {}, [None, 1, "a"], {"a": 1})
UNKNOWN_ACTIONS: tuple[Any, ...] = (
    ["destroy"], ["delete", "delete"], ["create", "delete", "create"], [], ["update", "no-op"],
    ["Delete"], [1], ["forget", "delete"], ["create", "forget", "create"], [None], ["read", "delete"],
)  # fmt: skip
KNOWN_CFN_VALUES = frozenset(
    {"add", "modify", "remove", "import", "dynamic", "syncwithactual", "true", "false", "conditional"}
)
HUGE_NUMBERS = (
    b"1" + b"0" * 400, b"-" + b"9" * 400, b"1e400", b"-1e400", b"1e-400", b"18446744073709551616",
    b"9223372036854775808", b"-9223372036854775809", b"1.7976931348623157e309", b"0.0000000000001e-330",
)  # fmt: skip
NOT_NUMBERS = (b"NaN", b"Infinity", b"-Infinity", b"nan", b"inf", b"+1", b"01", b".5", b"1.", b"0x10")
BAD_STRINGS = (
    b'"\xff"', b'"\xc3\x28"', b'"\xed\xa0\x80"', b'"\x80abc"', b'"\xf4\x90\x80\x80"', b'"\\ud800"',
    b'"\\udc00x"', b'"\x00"', b'"\x01\x1f"', b'"\\u0000"', b'"a\\qb"', b'"unterminated', b"'single'",
)  # fmt: skip


def nodes(tree: Any) -> Iterator[tuple[Node, Any]]:
    """Every (path, value) in the tree, root first (iterative: the corpus has deep attribute values)."""
    stack: list[tuple[Node, Any]] = [((), tree)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))


def fresh(value: Any) -> Any:
    """A copy of a shared constant, so that a later mutation never edits the constant (or makes a cycle)."""
    return copy.deepcopy(value)


def get(tree: Any, path: Node) -> Any:
    for step in path:
        tree = tree[step]
    return tree


def put(tree: Any, path: Node, value: Any) -> Any:
    if not path:
        return value
    get(tree, path[:-1])[path[-1]] = value
    return tree


def deep(depth: int, kind: str) -> Raw:
    if kind == "list":
        return Raw(b"[" * depth + b"]" * depth)
    return Raw(b'{"a":' * depth + b"null" + b"}" * depth)


@st.composite
def a_node(
    draw: st.DrawFn,
    tree: Any,
    want: Callable[[Node, Any], bool] = lambda p, v: True,
    where: Callable[[Node], bool] = lambda p: True,
) -> Node | None:
    """A node of the tree (one that `where` allows), half the time one under a key the loaders read."""
    every = [p for p, v in nodes(tree) if want(p, v) and where(p)]
    if not every:
        return None
    aimed = [p for p in every if p and p[-1] in INTERESTING]
    aim: bool = draw(st.booleans())
    pool = aimed if aimed and aim else every
    return draw(st.sampled_from(pool))


@st.composite
def mutate_tree(draw: st.DrawFn, tree: Any, where: Callable[[Node], bool] = lambda p: True) -> Any:
    """One structural mutation of the parsed document, at a node `where` allows (for a dict, a list: the
    node whose keys or items change)."""
    kind = draw(
        st.sampled_from(
            ["delete_key", "wrong_type", "duplicate_key", "deep_junk", "unknown_action", "huge_number",
             "not_a_number", "bad_string", "drop_list_items"]
        )
    )  # fmt: skip
    event(kind)
    is_dict = lambda p, v: isinstance(v, dict) and bool(v)  # noqa: E731
    if kind == "delete_key":
        path = draw(a_node(tree, is_dict, where))
        if path is None:
            return tree
        obj = get(tree, path)
        del obj[draw(st.sampled_from(sorted(obj)))]
        return tree
    if kind == "duplicate_key":
        path = draw(a_node(tree, is_dict, where))
        if path is None:
            return tree
        obj = get(tree, path)
        key = draw(st.sampled_from(sorted(obj)))
        extra = (key, fresh(draw(st.sampled_from(WRONG_TYPES))))
        pairs = list(obj.items())
        pairs.insert(draw(st.integers(0, len(pairs))), extra)
        return put(tree, path, Dup(tuple(pairs)))
    if kind == "unknown_action":
        path = draw(a_node(tree, lambda p, v: bool(p) and p[-1] in ("actions", "Action", "Replacement",
                                                                    "PolicyAction", "Status"), where))  # fmt: skip
        if path is not None:
            if path[-1] == "actions":
                return put(tree, path, fresh(draw(st.sampled_from(UNKNOWN_ACTIONS))))
            odd = st.sampled_from(["Destroy", "", "Remove ", "Obliterate", "PENDING", "Unknown"]) | st.text(
                max_size=12
            ).filter(lambda s: s.lower() not in KNOWN_CFN_VALUES)
            return put(tree, path, draw(odd))
        kind = "wrong_type"
    if kind == "drop_list_items":
        path = draw(a_node(tree, lambda p, v: isinstance(v, list) and bool(v), where))
        if path is not None:
            items = get(tree, path)
            del items[draw(st.integers(0, len(items) - 1)) :]
            return tree
        kind = "wrong_type"
    path = draw(a_node(tree, where=where))
    if path is None:
        return tree
    if kind == "deep_junk":
        depth = draw(st.sampled_from([10, 200, 1000, 5000, 100_000]))
        return put(tree, path, deep(depth, draw(st.sampled_from(["list", "dict"]))))
    if kind == "huge_number":
        return put(tree, path, Raw(draw(st.sampled_from(HUGE_NUMBERS))))
    if kind == "not_a_number":
        return put(tree, path, Raw(draw(st.sampled_from(NOT_NUMBERS))))
    if kind == "bad_string":
        return put(tree, path, Raw(draw(st.sampled_from(BAD_STRINGS))))
    current = get(tree, path)
    replacement = draw(st.sampled_from([v for v in WRONG_TYPES if type(v) is not type(current)]))
    return put(tree, path, fresh(replacement))


# ---------------------------------------------------------------- byte and encoding mutations

TOKENS = (b"{", b"}", b"[", b"]", b",", b":", b'"', b"\\", b"\x00", b"\xff", b"\xef\xbb\xbf", b"null", b"\n")


@st.composite
def mutate_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """One byte-level mutation: truncate, flip, insert or delete."""
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :] if data else data
    if kind == "insert":
        junk = draw(st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=8))
        return data[:at] + junk + data[at:]
    return data[:at] + data[at + draw(st.integers(1, 64)) :]


def reencode(text: str, how: str) -> bytes:
    """The document as various tools write it, correctly or not."""
    utf8 = text.encode("utf-8", "surrogatepass")
    utf16le = text.encode("utf-16-le", "surrogatepass")
    encodings: dict[str, Callable[[], bytes]] = {
        "utf-8": lambda: utf8,
        "utf-8-bom": lambda: codecs.BOM_UTF8 + utf8,
        "utf-8-double-bom": lambda: codecs.BOM_UTF8 * 2 + utf8,
        "utf-16-le-bom": lambda: codecs.BOM_UTF16_LE + utf16le,
        "utf-16-be-bom": lambda: codecs.BOM_UTF16_BE + text.encode("utf-16-be", "surrogatepass"),
        "utf-16-le-no-bom": lambda: utf16le,
        "utf-16-bom-odd-length": lambda: codecs.BOM_UTF16_LE + utf16le[:-1],
        "utf-16-bom-on-utf-8": lambda: codecs.BOM_UTF16_LE + utf8,
        "utf-32-bom": lambda: text.encode("utf-32", "surrogatepass"),
        "latin-1": lambda: text.encode("latin-1", "replace"),
        "wrapper-text": lambda: b"[command]/home/runner/work/_temp/terraform-bin show -json tfplan\n" + utf8,
        "trailing-garbage": lambda: utf8 + b"\n::debug::exitcode: 0\n",
        "twice": lambda: utf8 + utf8,
        "crlf": lambda: utf8.replace(b"\n", b"\r\n"),
    }
    return encodings[how]()


ENCODINGS = (
    "utf-8", "utf-8-bom", "utf-8-double-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le-no-bom",
    "utf-16-bom-odd-length", "utf-16-bom-on-utf-8", "utf-32-bom", "latin-1", "wrapper-text",
    "trailing-garbage", "twice", "crlf",
)  # fmt: skip


# ---------------------------------------------------------------- the properties


@SETTINGS
@given(data=st.data(), fmt=st.sampled_from(FORMATS))
def test_tree_mutations_never_crash(
    data: st.DataObject, fmt: str, inputs: list[Path], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = data.draw(st.sampled_from(inputs), label="corpus file")
    tree = json.loads(original_text(source))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        tree = data.draw(mutate_tree(tree))
    path = write_input(workdir, encode(tree), source)
    # Detection is the usual path; --input-format makes each loader read the other's documents too.
    forced = data.draw(
        st.sampled_from([(), ("--input-format", "terraform"), ("--input-format", "cloudformation")])
    )
    run_check(capsys, [path], fmt, forced)


@SETTINGS
@given(data=st.data(), fmt=st.sampled_from(FORMATS))
def test_byte_mutations_never_crash(
    data: st.DataObject, fmt: str, inputs: list[Path], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = data.draw(st.sampled_from(inputs), label="corpus file")
    blob = source.read_bytes()
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        blob = data.draw(mutate_bytes(blob))
    path = write_input(workdir, blob, source)
    run_check(capsys, [path], fmt)


@SETTINGS
@given(data=st.data(), fmt=st.sampled_from(FORMATS), how=st.sampled_from(ENCODINGS))
def test_encodings_never_crash(
    data: st.DataObject,
    fmt: str,
    how: str,
    inputs: list[Path],
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = data.draw(st.sampled_from(inputs), label="corpus file")
    text = original_text(source)
    mutated = data.draw(st.booleans(), label="mutate tree first")
    if mutated:
        text = encode(data.draw(mutate_tree(json.loads(text)))).decode("utf-8", "replace")
    path = write_input(workdir, reencode(text, how), source)
    outcome = run_check(capsys, [path], fmt)
    if not mutated and how in ("utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "crlf"):
        # A BOM (PowerShell) or CRLF line ends change nothing: same answer as the file itself.
        assert outcome.code == run_check(capsys, [source], fmt).code, outcome


@SETTINGS
@given(data=st.data(), fmt=st.sampled_from(FORMATS))
def test_truncated_input_fails_closed(
    data: st.DataObject, fmt: str, inputs: list[Path], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = data.draw(st.sampled_from(inputs), label="corpus file")
    blob = source.read_bytes()
    end = len(blob.rstrip())  # cutting only trailing whitespace leaves a whole document
    cut = data.draw(st.integers(0, end - 1), label="cut at")
    path = write_input(workdir, blob[:cut], source)
    assert run_check(capsys, [path], fmt).code == 2


@SETTINGS
@given(data=st.data(), fmt=st.sampled_from(FORMATS))
def test_unknown_terraform_actions_fail_closed(
    data: st.DataObject, fmt: str, inputs: list[Path], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans = [p for p in inputs if "/terraform/" in p.as_posix()]
    source = data.draw(st.sampled_from(plans), label="corpus plan")
    tree = json.loads(original_text(source))
    changes = tree.get("resource_changes") or []
    if not changes or tree.get("errored") or tree.get("complete") is False:
        return  # nothing to corrupt, or refused for another reason already
    victim = data.draw(st.integers(0, len(changes) - 1), label="resource change")
    changes[victim]["change"]["actions"] = fresh(data.draw(st.sampled_from(UNKNOWN_ACTIONS), label="actions"))
    path = write_input(workdir, encode(tree), source)
    assert run_check(capsys, [path], fmt).code == 2


@SETTINGS
@given(data=st.data(), fmt=st.sampled_from(FORMATS))
def test_mutated_file_among_others_never_crashes(
    data: st.DataObject, fmt: str, inputs: list[Path], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Several inputs in one run (a monorepo, or a root change set and its nested children)."""
    first, second = (data.draw(st.sampled_from(inputs), label=f"input {n}") for n in (1, 2))
    # Nested CloudFormation change sets are linked across files: give siblings often.
    siblings = sorted(second.parent.glob("*.json"))
    second = data.draw(st.sampled_from([second, *siblings]), label="sibling")
    tree = data.draw(mutate_tree(json.loads(original_text(second))))
    mutated = write_input(workdir, encode(tree), second)
    run_check(capsys, [first, mutated], fmt)


CONSTANT_INPUTS: tuple[bytes, ...] = (
    b"", b" ", b"\n\t\r\n", b"null", b"[]", b"{}", b"0", b"true", b'"plan"', b"[{}]", b"{\"format_version\":1}",
    b"{\"format_version\":\"1.2\"}", b"{\"format_version\":\"9.0\",\"resource_changes\":[]}",
    b"{\"format_version\":\"1.2\",\"resource_changes\":null}", b"{\"format_version\":\"1.2\",\"resource_changes\":{}}",
    b"{\"format_version\":\"1.2\",\"resource_changes\":[null]}", b"{\"Changes\":[]}", b"{\"Changes\":null}",
    b"{\"Status\":\"CREATE_COMPLETE\",\"Changes\":[{}]}", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff\x00",
    b"PK\x03\x04garbage", b"\x00" * 64, b"Resources:\n  X: 1\n", b"AWSTemplateFormatVersion: x\n",
)  # fmt: skip


PLAN_HEAD = b'{"format_version":"1.2","terraform_version":"1.9.5","complete":true,"errored":false,'
# Found by the properties above; kept as plain cases so that a regression names itself.
CONSTANT_INPUTS += (
    # msgspec raises RecursionError (not DecodeError) past its depth limit.
    PLAN_HEAD + b'"resource_changes":[],"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'{"Changes":' + b'{"a":' * 100_000 + b"null" + b"}" * 100_000 + b"}",
    # msgspec raises UnicodeDecodeError (not DecodeError) for bytes that are not UTF-8 inside a string.
    PLAN_HEAD + b'"terraform_version":"\x80","resource_changes":[]}',
)


@pytest.mark.parametrize("content", CONSTANT_INPUTS, ids=lambda c: repr(c[:60]))
def test_degenerate_files_fail_closed(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "synthetic-degenerate.json"
    path.write_bytes(content)
    assert run_check(capsys, [path], "json").code == 2


# Attribute values stay raw until a rule reads them, and msgspec's skip over a raw value checks neither
# UTF-8 nor number range. Each of these plans deletes a database or turns its protection off, so the
# only acceptable answers are "approval required" (1) or "cannot judge this file" (2).
UNDECODABLE_VALUES = {
    "bad-utf8-in-before-of-delete": b'{"address":"aws_db_instance.main","type":"aws_db_instance",'
    b'"name":"main","change":{"actions":["delete"],"before":{"identifier":"db\xff"},"after":null}}',
    "huge-number-in-before-of-delete": b'{"address":"aws_db_instance.main","type":"aws_db_instance",'
    b'"name":"main","change":{"actions":["delete"],"before":{"identifier":"db","allocated_storage":1e400},'
    b'"after":null}}',
    "huge-number-in-sensitive-mask": b'{"address":"aws_db_instance.main","type":"aws_db_instance",'
    b'"name":"main","change":{"actions":["update"],"before":{"deletion_protection":true},'
    b'"after":{"deletion_protection":false},"after_sensitive":{"deletion_protection":1e400}}}',
    "bad-utf8-in-sensitive-mask": b'{"address":"aws_db_instance.main","type":"aws_db_instance",'
    b'"name":"main","change":{"actions":["update"],"before":{"deletion_protection":true},'
    b'"after":{"deletion_protection":false},"after_sensitive":{"deletion_protection":"\xff"}}}',
}


@pytest.mark.parametrize("change", UNDECODABLE_VALUES.values(), ids=UNDECODABLE_VALUES.keys())
def test_undecodable_values_of_a_destructive_change_never_pass(
    change: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "synthetic-undecodable-values.json"
    path.write_bytes(PLAN_HEAD + b'"resource_changes":[' + change + b"]}")
    for fmt in FORMATS:
        assert run_check(capsys, [path], fmt).code in (1, 2)


# ---------------------------------------------------------------- mutations beside a destructive change


@pytest.fixture(scope="session")
def gated_plans(inputs: list[Path]) -> dict[Path, frozenset[int]]:
    """Corpus plans that exit 1, each with the indexes into `resource_changes` of the changes it gates."""
    found: dict[Path, frozenset[int]] = {}
    for path in (p for p in inputs if "/terraform/" in p.as_posix()):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = main(["check", str(path), "--format", "json"])
        if code != 1:
            continue
        gated = {f["address"] for f in json.loads(out.getvalue())["findings"] if f["gated"]}
        changes = json.loads(original_text(path)).get("resource_changes") or []
        indexes = frozenset(i for i, c in enumerate(changes) if c.get("address") in gated)
        if indexes:
            found[path] = indexes
    assert len(found) >= 10, f"expected destructive plans in the corpus, found {sorted(found)}"
    return found


@SETTINGS
@given(data=st.data(), fmt=st.sampled_from(FORMATS))
def test_mutations_beside_a_gated_change_never_pass(
    data: st.DataObject,
    fmt: str,
    gated_plans: dict[Path, frozenset[int]],
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A mutation that leaves a gated destructive change (and the path to it) as it was must not make the
    plan pass: it is refused (2) or the change is still gated (1), never exit 0."""
    source = data.draw(st.sampled_from(sorted(gated_plans)), label="destructive corpus plan")
    kept = [("resource_changes", i) for i in gated_plans[source]]

    def beside(path: Node) -> bool:  # neither inside a kept change nor on the way to one
        return not any(path[:2] == k or k[: len(path)] == path for k in kept)

    tree = json.loads(original_text(source))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        tree = data.draw(mutate_tree(tree, beside))
    path = write_input(workdir, encode(tree), source)
    outcome = run_check(capsys, [path], fmt)
    assert outcome.code in (1, 2), f"a mutation beside a gated change made the plan pass: {outcome}"
