"""The photo explorer: upload a photo and see the cat probability a saved network gives it.

Names shown in the widget -- the uploaded file's name, the saved networks' file
names, error messages quoting them or a file's metadata -- go through
`utils.text.printable` (control characters, newlines, bidi overrides,
surrogates as backslash escapes) and, in HTML, `common.escape`.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import numpy as np

from ..deep import labels_from_probabilities
from ..images import decode_image
from ..persistence import load_parameters, predict_images
from ..text import printable
from .common import (PARAMETERS_DIR, Explorer, display_path, dropdown, escape, html_message, labelled, png_thumbnail,
                     title)


def cat_models(folder: Path) -> list[str]:
    """Names of the .npz files in `folder` that hold a one-output (cat probability) image classifier."""
    names = []
    for path in sorted(Path(folder).glob("*.npz")):
        try:
            _, metadata = load_parameters(path)
        except (ValueError, OSError):
            continue
        if metadata.get("layer_dims", [0])[-1] == 1 and "preprocessing" in metadata:
            names.append(path.name)
    return names


class PhotoExplorer(Explorer):
    """Upload a photo and see the cat probability of a saved network.

    The dropdown lists the cat classifiers saved in `parameters_dir` (default
    parameters_saved/) with `save_parameters`; the photo is decoded by
    `images.decode_image`, the decoder of `images.load_image` (any format
    Pillow reads, phone orientation applied, 16-bit pictures scaled, at most
    `images.MAX_PIXELS`), and classified with `persistence.predict_images`,
    which applies the preprocessing recorded in the file. A file that is not
    a readable image, or is too large, gives a message in the widget, not a
    traceback.

    Members (besides `Explorer`'s; `controls` = {"model": the dropdown, "upload": the upload button}):
        folder       where the saved networks are listed from
        image_size   the largest side of the picture shown, in pixels
        picture      the `ipywidgets.Image` showing the photo
        verdict      the HTML with P(cat) and the verdict
        probability  the last photo's P(cat) (None before one, or after a failure)
    """

    def __init__(self, parameters_dir=None, model: str | None = None, image_size: int = 256):
        folder = Path(parameters_dir) if parameters_dir is not None else PARAMETERS_DIR
        names = cat_models(folder)
        if model is not None and model not in names:
            raise ValueError(f"model: expected one of the cat classifiers in {display_path(folder)} "
                             f"({printable(names)}), got '{printable(model)}'")
        chooser = dropdown("saved network", labelled(names), model or (names[0] if names else None))
        refresh = widgets.Button(description="Refresh list", icon="refresh")
        upload = widgets.FileUpload(accept="image/*", multiple=False, description="Upload a photo")
        picture = widgets.Image(format="png", layout=widgets.Layout(max_width="256px", max_height="256px"))
        verdict, status = widgets.HTML(), widgets.HTML()
        header = title("Try your own photo",
                       "Upload a photo (JPEG, PNG, …): the saved network says how likely it is a cat.")
        super().__init__("photo", [header, widgets.HBox([chooser, refresh]), upload, widgets.HBox([picture, verdict]),
                                   status], {"model": chooser, "upload": upload}, widgets.Output(), status)
        self.folder, self.image_size, self.picture, self.verdict = folder, image_size, picture, verdict
        self.probability: float | None = None
        self._last: tuple[str, bytes] | None = None  # the last upload (name, content): reclassified on a new model
        upload.observe(self._on_upload, names="value")
        chooser.observe(self._on_model, names="value")
        refresh.on_click(self.refresh)
        if names:
            status.value = html_message(f"{len(names)} saved network(s) found. Upload a photo.")
        else:
            self._no_model_message()

    def classify(self, name: str, content: bytes) -> float | None:
        """Show `content` (the bytes of an uploaded file) and its cat probability; None on failure.

        Any file that does not decode -- whatever Pillow raised -- gives one line in the status.
        """
        self.probability = None
        self._last = (name, content)
        chosen = self.controls["model"].value
        if not chosen:
            self._no_model_message()
            return None
        try:
            image = decode_image(content, name=name)  # the decoder of utils.images.load_image
        except ValueError as error:
            self._unreadable(name, error)
            return None
        try:
            parameters, metadata = load_parameters(self.folder / chosen)
            probability = float(np.asarray(predict_images(image[None], parameters, metadata)).ravel()[0])
        except (ValueError, OSError) as error:
            self.status.value = html_message(f"Could not use {escape(chosen)}: {escape(error)}", "error")
            self.error = printable(error)
            return None
        self._show_result(name, image, probability, chosen, metadata)
        return probability

    def refresh(self, _button=None) -> None:
        """List the saved networks again (after a Save in the cats explorer)."""
        chooser = self.controls["model"]
        current = chooser.value
        names = cat_models(self.folder)
        chooser.options = labelled(names)
        if current in names:
            chooser.value = current
        if not chooser.options:
            self._no_model_message()
        else:
            self.status.value = html_message(f"{len(chooser.options)} saved network(s) found. Upload a photo.")

    def _show_result(self, name: str, image, probability: float, chosen: str, metadata: dict) -> None:
        self.picture.value = png_thumbnail(image, self.image_size)
        is_cat = bool(labels_from_probabilities(np.array([[probability]]))[0, 0])
        label = "cat" if is_cat else "not a cat"
        colour = "#1b7a1b" if is_cat else "#444"
        self.verdict.value = (f"<div style='padding:1em;font-size:1.3em'>P(cat) = <b>{probability:.3f}</b><br>"
                              f"<span style='color:{colour}'>→ {label}</span></div>")
        size = metadata.get("preprocessing", {}).get("image_size", "?")
        self.status.value = html_message(
            f"{escape(name)}: {image.shape[1]}×{image.shape[0]} pixels, resized to {size}×{size} for "
            f"{escape(chosen)} (layers {metadata.get('layer_dims')}).", "ok")
        self.error = None
        self.probability = probability
        self.runs += 1

    def _unreadable(self, name: str, error: ValueError) -> None:
        reason = printable(error).removeprefix(f"{printable(name)}: ")
        if reason.startswith("not a readable image"):
            reason = ("it is not a photo Pillow can open (corrupt, truncated or another kind of file). "
                      "Try a JPEG or PNG.")
        self.picture.value = b""
        self.verdict.value = ""
        self.status.value = html_message(f"Could not read {escape(name)} as an image: {escape(reason)}", "error")
        self.error = "unreadable image"

    def _no_model_message(self) -> None:
        self.status.value = html_message(
            f"No saved cat classifier in {escape(display_path(self.folder))}/ yet: train one in the cats explorer "
            "and press Save (or run the notebook that saves one).", "error")

    def _on_upload(self, change) -> None:
        files = change["new"]
        if files:
            item = files[0]
            self.classify(item.get("name", "photo"), bytes(item["content"]))

    def _on_model(self, _change) -> None:
        if self._last is not None:
            self.classify(*self._last)


def photo_explorer(parameters_dir=None, model: str | None = None, image_size: int = 256) -> PhotoExplorer:
    """A `PhotoExplorer` (upload a photo, see P(cat)) over the cat classifiers saved in `parameters_dir`."""
    return PhotoExplorer(parameters_dir, model, image_size)
