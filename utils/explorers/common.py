"""What every explorer shares: the `Explorer` base class, the `Debouncer`, figures as PNG, small widgets.

How the redraws are kept cheap
------------------------------
* Sliders of the training explorers use ``continuous_update=False``: a value is
  sent to the kernel when the slider is released (or a key is pressed), not
  for every pixel of a drag.
* On top of that every change goes through a `Debouncer`: the work (train +
  draw) starts ``debounce`` seconds after the *last* change, in a background
  thread, and only one run is ever in progress. Ten quick changes therefore
  cause one training, with the latest values, and the kernel stays free
  while it trains.
* Figures are `matplotlib.figure.Figure` objects rendered to PNG and put in an
  `ipywidgets.Output` as ``image/png`` display data. They are never
  registered with pyplot, so nothing accumulates (no ``plt.close`` needed) and
  drawing from the background thread does not touch pyplot's global state.
"""

from __future__ import annotations

import base64
import html
import io
import threading
import time
import traceback
from pathlib import Path

import ipywidgets as widgets
from matplotlib.figure import Figure

from ..paths import PARAMETERS_DIR, PROJECT_ROOT  # noqa: F401  (re-exported for the explorers)
from ..text import printable


# ------------------------------------------------------------------ debouncing

class Debouncer:
    """Run `fn()` once, `wait` seconds after the last call, in a background thread.

    Each call pushes the start time back to `wait` seconds from now, so a
    burst of changes gives one run, with the values of the last one. Calls
    that arrive while `fn` runs schedule exactly one more run; runs never
    overlap. `wait=None` runs `fn` synchronously on every call (no thread).
    An exception from `fn` is passed to `on_error` (the explorers show it in
    the widget) instead of disappearing in the thread.

    `last_call` is the `time.monotonic()` of the latest call (None before the
    first): an explorer measures from it how long after a slider move its
    figure was shown.
    """

    def __init__(self, fn, wait: float | None = 0.3, on_error=None):
        self.fn, self.wait, self.on_error = fn, wait, on_error
        self.last_call: float | None = None
        self._cond = threading.Condition()
        self._due: float | None = None          # when the next run starts; None: nothing pending
        self._running = False
        self._thread: threading.Thread | None = None

    def __call__(self, *_):
        self.last_call = time.monotonic()
        if self.wait is None:
            self._run()
            return
        with self._cond:
            self._due = self.last_call + self.wait
            if self._thread is None:
                self._thread = threading.Thread(target=self._worker, name="explorer-debouncer", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def _run(self):
        try:
            self.fn()
        except Exception as error:  # noqa: BLE001 - shown to the learner, not lost in a thread
            if self.on_error is None:
                raise
            self.on_error(error)

    def _next_due(self) -> bool:
        """Under the lock: wait until the next run is due (True) or nothing is pending (False, thread ends)."""
        while True:
            if self._due is None:
                self._thread = None
                self._cond.notify_all()
                return False
            delay = self._due - time.monotonic()
            if delay <= 0:
                self._due, self._running = None, True
                return True
            self._cond.wait(delay)

    def _worker(self):
        while True:
            with self._cond:
                if not self._next_due():
                    return
            try:
                self._run()
            except Exception:  # noqa: BLE001 - no on_error: print it like an unhandled thread error
                traceback.print_exc()
            finally:
                with self._cond:
                    self._running = False
                    self._cond.notify_all()

    def _is_idle(self) -> bool:
        return self._due is None and not self._running and self._thread is None

    @property
    def idle(self) -> bool:
        with self._cond:
            return self._is_idle()

    def wait_idle(self, timeout: float = 60) -> bool:
        """Block until nothing is scheduled or running; False on timeout."""
        with self._cond:
            return self._cond.wait_for(self._is_idle, timeout)


# ------------------------------------------------------------------ the base class

class Explorer(widgets.VBox):
    """A VBox holding an explorer's controls and outputs.

    Members every explorer has:
        name      short name, also its fixed text form ``<name explorer>`` (what nbval compares)
        controls  name -> control widget (sliders, dropdowns, the upload button)
        figure    the Output the figure is drawn into (as PNG display data)
        status    an HTML line under it: what was done, or what went wrong
        runs      number of trainings / redraws done
        error     the last error message, None after a success
        debouncer the `Debouncer` the work goes through (None: synchronous only)
    """

    #: Default `wait_idle` timeout in seconds.
    IDLE_TIMEOUT = 60.0

    def __init__(self, name: str, children, controls: dict, figure: widgets.Output, status: widgets.HTML, **kwargs):
        super().__init__(children=children, **kwargs)
        self.name, self.controls, self.figure, self.status = name, controls, figure, status
        self.runs = 0
        self.error: str | None = None
        self.debouncer: Debouncer | None = None

    def values(self) -> dict:
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def watch(self, redraw, debounce: float | None) -> None:
        """Run `redraw` once now (synchronously), then after every control change through a `Debouncer`."""
        self.debouncer = Debouncer(redraw, wait=debounce, on_error=self.report_error)
        redraw()
        for control in self.controls.values():
            control.observe(lambda change: self.debouncer(), names="value")

    def report_error(self, error: Exception) -> None:
        """An unexpected error of a redraw: shown in the status line (the Debouncer's `on_error`)."""
        self.error = printable(f"{type(error).__name__}: {error}")
        self.status.value = html_message(f"Something went wrong: {escape(self.error)}", "error")

    def fail(self, what: str, error) -> None:
        """An expected failure (a diverging training, a bad file): ``what: error`` in the status line."""
        self.error = printable(error)
        self.status.value = html_message(f"{what}: {escape(error)}", "error")

    def show(self, fig: Figure, crop: bool = True) -> None:
        """Replace the figure shown with `fig` (thread-safe: sets the synced `outputs` trait).

        crop: trim the margins (``bbox_inches="tight"``, a second layout pass); a
        figure laid out by hand can skip it and be shown sooner.
        """
        self.figure.outputs = (png_display_data(fig, crop=crop),)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait for a pending or running redraw / training to finish (tests, scripts); False on timeout."""
        if self.debouncer is None:
            return True
        return self.debouncer.wait_idle(self.IDLE_TIMEOUT if timeout is None else timeout)

    def figure_png(self) -> bytes:
        """The PNG currently shown (b"" if none)."""
        for output in self.figure.outputs:
            data = output.get("data", {})
            if "image/png" in data:
                return base64.b64decode(data["image/png"])
        return b""

    def __repr__(self):
        return f"<{self.name} explorer>"


# ------------------------------------------------------------------ figures and text

def png_display_data(fig: Figure, dpi: int = 80, crop: bool = True) -> dict:
    """A Figure as Output-widget display data (image/png + a fixed text form); `crop` trims the margins."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight" if crop else None, metadata={"Software": None})
    width, height = fig.get_size_inches() * fig.dpi
    return {
        "output_type": "display_data",
        "data": {
            "image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "text/plain": f"<Figure size {width:.0f}x{height:.0f} with {len(fig.axes)} Axes>",
        },
        "metadata": {},
    }


