"""Turning photos into the matrices a network reads.

A colour photo of size H x W is an array of shape (H, W, 3) with values 0..255
(a grey picture, such as a handwritten digit, is (H, W)). A fully-connected
network reads one *column* per example, so a batch of m pictures becomes a
matrix X of shape (n_x, m) with n_x = H * W * 3 (or H * W for grey ones).

Every function here is the single place that step is done: the data loaders,
the notebooks, `predict_images` and the command line all call these, so a
photo is prepared the same way at training time and at prediction time.

The preprocessing applied to a data set is described by a small dict, stored
next to the trained parameters (see `utils.persistence`)::

    {"image_size": 64, "scaling": "unit"}                       # X / 255
    {"image_size": 28, "scaling": "unit", "channels": 1}        # grey pictures
    {"image_size": 64, "scaling": "standardize",
     "mean": <(n_x, 1) array>, "std": <(n_x, 1) array>}          # (X/255 - mean) / std
"""

from __future__ import annotations

import numpy as np
from PIL import Image

SCALINGS = ("unit", "standardize")


def to_rgb(image: Image.Image) -> Image.Image:
    """Return `image` in RGB mode.

    Palette ("P"), grayscale ("L"), RGBA and other modes are converted.
    Transparent pixels are composited on a white background, as a viewer shows them.
    """
    if image.mode == "RGB":
        return image
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def resize_image(image: Image.Image, image_size: int) -> np.ndarray:
    """Convert a Pillow image to RGB and resize it to (image_size, image_size, 3) uint8.

    The whole photo is kept (it is squashed, not cropped), with Pillow's
    antialiasing (Lanczos) filter so small thumbnails do not alias.
    """
    _check_image_size(image_size)
    image = to_rgb(image)
    if image.size != (image_size, image_size):
        image = image.resize((image_size, image_size), Image.Resampling.LANCZOS)
    return np.asarray(image, dtype=np.uint8)


def resize_images(images: np.ndarray, image_size: int) -> np.ndarray:
    """Resize a batch (m, H, W, 3) or grey (m, H, W) uint8 to image_size x image_size."""
    images = check_images(images)
    _check_image_size(image_size)
    if images.shape[1:3] == (image_size, image_size):
        return images
    if images.ndim == 3:  # grey: keep one channel
        size = (image_size, image_size)
        return np.stack([np.asarray(Image.fromarray(img).resize(size, Image.Resampling.LANCZOS)) for img in images])
    return np.stack([resize_image(Image.fromarray(img), image_size) for img in images])


def images_to_matrix(images: np.ndarray, dtype=np.float32) -> np.ndarray:
    """Flatten (m, H, W, 3) uint8 photos (or grey (m, H, W)) to X of shape (n_x, m), scaled to [0, 1].

    Column j of X is photo j, read row by row: X[:, j] = images[j].reshape(-1) / 255.
    """
    images = check_images(images)
    m = images.shape[0]
    return (images.reshape(m, -1).T / 255.0).astype(dtype)


def fit_standardizer(X_train: np.ndarray, eps: float = 1e-8) -> dict:
    """Per-feature mean and standard deviation of the *training* matrix (n_x, m).

    Returns {"mean": (n_x, 1), "std": (n_x, 1)}. Only the training split may be
    used here: statistics of validation or test photos would leak information
    about them into the model.
    """
    X_train = np.asarray(X_train)
    if X_train.ndim != 2 or X_train.shape[1] == 0:
        raise ValueError(
            f"X_train: expected a 2-D matrix (n_x, m) with m >= 1, got shape {X_train.shape}"
        )
    mean = X_train.mean(axis=1, keepdims=True)
    std = X_train.std(axis=1, keepdims=True) + eps
    return {"mean": mean.astype(X_train.dtype), "std": std.astype(X_train.dtype)}


def standardize(X: np.ndarray, stats: dict) -> np.ndarray:
    """(X - mean) / std with statistics from `fit_standardizer` on the training split."""
    mean, std = np.asarray(stats["mean"]), np.asarray(stats["std"])
    if mean.shape != (X.shape[0], 1) or std.shape != (X.shape[0], 1):
        raise ValueError(
            f"stats: expected mean and std of shape ({X.shape[0]}, 1) to match X {X.shape}, "
            f"got mean {mean.shape} and std {std.shape}"
        )
    return ((X - mean) / std).astype(X.dtype)


