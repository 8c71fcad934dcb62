"""The filter explorer: a 3 x 3 kernel slid over a cat photo, its feature map and the pooled map (chapter 7).

What is computed is the course's code, `utils.conv` (`conv_forward`,
`pool_forward`) and `utils.activations.relu`, through one pure function,
`filter_maps` (tested in tests/test_explorer_library.py):

    A = the photo in grey, (1, 64, 64, 1)           W = the kernel, (3, 3, 1, 1)        b = 0, (1, 1, 1, 1)
    Z, _ = conv_forward(A, W, b, {"stride": 1, "pad": 1})      # the feature map, 'same' size: (1, 64, 64, 1)
    P, _ = pool_forward(relu(Z), {"f": 2, "stride": 2}, "max")  # the pooled map, half the size: (1, 32, 32, 1)

As in the course (and every deep-learning library), `conv_forward` does not
flip the kernel (a cross-correlation): W[0, 0] multiplies the pixel up and to
the left of the centre. So the "vertical edges" kernel [[1, 0, -1]] * 3 is
positive where the left side is brighter than the right, negative the other
way round. The padding is zeros: on the map's border the photo's own edge
(bright pixels next to the zeros) shows as an edge too.

The feature map is drawn before ReLU, on a red (positive) / blue (negative)
scale centred at 0, so both kinds of edge show; the pooled map is drawn after
ReLU (by default), as a CNN layer's CONV -> RELU -> POOL passes it on: only the
positive responses survive, at half the resolution. Max-pooling and ReLU
commute (max(relu(z)) = relu(max(z))), so unticking "ReLU before pooling" only
brings back the windows whose four values are all negative.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..activations import relu as relu_activation
from ..conv import conv_forward, pool_forward
from ..datasets import load_catvnoncat
from .common import SLIDER_STYLE, Debouncer, Explorer, dropdown, escape, html_message, int_slider, title


def _preset(rows) -> np.ndarray:
    kernel = np.array(rows, dtype=np.float64)
    kernel.setflags(write=False)  # the registry's kernels cannot be changed by accident
    return kernel


#: name -> 3 x 3 kernel (read-only float64 arrays), the choices of the "kernel preset" dropdown.
#: sharpen = identity + the Laplacian: the photo plus its edges in every direction.
KERNEL_PRESETS = {
    "identity": _preset([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "vertical edges": _preset([[1, 0, -1], [1, 0, -1], [1, 0, -1]]),
    "horizontal edges": _preset([[1, 1, 1], [0, 0, 0], [-1, -1, -1]]),
    "Sobel vertical": _preset([[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
    "Sobel horizontal": _preset([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]),
    "blur (box)": _preset(np.full((3, 3), 1 / 9)),
    "blur (Gaussian)": _preset(np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16),
    "Laplacian (all edges)": _preset([[0, -1, 0], [-1, 4, -1], [0, -1, 0]]),
    "sharpen": _preset([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "emboss": _preset([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
}
#: What the preset dropdown shows when the sliders match no preset.
CUSTOM = "custom"
#: The convolution ('same' size for a 3 x 3 kernel) and the pooling the explorer runs.
CONV_HPARAMETERS = {"stride": 1, "pad": 1}
POOL_HPARAMETERS = {"f": 2, "stride": 2}
#: The kernel sliders' range and step; every preset lies inside the range.
WEIGHT_RANGE, WEIGHT_STEP = (-5.0, 5.0), 0.01
#: The luma weights of ITU-R BT.601 (the "L" mode of Pillow): grey = 0.299 R + 0.587 G + 0.114 B.
GREY_WEIGHTS = np.array([0.299, 0.587, 0.114])
SPLITS = {"train": "training photos", "test": "test photos"}


# ------------------------------------------------------------------ the maths (pure functions)

def load_filter_photos(root=None) -> dict:
    """The course's catvnoncat photos: {"train": (images (209, 64, 64, 3) uint8, labels (209,)), "test": (50 ...)}."""
    train_x, train_y, test_x, test_y, _ = load_catvnoncat(root)
    return {"train": (train_x, train_y.ravel()), "test": (test_x, test_y.ravel())}


