"""Optional experiment tracking with MLflow (``--track`` on ``python -m utils train`` and ``compare``).

MLflow is not a requirement of the project: nothing imports it unless a
command is run with ``--track``, and then a missing MLflow is a one-line
error saying how to install it (``pip install -r requirements-tracking.txt``).

Runs go to a *local* store, the folder ``./mlruns`` by default (``--tracking-uri``
takes another folder or any MLflow tracking URI, e.g. ``sqlite:///mlflow.db``
with the full ``mlflow`` package). MLflow 3.7+ keeps the folder ("file") store
in maintenance mode and refuses it unless ``MLFLOW_ALLOW_FILE_STORE=true``;
this module sets that variable for folder stores, so the light
``mlflow-skinny`` package (which cannot open SQLite stores) can log. Look at
the runs with the full package::

    MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri ./mlruns

Each run records: parameters (flattened, ``preprocessing.scaling`` ...),
per-epoch metrics (``cost``, ``train_accuracy``, ``val_cost``,
``val_accuracy``, ``learning_rate`` at step = epoch), final metrics, and
files (the saved ``.npz``, a figure of the curves).
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .cli import CLIError, one_line

INSTALL_HINT = "pip install -r requirements-tracking.txt"
#: MlflowClient.log_batch accepts at most 1000 metrics per call.
BATCH = 1000


def require_mlflow():
    """Import and return `mlflow`, or raise CLIError saying how to install it."""
    try:
        import mlflow
    except ImportError:
        raise CLIError(f"--track needs MLflow, which is not installed; install it with: {INSTALL_HINT}") from None
    return mlflow


def is_local_store(uri: str) -> bool:
    """True for a folder path or a ``file:`` URI (MLflow's file store)."""
    return uri.startswith("file:") or "://" not in uri and not uri.startswith(("sqlite:", "databricks"))


def resolve_uri(uri: str) -> str:
    """A folder becomes an absolute ``file://`` URI; other tracking URIs are returned unchanged."""
    if "://" in uri or uri.startswith(("file:", "sqlite:", "databricks")):
        return uri
    return Path(uri).resolve().as_uri()


def ui_command(uri: str) -> str:
    """The shell command that opens the MLflow UI on the store `uri` (needs the full ``mlflow``)."""
    prefix = "MLFLOW_ALLOW_FILE_STORE=true " if is_local_store(uri) else ""
    return f"{prefix}mlflow ui --backend-store-uri {uri}"


def flatten(params: dict, prefix: str = "") -> dict:
    """{"a": {"b": 1}, "c": [1, 2]} -> {"a.b": "1", "c": "[1, 2]"} (MLflow parameters are strings)."""
    flat = {}
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


class Run:
    """One MLflow run, written through `mlflow.MlflowClient` (no global MLflow state)."""

    def __init__(self, client, run_id: str, uri: str):
        self.client, self.run_id, self.uri = client, run_id, uri

    def log_params(self, params: dict) -> None:
        """Log (nested) parameters, flattened to dotted names."""
        from mlflow.entities import Param

        items = [Param(k, v) for k, v in flatten(params).items()]
        for i in range(0, len(items), 100):  # MLflow's limit of parameters per batch
            self.client.log_batch(self.run_id, params=items[i:i + 100])

    def log_metrics(self, metrics: dict, step: int = 0) -> None:
        """Log single values (None and non-numbers are skipped)."""
        self._log([(k, v, step) for k, v in metrics.items() if isinstance(v, (int, float))])

    def log_series(self, series: dict, steps=None) -> None:
        """Log each list in `series` as a metric with one value per step (default steps 0, 1, 2, ...)."""
        entries = []
        for key, values in series.items():
            at = steps if steps is not None else range(len(values))
            entries += [(key, v, s) for s, v in zip(at, values)]
        self._log(entries)

    def _log(self, entries) -> None:
        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        metrics = [Metric(key, float(value), now, int(step)) for key, value, step in entries]
        for i in range(0, len(metrics), BATCH):
            self.client.log_batch(self.run_id, metrics=metrics[i:i + BATCH])

    def log_artifact(self, path: str | os.PathLike) -> None:
        """Copy a file into the run's artifacts."""
        self.client.log_artifact(self.run_id, str(path))

    def log_figure(self, figure, name: str) -> None:
        """Save a matplotlib Figure as the artifact `name` (e.g. "curves.png")."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            figure.savefig(path, dpi=100)
            self.client.log_artifact(self.run_id, str(path))

    def log_text(self, text: str, name: str) -> None:
        """Save `text` as the artifact `name` (e.g. "comparison.txt")."""
        self.client.log_text(self.run_id, text, name)


def _experiment_id(client, name: str) -> str:
    experiment = client.get_experiment_by_name(name)
    if experiment is None:
        return client.create_experiment(name)
    if experiment.lifecycle_stage == "deleted":
        client.restore_experiment(experiment.experiment_id)
    return experiment.experiment_id


@contextmanager
def start_run(uri: str, experiment: str, run_name: str, tags: dict | None = None):
    """Context manager: a `Run` in `experiment` of the store `uri`, ended FINISHED (FAILED on an error)."""
    require_mlflow()
    from mlflow import MlflowClient

    if is_local_store(uri):
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    _quiet_mlflow()
    try:
        client = MlflowClient(resolve_uri(uri))
        run = client.create_run(_experiment_id(client, experiment), run_name=run_name, tags=tags or {})
    except Exception as error:  # MlflowException, unsupported store, unwritable folder ...
        raise CLIError(f"MLflow cannot use the tracking store {uri!r}: {one_line(error)}") from None
    status = "FAILED"
    try:
        yield Run(client, run.info.run_id, uri)
        status = "FINISHED"
    finally:
        client.set_terminated(run.info.run_id, status)


def _quiet_mlflow() -> None:
    """Keep MLflow's INFO chatter (experiment created, ...) out of the command's output."""
    import logging

    logging.getLogger("mlflow").setLevel(logging.WARNING)


def curves_figure(history: dict, title: str = ""):
    """A Figure with the cost (left) and the accuracy (right) per epoch, drawn by `utils.plots`."""
    from matplotlib.figure import Figure

    from .plots import plot_accuracy_curves, plot_cost_curve

    figure = Figure(figsize=(11, 4))
    left, right = figure.subplots(1, 2)
    plot_cost_curve(history["cost"], ax=left)
    if history.get("val_cost"):
        left.plot(range(len(history["val_cost"])), history["val_cost"], label="validation cost")
        left.legend()
    left.set_xlabel("epoch")
    plot_accuracy_curves(history, ax=right)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure
