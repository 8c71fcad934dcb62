"""--track: what `python -m utils train` and `compare` log to MLflow, read back with the MLflow client.

MLflow is optional for users; the tests need it (requirements-dev.txt installs
the light `mlflow-skinny`). Without it, only the "MLflow missing" tests run.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from utils.persistence import load_parameters

ROOT = Path(__file__).resolve().parent.parent


def run(command, *args, cwd=None, pythonpath=()):
    """Run ``python -m utils COMMAND ARGS``; returns the CompletedProcess (text output)."""
    # One BLAS thread: the matrices here are tiny, and on a busy machine threaded OpenBLAS is 10-50x slower.
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join([*map(str, pythonpath), str(ROOT)]), "MPLBACKEND": "Agg",
               "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "utils", command, *map(str, args)], capture_output=True, text=True,
                          env=environ, cwd=cwd or ROOT, timeout=180)


@pytest.fixture
def client(monkeypatch):
    """A function uri -> MlflowClient on that local store."""
    pytest.importorskip("mlflow")
    from mlflow import MlflowClient

    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3.7+ asks for it to open a folder store
    return lambda store: MlflowClient(Path(store).resolve().as_uri())


@pytest.fixture
def no_mlflow(tmp_path):
    """A folder to put first on PYTHONPATH where `import mlflow` fails, as when it is not installed."""
    fake = tmp_path / "no_mlflow" / "mlflow"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError(\"No module named 'mlflow'\")\n")
    return fake.parent


def only_run(client, experiment):
    exp = client.get_experiment_by_name(experiment)
    assert exp is not None, f"no experiment {experiment!r}"
    runs = client.search_runs([exp.experiment_id])
    assert len(runs) == 1
    return runs[0]


def test_train_logs_params_metrics_model_and_curves(tmp_path, client):
    out = tmp_path / "flower.npz"
    # Default store: ./mlruns in the current folder.
    result = run("train", "-d", "flower", "--epochs", 40, "--val-fraction", 0.25, "-o", out, "--track",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "view with: MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri ./mlruns" in result.stdout
    store = client(tmp_path / "mlruns")
    mlrun = only_run(store, "flower")
    assert mlrun.info.status == "FINISHED" and mlrun.info.run_id in result.stdout
    assert mlrun.info.run_name == "flower"
    assert mlrun.data.tags["command"] == "python -m utils train"

    params = mlrun.data.params
    assert params["dataset"] == "flower" and params["layer_dims"] == "[2, 4, 1]"
    assert params["activations"] == "['tanh', 'sigmoid']"
    assert (params["learning_rate"], params["epochs"], params["optimizer"]) == ("1.2", "40", "gd")
    assert (params["val_fraction"], params["keep_prob"], params["seed"]) == ("0.25", "1.0", "1")

    parameters, meta = load_parameters(out)
    metrics = mlrun.data.metrics
    for split in ("train", "val", "test"):
        assert metrics[f"final_{split}_accuracy"] == pytest.approx(meta["accuracies"][split])
    assert metrics["training_seconds"] > 0
    for key in ("cost", "train_accuracy", "val_cost", "val_accuracy", "learning_rate"):
        history = sorted(store.get_metric_history(mlrun.info.run_id, key), key=lambda m: m.step)
        assert [m.step for m in history] == list(range(40)), key
        np.testing.assert_allclose([m.value for m in history], meta["history"][key], rtol=1e-6)

    artifacts = {a.path for a in store.list_artifacts(mlrun.info.run_id)}
    assert artifacts == {"flower.npz", "curves.png"}
    folder = Path(store.download_artifacts(mlrun.info.run_id, "", str(tmp_path / "downloaded")))
    logged, logged_meta = load_parameters(folder / "flower.npz")
    np.testing.assert_array_equal(logged["W1"], parameters["W1"])
    assert logged_meta["accuracies"] == meta["accuracies"]
    assert (folder / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_logs_one_run_per_model(tmp_path, client):
    store_dir = tmp_path / "store"
    result = run("compare", "--datasets", "catvnoncat", "--image-size", 8, "--iterations", 201, "--track",
                 "--tracking-uri", store_dir, "--experiment", "course")
    assert result.returncode == 0, result.stderr
    assert "tracked 2 MLflow runs in experiment 'course'" in result.stdout
    store = client(store_dir)
    runs = store.search_runs([store.get_experiment_by_name("course").experiment_id])
    by_model = {r.data.params["model"]: r for r in runs}
    assert set(by_model) == {"2-layer", "4-layer"}
    four = by_model["4-layer"]
    assert four.data.params["layer_dims"] == "[192, 20, 7, 5, 1]" and four.data.params["iterations"] == "201"
    assert four.info.run_name == "catvnoncat 4-layer" and four.info.status == "FINISHED"
    assert four.data.tags["command"] == "python -m utils compare"
    assert [m.step for m in sorted(store.get_metric_history(four.info.run_id, "cost"), key=lambda m: m.step)] \
        == [0, 100, 200]
    assert "final_val_accuracy" not in four.data.metrics  # catvnoncat: no validation split
    test_row = next(line for line in result.stdout.splitlines() if "4-layer" in line)
    assert f"{four.data.metrics['final_test_accuracy'] * 100:.1f} %" in test_row
    assert {a.path for a in store.list_artifacts(four.info.run_id)} == {"cost.png"}


@pytest.mark.parametrize("command, args", [
    ("train", ["-d", "flower", "--epochs", "5", "-o", "x.npz"]),
    ("compare", ["--quick", "--datasets", "catvnoncat"]),
])
def test_track_without_mlflow_says_how_to_install_it(tmp_path, no_mlflow, command, args):
    result = run(command, *args, "--track", pythonpath=[no_mlflow], cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ("error: --track needs MLflow, which is not installed; install it with: "
                             "pip install -r requirements-tracking.txt\n")
    assert result.stdout == ""  # refused before loading data or training
    assert not (tmp_path / "x.npz").exists() and not (tmp_path / "mlruns").exists()


def test_without_track_mlflow_is_never_imported(tmp_path, no_mlflow):
    result = run("train", "-d", "moons", "--epochs", 5, "-o", tmp_path / "x.npz", pythonpath=[no_mlflow],
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.npz").exists() and not (tmp_path / "mlruns").exists()
