"""The parameters-file format (utils/parameters_file.py): what save refuses, what load refuses, the limits.

Every refusal is a ValueError whose message names the problem; files are written by hand
(np.savez, zipfile) to reach what save_parameters would never write.
"""

import io
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utils import parameters_file as fmt
from utils.persistence import load_parameters, predict_images, save_parameters

ROOT = Path(__file__).resolve().parent.parent
DIMS = [12, 3, 1]  # 2x2x3 photos
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def params(dims=DIMS, dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    out = {}
    for l in range(1, len(dims)):
        out[f"W{l}"] = rng.normal(size=(dims[l], dims[l - 1])).astype(dtype)
        out[f"b{l}"] = np.zeros((dims[l], 1), dtype)
    return out


def valid_metadata(dims=DIMS, **changes):
    meta = {"format_version": 1, "layer_dims": list(dims), "version": "1.0.0", "activations": ["relu", "sigmoid"],
            "preprocessing": {"image_size": 2, "scaling": "unit"}, "dataset": "catvnoncat"}
    meta.update(changes)
    return meta


def write_raw(path, metadata, parameters=None, **members):
    """An .npz written by hand: metadata (dict, or JSON text) + parameters + extra members."""
    text = metadata if isinstance(metadata, str) else json.dumps(metadata)
    np.savez(path, __metadata__=np.array(text), **(params() if parameters is None else parameters), **members)
    return path


def refused_on_load(tmp_path, metadata, match, **members):
    path = write_raw(tmp_path / "raw.npz", metadata, **members)
    with pytest.raises(ValueError, match=match):
        load_parameters(path)


# ------------------------------------------------------------------ the files of the project

def test_every_parameter_file_of_the_project_loads_and_experiment_caches_are_refused():
    loaded = refused = 0
    for path in sorted((ROOT / "parameters_saved").glob("*.npz")):
        with zipfile.ZipFile(path) as archive:
            is_parameters = "__metadata__.npy" in archive.namelist()
        if is_parameters:
            parameters, metadata = load_parameters(path)
            with np.load(path, allow_pickle=False) as raw:  # loaded unchanged
                for name, array in parameters.items():
                    np.testing.assert_array_equal(array, raw[name])
                    assert array.dtype == raw[name].dtype
            from utils.layers import input_size
            n_x = input_size(metadata["layers"], parameters["W1"].shape) if "layers" in metadata else \
                parameters["W1"].shape[1]
            assert metadata["layer_dims"][0] == n_x   # a network on pictures: its Image layer's h * w * c
            loaded += 1
        else:
            with pytest.raises(ValueError, match=r"not one written by save_parameters .*Experiment caches"):
                load_parameters(path)
            refused += 1
    assert loaded >= 1  # (the notebooks re-record some files: how many are there varies)


# ------------------------------------------------------------------ paths

def test_missing_file_and_dangling_link_are_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"path: no parameters file at .*nothing\.npz"):
        load_parameters(tmp_path / "nothing.npz")
    (tmp_path / "dangling.npz").symlink_to(tmp_path / "gone.npz")
    with pytest.raises(FileNotFoundError, match=r"no parameters file at .*dangling\.npz"):
        load_parameters(tmp_path / "dangling.npz")


def test_folder_link_loop_and_fifo_are_one_clear_value_error(tmp_path):
    (tmp_path / "folder.npz").mkdir()
    with pytest.raises(ValueError, match=r"folder\.npz' is a folder, not a parameters file"):
        load_parameters(tmp_path / "folder.npz")
    (tmp_path / "a.npz").symlink_to(tmp_path / "b.npz")
    (tmp_path / "b.npz").symlink_to(tmp_path / "a.npz")
    with pytest.raises(ValueError, match=r"a\.npz' is a symbolic link that loops back on itself"):
        load_parameters(tmp_path / "a.npz")
    os.mkfifo(tmp_path / "pipe.npz")
    with pytest.raises(ValueError, match=r"pipe\.npz' is not a regular file"):  # and does not block reading it
        load_parameters(tmp_path / "pipe.npz")


def test_save_refuses_a_folder_as_target(tmp_path):
    (tmp_path / "x.npz").mkdir()
    with pytest.raises(ValueError, match=r"path: .*x\.npz' is a folder; pass a file name ending in \.npz"):
        save_parameters(tmp_path / "x.npz", params())


@SETTINGS
@given(cut=st.floats(0, 1, exclude_max=True))
def test_a_truncated_file_is_a_value_error(tmp_path, cut):
    good = save_parameters(tmp_path / "good.npz", params(), preprocessing={"image_size": 2, "scaling": "unit"})
    data = good.read_bytes()
    bad = tmp_path / "cut.npz"
    bad.write_bytes(data[:int(cut * len(data))])
    with pytest.raises(ValueError, match=r"cut\.npz"):
        load_parameters(bad)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.floats(0, 1, exclude_max=True), flip=st.integers(1, 255))
