"""knowledge.parsed: every YAML file of the package reads the same through libyaml's loader as
through PyYAML's pure-Python one, and a file is parsed once per content."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

import pytest
import yaml

from spasmcheck.knowledge import parsed


def yaml_files(folder: Traversable) -> list[Traversable]:
    found: list[Traversable] = []
    for entry in sorted(folder.iterdir(), key=lambda t: t.name):
        if entry.is_dir():
            found.extend(yaml_files(entry))
        elif entry.name.endswith((".yaml", ".yml")):
            found.append(entry)
    return found


FILES = yaml_files(resources.files("spasmcheck"))


def test_the_package_has_yaml_files() -> None:
    assert len(FILES) > 10


@pytest.mark.parametrize("entry", FILES, ids=lambda entry: entry.name)
def test_the_fast_loader_reads_what_the_pure_python_one_reads(entry: Traversable) -> None:
    raw = entry.read_bytes()
    assert yaml.load(raw, Loader=parsed.FAST_SAFE_LOADER) == yaml.safe_load(raw)


def test_a_file_is_parsed_once_per_content(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsed, "_PARSED", {})
    calls: list[bytes] = []
    real = yaml.load

    def counting(raw: bytes, Loader: type[yaml.SafeLoader]) -> object:
        calls.append(raw)
        return real(raw, Loader=Loader)

    monkeypatch.setattr(yaml, "load", counting)
    assert parsed.load_yaml(b"a: 1\n") == parsed.load_yaml(b"a: 1\n") == {"a": 1}
    assert parsed.load_yaml(b"a: 2\n") == {"a": 2}
    assert calls == [b"a: 1\n", b"a: 2\n"]
    assert set(parsed.known()) == {parsed.content_key(b"a: 1\n"), parsed.content_key(b"a: 2\n")}


def test_a_file_that_is_not_yaml_raises_yaml_error_with_pyyaml_s_message() -> None:
    raw = b"a: [1, 2\n"
    with pytest.raises(yaml.YAMLError) as pyyaml:
        yaml.load(raw, Loader=parsed.fast_safe_loader())
    with pytest.raises(parsed.YamlError) as ours:
        parsed.load_yaml(raw)
    assert str(ours.value) == str(pyyaml.value)
    assert isinstance(ours.value.__cause__, yaml.YAMLError)
    assert parsed.content_key(raw) not in parsed.known()


def test_the_loaders_report_a_file_that_is_not_yaml_as_a_problem() -> None:
    from spasmcheck.knowledge.policy import POLICY_FILES, validate_policy

    result, problems = validate_policy(b"a: [1\n", POLICY_FILES["durations.yaml"], "x.yaml")
    assert result is None
    assert len(problems) == 1
    assert problems[0].startswith("x.yaml: not valid YAML: ")
    assert "\n" not in problems[0]
