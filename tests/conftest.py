"""Shared fixtures: the packaged knowledge base and engine, and a tiny hand-made one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Tests never touch the user's real engine cache.
os.environ.setdefault("SPASMCHECK_CACHE_DIR", tempfile.mkdtemp(prefix="spasmcheck-cache-"))

from spasmcheck.knowledge.loader import KnowledgeBase, collect, load_knowledge_base
from spasmcheck.reasoning.engine import Engine, default_engine

TINY_KB = Path(__file__).parent / "data" / "tiny_kb"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def tiny_kb() -> KnowledgeBase:
    kb, problems = collect(TINY_KB)
    assert kb is not None, problems
    return kb


@pytest.fixture(scope="session")
def tiny_engine(tiny_kb: KnowledgeBase) -> Engine:
    return Engine(tiny_kb)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="session")
def engine() -> Engine:
    return default_engine()