def test_a_corrupted_byte_is_a_value_error_or_harmless(tmp_path, position, flip):
    good = save_parameters(tmp_path / "good.npz", params(), preprocessing={"image_size": 2, "scaling": "unit"})
    expected, _ = load_parameters(good)
    data = bytearray(good.read_bytes())
    data[int(position * len(data))] ^= flip
    bad = tmp_path / "flipped.npz"
    bad.write_bytes(bytes(data))
    try:
        loaded, _ = load_parameters(bad)
    except ValueError as error:
        assert "flipped.npz" in str(error)
    else:  # the byte was not used (e.g. a timestamp): what is read is what was written
        for name in expected:
            np.testing.assert_array_equal(loaded[name], expected[name])


# ------------------------------------------------------------------ archive members and limits

def test_experiment_cache_is_refused_with_what_it_is(tmp_path):
    path = tmp_path / "results.npz"
    np.savez(path, **{"adam/cost": np.zeros(3), "table": np.array("[]")})
    with pytest.raises(ValueError, match=r"not one written by save_parameters \(keys \['adam/cost', 'table'\]\).*"
                                         r"Experiment caches .* are not parameter files: read them with utils\.evaluation\.read_experiment_cache"):
        load_parameters(path)


def test_unknown_members_are_refused_without_being_read(tmp_path):
    path = write_raw(tmp_path / "extra.npz", valid_metadata(), notes=np.zeros(3))
    with pytest.raises(ValueError, match=r"members \['notes\.npy'\] are not part of the format"):
        load_parameters(path)


def test_unreferenced_meta_members_are_not_read(tmp_path, monkeypatch):
    path = write_raw(tmp_path / "spare.npz", valid_metadata(), **{"meta.spare": np.zeros(3)})
    opened = []
    real_header = fmt.read_header
    monkeypatch.setattr(fmt.reading, "read_header", lambda archive, info: opened.append(info.filename) or real_header(archive, info))
    load_parameters(path)
    assert "meta.spare.npy" not in opened and "W1.npy" in opened


def _npy_header(shape, descr="<f8"):
    """The bytes of a .npy v1.0 header for an array of `shape` (no data)."""
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode("latin1")
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header


def test_a_header_claiming_a_terabyte_is_a_value_error_not_a_memory_error(tmp_path):
    n = 2**19  # W1 of (2**19, 2**19) float64: 2 TiB
    path = tmp_path / "huge.npz"
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.array(json.dumps({"layer_dims": [n, n]})))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("__metadata__.npy", buffer.getvalue())
        archive.writestr("W1.npy", _npy_header((n, n)) + b"\0" * 16)
        archive.writestr("b1.npy", _npy_header((n, 1)) + b"\0" * 16)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"member 'W1\.npy': its header describes 2,199,023,255,552 bytes of data "
                                         r".* but it stores 16; the file is corrupt"):
        load_parameters(path)
    assert time.perf_counter() - start < 2


