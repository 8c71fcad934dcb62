"""Checking the files on disk against the manifests: sizes, SHA-256, and the photos' split (no leaks)."""

from __future__ import annotations

from pathlib import Path

from .manifests import FileEntry, SplitRow, entries_for, local_path, read_split_manifest, sha256_file
from .registry import FILES_MANIFEST, LABEL_DIRS, SPLIT_MANIFEST, SPLITS, check_names, datasets_dir


def is_valid(entry: FileEntry, path: Path) -> bool:
    """True if `path` exists with the manifest's size and SHA-256."""
    try:
        return path.stat().st_size == entry.bytes and sha256_file(path) == entry.sha256
    except OSError:
        return False


def find_split_leaks(rows: list[SplitRow]) -> list[str]:
    """Problems with a split: an image (by SHA-256) in two splits or twice, or an unknown split."""
    problems, seen = [], {}
    for row in rows:
        if row.split not in SPLITS:
            problems.append(f"{row.path}: unknown split {row.split!r}")
        if row.sha256 in seen:
            problems.append(f"{row.path} ({row.split}) has the same bytes as {seen[row.sha256].path} "
                            f"({seen[row.sha256].split})")
        seen.setdefault(row.sha256, row)
        expected = f"{row.split}/{LABEL_DIRS.get(row.label, '?')}/"
        if not row.path.startswith(expected):
            problems.append(f"{row.path}: expected it under {expected} (split {row.split}, label {row.label})")
    return problems


def verify(names=None, root=None, manifest=FILES_MANIFEST, split_manifest=SPLIT_MANIFEST) -> list[str]:
    """Check the named data sets on disk against the manifests; return a list of problems.

    Every file is hashed. For ``cats_vs_noncats`` it also checks that the split
    manifest and the file manifest agree, that no image is in two splits, and
    that the split folders hold no file the manifest does not list.
    """
    root = Path(root) if root is not None else datasets_dir()
    names = check_names(names)
    problems = []
    for entry in entries_for(names, manifest):
        path = local_path(entry, root)
        if not path.is_file():
            problems.append(f"{entry.dataset}/{entry.path}: missing")
        elif not is_valid(entry, path):
            problems.append(f"{entry.dataset}/{entry.path}: size or SHA-256 differs from the manifest")
    if "cats_vs_noncats" in names:
        rows = read_split_manifest(split_manifest)
        problems += find_split_leaks(rows)
        listed = {(e.path, e.sha256) for e in entries_for(["cats_vs_noncats"], manifest)}
        if listed != {(r.path, r.sha256) for r in rows}:
            problems.append(f"{Path(split_manifest).name} and {Path(manifest).name} list different files; "
                            "regenerate both with: python -m utils.datasets make-split --from DIR")
        folder = root / "cats_vs_noncats"
        expected = {r.path for r in rows}
        for split in SPLITS:
            for path in sorted((folder / split).rglob("*")) if (folder / split).is_dir() else []:
                rel = path.relative_to(folder).as_posix()
                if path.is_file() and rel not in expected:
                    problems.append(f"cats_vs_noncats/{rel}: not in the split manifest")
    return problems


