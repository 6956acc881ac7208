"""`NamedTuple` for the frozen records on the hook's path, without importing `typing` (issue 13).

`planlint hook AGENT` runs before every agent tool call, so every import it makes is paid on every call.
`typing` costs such a call ~11 ms of CPU (it imports `contextlib`, `warnings` and builds hundreds of
objects), and `typing.NamedTuple` turns each field's annotation into a `ForwardRef` (one `compile` per
field) when it builds a class: ~0.3 ms more per record. With `from __future__ import annotations` nothing
else on that path needs `typing` at run time.

To mypy this module's `NamedTuple` is `typing.NamedTuple` (mypy reads any name `TYPE_CHECKING` as true).
At run time it builds the class as `typing.NamedTuple` does (CPython `Lib/typing.py`, `NamedTupleMeta`):
a `collections.namedtuple` with the annotated fields in order, the class body's values as the defaults
of the last fields, and the body's docstring, methods and properties copied on; only the annotations are
kept as the strings they are instead of being checked. Instances are plain tuples either way (equality,
hashing, unpacking, `_replace`, `_fields`, pickling by module and name).
"""

from __future__ import annotations

from collections import namedtuple

__all__ = ["NamedTuple"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple
else:
    # What `class X(NamedTuple)` may not define, and what namedtuple itself sets (typing's `_prohibited`
    # and `_special`).
    _PROHIBITED = frozenset(
        ("__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults", "_make",
         "_replace", "_asdict", "_source")
    )  # fmt: skip
    _SPECIAL = frozenset(("__module__", "__name__", "__annotations__"))

    class _RecordType(type):
        def __new__(mcs, name, bases, namespace):  # the class statement's arguments
            if bases != (NamedTuple,):
                raise TypeError(f"{name}: a record inherits from NamedTuple alone")
            annotations = namespace.get("__annotations__", {})
            fields = tuple(annotations)
            defaulted = [field for field in fields if field in namespace]
            if fields[len(fields) - len(defaulted) :] != tuple(defaulted):
                raise TypeError(f"{name}: a field without a default follows one with a default")
            defaults = [namespace[field] for field in defaulted]
            record = namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])
            record.__annotations__ = dict(annotations)
            for key, value in namespace.items():
                if key in _PROHIBITED:
                    raise AttributeError(f"{name}: cannot overwrite the NamedTuple attribute {key}")
                if key not in _SPECIAL and key not in fields:
                    setattr(record, key, value)
            return record

    NamedTuple = type.__new__(_RecordType, "NamedTuple", (), {"__module__": __name__})