def pick_photo(photos: dict, split: str, index) -> tuple[np.ndarray, int]:
    """(image, label) of photo number `index` of `photos[split]` (label 1 = cat); a ValueError names a bad one."""
    if split not in photos:
        raise ValueError(f"split: expected one of {list(photos)}, got {split!r}")
    images, labels = photos[split]
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < len(images):
        raise ValueError(f"index: expected a photo number from 0 to {len(images) - 1} of the {len(images)} "
                         f"{split} photos, got {index!r}")
    return images[index], int(labels[index])


def to_grey(image) -> np.ndarray:
    """A photo (H, W, 3) RGB, or (H, W) grey, uint8 in 0..255 (or floats in [0, 1]) as (H, W) float64 in [0, 1]."""
    image = np.asarray(image)
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] != 3) or min(image.shape[:2]) < 2:
        raise ValueError(f"image: expected a photo (H, W, 3) or (H, W) of at least 2 x 2 pixels, got shape "
                         f"{image.shape}")
    if not (np.issubdtype(image.dtype, np.number) and np.isfinite(image).all()):
        raise ValueError(f"image: expected finite numbers, got dtype {image.dtype}")
    grey = image.astype(np.float64) @ GREY_WEIGHTS if image.ndim == 3 else image.astype(np.float64)
    return grey / 255.0 if image.dtype == np.uint8 else grey


