"""utils.evaluation: intervals, McNemar, mean ± sd, stratified folds, cross-validation, the experiment cache."""

import json
import zipfile

import numpy as np
import pytest

from utils.evaluation import (KEY_ENTRY, cached_experiment, read_experiment_cache, cross_validate, format_mean_sd, image_fingerprints,
                              mcnemar_test, mean_sd, parameter_count, repeated_stratified_kfold, wilson_interval)


# ------------------------------------------------------------------ Wilson interval

def test_wilson_interval_matches_the_hand_value():
    # p = 0.8, n = 100, z = 1.959964: centre = (0.8 + z²/200) / (1 + z²/100) = 0.78882,
    # half = z / (1 + z²/100) * sqrt(0.0016 + z²/40000) = 0.07773
    low, high = wilson_interval(80, 100)
    assert low == pytest.approx(0.71117, abs=1e-5) and high == pytest.approx(0.86663, abs=1e-5)


def test_wilson_interval_stays_in_0_1_and_narrows_with_confidence_and_n():
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0
    assert 0 < wilson_interval(0, 10)[1] < 0.35   # all wrong: still a non-empty upper range
    low90, high90 = wilson_interval(80, 100, confidence=0.90)
    low95, high95 = wilson_interval(80, 100)
    assert low95 < low90 < 0.8 < high90 < high95
    assert wilson_interval(800, 1000)[1] - wilson_interval(800, 1000)[0] < high95 - low95


@pytest.mark.parametrize("args, message", [
    ((5, 0), "n: expected at least one example, got 0"),
    ((11, 10), "n_correct: expected at most n = 10, got 11"),
    ((2.5, 10), "n_correct: expected a non-negative integer"),
    ((5, 10, 1.0), "confidence: expected a number strictly between 0 and 1"),
])
def test_wilson_interval_refuses_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        wilson_interval(*args)


# ------------------------------------------------------------------ McNemar

def test_mcnemar_counts_discordant_pairs_and_matches_the_binomial_by_hand():
    a = np.array([True] * 5 + [False] * 1 + [True] * 10 + [False] * 4)
    b = np.array([False] * 5 + [True] * 1 + [True] * 10 + [False] * 4)
    result = mcnemar_test(a, b)
    assert (result.n_a_only, result.n_b_only) == (5, 1)
    # 6 discordant pairs, min 1: p = 2 * (C(6,0) + C(6,1)) / 2^6 = 2 * 7 / 64
    assert result.p_value == pytest.approx(14 / 64)
    assert mcnemar_test(b, a).p_value == pytest.approx(14 / 64)


def test_mcnemar_extremes():
    same = np.array([True, False, True])
    assert mcnemar_test(same, same) == (0, 0, 1.0)
    assert mcnemar_test(np.array([True, False]), np.array([False, True])).p_value == 1.0
    lopsided = mcnemar_test(np.ones(12, bool), np.zeros(12, bool))
    assert lopsided.p_value == pytest.approx(2 / 2 ** 12)


def test_mcnemar_refuses_non_boolean_or_mismatched_input():
    with pytest.raises(ValueError, match=r"correct_a: expected a boolean array of shape \(m,\)"):
        mcnemar_test(np.array([1, 0]), np.array([True, False]))
    with pytest.raises(ValueError, match=r"correct_b: expected the shape of correct_a \(2,\)"):
        mcnemar_test(np.array([True, False]), np.array([True, False, True]))


# ------------------------------------------------------------------ mean ± sd

def test_mean_sd_uses_the_sample_standard_deviation():
    mean, sd = mean_sd([0.7, 0.8, 0.9])
    assert mean == pytest.approx(0.8) and sd == pytest.approx(0.1)  # ddof = 1: sqrt(0.02 / 2)
    assert format_mean_sd([0.7, 0.8, 0.9]) == "80.0 ± 10.0"
    assert format_mean_sd([1.0, 2.0], scale=1, digits=2) == "1.50 ± 0.71"
    with pytest.raises(ValueError, match="values: expected at least 2 finite numbers"):
        mean_sd([0.5])


# ------------------------------------------------------------------ folds