def test_a_zip_directory_claiming_a_terabyte_is_refused_before_reading(tmp_path):
    path = save_parameters(tmp_path / "net.npz", params())
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    liar = tmp_path / "liar.npz"
    with zipfile.ZipFile(liar, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.filelist[0].file_size = 2**40  # written into the central directory on close
    with pytest.raises(ValueError, match=r"members hold 1,099,511,6\d\d,\d{3} bytes uncompressed, more than the "
                                         r"2,147,483,648 a parameters file may hold"):
        load_parameters(liar)


def test_metadata_longer_than_the_limit_is_refused_on_save_and_load(tmp_path, monkeypatch):
    path = save_parameters(tmp_path / "net.npz", params(), notes="x" * 500)
    for module in (fmt.metadata, fmt.reading):  # the limit is checked on save and on load
        monkeypatch.setattr(module, "MAX_METADATA_CHARS", 400)
    with pytest.raises(ValueError, match=r"metadata: \d{3} characters of JSON, more than the 400 allowed"):
        load_parameters(path)
    with pytest.raises(ValueError, match=r"more than the 400 a parameters file may hold; store long series as "
                                         r"numpy arrays"):
        save_parameters(tmp_path / "again.npz", params(), notes="x" * 500)


@pytest.mark.parametrize("text", [
    '{"layer_dims": [12, 3, 1], "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "[" * 2_000_000,
    '{"layer_dims": [12, 3, 1], "x": ' + '{"a": ' * 50_000 + "1" + "}" * 50_001,
])
def test_deeply_nested_json_is_refused_before_parsing(tmp_path, text):
    start = time.perf_counter()
    refused_on_load(tmp_path, text, r"metadata: JSON nested deeper than 32 levels")
    assert time.perf_counter() - start < 3


def test_brackets_inside_strings_do_not_count_and_the_scan_is_linear(tmp_path):
    path = save_parameters(tmp_path / "ok.npz", params(), notes="[[[{{{" * 1000)
    assert load_parameters(path)[1]["notes"] == "[[[{{{" * 1000
    start = time.perf_counter()  # many escaped quotes in an unterminated string: no quadratic scan
    refused_on_load(tmp_path, '{"layer_dims": [12, 3, 1], "x": "' + '\\"[' * 300_000, r"metadata: not valid JSON")
    assert time.perf_counter() - start < 3


def test_nesting_accepted_by_save_is_accepted_by_load(tmp_path):
    def nested(levels):
        value = 1
        for _ in range(levels):
            value = [value]
        return value

    path = save_parameters(tmp_path / "deep.npz", params(), x=nested(31))  # 1 (the object) + 31 lists = 32
    assert load_parameters(path)[1]["x"] == nested(31)
    with pytest.raises(ValueError, match=r"metadata\['x'\]\[0\]\[0\]\.\.\.: nested deeper than 32 levels"):
        save_parameters(tmp_path / "deeper.npz", params(), x=nested(32))
    refused_on_load(tmp_path, valid_metadata(x=nested(32)), r"nested deeper than 32 levels")


def test_repeated_json_keys_are_refused(tmp_path):
    refused_on_load(tmp_path, '{"layer_dims": [12, 3, 1], "layer_dims": [12, 3, 1]}',
                    r"metadata: a JSON object repeats keys \['layer_dims'\]")


# ------------------------------------------------------------------ the schema, on save and on load

@pytest.mark.parametrize("text, got", [("null", "null"), ("[1, 2]", "list"), ('"text"', "str"), ("3", "int"),
                                       ('{"__array__": "W1"}', "array")])
def test_metadata_that_is_not_an_object_is_refused(tmp_path, text, got):
    refused_on_load(tmp_path, text, rf"metadata: expected a JSON object \(dict\), got {got}")


SCHEMA_VIOLATIONS = {
    "layer_dims a string": ({"layer_dims": "12,3,1"}, r"metadata\['layer_dims'\]: expected list .*got str '12,3,1'"),
    "layer_dims too short": ({"layer_dims": [12]}, r"metadata\['layer_dims'\]: expected a list of at least 2 "
                                                   r"positive integers"),
    "layer_dims with zero": ({"layer_dims": [12, 0, 1]}, r"at least 2 positive integers .*got \[12, 0, 1\]"),
    "layer_dims with a float": ({"layer_dims": [12, 3.0, 1]}, r"positive integers .*got \[12, 3\.0, 1\]"),
    "layer_dims with a bool": ({"layer_dims": [12, True, 1]}, r"positive integers .*got \[12, True, 1\]"),
    "layer_dims disagreeing with W": ({"layer_dims": [12, 4, 1]},
                                      r"W1: expected shape \(4, 12\) from layer_dims \[12, 4, 1\], found shape "
                                      r"\(3, 12\)"),
    "fewer layers than weights": ({"layer_dims": [12, 3]}, r"unexpected weights \['W2', 'b2'\]"),
    "format from the future": ({"format_version": 3}, r"reads format_version 1 or 2, got 3; update the project"),
    "format 2 without layers": ({"format_version": 2}, r"metadata\['layers'\]: expected in a format_version 2 file "
                                                       r"and only there"),
    "layers in a format 1 file": ({"layers": []}, r"got format_version 1 with layers"),
    "format_version a string": ({"format_version": "1"}, r"metadata\['format_version'\]: expected int"),
    "unknown layer kind": ({"layer_kinds": ["dense", "conv2d"]}, r"metadata\['layer_kinds'\]: expected 2 names "
                                                                 r"from \['dense'\]"),
    "preprocessing a list": ({"preprocessing": [2, "unit"]}, r"metadata\['preprocessing'\]: expected dict or null"),
    "preprocessing a string": ({"preprocessing": "unit"}, r"metadata\['preprocessing'\]: expected dict or null"),
    "preprocessing without image_size": ({"preprocessing": {"scaling": "unit"}},
                                         r"metadata\['preprocessing'\]\['image_size'\]: missing"),
    "unknown preprocessing step": ({"preprocessing": {"image_size": 2, "color": "bgr"}},
                                   r"metadata\['preprocessing'\]: unknown keys \['color'\]"),
    "unknown scaling": ({"preprocessing": {"image_size": 2, "scaling": "minmax"}}, r"scaling 'unit' or 'standardize'"),
    "image size of another network": ({"preprocessing": {"image_size": 64}},
                                      r"photos of 64x64x3 make n_0 = 12288 inputs, but W1 takes n_0 = 12"),
    "standardize without statistics": ({"preprocessing": {"image_size": 2, "scaling": "standardize"}},
                                       r"scaling 'standardize' needs both 'mean' and 'std'"),
    "activations of the wrong count": ({"activations": ["sigmoid"]}, r"metadata\['activations'\]: activations: "
                                                                     r"expected 2 names"),
    "unknown activation": ({"activations": ["gelu", "sigmoid"]}, r"metadata\['activations'\]: activation: expected "
                                                                 r"one of"),
    "activations a dict": ({"activations": {"1": "relu"}}, r"metadata\['activations'\]: expected list or str or null"),
    "classes of the wrong count": ({"classes": ["a", "b", "c"]}, r"metadata\['classes'\]: expected 2 class names"),
    "class_names not strings": ({"class_names": [0, 1]}, r"metadata\['class_names'\]: expected 2 class names"),
    "classes disagreeing": ({"classes": ["a", "b"], "class_names": ["b", "a"]}, r"'classes' and 'class_names' disagree"),
    "n_classes wrong": ({"n_classes": 3}, r"metadata\['n_classes'\]: expected 2 for an output layer of 1 unit"),
    "accuracy above 1": ({"accuracies": {"test": 1.5}}, r"metadata\['accuracies'\]\['test'\]: expected an accuracy "
                                                        r"in \[0, 1\]"),
    "accuracies a list": ({"accuracies": [0.9]}, r"metadata\['accuracies'\]: expected dict"),
    "history of strings": ({"history": {"cost": ["high"]}}, r"metadata\['history'\]\['cost'\]: expected a list of "
                                                            r"numbers"),
    "dataset a number": ({"dataset": 7}, r"metadata\['dataset'\]: expected str"),
    "hyperparameters a string": ({"hyperparameters": "lr=0.1"}, r"metadata\['hyperparameters'\]: expected dict or null"),
    "expected_accuracy a number": ({"expected_accuracy": 0.8}, r"metadata\['expected_accuracy'\]: expected dict or null"),
    "expected_accuracy without method": ({"expected_accuracy": {"estimate": 0.8, "low": 0.7, "high": 0.9}},
                                         r"metadata\['expected_accuracy'\]\['method'\]: missing"),
    "expected_accuracy out of order": ({"expected_accuracy": {"estimate": 0.8, "low": 0.85, "high": 0.9,
                                                              "method": "CV"}},
                                       r"expected 0 <= low <= estimate <= high <= 1 \(fractions\), got low 0.85"),
    "expected_accuracy in percent": ({"expected_accuracy": {"estimate": 80, "low": 70, "high": 90, "method": "CV"}},
                                     r"expected 0 <= low <= estimate <= high <= 1"),
    "expected_accuracy unknown key": ({"expected_accuracy": {"estimate": 0.8, "low": 0.7, "high": 0.9,
                                                             "method": "CV", "sd": 0.1}}, r"unknown keys \['sd'\]"),
}


def test_expected_accuracy_round_trips(tmp_path):
    expected = {"estimate": 0.78, "low": 0.72, "high": 0.84, "method": "repeated 5-fold CV, mean +- 2 sd"}
    path = tmp_path / "net.npz"
    save_parameters(path, params(), expected_accuracy=expected)
    assert load_parameters(path)[1]["expected_accuracy"] == expected


def test_the_old_key_classes_is_read_as_class_names(tmp_path):
    """Files written by the train command before the rename recorded "classes": readers see "class_names"."""
    path = tmp_path / "old.npz"
    save_parameters(path, params(), classes=["dog", "cat"])
    metadata = load_parameters(path)[1]
    assert metadata["class_names"] == ["dog", "cat"] and "classes" not in metadata


@pytest.mark.parametrize("case", list(SCHEMA_VIOLATIONS))
def test_schema_violations_are_refused_on_load(tmp_path, case):
    changes, match = SCHEMA_VIOLATIONS[case]
    refused_on_load(tmp_path, valid_metadata(**changes), rf"raw\.npz': .*{match}")


@pytest.mark.parametrize("case", [c for c in SCHEMA_VIOLATIONS if not c.startswith(("layer_dims", "fewer", "layers in"))])
def test_schema_violations_are_refused_on_save(tmp_path, case):
    changes, match = SCHEMA_VIOLATIONS[case]
    metadata = {k: v for k, v in valid_metadata(**changes).items() if k not in ("layer_dims", "version")}
    with pytest.raises(ValueError, match=match):
        save_parameters(tmp_path / "net.npz", params(), **metadata)
    assert not list(tmp_path.iterdir()), "nothing is written when the metadata is refused"


def test_standardisation_statistics_must_fit_the_network(tmp_path):
    ok = {"image_size": 2, "scaling": "standardize", "mean": np.zeros((12, 1), np.float32),
          "std": np.ones((12, 1), np.float32)}
    path = save_parameters(tmp_path / "ok.npz", params(), preprocessing=ok)
    assert load_parameters(path)[1]["preprocessing"]["std"].shape == (12, 1)
    cases = {
        "mean": (np.zeros((3, 1), np.float32), r"\['mean'\]: expected a float array of shape \(12, 1\) \(one value "
                                               r"per input\), got float32 of shape \(3, 1\)"),
        "std": (np.ones((12, 1), np.int64), r"\['std'\]: expected a float array of shape \(12, 1\).*got int64"),
    }
    for key, (value, match) in cases.items():
        with pytest.raises(ValueError, match=match):
            save_parameters(tmp_path / "bad.npz", params(), preprocessing={**ok, key: value})
    with pytest.raises(ValueError, match=r"\['std'\]: expected values > 0 \(it divides the inputs\), got 1 value"):
        save_parameters(tmp_path / "bad.npz", params(), preprocessing={**ok, "std": np.r_[np.ones(11), 0.0][:, None]})
    with pytest.raises(ValueError, match=r"\['mean'\]: expected finite values, got NaN or inf"):
        save_parameters(tmp_path / "bad.npz", params(), preprocessing={**ok, "mean": np.full((12, 1), np.nan)})
    unit = {"image_size": 2, "scaling": "unit", "mean": ok["mean"], "std": ok["std"]}
    with pytest.raises(ValueError, match=r"only it uses them\); got scaling 'unit' with \['mean', 'std'\]"):
        save_parameters(tmp_path / "bad.npz", params(), preprocessing=unit)
    refused_on_load(tmp_path, valid_metadata(preprocessing={**ok, "mean": {"__array__": "meta.m"},
                                                            "std": {"__array__": "meta.s"}}),
                    r"\['std'\]: expected values > 0", **{"meta.m": np.zeros((12, 1)), "meta.s": np.zeros((12, 1))})


# ------------------------------------------------------------------ array references and reserved keys

def test_a_user_dict_that_looks_like_an_array_reference_is_refused_on_save(tmp_path):
    with pytest.raises(ValueError, match=r"metadata\['notes'\]: the key '__array__' is reserved by the file format"):
        save_parameters(tmp_path / "net.npz", params(), notes={"__array__": "W1"})


@pytest.mark.parametrize("reference, match", [
    ({"__array__": "W1"}, r"'__array__' is reserved for references to stored arrays"),
    ({"__array__": "meta.x", "also": 1}, r"'__array__' is reserved for references to stored arrays"),
    ({"__array__": 3}, r"'__array__' is reserved for references to stored arrays"),
    ({"__array__": [1]}, r"'__array__' is reserved for references to stored arrays"),
    ({"__array__": {"meta.x": 1}}, r"'__array__' is reserved for references to stored arrays"),
    ({"__array__": None}, r"'__array__' is reserved for references to stored arrays"),
    ({"__array__": ["meta.x"]}, r"'__array__' is reserved for references to stored arrays"),
    ({"__array__": "meta.nothing"}, r"refers to the array 'meta\.nothing', which the file does not contain"),
])
def test_array_references_name_only_stored_meta_arrays(tmp_path, reference, match):
    refused_on_load(tmp_path, valid_metadata(notes=reference), rf"metadata\['notes'\]: {match}",
                    **{"meta.x": np.zeros(2)})


def test_keys_that_collide_once_flattened_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"metadata\['a'\]\['b'\] and metadata\['a\.b'\] would both be stored as "
                                         r"the member 'meta\.a\.b'; rename one of the keys"):
        save_parameters(tmp_path / "net.npz", params(), **{"a.b": np.zeros(2), "a": {"b": np.ones(2)}})
    with pytest.raises(ValueError, match=r"metadata\['runs'\]: expected string keys, got 1 \(int\)"):
        save_parameters(tmp_path / "net.npz", params(), runs={1: np.zeros(2), "1": np.ones(2)})


