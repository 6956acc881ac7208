"""Rules are data: YAML files (one rule per file, named by id) turned into `Rule` records."""

from __future__ import annotations

import json
import os
import re
import string
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import msgspec

from planlint.blast_radius import PlanCondition, parse_condition
from planlint.catalogue import Catalogue, catalogue_from_rows, load_catalogue
from planlint.errors import RuleError
from planlint.model import ENFORCEMENTS, SEVERITIES, Enforcement, Severity

if TYPE_CHECKING:
    from pathlib import Path

ID_PATTERN = re.compile(r"^PL[0-9]{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
ABSENT: Any = object()  # an attribute condition side that was not given
MESSAGE_FIELDS = frozenset(
    (
        *("address", "type", "class", "what", "action_text", "reason_text", "paths", "module", "scope"),
        # `because`: the reason and the forcing attribute paths as sentences ("" when neither is known);
        # `attribute`: the attribute condition that matched; deletes/managed/share: plan-wide counts.
        *("because", "attribute", "deletes", "managed", "share"),
        # `storage_word`: the word of an unknown type's name that reads like storage ("" otherwise)
        "storage_word",
        # `class_it`: how the policy can class an unknown type (a kind-judged one: what to do instead);
        # `unknown_why`: why it is unknown (not listed; its object kind hidden, absent or not listed)
        *("class_it", "unknown_why"),
        # `protect_note`: a protected change matched only through tag values the plan hides says so
        "protect_note",
    )
)


class AttributeCondition(msgspec.Struct, frozen=True):
    path: tuple[str, ...]
    before: Any = ABSENT
    after: Any = ABSENT
    before_not: Any = ABSENT
    after_not: Any = ABSENT
    before_in: tuple[Any, ...] | None = None  # the value before is one of these
    after_in: tuple[Any, ...] | None = None
    before_not_in: tuple[Any, ...] | None = None  # the value before is none of these
    after_not_in: tuple[Any, ...] | None = None
    # An element condition (its path ends in `*`): some element of the list on the after side meets every
    # `where` test (paths relative to the element, after values); with `added`, only an element that no
    # element of the before list equals counts (one added, or changed in any way).
    where: tuple[AttributeCondition, ...] = ()
    added: bool = False
    decreased: bool = False  # both sides are numbers (or numeric strings) and the after one is smaller

    @property
    def wildcard(self) -> bool:
        """The path steps through `*` (any element of a list, any value of a map)."""
        return "*" in self.path

    @property
    def element(self) -> bool:
        """An element condition: tests elements of the after list as a whole (`where`, `added`)."""
        return self.added or bool(self.where)

    def describe(self) -> str:
        """`deletion_protection true -> false`: the condition's own values, never the plan's."""
        before = _side_text(self.before, self.before_not, self.before_in, self.before_not_in)
        after = _side_text(self.after, self.after_not, self.after_in, self.after_not_in)
        if self.decreased:
            after = "a smaller number" if after == "anything" else f"a smaller number, {after}"
        return f"{'.'.join(self.path)} {before} -> {after}"


def _side_text(
    equal: Any, unequal: Any, one_of: tuple[Any, ...] | None, none_of: tuple[Any, ...] | None
) -> str:
    """`true`, `not true`, `0/null` (one of), `not 0/null` (none of), or `anything`."""
    if equal is not ABSENT:
        return _literal(equal)
    if unequal is not ABSENT:
        return f"not {_literal(unequal)}"
    if one_of is not None:
        return "/".join(map(_literal, one_of))
    return "anything" if none_of is None else "not " + "/".join(map(_literal, none_of))


def _literal(value: Any) -> str:
    return json.dumps(value)


class Match(msgspec.Struct, frozen=True):
    platforms: frozenset[str] | None = None
    catalogue: frozenset[str] | None = None
    types: frozenset[str] | None = None
    unknown: frozenset[str] | None = None  # unknown types: "storage-like" and/or "other" names
    actions: frozenset[str] | None = None
    reasons: frozenset[str] | None = None
    reasons_not: frozenset[str] = frozenset()
    addresses: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    attributes: tuple[AttributeCondition, ...] = ()  # all must hold
    attributes_any: tuple[AttributeCondition, ...] = ()  # at least one must hold (when given)
    plan: PlanCondition | None = None  # plan-wide aggregate (blast radius)
    protected: bool = False  # the change matches the policy's `protect` patterns
    waiver_expired: bool = False  # never matches a change: the engine reports expired waivers with it
    attribute_keys: tuple[str, ...] = ()  # top-level attributes the conditions read (decoded together)


class Effect(msgspec.Struct, frozen=True):
    """How a mitigation changes a finding of this rule."""

    severity: Severity | None = None
    enforcement: Enforcement | None = None


class Rule(msgspec.Struct, frozen=True):
    id: str
    name: str
    title: str
    severity: Severity
    enforcement: Enforcement
    match: Match
    message: str
    mitigations: Mapping[str, Effect]
    docs: Mapping[str, Any]
    path: str
    raw: Mapping[str, Any]


class RuleSet(msgspec.Struct, frozen=True):
    rules: tuple[Rule, ...]
    catalogue: Catalogue

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def builtin_rules_path() -> str:
    """`planlint/rules` inside an installed wheel, or the repository's `rules/` in a source checkout."""
    # Not importlib.resources: it imports zipfile, lzma and bz2, a tenth of a small check's time. Not
    # pathlib either (planlint.rules_index says why).
    package = os.path.dirname(os.path.realpath(__file__))
    for candidate in (os.path.join(package, "rules"), os.path.join(os.path.dirname(package), "rules")):
        if os.path.isdir(os.path.join(candidate, "catalogue")):
            return candidate
    raise RuleError("built-in rules not found: the installation is broken (reinstall planlint)")


def builtin_rules_dir() -> Path:
    """`builtin_rules_path()` as a Path."""
    from pathlib import Path

    return Path(builtin_rules_path())


def load_ruleset(
    extra_dirs: Sequence[str | os.PathLike[str]] = (), *, validate_builtin: bool = False
) -> RuleSet:
    """Built-in rules and catalogue, plus rule files from `extra_dirs` (always schema-validated).

    Built-in rules are validated against the schema by the test suite, not on every run: jsonschema
    costs more to import than the whole check of a small plan.
    """
    from planlint.rules_index import relative_name

    builtin = builtin_rules_path()
    documents, catalogue = read_builtin(builtin)

    def document(path: str | os.PathLike[str]) -> Any:
        key = relative_name(path, builtin)
        return documents[key] if key is not None and key in documents else read_yaml(path)

    rules: dict[str, Rule] = {}
    names: dict[str, Rule] = {}
    for path, stem, validate in _rule_files(builtin, extra_dirs, validate_builtin):
        rule = parse_rule(document(path), path, validate=validate)
        if stem != rule.id:
            raise RuleError(f"rule id {rule.id} must live in a file named {rule.id}.yaml", path)
        for seen, key in ((rules, rule.id), (names, rule.name)):
            if key in seen:
                raise RuleError(f"duplicate rule {key} (also in {seen[key].path})", path)
        rules[rule.id] = rule
        names[rule.name] = rule
    return RuleSet(tuple(rules[k] for k in sorted(rules)), catalogue)


def read_builtin(rules_dir: str) -> tuple[Mapping[str, Any], Catalogue]:
    """The rule files' parsed documents by relative name and the catalogue of the rules directory
    `rules_dir`: from its index (planlint.rules_index) while the index matches the files, else no
    documents (each rule file is then parsed) and the catalogue built from the YAML (`build_catalogue`).
    RuleError when a catalogue file is unreadable or wrong."""
    from planlint.rules_index import load_index

    index = load_index(rules_dir)
    catalogue = catalogue_from_rows(index.catalogue) if index is not None else None
    if index is None or catalogue is None:  # an index that does not decode is not trusted in part
        return {}, build_catalogue(rules_dir)
    return index.documents, catalogue


def build_catalogue(rules_dir: str) -> Catalogue:
    """The catalogue built from the YAML catalogue files of the rules directory `rules_dir`, each parsed
    and checked by `load_catalogue` (RuleError when one is unreadable or wrong)."""
    from planlint.rules_index import catalogue_names

    paths = [os.path.join(rules_dir, name) for name in catalogue_names(rules_dir)]
    return load_catalogue(os.path.join(rules_dir, "catalogue"), ((path, read_yaml(path)) for path in paths))


def _rule_files(
    builtin: str, extra_dirs: Sequence[str | os.PathLike[str]], validate_builtin: bool
) -> Iterator[tuple[str, str, bool]]:
    """(path, file name without `.yaml`, validate against the schema) of every rule file, directory by
    directory: the built-in rules, then each of `extra_dirs` (checked when its turn comes)."""
    from planlint.rules_index import rule_names

    for name in rule_names(builtin):
        yield os.path.join(builtin, name), name.removesuffix(".yaml"), validate_builtin
    if not extra_dirs:
        return
    from pathlib import Path

    for extra in extra_dirs:
        directory = Path(extra)
        if not directory.is_dir():
            raise RuleError("rule directory does not exist", str(directory))
        if directory != Path(builtin):
            _refuse_unread_files(directory)
        for path in sorted(directory.glob("PL*.yaml")):
            yield str(path), path.stem, True


def _refuse_unread_files(directory: Path) -> None:
    """RuleError when a `--rules` directory holds a YAML file that would not be read, or no rule at all:
    a rule that silently does not load passes what it was written to stop."""
    for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
        if not (path.suffix == ".yaml" and path.name.startswith("PL")):
            raise RuleError("not read as a rule: rule files are named after their rule id (PL<number>.yaml)",
                            str(path))  # fmt: skip
    if not any(directory.glob("PL*.yaml")):
        raise RuleError("holds no rule files (PL<number>.yaml)", str(directory))


def read_yaml(path: str | os.PathLike[str]) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
        return yaml.load(text, Loader=loader)
    except OSError as exc:
        raise RuleError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise RuleError(f"{where}invalid YAML: {getattr(exc, 'problem', None) or exc}", str(path)) from None
    except UnicodeDecodeError:
        raise RuleError("not UTF-8 text", str(path)) from None


def rule_schema() -> dict[str, Any]:
    from pathlib import Path

    schema: dict[str, Any] = json.loads(
        (Path(__file__).resolve().parent / "schemas" / "rule.schema.json").read_text(encoding="utf-8")
    )
    return schema


def validate_rule_document(doc: Any, origin: str) -> None:
    """Validate against rule.schema.json; the first error becomes a one-line RuleError."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(rule_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise RuleError(f"{where}: {error.message}", origin)


def parse_rule(doc: Any, origin: str, *, validate: bool = True) -> Rule:
    if validate:
        validate_rule_document(doc, origin)
    if not isinstance(doc, dict):
        raise RuleError("a rule file must be a mapping", origin)
    try:
        rule_id, name = str(doc["id"]), str(doc["name"])
        severity, enforcement = doc["severity"], doc["enforcement"]
        if not ID_PATTERN.match(rule_id) or not NAME_PATTERN.match(name):
            raise RuleError(f"bad id {rule_id!r} or name {name!r}", origin)
        if severity not in SEVERITIES or enforcement not in ENFORCEMENTS:
            raise RuleError(f"bad severity {severity!r} or enforcement {enforcement!r}", origin)
        message = str(doc["message"])
        _check_message(message, origin)
        return Rule(
            id=rule_id,
            name=name,
            title=str(doc["title"]),
            severity=severity,
            enforcement=enforcement,
            match=_match(doc["match"]),
            message=message,
            mitigations={
                k: Effect(v.get("severity"), v.get("enforcement"))
                for k, v in (doc.get("mitigations") or {}).items()
            },
            docs=doc["docs"],
            path=origin,
            raw=doc,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise RuleError(f"malformed rule ({exc!r}); validate it with the rule schema", origin) from None


def _check_message(message: str, origin: str) -> None:
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(message) if name is not None}
    except ValueError as exc:
        raise RuleError(f"message: bad template ({exc})", origin) from None
    unknown = fields - MESSAGE_FIELDS
    if unknown:
        raise RuleError(f"message: unknown field(s) {sorted(unknown)}; use {sorted(MESSAGE_FIELDS)}", origin)


def _set(values: Iterable[str] | None) -> frozenset[str] | None:
    return frozenset(values) if values is not None else None


def _match(spec: Mapping[str, Any]) -> Match:
    return Match(
        platforms=_set(spec.get("platforms")),
        catalogue=_set(spec.get("catalogue")),
        types=_set(spec.get("types")),
        unknown=_set(spec.get("unknown")),
        actions=_set(spec.get("actions")),
        reasons=_set(spec.get("reasons")),
        reasons_not=frozenset(spec.get("reasons_not") or ()),
        addresses=tuple(spec.get("addresses") or ()),
        modules=tuple(spec.get("modules") or ()),
        attributes=tuple(_condition(c) for c in spec.get("attributes") or ()),
        attributes_any=tuple(_condition(c) for c in spec.get("attributes_any") or ()),
        attribute_keys=tuple(
            sorted(
                {
                    str(c["path"]).split(".")[0]
                    for c in [*spec.get("attributes", ()), *spec.get("attributes_any", ())]
                }
            )
        ),
        plan=parse_condition(spec["plan"]) if spec.get("plan") else None,
        protected=spec.get("protected") is True,
        waiver_expired=spec.get("waiver_expired") is True,
    )


def _condition(spec: Mapping[str, Any]) -> AttributeCondition:
    def one_of(key: str) -> tuple[Any, ...] | None:
        return tuple(spec[key]) if key in spec else None

    return AttributeCondition(
        tuple(str(spec["path"]).split(".")),
        spec.get("before", ABSENT),
        spec.get("after", ABSENT),
        spec.get("before_not", ABSENT),
        spec.get("after_not", ABSENT),
        one_of("before_in"),
        one_of("after_in"),
        one_of("before_not_in"),
        one_of("after_not_in"),
        where=tuple(_condition(w) for w in spec.get("where") or ()),
        added=spec.get("added") is True,
        decreased=spec.get("decreased") is True,
    )