def test_repeated_stratified_kfold_is_disjoint_covering_and_stratified():
    labels = np.array([0] * 33 + [1] * 17)
    folds = repeated_stratified_kfold(labels.reshape(1, -1), n_splits=5, n_repeats=3, seed=4)
    assert len(folds) == 15
    for repeat in range(3):
        vals = [val for _, val in folds[5 * repeat: 5 * repeat + 5]]
        assert np.array_equal(np.sort(np.concatenate(vals)), np.arange(50))  # each index in exactly one fold
        for train, val in folds[5 * repeat: 5 * repeat + 5]:
            assert np.intersect1d(train, val).size == 0 and train.size + val.size == 50
            assert labels[val].sum() in (3, 4) and (labels[val] == 0).sum() in (6, 7)
    assert not np.array_equal(folds[0][1], folds[5][1])  # the repeats shuffle differently


def test_repeated_stratified_kfold_is_seeded_and_accepts_one_hot():
    labels = np.array([0, 1, 2] * 10)
    one_hot = np.eye(3)[:, labels]
    a = repeated_stratified_kfold(labels, n_splits=3, n_repeats=2, seed=1)
    b = repeated_stratified_kfold(one_hot, n_splits=3, n_repeats=2, seed=1)
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(a, b))
    c = repeated_stratified_kfold(labels, n_splits=3, n_repeats=2, seed=2)
    assert not all(np.array_equal(x[1], y[1]) for x, y in zip(a, c))


def test_repeated_stratified_kfold_refuses_more_folds_than_the_smallest_class():
    with pytest.raises(ValueError, match=r"n_splits: expected at most 3 \(the size of the smallest class\), got 5"):
        repeated_stratified_kfold([0] * 10 + [1] * 3, n_splits=5)
    with pytest.raises(ValueError, match="n_splits: expected at least 2 folds"):
        repeated_stratified_kfold([0, 1, 0, 1], n_splits=1)


def test_cross_validate_passes_the_fold_columns():
    X = np.arange(20.0).reshape(2, 10)
    Y = np.array([[0, 1] * 5])
    folds = repeated_stratified_kfold(Y, n_splits=5, n_repeats=1, seed=0)
    seen = []

    def fit_and_score(X_train, Y_train, X_val, Y_val):
        seen.append((X_train.shape, X_val.shape))
        assert np.array_equal(X_val[0], X_val[1] - 10) and Y_val.shape == (1, 2)
        return X_val[0].mean()

    scores = cross_validate(fit_and_score, X, Y, folds)
    assert seen == [((2, 8), (2, 2))] * 5
    assert scores.shape == (5,) and scores.mean() == pytest.approx(4.5)
    with pytest.raises(ValueError, match="Y: expected X"):
        cross_validate(fit_and_score, X, Y[:, :5], folds)


# ------------------------------------------------------------------ the experiment cache

def test_cached_experiment_computes_once_then_loads(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"scores": np.array([0.5, 0.75]), "names": np.array(["a", "b"])}

    first = cached_experiment("demo", {"seeds": [0, 1]}, compute, directory=tmp_path, retrain=False)
    second = cached_experiment("demo", {"seeds": [0, 1]}, compute, directory=tmp_path, retrain=False)
    assert len(calls) == 1
    assert np.array_equal(second["scores"], [0.5, 0.75]) and list(second["names"]) == ["a", "b"]
    assert set(first) == set(second) == {"scores", "names"}
    with np.load(tmp_path / "demo.npz", allow_pickle=False) as data:
        assert json.loads(str(data[KEY_ENTRY])) == {"seeds": [0, 1]}


def test_cached_experiment_recomputes_on_a_new_key_and_on_retrain(tmp_path, monkeypatch):
    values = iter(range(10))

    def compute():
        return {"x": np.array(next(values))}

    assert int(cached_experiment("e", {"lr": 0.1}, compute, directory=tmp_path, retrain=False)["x"]) == 0
    assert int(cached_experiment("e", {"lr": 0.2}, compute, directory=tmp_path, retrain=False)["x"]) == 1
    assert int(cached_experiment("e", {"lr": 0.2}, compute, directory=tmp_path, retrain=True)["x"]) == 2
    monkeypatch.setenv("RETRAIN", "1")
    assert int(cached_experiment("e", {"lr": 0.2}, compute, directory=tmp_path)["x"]) == 3
    monkeypatch.setenv("RETRAIN", "0")
    assert int(cached_experiment("e", {"lr": 0.2}, compute, directory=tmp_path)["x"]) == 3