def test_arrays_in_lists_of_dicts_do_not_collide(tmp_path):
    selection = [{"name": "A", "curve": np.arange(3.0)}, {"name": "B", "curve": np.arange(4.0)}]
    path = save_parameters(tmp_path / "net.npz", params(), selection=selection)
    loaded = load_parameters(path)[1]["selection"]
    np.testing.assert_array_equal(loaded[1]["curve"], np.arange(4.0))
    assert loaded[0]["name"] == "A"


@pytest.mark.parametrize("value, match", [
    (np.array([1 + 2j]), r"metadata\['x'\]: expected a numeric or string array, got dtype complex128"),
    (np.array([{"a": 1}], dtype=object), r"metadata\['x'\]: expected a numeric or string array, got dtype object"),
    (np.complex64(1j), r"metadata\['x'\]: expected a number, bool or string, got a complex64 scalar"),
    ({1, 2}, r"metadata\['x'\]: expected JSON-compatible values .* got set"),
])
def test_values_json_cannot_hold_are_refused_on_save(tmp_path, value, match):
    with pytest.raises(ValueError, match=match):
        save_parameters(tmp_path / "net.npz", params(), x=value)


# ------------------------------------------------------------------ weights

REAL_FLOATS = ["float16", "float32", "float64", ">f4", ">f8"]
NOT_REAL_FLOATS = ["int8", "int32", "int64", "uint8", "bool", "complex64", "complex128"]


