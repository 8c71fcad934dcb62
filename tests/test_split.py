"""The project's own split of cats_vs_noncats: stratified, reproducible, no leaks."""

import collections
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import datasets as ds

ROWS = ds.read_split_manifest()


def test_committed_split_has_no_leak():
    assert ds.find_split_leaks(ROWS) == []
    assert len({r.sha256 for r in ROWS}) == len(ROWS) == 870


def test_committed_split_counts():
    counts = collections.Counter((r.split, r.label) for r in ROWS)
    assert counts == {("train", 1): 277, ("val", 1): 60, ("test", 1): 59,
                      ("train", 0): 332, ("val", 0): 71, ("test", 0): 71}


def test_committed_split_is_reproducible():
    """Recomputing from (source, sha256) alone gives the committed manifest, row for row."""
    rows, duplicates = ds.build_split_rows({r.source: r.sha256 for r in ROWS})
    assert rows == ROWS and duplicates == []


def test_split_manifest_agrees_with_files_manifest():
    files = {e.path: e for e in ds.entries_for(["cats_vs_noncats"])}
    assert set(files) == {r.path for r in ROWS}
    assert all(files[r.path].sha256 == r.sha256 and files[r.path].source == r.source for r in ROWS)


def test_labels_follow_the_source_folders():
    for r in ROWS:
        assert r.label == (1 if "/Cat/" in f"/{r.source}" else 0)
        assert r.path.startswith(f"{r.split}/{ds.LABEL_DIRS[r.label]}/")


def _sha(i):
    return hashlib.sha256(str(i).encode()).hexdigest()


def test_duplicates_are_reported_and_kept_once():
    files = {"train/Cat/1.jpg": _sha(1), "val/Cat/1.jpg": _sha(1), "test/Cat/9.jpg": _sha(1),
             "train/NotCat/2.jpg": _sha(2), "test/NotCat/2.jpg": _sha(3)}
    rows, duplicates = ds.build_split_rows(files)
    assert sorted(duplicates) == [("test/Cat/9.jpg", "train/Cat/1.jpg"), ("val/Cat/1.jpg", "train/Cat/1.jpg")]
    assert sorted(r.source for r in rows) == ["test/NotCat/2.jpg", "train/Cat/1.jpg", "train/NotCat/2.jpg"]
    # two kept files with the same name in one folder get distinct local names
    assert len({r.path for r in rows}) == 3


def test_copy_in_another_class_is_an_error():
    with pytest.raises(ds.DatasetError, match="another class"):
        ds.build_split_rows({"train/Cat/1.jpg": _sha(1), "train/NotCat/1.jpg": _sha(1)})


def test_leaks_are_found():
    a, b = ROWS[0], ROWS[-1]
    leaked = ROWS + [ds.SplitRow(b.path.replace(b.split, a.split), a.sha256, a.label, b.split, a.source)]
    assert any("same bytes" in p for p in ds.find_split_leaks(leaked))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 1)), min_size=1, max_size=200,
                unique_by=lambda t: t[0]),
       st.randoms(use_true_random=False))
def test_stratified_split_properties(items, random):
    items = [(_sha(i), label) for i, label in items]
    assignment = ds.stratified_split(items)
    shuffled = items[:]
    random.shuffle(shuffled)
    assert ds.stratified_split(shuffled) == assignment, "the split must not depend on input order"
    assert set(assignment) == {sha for sha, _ in items}
    for label in (0, 1):
        n = sum(1 for _, lab in items if lab == label)
        got = collections.Counter(assignment[sha] for sha, lab in items if lab == label)
        for split, fraction in zip(ds.SPLITS, ds.SPLIT_FRACTIONS):
            assert abs(got[split] - fraction * n) <= 1


def test_bad_fractions():
    with pytest.raises(ValueError, match="fractions"):
        ds.stratified_split([], fractions=(0.5, 0.6, -0.1))
