"""A Terraform plan's attribute values: raw JSON slices of the plan, decoded when a rule reads them.

Each change's `before`/`after` and their sensitivity masks (`before_sensitive`/`after_sensitive`, the
`terraform show -json` plan representation) stay undecoded slices of the input buffer until a rule asks;
what is decoded is redacted with the plan's own masks (`planlint.redact`). The loader copies out the
slices of the changes a rule may read and drops the others', so the input buffer can go once the plan is
loaded.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Literal

import msgspec

from planlint.errors import InputError
from planlint.model import REDACTED, ResourceChange, Values
from planlint.redact import redact

# a change's before, before_sensitive, after and after_sensitive
Slices = tuple[msgspec.Raw, msgspec.Raw, msgspec.Raw, msgspec.Raw]


class PlanValues(Values):
    """Values kept as raw JSON slices of the plan until a rule reads them; redacted on decode.

    The slices point into the whole input buffer: `keep()` copies them out and `release()` drops them, so
    that once every change of a plan has done one or the other the buffer is freed (see `load_terraform`).
    """

    __slots__ = ("_address", "_fields", "_origin", "_raws")

    def __init__(self, raws: Slices, address: str, origin: str) -> None:
        self._before = self._after = Values._UNSET  # Values.__init__, without the call (32k per big plan)
        self._raws: Slices | None = raws  # before, before_sensitive, after, after_sensitive
        self._address = address
        self._origin = origin
        # side -> the top-level attributes decoded so far by `fields`: a rule set's keys, decoded once
        self._fields: dict[str, dict[str, Any]] | None = None

    def keep(self) -> None:
        """Copy the slices out of the input buffer (they no longer keep it alive)."""
        if self._raws is not None:
            before, before_mask, after, after_mask = self._raws
            self._raws = (before.copy(), before_mask.copy(), after.copy(), after_mask.copy())

    def release(self) -> None:
        """Drop the slices: no rule can read this change's values (reading them now is a bug and raises)."""
        self._raws = None

    def _raw(self, side: Literal["before", "after"]) -> tuple[msgspec.Raw, msgspec.Raw]:
        if self._raws is None:
            raise RuntimeError(f"{self._address}: attribute values were released before a rule read them")
        before, before_mask, after, after_mask = self._raws
        return (before, before_mask) if side == "before" else (after, after_mask)

    def _json(self, raw: msgspec.Raw, type: Any = Any) -> Any:
        """Decode a slice; bytes the first pass skipped unchecked (bad UTF-8) fail closed, naming the change."""
        try:
            return msgspec.json.decode(raw, type=type)
        except msgspec.ValidationError as exc:
            if type is not Any:
                raise  # the caller asked for a shape (an object) and handles "not that shape"
            problem = str(exc)  # e.g. a number out of range (1e400)
        except (UnicodeDecodeError, msgspec.DecodeError):
            bad_at = utf8_error_at(bytes(raw))
            problem = "not valid JSON" if bad_at is None else f"not valid UTF-8 (byte {bad_at} of the value)"
        raise InputError(f"{self._address}: attribute values cannot be decoded: {problem}", self._origin)

    def _decode(self, side: Literal["before", "after"]) -> Any:
        value, mask = self._raw(side)
        try:
            return redact(self._json(value), self._json(mask))  # an absent mask reads as `false`
        except RecursionError:
            return REDACTED  # nested beyond any real provider schema: show nothing rather than crash

    def fields(self, side: Literal["before", "after"], keys: tuple[str, ...]) -> dict[str, Any]:
        # Rules that test a few attributes of every update of a type (deletion_protection, force_destroy)
        # decode only those: msgspec skips the other members without building them. The engine asks for
        # the union of its rules' keys first, so each side is decoded once per change.
        decoded = self._before if side == "before" else self._after
        if decoded is not Values._UNSET:
            return super().fields(side, keys)
        known = self._fields.get(side) if self._fields is not None else None
        if known is not None and all(map(known.__contains__, keys)):
            return known  # the engine asks for its rules' union of keys first, then for some of them
        value, mask = self._raw(side)
        try:
            found = self._json(value, _some_fields(keys))
        except (msgspec.ValidationError, RecursionError):  # not an object (null: a deleted side)
            return super().fields(side, keys)
        sensitive = self._json(mask)
        decoded_keys = msgspec.structs.astuple(found)  # one per key, in `keys`' order (`_some_fields`)
        result = {key: decoded_keys[i] for i, key in enumerate(keys)}
        for key, item in result.items():
            if item is not None:  # most of a rule set's keys are absent from any one resource
                result[key] = redact(item, sensitive.get(key) if isinstance(sensitive, dict) else sensitive)
        if self._fields is None:
            self._fields = {}
        self._fields[side] = result if known is None else {**known, **result}
        return result


def keep_or_release(change: ResourceChange, needed: Callable[[ResourceChange], bool]) -> None:
    """Copy out the values of a change `needed` says a rule may read, drop the others': then no record
    holds a slice of the input buffer, and it is freed with the input."""
    values = change.values
    if isinstance(values, PlanValues):
        if needed(change):
            values.keep()
        else:
            values.release()


@functools.cache
def _some_fields(keys: tuple[str, ...]) -> type[msgspec.Struct]:
    """A struct that decodes the JSON object members `keys` and skips every other member."""
    names = {f"f{i}": key for i, key in enumerate(keys)}  # field name -> the JSON member it decodes
    return msgspec.defstruct("SomeFields", [(n, Any, None) for n in names], rename=names)


def utf8_error_at(data: bytes) -> int | None:
    """Byte offset of the first invalid UTF-8 sequence in ``data``, or None when it is all valid."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return None