@SETTINGS
@given(dtype=st.sampled_from(REAL_FLOATS + NOT_REAL_FLOATS), layer=st.sampled_from(["W1", "b1", "W2", "b2"]))
def test_weights_must_be_real_floating_point_on_save_and_load(tmp_path, dtype, layer):
    p = params()
    p[layer] = p[layer].astype(dtype)
    raw = write_raw(tmp_path / f"raw_{dtype}_{layer}.npz".replace(">", "be"), valid_metadata(), parameters=p)
    if dtype in REAL_FLOATS:
        loaded, _ = load_parameters(save_parameters(tmp_path / "ok.npz", p))
        assert loaded[layer].dtype == np.dtype(dtype)
        np.testing.assert_array_equal(loaded[layer], p[layer])
        assert load_parameters(raw)[0][layer].dtype == np.dtype(dtype)
        return
    match = rf"{layer}'?\]?: expected real floating-point weights \(float16, float32, float64\), got dtype"
    with pytest.raises(ValueError, match=rf"parameters\['{layer}'\]: expected real floating-point weights"):
        save_parameters(tmp_path / "bad.npz", p)
    with pytest.raises(ValueError, match=match):
        load_parameters(raw)


def test_a_zero_dimensional_W1_is_refused(tmp_path):
    p = params()
    with pytest.raises(ValueError, match=r"parameters\['W1'\]: expected a 2-D array of shape \(n_1, n_0\), got "
                                         r"shape \(\)"):
        save_parameters(tmp_path / "net.npz", {**p, "W1": np.float32(0.5)})
    path = write_raw(tmp_path / "zero_d.npz", valid_metadata(), parameters={**p, "W1": np.float32(0.5)})
    with pytest.raises(ValueError, match=r"W1: expected shape \(3, 12\) from layer_dims \[12, 3, 1\], found shape "
                                         r"\(\)"):
        load_parameters(path)