def preprocess_images(images: np.ndarray, preprocessing: dict, dtype=np.float32) -> np.ndarray:
    """Apply a recorded preprocessing to raw (m, H, W, 3) uint8 photos; return X (n_x, m).

    With `preprocessing["channels"] == 1` the pictures must be grey, (m, H, W).
    Steps: resize to `preprocessing["image_size"]`, flatten and divide by 255,
    then standardise with the stored training mean / std if
    `preprocessing["scaling"] == "standardize"`.
    """
    if "image_size" not in preprocessing:
        raise ValueError(f"preprocessing: expected an 'image_size' entry, got keys {sorted(preprocessing)}")
    scaling = preprocessing.get("scaling", "unit")
    if scaling not in SCALINGS:
        raise ValueError(f"preprocessing['scaling']: expected one of {SCALINGS}, got {scaling!r}")
    channels = int(preprocessing.get("channels", 3))
    images = check_images(images)
    if channels not in (1, 3):
        raise ValueError(f"preprocessing['channels']: expected 1 (grey) or 3 (RGB), got {channels}")
    if (images.ndim == 3) != (channels == 1):
        found = "grey (m, H, W)" if images.ndim == 3 else "colour (m, H, W, 3)"
        raise ValueError(f"images: these parameters were trained on {'grey' if channels == 1 else 'colour'} "
                         f"pictures (channels = {channels}), got {found} pictures of shape {images.shape}")
    X = images_to_matrix(resize_images(images, int(preprocessing["image_size"])), dtype=dtype)
    if scaling == "standardize":
        X = standardize(X, preprocessing)
    return X


#: The eight one-pixel moves (rows down, columns right) used to augment the digits of chapter 5.
ONE_PIXEL_SHIFTS = ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


def shift_images(images: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Every picture of `images` (m, H, W[, 3]) moved dy rows down and dx columns right.

    Pixels moved in from outside the picture are 0 (background); nothing wraps around.
    """
    images = np.asarray(images)
    H, W = images.shape[1:3]
    if abs(dy) >= H or abs(dx) >= W:
        raise ValueError(f"dy, dx: expected a shift smaller than the pictures ({H} x {W}), got ({dy}, {dx})")
    out = np.zeros_like(images)
    out[:, max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \
        images[:, max(-dy, 0):H + min(-dy, 0), max(-dx, 0):W + min(-dx, 0)]
    return out


def augment_with_shifts(images: np.ndarray, labels: np.ndarray, shifts=ONE_PIXEL_SHIFTS):
    """The pictures followed by one shifted copy of all of them per (dy, dx) in `shifts`; labels repeated.

    images (m, H, W[, 3]) -> ((1 + len(shifts)) * m, H, W[, 3]); labels (m,) -> ((1 + len(shifts)) * m,).
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if labels.shape != (images.shape[0],):
        raise ValueError(f"labels: expected shape ({images.shape[0]},), one per picture, got {labels.shape}")
    shifted = [shift_images(images, dy, dx) for dy, dx in shifts]
    return np.concatenate([images, *shifted]), np.tile(labels, len(shifts) + 1)


def mirror_images(images: np.ndarray) -> np.ndarray:
    """Every photo of `images` (m, H, W[, 3]) flipped left to right (a mirror image)."""
    return np.asarray(images)[:, :, ::-1]


def check_images(images) -> np.ndarray:
    """Validate a batch: uint8 of shape (m, H, W, 3) (colour) or (m, H, W) (grey), with m >= 1."""
    images = np.asarray(images)
    if images.ndim == 3 and images.shape[-1] == 3:
        raise ValueError(
            f"images: expected a batch of shape (m, H, W, 3), got one image of shape {images.shape}; "
            "wrap it as images[None] or np.stack([image])"
        )
    if not (images.ndim == 3 or (images.ndim == 4 and images.shape[-1] == 3)):
        raise ValueError(f"images: expected shape (m, H, W, 3) for colour or (m, H, W) for grey, got {images.shape}")
    if images.shape[0] == 0:
        raise ValueError("images: expected at least one image, got an empty batch (m = 0)")
    if images.dtype != np.uint8:
        raise ValueError(
            f"images: expected dtype uint8 (values 0..255), got {images.dtype}; "
            "pass the raw photos, not already-scaled floats"
        )
    return images


def _check_image_size(image_size) -> None:
    if not isinstance(image_size, (int, np.integer)) or image_size < 1:
        raise ValueError(f"image_size: expected a positive integer number of pixels, got {image_size!r}")
