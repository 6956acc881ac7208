"""planlint/guard/parameter_maps.py: the parameter maps cloud CLIs take as one value (synthetic values, in
the forms the AWS CLI shorthand guide and `gcloud topic escaping` document)."""

from __future__ import annotations

import pytest

from planlint.guard.parameter_maps import parameter_map


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('commands=["cd /srv","terraform destroy"]', {"commands": ["cd /srv", "terraform destroy"]}),
        ("commands=uptime,df -h,workingDirectory=/srv", {"commands": ["uptime", "df -h"], "workingDirectory": ["/srv"]}),
        ('commands=["for i in 1,2; do echo $i; done"]', {"commands": ["for i in 1,2; do echo $i; done"]}),
        ('{"commands": ["a", "b"], "executionTimeout": "60"}', {"commands": ["a", "b"], "executionTimeout": ["60"]}),
        ('"commands=$CMDS"', {"commands": ["$CMDS"]}),  # a computed word keeps its source text
        ("oslogin=TRUE,startup-script=tofu destroy", {"oslogin": ["TRUE"], "startup-script": ["tofu destroy"]}),
        ("^:^startup-script=echo a,b:enable-oslogin=TRUE", {"startup-script": ["echo a,b"], "enable-oslogin": ["TRUE"]}),
        ("terraform destroy", {"": ["terraform destroy"]}),
    ],
)  # fmt: skip
def test_parameter_maps_are_read_like_the_cli_reads_them(value: str, expected: dict[str, list[str]]) -> None:
    assert parameter_map(value) == expected


@pytest.mark.parametrize("value", ['{"commands": [', '{"commands": "a"'])
def test_broken_json_is_unreadable(value: str) -> None:
    assert parameter_map(value) is None
