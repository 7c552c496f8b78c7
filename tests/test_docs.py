"""Docs are tested: generated references match the product; everything is documented."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from spasmcheck.knowledge.loader import KnowledgeBase

from .conftest import REPO

spec = importlib.util.spec_from_file_location("gen_docs", REPO / "scripts" / "gen_docs.py")
assert spec and spec.loader
gen_docs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen_docs)


def test_generated_docs_are_up_to_date() -> None:
    for name, build in gen_docs.OUTPUTS.items():
        committed = (REPO / "docs" / name).read_text(encoding="utf-8")
        assert committed == build(), (
            f"docs/{name} is stale: run .venv/bin/python scripts/gen_docs.py"
        )


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in ("assess", "parse", "conditions", "eval", "kb check"):
        assert f"spasmcheck {command}" in readme, command


def test_every_red_flag_is_documented(kb: KnowledgeBase) -> None:
    text = (REPO / "docs" / "red-flags.md").read_text(encoding="utf-8")
    for flag in kb.red_flags:
        assert f"`{flag.id}`" in text


def test_readme_links_resolve() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)\)", readme) + re.findall(r'<img src="([^"]+)"', readme)
    for target in targets:
        if not target.startswith("http"):
            assert (REPO / target).exists(), target


def test_readme_has_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "scripts/run" in readme and "scripts/test" in readme
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test" in ci
    assert Path(REPO / "scripts" / "test").stat().st_mode & 0o111


def test_every_setting_is_documented() -> None:
    from dataclasses import fields

    from spasmcheck.config import Settings

    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    for field in fields(Settings):
        assert f"`{field.name}`" in text, field.name


def test_every_api_route_is_documented() -> None:
    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    from spasmcheck.api.routes import ROUTERS

    for router in ROUTERS:
        for route in router.routes:
            assert f"`/v1{route.path}`" in text, route.path  # type: ignore[attr-defined]