def test_weight_shapes_and_keys(tmp_path):
    p = params()
    with pytest.raises(ValueError, match=r"parameters\['b1'\]: expected shape \(3, 1\) from layer_dims \[12, 3, 1\], "
                                         r"found shape \(3,\)"):
        save_parameters(tmp_path / "n.npz", {**p, "b1": np.zeros(3, np.float32)})
    with pytest.raises(ValueError, match=r"parameters\['W2'\]: expected shape \(1, 3\) .*found shape \(1, 4\)"):
        save_parameters(tmp_path / "n.npz", {**p, "W2": np.zeros((1, 4), np.float32)})
    with pytest.raises(ValueError, match=r"expected exactly the keys W1, b1, \.\.\., W2, b2; missing \[\], "
                                         r"unexpected \['dW1'\]"):
        save_parameters(tmp_path / "n.npz", {**p, "dW1": p["W1"]})
    with pytest.raises(ValueError, match=r"missing \['W2', 'b2'\], unexpected \['W3'\]"):
        save_parameters(tmp_path / "n.npz", {"W1": p["W1"], "b1": p["b1"], "W3": p["W2"]})
    missing = params()
    del missing["b2"]
    path = write_raw(tmp_path / "nob2.npz", valid_metadata(), parameters=missing)
    with pytest.raises(ValueError, match=r"file: missing b2: layer_dims \[12, 3, 1\] has 2 layers"):
        load_parameters(path)


@pytest.mark.parametrize("value, match", [
    (np.nan, r"parameters\['W2'\]: expected finite values, got 1 NaN or inf entries out of 3"),
    (np.inf, r"parameters\['W2'\]: expected finite values"),
    (2e6, r"parameters\['W2'\]: expected \|w\| <= 1e\+06, got a weight of magnitude 2e\+06"),
])
def test_non_finite_or_absurd_weights_are_refused_on_save_and_load(tmp_path, value, match):
    p = params()
    p["W2"][0, 1] = value
    with pytest.raises(ValueError, match=match):
        save_parameters(tmp_path / "net.npz", p)
    path = write_raw(tmp_path / "raw.npz", valid_metadata(), parameters=p)
    with pytest.raises(ValueError, match=rf"raw\.npz': {match}"):
        load_parameters(path)


def test_predictions_that_overflow_are_an_error_not_nan(tmp_path):
    dims = [12, 4, 4, 4, 4, 4, 1]
    p = {}
    for l in range(1, len(dims)):
        p[f"W{l}"] = np.full((dims[l], dims[l - 1]), 1e6, np.float32)
        p[f"b{l}"] = np.zeros((dims[l], 1), np.float32)
    p["W6"][0, ::2] = -1e6  # inf - inf = NaN at the output
    path = save_parameters(tmp_path / "overflow.npz", p, activations=["relu"] * 5 + ["sigmoid"],
                           preprocessing={"image_size": 2, "scaling": "unit"})
    parameters, metadata = load_parameters(path)
    photos = np.full((3, 2, 2, 3), 200, np.uint8)
    with pytest.raises(ValueError, match=r"predictions: the network's output overflows \(float32\) to NaN or inf for "
                                         r"3 of 3 input\(s\); these parameters are not usable"):
        predict_images(photos, parameters, metadata)
    p["W6"][0, ::2] = 1e6  # +inf before the sigmoid: P = 1.0 would look fine, but it is an overflow too
    parameters = {k: v.copy() for k, v in p.items()}
    with pytest.raises(ValueError, match=r"overflows"):
        predict_images(photos, parameters, metadata)


