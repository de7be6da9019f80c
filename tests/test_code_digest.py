"""One code digest for every cache key (ecoplan.code_digest): it follows the code it names."""

from __future__ import annotations

import pytest

from ecoplan import code_digest as cd
from ecoplan.access import pipeline
from ecoplan.app import sites_cache


@pytest.fixture
def tree(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.py").write_text("X = 1\n")
    (tmp_path / "b" / "y.py").write_text("Y = 1\n")
    monkeypatch.setattr(cd, "_ROOT", tmp_path)
    cd.code_digest.cache_clear()
    yield tmp_path
    cd.code_digest.cache_clear()


def test_digest_changes_with_the_code_of_the_named_packages_only(tree):
    before = cd.code_digest(("a",))
    assert len(before) == 16 and cd.code_digest(("a",)) == before
    (tree / "b" / "y.py").write_text("Y = 2\n")
    cd.code_digest.cache_clear()
    assert cd.code_digest(("a",)) == before  # b is not part of it
    (tree / "a" / "x.py").write_text("X = 2\n")
    cd.code_digest.cache_clear()
    assert cd.code_digest(("a",)) != before
    assert cd.code_digest(("a", "b")) != cd.code_digest(("a",))


def test_a_renamed_file_is_new_code(tree):
    before = cd.code_digest(("a",))
    (tree / "a" / "x.py").rename(tree / "a" / "z.py")
    cd.code_digest.cache_clear()
    assert cd.code_digest(("a",)) != before


def test_both_caches_use_the_one_digest():
    assert pipeline.code_digest() == cd.code_digest(pipeline._CODE_PACKAGES)
    assert sites_cache.code_digest() == cd.code_digest(sites_cache._PACKAGES)
    assert pipeline.code_digest() != sites_cache.code_digest()  # different packages