def test_cached_experiment_uses_the_environment_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPERIMENTS_DIR", str(tmp_path / "elsewhere"))
    cached_experiment("where", {}, lambda: {"x": np.zeros(2)}, retrain=False)
    assert (tmp_path / "elsewhere" / "where.npz").exists()


def test_cached_experiment_never_unpickles_and_refuses_objects(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, **{KEY_ENTRY: np.array(json.dumps({"a": 1})), "x": np.array([{"a": 1}], dtype=object)})
    with pytest.raises(ValueError, match=r"evil\.npz' is damaged: member 'x\.npy': holds Python objects"):
        cached_experiment("evil", {"a": 1}, lambda: {"x": np.zeros(1)}, directory=tmp_path, retrain=False)
    with pytest.raises(ValueError, match="compute: expected arrays of numbers, booleans or strings"):
        cached_experiment("objects", {}, lambda: {"x": np.array([None], dtype=object)}, directory=tmp_path,
                          retrain=False)
    assert not (tmp_path / "objects.npz").exists()


def test_cached_experiment_refuses_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="name: expected a file name without folders"):
        cached_experiment("../x", {}, dict, directory=tmp_path)
    with pytest.raises(ValueError, match="key: expected a JSON-compatible dict"):
        cached_experiment("x", {"f": object()}, dict, directory=tmp_path)
    with pytest.raises(ValueError, match="retrain: expected True or False"):
        cached_experiment("x", {}, dict, directory=tmp_path, retrain="yes")