# ------------------------------------------------------------------ round trips (property-based)

json_leaves = st.one_of(st.none(), st.booleans(), st.integers(-2**53, 2**53),
                        st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
json_values = st.recursive(json_leaves, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.dictionaries(st.text(max_size=8).filter(lambda k: k != "__array__"), children, max_size=4)), max_leaves=20)
free_keys = st.text(min_size=1, max_size=10).filter(lambda k: k not in fmt.SCHEMA)


@SETTINGS
@given(extra=st.dictionaries(free_keys, json_values, max_size=4))
def test_free_form_metadata_round_trips(tmp_path, extra):
    path = save_parameters(tmp_path / "net.npz", params(), **extra)
    _, metadata = load_parameters(path)
    assert {k: metadata[k] for k in extra} == extra


@SETTINGS
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
       dtype=st.sampled_from(["float32", "float64", "int64", "uint8", "bool", "<U3"]),
       key=st.sampled_from(["a", "a.b", "nested"]))
def test_arrays_in_metadata_round_trip(tmp_path, shape, dtype, key):
    array = (np.arange(np.prod(shape)).reshape(shape) % 3).astype(dtype)
    value = {"inner": [array, {"deeper": array}]} if key == "nested" else array
    path = save_parameters(tmp_path / "net.npz", params(), **{key: value})
    loaded = load_parameters(path)[1][key]
    if key == "nested":
        np.testing.assert_array_equal(loaded["inner"][0], array)
        loaded = loaded["inner"][1]["deeper"]
    np.testing.assert_array_equal(loaded, array)
    assert loaded.dtype == array.dtype


@SETTINGS
@given(value=st.one_of(st.integers(), st.floats(allow_nan=False), st.text(max_size=5),
                       st.lists(st.integers(), max_size=2)),
       key=st.sampled_from(["preprocessing", "accuracies", "history", "hyperparameters"]))
def test_known_dict_keys_refuse_values_of_other_types(tmp_path, key, value):
    with pytest.raises(ValueError, match=rf"metadata\['{key}'\]: expected (dict or null|dict) \("):
        save_parameters(tmp_path / "net.npz", params(), **{key: value})
    refused_on_load(tmp_path, valid_metadata(**{key: value}), rf"metadata\['{key}'\]: expected dict")


# ------------------------------------------------------------------ atomic save, even when killed

KILLED_SAVER = textwrap.dedent("""
    import sys
    import numpy as np
    from utils.persistence import save_parameters

    rng = np.random.default_rng(0)
    parameters = {"W1": rng.normal(size=(256, 4096)).astype(np.float32), "b1": np.zeros((256, 1), np.float32),
                  "W2": rng.normal(size=(1, 256)).astype(np.float32), "b2": np.zeros((1, 1), np.float32)}
    save_parameters(sys.argv[1], parameters)
    print("saving", flush=True)
    while True:
        save_parameters(sys.argv[1], parameters, history={"cost": rng.random(2000)})
""")


def test_sigterm_during_a_save_leaves_no_temporary_file(tmp_path):
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    rng = random.Random(0)
    for attempt in range(4):
        folder = tmp_path / f"run{attempt}"
        folder.mkdir()
        target = folder / "net.npz"
        process = subprocess.Popen([sys.executable, "-c", KILLED_SAVER, str(target)], stdout=subprocess.PIPE,
                                   env=environ, cwd=ROOT, text=True)
        try:
            assert process.stdout.readline().strip() == "saving"
            time.sleep(rng.uniform(0.0, 0.3))
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == -signal.SIGTERM
        finally:
            process.kill()
            process.stdout.close()
        assert [p.name for p in folder.iterdir()] == ["net.npz"], "a temporary file was left behind"
        parameters, _ = load_parameters(target)
        assert parameters["W1"].shape == (256, 4096)


def test_sigterm_handler_is_restored_after_a_save(tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    save_parameters(tmp_path / "net.npz", params())
    assert signal.getsignal(signal.SIGTERM) is before


# ------------------------------------------------------------------ the output layer gives class probabilities

@pytest.mark.parametrize("n_out", [1, 2, 3, 10])
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "relu", "tanh", "leaky_relu"])
def test_the_output_activation_must_fit_the_classes_on_save_and_load(tmp_path, n_out, output):
    """One sigmoid unit for two classes, a softmax over C >= 2 units; any other output is not a probability."""
    dims = [12, 3, n_out]
    metadata = valid_metadata(dims, activations=["relu", output], class_names=[str(c) for c in range(max(2, n_out))])
    fits = output == ("sigmoid" if n_out == 1 else "softmax")
    path = write_raw(tmp_path / "raw.npz", metadata, params(dims))
    if fits:
        assert load_parameters(path)[1]["activations"] == ["relu", output]
        save_parameters(tmp_path / "net.npz", params(dims), activations=["relu", output])
        return
    wanted = "sigmoid" if n_out == 1 else "softmax"
    match = (rf"metadata\['activations'\]: the output layer has {n_out} unit\(s\), so it must be '{wanted}' .*got "
             rf"'{output}'")
    with pytest.raises(ValueError, match=rf"raw\.npz': {match}"):
        load_parameters(path)
    with pytest.raises(ValueError, match=match):
        save_parameters(tmp_path / "net.npz", params(dims), activations=["relu", output])
    assert not (tmp_path / "net.npz").exists()