def check_kernel(kernel) -> np.ndarray:
    """`kernel` as a (3, 3) float64 array; a ValueError names anything else (another shape, NaN, infinity)."""
    try:
        array = np.asarray(kernel, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"kernel: expected a 3 x 3 array of numbers, got {type(kernel).__name__}") from None
    if array.shape != (3, 3):
        raise ValueError(f"kernel: expected a 3 x 3 array of numbers, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError("kernel: expected finite numbers, got NaN or infinity")
    return array


def filter_maps(image, kernel, relu: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(feature map (H, W), pooled map (H // 2, W // 2)) of a photo and a 3 x 3 kernel, with the course's code.

    The photo is converted to grey in [0, 1] (`to_grey`); the feature map is
    ``conv_forward(A, W, b = 0, {"stride": 1, "pad": 1})`` ('same' size, kernel
    not flipped), the pooled map ``pool_forward(relu(Z), {"f": 2, "stride": 2}, "max")``
    (without the relu when `relu` is False).
    """
    grey, weights = to_grey(image), check_kernel(kernel)
    Z, _ = conv_forward(grey[np.newaxis, :, :, np.newaxis], weights[:, :, np.newaxis, np.newaxis],
                        np.zeros((1, 1, 1, 1)), CONV_HPARAMETERS)
    pooled, _ = pool_forward(relu_activation(Z)[0] if relu else Z, POOL_HPARAMETERS, "max")
    return Z[0, :, :, 0], pooled[0, :, :, 0]


def matching_preset(kernel, tolerance: float = WEIGHT_STEP / 2) -> str:
    """The name of the preset equal to `kernel` (to within `tolerance`), else `CUSTOM`."""
    for name, preset in KERNEL_PRESETS.items():
        if np.allclose(kernel, preset, rtol=0, atol=tolerance):
            return name
    return CUSTOM


# ------------------------------------------------------------------ the widget

def _weight_slider(i: int, j: int, value: float) -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=WEIGHT_RANGE[0], max=WEIGHT_RANGE[1], step=WEIGHT_STEP,
                               description=f"W[{i},{j}]", continuous_update=True, readout_format=".2f",
                               style={"description_width": "48px"}, layout=widgets.Layout(width="250px"))


class FilterExplorer(Explorer):
    """A 3 x 3 kernel on a cat photo: the feature map and the pooled map follow the sliders (chapter 7).

    The photo is one of the course's catvnoncat photos (`load_catvnoncat`,
    the training or the test photos), converted to grey; the kernel is set by
    the "kernel preset" dropdown (`KERNEL_PRESETS`) or its nine weights, one
    slider each, laid out as the 3 x 3 matrix. `filter_maps` computes the maps
    with `utils.conv.conv_forward` and `pool_forward`; the figure shows the
    grey photo, the feature map (red positive, blue negative) and the pooled
    map on the same colour scale. Moving a weight sets the dropdown to the
    preset it now equals, or "custom". The sliders redraw while they move
    (continuous_update=True: the maps take a tenth of a millisecond, the
    figure about 0.1 s), debounced by `debounce` seconds; a preset's nine
    weights give one redraw.

    Members (besides `Explorer`'s; `controls`: "split", "index", "preset", "relu" and the weights "w00" .. "w22"):
        photos       {"train": (images, labels), "test": (...)}: loaded once (None if the photos are missing)
        image        the photo drawn last, (64, 64, 3) uint8; label: its label (1 = cat)
        kernel       the kernel drawn last, (3, 3)
        feature_map  the feature map drawn last, (64, 64); pooled_map: the pooled map, (32, 32)
    """

    def __init__(self, preset: str = "vertical edges", split: str = "train", index: int = 19, relu: bool = True,
                 debounce: float | None = 0.1, photos: dict | None = None):
        if preset not in KERNEL_PRESETS:
            raise ValueError(f"preset: expected one of {list(KERNEL_PRESETS)}, got {preset!r}")
        error = None
        try:
            photos = load_filter_photos() if photos is None else photos
            pick_photo(photos, split, index)
        except FileNotFoundError as missing:
            photos, error = None, missing
        count = len(photos[split][0]) if photos else 1
        controls = {"split": dropdown("photos", [(label, name) for name, label in SPLITS.items()], split),
                    "index": int_slider("photo number", index if photos else 0, 0, count - 1, continuous=True),
                    "preset": dropdown("kernel preset", [*KERNEL_PRESETS, CUSTOM], preset),
                    "relu": widgets.Checkbox(value=relu, description="ReLU before pooling", style=SLIDER_STYLE)}
        weights = {f"w{i}{j}": _weight_slider(i, j, KERNEL_PRESETS[preset][i, j]) for i in range(3) for j in range(3)}
        controls.update(weights)
        grid = widgets.GridBox(list(weights.values()),
                               layout=widgets.Layout(grid_template_columns="repeat(3, 254px)"))
        figure, status = widgets.Output(), widgets.HTML()
        header = title("Filters: convolution and pooling on a photo",
                       "Choose a photo and a kernel (a preset, or its nine weights W[i,j]): the feature map is "
                       "the course's conv_forward (stride 1, pad 1: 'same' size), the pooled map its "
                       "pool_forward (2 × 2 max, stride 2), after ReLU as in a CNN layer.")
        left = widgets.VBox([controls[name] for name in ("split", "index", "preset", "relu")])
        kernel_box = widgets.VBox([widgets.HTML("<b>kernel W</b> (3 × 3; W[0,0] is the top-left weight)"), grid])
        row = widgets.HBox([left, kernel_box], layout=widgets.Layout(flex_flow="row wrap"))  # narrow: one below
        super().__init__("filter", [header, row, figure, status], controls, figure, status)
        self.photos = photos
        self.image: np.ndarray | None = None
        self.label: int | None = None
        self.kernel: np.ndarray | None = None
        self.feature_map: np.ndarray | None = None
        self.pooled_map: np.ndarray | None = None
        self._applying = False  # True while a preset sets the sliders: their nine changes redraw once
        if photos is None:
            self.fail("Could not load the catvnoncat photos", error)
            return
        self._wire(weights, debounce)

    def _wire(self, weights: dict, debounce: float | None) -> None:
        """Draw once now, then redraw (debounced) after every change; a preset sets the sliders, a slider the preset."""
        self.controls["split"].observe(self._on_split, names="value")  # first: the photo number fits the new set
        self.debouncer = Debouncer(self.redraw, wait=debounce, on_error=self.report_error)
        self.redraw()
        for name, control in self.controls.items():
            if name != "preset":
                control.observe(self._request_redraw, names="value")
        self.controls["preset"].observe(self._on_preset, names="value")
        for slider in weights.values():
            slider.observe(self._on_weight, names="value")

    def current_kernel(self) -> np.ndarray:
        """The kernel the nine sliders hold, (3, 3)."""
        return np.array([[self.controls[f"w{i}{j}"].value for j in range(3)] for i in range(3)])

    def _on_split(self, change) -> None:
        self.controls["index"].max = len(self.photos[change["new"]][0]) - 1  # clamps the photo number

    def _request_redraw(self, _change) -> None:
        if not self._applying:  # a preset setting the nine sliders asks for one redraw, not nine
            self.debouncer()

    def _on_preset(self, change) -> None:
        if self._applying or change["new"] == CUSTOM:
            return
        self._applying = True
        try:
            for (i, j), value in np.ndenumerate(KERNEL_PRESETS[change["new"]]):
                self.controls[f"w{i}{j}"].value = float(value)
        finally:
            self._applying = False
        self.debouncer()

    def _on_weight(self, _change) -> None:
        if self._applying:
            return
        self._applying = True  # naming the preset the weights now equal does not set them again
        try:
            self.controls["preset"].value = matching_preset(self.current_kernel())
        finally:
            self._applying = False

    def redraw(self) -> None:
        """Compute the maps of the chosen photo and kernel (`filter_maps`) and draw them."""
        v = self.values()
        image, label = pick_photo(self.photos, v["split"], v["index"])
        kernel = self.current_kernel()
        feature, pooled = filter_maps(image, kernel, v["relu"])
        name = f"{v['split']} photo {v['index']} ({'cat' if label == 1 else 'non-cat'})"
        self.show(self.draw(to_grey(image), feature, pooled, name, v["relu"]), crop=False)
        self.image, self.label, self.kernel, self.feature_map, self.pooled_map = image, label, kernel, feature, pooled
        self.error = None
        self.runs += 1
        pool = "relu(Z)" if v["relu"] else "Z"
        self.status.value = html_message(
            f"{escape(name)}: Z = conv_forward(A {(1, *feature.shape, 1)}, W (3, 3, 1, 1), b = 0, "
            f"{CONV_HPARAMETERS}) → {(1, *feature.shape, 1)}, from {feature.min():.2f} to {feature.max():.2f}; "
            f"pool_forward({pool}, {POOL_HPARAMETERS}, 'max') → {(1, *pooled.shape, 1)}, from "
            f"{pooled.min():.2f} to {pooled.max():.2f}.", "ok")

    @staticmethod
    def draw(grey, feature, pooled, name: str, relu: bool) -> Figure:
        """The grey photo, the feature map and the pooled map, the two maps on one red / blue scale around 0.

        The scale's limit is the largest |Z| inside the border: on the border the zero padding makes the photo's
        own edge look like an edge (a bright border next to the zeros), which may be brighter still (saturated).
        """
        fig = Figure(figsize=(11, 3.5))
        inside = feature[1:-1, 1:-1] if min(feature.shape) > 2 else feature  # the zero padding's border may saturate
        limit = float(np.abs(inside).max()) or float(np.abs(feature).max()) or 1.0
        panels = [(grey, f"{name}, in grey", {"cmap": "gray", "vmin": 0, "vmax": 1}),
                  (feature, f"feature map Z {feature.shape[0]}×{feature.shape[1]}",
                   {"cmap": "RdBu_r", "vmin": -limit, "vmax": limit}),
                  (pooled, f"{'relu, then ' if relu else ''}2×2 max-pool {pooled.shape[0]}×{pooled.shape[1]}",
                   {"cmap": "RdBu_r", "vmin": -limit, "vmax": limit})]
        side_x, side_y = 2.8 / 11, 2.8 / 3.5  # square panels of 2.8 inches, laid out by hand (no tight layout pass)
        for k, (values, heading, style) in enumerate(panels):
            ax = fig.add_axes((0.01 + k * 0.32, 0.03, side_x, side_y))
            shown = ax.imshow(values, interpolation="nearest", **style)
            ax.set_title(heading, fontsize=10)
            ax.set_xticks([])
            ax.set_yticks([])
            if k:
                fig.colorbar(shown, cax=fig.add_axes((0.02 + k * 0.32 + side_x, 0.03, 0.012, side_y)))
        return fig


def filter_explorer(preset: str = "vertical edges", split: str = "train", index: int = 19, relu: bool = True,
                    debounce: float | None = 0.1, photos: dict | None = None) -> FilterExplorer:
    """A `FilterExplorer` (a 3 x 3 kernel on a cat photo: feature map and pooled map), already drawn."""
    return FilterExplorer(preset, split, index, relu, debounce, photos)