def test_cached_experiment_file_is_a_plain_npz(tmp_path):
    cached_experiment("plain", {"k": 1}, lambda: {"x": np.arange(3)}, directory=tmp_path, retrain=False)
    with zipfile.ZipFile(tmp_path / "plain.npz") as archive:
        assert sorted(archive.namelist()) == sorted([f"{KEY_ENTRY}.npy", "x.npy"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


# ------------------------------------------------------------------ damaged caches and wrong destinations

def _npy_header(shape, descr="<f8"):
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header


def _zeros_deflated(path, megabytes):
    """A cache at `path` whose member x holds `megabytes` MB of zeros, deflated to about a thousandth of that."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{KEY_ENTRY}.npy", _npy_header((), "<U2") + "{}".encode("utf-32-le"))
        with archive.open("x.npy", "w", force_zip64=True) as member:
            member.write(_npy_header((megabytes * 2**20 // 8,)))
            for _ in range(megabytes):
                member.write(bytes(2**20))


def _damage(path, how):
    """Make `path` (a good cache) into one kind of damaged cache."""
    good = path.read_bytes()
    if how == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "garbage":
        path.write_bytes(b"not a zip file at all " * 10)
    elif how == "a single .npy":
        path.unlink()
        np.save(path.with_suffix(""), np.zeros(3))
        path.with_suffix(".npy").rename(path)
    elif how == "no key":
        np.savez(path.with_suffix(""), x=np.zeros(3))
    elif how == "header claiming a terabyte":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(f"{KEY_ENTRY}.npy", _npy_header((), "<U2") + "{}".encode("utf-32-le"))
            archive.writestr("x.npy", _npy_header((2**37,)) + b"\0" * 64)
    elif how == "deflate bomb":  # 300 MB of zeros in a file of about 300 kB
        _zeros_deflated(path, 300)
    elif how == "a shape past any array":  # 10**30 x 0: zero bytes, yet NumPy's reader would overflow
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(f"{KEY_ENTRY}.npy", _npy_header((), "<U2") + "{}".encode("utf-32-le"))
            archive.writestr("x.npy", _npy_header((10**30, 0)))
    elif how == "a small file expanding 1000 times":  # 64 MB of zeros in 64 kB, under the size limit
        _zeros_deflated(path, 64)
    elif how == "too many members":
        np.savez(path.with_suffix(""), **{KEY_ENTRY: np.array("{}")}, **{f"m{i}": np.zeros(1) for i in range(2000)})
    else:
        raise AssertionError(how)


DAMAGE = {"truncated": "not a readable .npz archive", "empty": "not a readable .npz archive",
          "garbage": "not a readable .npz archive", "a single .npy": "single .npy array",
          "no key": "has no '__key__' entry", "header claiming a terabyte": "its header describes 1,099,511,627,776",
          "deflate bomb": "more than the 268,435,456 an experiment cache may hold",
          "too many members": "more than the 1,000 an experiment cache may have",
          "a shape past any array": "describes a shape (1000000000000000000000000000000, 0) that no array",
          "a small file expanding 1000 times": "(more than 100 times): a file that small cannot hold"}


@pytest.mark.parametrize("how", list(DAMAGE))
def test_a_damaged_cache_is_one_line_naming_it_and_retrain_replaces_it(tmp_path, monkeypatch, how):
    import utils.evaluation as evaluation

    monkeypatch.setattr(evaluation, "MAX_CACHE_MEMBERS", 1_000)
    calls = []

    def compute():
        calls.append(1)
        return {"x": np.arange(3)}

    cached_experiment("search", {"k": 1}, compute, directory=tmp_path, retrain=False)
    path = tmp_path / "search.npz"
    _damage(path, how)
    with pytest.raises(evaluation.DamagedCacheError) as error:
        cached_experiment("search", {"k": 1}, compute, directory=tmp_path, retrain=False)
    message = str(error.value)
    assert "\n" not in message and message.startswith(f"experiment cache '{path.as_posix()}' is damaged: ")
    assert DAMAGE[how] in message and message.endswith("Delete it, or run with RETRAIN=1 to compute it again and "
                                                       "replace it")
    assert len(calls) == 1, "nothing was computed: the learner decides"
    monkeypatch.setenv("RETRAIN", "1")
    assert cached_experiment("search", {"k": 1}, compute, directory=tmp_path)["x"].tolist() == [0, 1, 2]
    monkeypatch.delenv("RETRAIN")
    assert len(calls) == 2 and cached_experiment("search", {"k": 1}, compute, directory=tmp_path)["x"].sum() == 3


def test_the_deflate_bomb_is_refused_without_inflating_it(tmp_path):
    import resource

    path = tmp_path / "bomb.npz"
    path.write_bytes(b"")
    _damage(path, "deflate bomb")
    assert path.stat().st_size < 2**20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ValueError, match="bytes uncompressed, more than"):
        read_experiment_cache(path)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # kB: nothing was inflated


def test_a_cache_that_is_a_folder_is_named_before_any_work(tmp_path):
    (tmp_path / "search.npz").mkdir()
    calls = []
    for retrain in (False, True):
        with pytest.raises(ValueError, match=r"search\.npz'.* is a folder.*(remove or rename it|remove or rename the "
                                             r"folder)") as error:
            cached_experiment("search", {}, lambda: calls.append(1) or {"x": 1}, directory=tmp_path, retrain=retrain)
        assert "\n" not in str(error.value)
    assert not calls and (tmp_path / "search.npz").is_dir()


@pytest.mark.parametrize("where", ["a file", "under a file", "a folder at the path"])
def test_a_destination_that_cannot_be_written_fails_before_the_computation(tmp_path, monkeypatch, where):
    from utils.atomic import DestinationError

    blocker = tmp_path / "blocker"
    blocker.write_text("I am a file")
    folder = {"a file": blocker, "under a file": blocker / "deeper" / "still", "a folder at the path": tmp_path}[where]
    if where == "a folder at the path":
        (tmp_path / "search.npz").mkdir()
    monkeypatch.setenv("EXPERIMENTS_DIR", str(folder))
    calls = []
    message = r"search\.npz' is a folder; give a file name" if where == "a folder at the path" else \
        r"cannot write .*search\.npz'.*set EXPERIMENTS_DIR to a folder you can write"
    with pytest.raises(DestinationError, match=message) as error:
        cached_experiment("search", {}, lambda: calls.append(1) or {"x": 1}, retrain=True)
    assert not calls and "\n" not in str(error.value)
    assert blocker.read_text() == "I am a file"


# ------------------------------------------------------------------ small helpers

def test_parameter_count_from_layer_dims_or_parameters():
    assert parameter_count([3072, 20, 7, 5, 1]) == 3072 * 20 + 20 + 20 * 7 + 7 + 7 * 5 + 5 + 5 + 1
    parameters = {"W1": np.zeros((3, 4)), "b1": np.zeros((3, 1)), "W2": np.zeros((1, 3)), "b2": np.zeros((1, 1))}
    assert parameter_count(parameters) == parameter_count([4, 3, 1]) == 19
    with pytest.raises(ValueError, match="network: expected"):
        parameter_count([5])


def test_image_fingerprints_find_identical_pictures():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (4, 5, 5, 3), dtype=np.uint8)
    images[3] = images[1]
    prints = image_fingerprints(images)
    assert len(prints) == 3 and all(len(p) == 64 for p in prints)
    assert image_fingerprints(images[:2]) & image_fingerprints(images[3:]) == image_fingerprints(images[1:2])
    assert image_fingerprints(images[::-1]) == prints


def test_over_seeds_stacks_each_quantity_over_the_seeds_and_by_contender_inverts_it():
    def run_one(options, seed):
        record = {"score": options["base"] + seed, "curve": np.arange(3) * seed}
        return {**record, "W": np.full((2, 2), seed)} if seed == 1 else record   # weights of the first seed only

    from utils.evaluation import by_contender, over_seeds
    flat = over_seeds({"a": {"base": 10}, "b": {"base": 20}}, run_one, seeds=[1, 2, 3])
    assert flat["a|score"].tolist() == [11, 12, 13] and flat["b|score"].tolist() == [21, 22, 23]
    assert flat["a|curve"].shape == (3, 3) and flat["a|curve"][2].tolist() == [0, 3, 6]
    assert flat["a|W"].shape == (1, 2, 2)
    results = by_contender(flat)
    assert sorted(results) == ["a", "b"] and results["b"]["curve"].tolist() == flat["b|curve"].tolist()


def test_over_seeds_and_by_contender_refuse_what_they_cannot_round_trip():
    from utils.evaluation import by_contender, over_seeds
    with pytest.raises(ValueError, match=r"contenders: expected names without '\|', got 'a\|b'"):
        over_seeds({"a|b": {}}, lambda options, seed: {"x": 1}, seeds=[1])
    with pytest.raises(ValueError, match="seeds: expected at least one seed"):
        over_seeds({"a": {}}, lambda options, seed: {"x": 1}, seeds=[])
    with pytest.raises(ValueError, match=r"flat: expected keys 'contender\|quantity'"):
        by_contender({"score": np.zeros(3)})


def test_results_named_like_savez_arguments_are_cached_and_unstorable_ones_refused(tmp_path):
    """The cache is written member by member (utils.npz.write_npz): "file" or "allow_pickle" are names like any
    other; names no member can have, and results larger than the reader accepts, are refused before writing."""
    results = {"file": np.arange(2), "allow_pickle": np.ones(3), "x": np.float64(1.5)}
    first = cached_experiment("clash", {}, lambda: results, directory=tmp_path, retrain=False)
    again = cached_experiment("clash", {}, lambda: 1 / 0, directory=tmp_path, retrain=False)
    assert sorted(again) == sorted(first) == ["allow_pickle", "file", "x"] and again["file"].tolist() == [0, 1]
    for bad, match in (({"a\x00b": 1}, "names that can be file names"), ({".hidden": 1}, "not starting with"),
                       ({"big": np.zeros(34_000_000)}, "more than an experiment cache may hold")):
        with pytest.raises(ValueError, match=match):
            cached_experiment("bad", {}, lambda: bad, directory=tmp_path, retrain=True)
    assert not (tmp_path / "bad.npz").exists()


def test_format_known_range_prints_the_range_and_says_when_this_machine_falls_outside():
    from utils.evaluation import format_known_range

    assert format_known_range(0.9205, (91.7, 92.1)) == "91.7 to 92.1"
    assert format_known_range(0.9166, (91.7, 92.1)) == "91.7 to 92.1"        # rounds to 91.7: inside
    assert format_known_range(0.9150, (91.7, 92.1)) == "91.7 to 92.1 (here: 91.5, outside the known range)"
    assert format_known_range(0.93, (91.7, 92.1)) == "91.7 to 92.1 (here: 93.0, outside the known range)"
    assert format_known_range(0.172, (0.17, 0.18), scale=1, digits=2) == "0.17 to 0.18"
    with pytest.raises(ValueError, match="low <= high"):
        format_known_range(0.5, (2, 1))