@pytest.mark.parametrize("activations", [None, "relu", "tanh"])
def test_absent_or_hidden_only_activations_imply_a_sigmoid_output(tmp_path, activations):
    """Absent (or one hidden-layer name), the output is the course's sigmoid: right for 1 unit, refused for 3."""
    for n_out, ok in ((1, True), (3, False)):
        metadata = valid_metadata([12, 3, n_out], class_names=[str(c) for c in range(max(2, n_out))])
        metadata.pop("activations")
        if activations is not None:
            metadata["activations"] = activations
        path = write_raw(tmp_path / f"raw{n_out}.npz", metadata, params([12, 3, n_out]))
        if ok:
            load_parameters(path)
        else:
            with pytest.raises(ValueError, match=r"must be 'softmax' .*got 'sigmoid'"):
                load_parameters(path)


# ------------------------------------------------------------------ crafted metadata: one ValueError, never a crash

def _random_json(rng, depth=0):
    """A random JSON value, biased towards what trips readers: references, wrong types, odd strings."""
    choice = rng.integers(0, 12 if depth < 3 else 7)
    simple = [None, True, -1, 0, 3, 1e308, float("nan"), "", "x\x1b[2J\n", "meta.x", "__array__", [], {}]
    if choice < 7:
        return simple[rng.integers(0, len(simple))]
    if choice == 7:
        return {"__array__": _random_json(rng, depth + 1)}
    if choice == 8:
        return [_random_json(rng, depth + 1) for _ in range(rng.integers(0, 3))]
    if choice == 9:
        return {"__array__": "meta.x"}
    keys = ["__array__", "image_size", "scaling", "mean", "estimate", "cost", "test", "a"]
    return {keys[rng.integers(0, len(keys))]: _random_json(rng, depth + 1) for _ in range(rng.integers(1, 3))}


def test_crafted_metadata_is_loaded_or_refused_with_one_value_error(tmp_path):
    """600 files whose metadata entries (known keys and others) hold random JSON: each one loads, or is
    refused with a ValueError naming the file; never a TypeError, KeyError or other crash. The loaded
    ones are then fed to the readers of metadata (NeuralNetwork.load, predict_images)."""
    from utils.network import NeuralNetwork

    rng = np.random.default_rng(0)
    keys = [*fmt.SCHEMA, "notes", "preprocessing", "preprocessing.mean", "history.cost", "accuracies.test",
            "expected_accuracy.low"]
    outcomes = {"loaded": 0, "refused": 0}
    photos = np.zeros((2, 2, 2, 3), np.uint8)
    for case in range(600):
        metadata = valid_metadata(class_names=["non-cat", "cat"], history={"cost": [0.5]}, accuracies={"test": 0.5})
        for _ in range(rng.integers(1, 3)):
            key = keys[rng.integers(0, len(keys))]
            outer, _, inner = key.partition(".")
            if inner:
                node = metadata.setdefault(outer, {})
                if isinstance(node, dict):
                    node[inner] = _random_json(rng)
            else:
                metadata[outer] = _random_json(rng)
        path = write_raw(tmp_path / f"case{case}.npz", json.dumps(metadata), **{"meta.x": np.zeros(2)})
        try:
            parameters, loaded = load_parameters(path)
        except ValueError as error:
            assert f"case{case}.npz" in str(error) and "\n" not in str(error), error
            outcomes["refused"] += 1
            continue
        outcomes["loaded"] += 1
        try:
            NeuralNetwork.load(path)
            predict_images(photos, parameters, loaded)
        except ValueError:
            pass
        path.unlink()
    assert outcomes["loaded"] > 20 and outcomes["refused"] > 300, outcomes  # both paths exercised


def test_save_refuses_what_load_would_refuse(tmp_path):
    """A key that would make an unreadable member name, or more members than a file may have: refused on save."""
    with pytest.raises(ValueError, match=r"expected printable key names on the way to an array, got 'meta\.extra\.a\\x00b'"):
        save_parameters(tmp_path / "a.npz", params(), extra={"a\x00b": np.zeros(2)})
    with pytest.raises(ValueError, match="more than the 10,000 members"):
        save_parameters(tmp_path / "b.npz", params(), extra={str(i): np.zeros(1) for i in range(10_001)})
    assert not list(tmp_path.iterdir())