def png_thumbnail(image, size: int) -> bytes:
    """An (H, W, 3) uint8 picture as PNG bytes, shrunk to fit `size` x `size` (for an `ipywidgets.Image`)."""
    from PIL import Image

    thumbnail = Image.fromarray(image)
    thumbnail.thumbnail((size, size))
    buffer = io.BytesIO()
    thumbnail.save(buffer, format="PNG")
    return buffer.getvalue()


def html_message(text: str, kind: str = "info") -> str:
    colour = {"info": "#333", "ok": "#1b7a1b", "error": "#b00020"}[kind]
    return f'<span style="color:{colour}">{text}</span>'


def escape(text) -> str:
    """`text` (any object, through str) for an HTML widget: `utils.text.printable` (control characters,
    newlines, bidi overrides, surrogates as backslash escapes), then HTML-escaped (& < > " ')."""
    return html.escape(printable(text))


def display_path(path: Path) -> str:
    """`path` relative to the project when inside it (no machine-specific absolute paths in outputs),
    shown with `utils.text.printable`; for messages only, never to open."""
    try:
        return printable(Path(path).resolve().relative_to(PROJECT_ROOT))
    except (ValueError, OSError, RuntimeError):
        return printable(path)


# ------------------------------------------------------------------ controls

SLIDER_STYLE = {"description_width": "130px"}
SLIDER_LAYOUT = widgets.Layout(width="380px")


def int_slider(description, value, lo, hi, step=1, continuous=False):
    return widgets.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                             continuous_update=continuous, style=SLIDER_STYLE, layout=SLIDER_LAYOUT)


def float_slider(description, value, lo, hi, step, continuous=False, fmt=".2f"):
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                               continuous_update=continuous, readout_format=fmt, style=SLIDER_STYLE,
                               layout=SLIDER_LAYOUT)


def log_slider(description, value, lo_exp, hi_exp, step=0.1, continuous=False):
    return widgets.FloatLogSlider(value=value, base=10, min=lo_exp, max=hi_exp, step=step,
                                  description=description, continuous_update=continuous, readout_format=".4g",
                                  style=SLIDER_STYLE, layout=SLIDER_LAYOUT)


def dropdown(description, options, value):
    return widgets.Dropdown(options=options, value=value, description=description, style=SLIDER_STYLE,
                            layout=SLIDER_LAYOUT)


def labelled(names) -> list[tuple[str, str]]:
    """Dropdown options (label, value) for names read from disk: the label shown with `utils.text.printable`
    (a dropdown shows its labels as text, not HTML), the value the name itself."""
    return [(printable(name), name) for name in names]


def panel(header, controls: dict, *below) -> list:
    """An explorer's children, top to bottom: its title, its controls in a column, then `below` (figure, status ...)."""
    return [header, widgets.VBox(list(controls.values())), *below]


def title(text: str, subtitle: str) -> widgets.HTML:
    return widgets.HTML(f"<b style='font-size:1.1em'>{text}</b><br><span style='color:#555'>{subtitle}</span>")
