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

from .checks import (check_X, check_arguments, check_choice, check_dtype, check_image_size, check_images,
                     check_number, check_real_array, got)
from .rounding import nudged_result

SCALINGS = ("unit", "standardize")


def to_rgb(image: Image.Image) -> Image.Image:
    """Return `image` in RGB mode.

    Palette ("P"), grayscale ("L"), RGBA and other modes are converted.
    Transparent pixels are composited on a white background, as a viewer shows them.
    """
    if not isinstance(image, Image.Image):
        raise ValueError(f"image: expected a Pillow image (PIL.Image.Image), got {got(image)}")
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


# Where X is born: with ROUNDING_NUDGE=1 or -1 it comes out one ulp off (utils.rounding), to test that no printed
# figure rests on the last bit. Wrapped here, not in the body, so that the notebooks' show_source still
# shows the course's function; without the variable the wrapper returns X untouched.
images_to_matrix = nudged_result(images_to_matrix)


def fit_standardizer(X_train: np.ndarray, eps: float = 1e-8) -> dict:
    """Per-feature mean and standard deviation of the *training* matrix (n_x, m).

    Returns {"mean": (n_x, 1), "std": (n_x, 1)}. Only the training split may be
    used here: statistics of validation or test photos would leak information
    about them into the model.
    """
    X_train = check_training_matrix(X_train, eps)
    mean = X_train.mean(axis=1, keepdims=True)
    std = X_train.std(axis=1, keepdims=True) + eps
    return {"mean": mean.astype(X_train.dtype), "std": std.astype(X_train.dtype)}


def standardize(X: np.ndarray, stats: dict) -> np.ndarray:
    """(X - mean) / std with statistics from `fit_standardizer` on the training split."""
    X, mean, std = check_standardize_arguments(X, stats)
    return ((X - mean) / std).astype(X.dtype)


def preprocess_images(images: np.ndarray, preprocessing: dict, dtype=np.float32) -> np.ndarray:
    """Apply a recorded preprocessing to raw (m, H, W, 3) uint8 photos; return X (n_x, m).

    With `preprocessing["channels"] == 1` the pictures must be grey, (m, H, W).
    Steps: resize to `preprocessing["image_size"]`, flatten and divide by 255,
    then standardise with the stored training mean / std if
    `preprocessing["scaling"] == "standardize"`.
    """
    images, image_size, scaling = check_recipe(images, preprocessing, dtype)
    X = images_to_matrix(resize_images(images, image_size), dtype=dtype)
    if scaling == "standardize":
        X = standardize(X, preprocessing)
    return X


def fit_preprocessing(train_images: np.ndarray, image_size: int, scaling: str = "unit") -> dict:
    """The preprocessing dict for photos of `image_size`, fitted on the *training* photos only.

    {"image_size", "scaling"} (and "channels": 1 for grey pictures) plus, with
    scaling="standardize", the mean and std of `fit_standardizer` on the training
    photos (resized to image_size). Apply it to every split with
    `preprocess_images`, and store it with the parameters.
    """
    train_images = check_images(train_images)
    check_choice(scaling, SCALINGS, "scaling")
    _check_image_size(image_size)
    preprocessing = {"image_size": int(image_size), "scaling": scaling}
    if train_images.ndim == 3:
        preprocessing["channels"] = 1
    if scaling == "standardize":
        preprocessing.update(fit_standardizer(images_to_matrix(resize_images(train_images, image_size))))
    return preprocessing


#: The eight one-pixel moves (rows down, columns right) used to augment the digits of chapter 5.
ONE_PIXEL_SHIFTS = ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


def shift_images(images: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Every picture of `images` (m, H, W[, 3]) moved dy rows down and dx columns right.

    Pixels moved in from outside the picture are 0 (background); nothing wraps around.
    """
    images = check_batch(images)
    check_number(dy, "dy", "an integer number of rows", integer=True)
    check_number(dx, "dx", "an integer number of columns", integer=True)
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
    images, labels = check_batch(images), np.asarray(labels)
    if not isinstance(shifts, (list, tuple)) or not all(isinstance(s, (list, tuple)) and len(s) == 2 for s in shifts):
        raise ValueError(f"shifts: expected a list of (dy, dx) pairs, got {got(shifts)}")
    if labels.shape != (images.shape[0],):
        raise ValueError(f"labels: expected shape ({images.shape[0]},), one per picture, got {labels.shape}")
    shifted = [shift_images(images, dy, dx) for dy, dx in shifts]
    return np.concatenate([images, *shifted]), np.tile(labels, len(shifts) + 1)


def mirror_images(images: np.ndarray) -> np.ndarray:
    """Every photo of `images` (m, H, W[, 3]) flipped left to right (a mirror image)."""
    return check_batch(images)[:, :, ::-1]


def check_batch(images):
    """A batch of pictures (m, H, W) or (m, H, W, C) of real numbers, m >= 1 (any dtype: shifts and mirrors)."""
    images = check_real_array(images, "images")
    if images.ndim not in (3, 4) or images.shape[0] == 0:
        raise ValueError(f"images: expected a batch (m, H, W) or (m, H, W, 3) with m >= 1, got shape {images.shape}")
    return images


def check_training_matrix(X_train, eps):
    """`fit_standardizer`'s arguments: X_train a finite 2-D matrix (n_x, m), m >= 1; eps > 0."""
    check_arguments(eps=eps)
    if np.ndim(X_train) != 2 or np.shape(X_train)[1] == 0:
        raise ValueError(f"X_train: expected a 2-D matrix (n_x, m) with m >= 1, got shape {np.shape(X_train)}")
    return check_X(X_train, name="X_train")


def check_standardize_arguments(X, stats):
    """`standardize`'s arguments -> (X, mean, std): X finite (n_x, m), stats a dict of mean and std, std > 0."""
    X = check_X(X)
    if not isinstance(stats, dict) or "mean" not in stats or "std" not in stats:
        raise ValueError(f"stats: expected a dict with 'mean' and 'std' (from fit_standardizer), got {got(stats)}")
    mean, std = check_real_array(stats["mean"], "stats['mean']"), check_real_array(stats["std"], "stats['std']")
    if mean.shape != (X.shape[0], 1) or std.shape != (X.shape[0], 1):
        raise ValueError(f"stats: expected mean and std of shape ({X.shape[0]}, 1) to match X {X.shape}, "
                         f"got mean {mean.shape} and std {std.shape}")
    if not (np.isfinite(mean).all() and np.isfinite(std).all() and (std > 0).all()):
        raise ValueError("stats: expected a finite mean and a positive finite std (from fit_standardizer), "
                         "got NaN, inf or std <= 0")
    return X, mean, std


def check_recipe(images, preprocessing, dtype):
    """`preprocess_images`'s arguments -> (images, image_size, scaling), the pictures matching the recipe."""
    check_dtype(dtype)
    if not isinstance(preprocessing, dict):
        raise ValueError(f"preprocessing: expected a dict such as {{'image_size': 64, 'scaling': 'unit'}}, "
                         f"got {got(preprocessing)}")
    if "image_size" not in preprocessing:
        raise ValueError(f"preprocessing: expected an 'image_size' entry, got keys {sorted(preprocessing)}")
    image_size = check_image_size(preprocessing["image_size"])
    scaling = check_choice(preprocessing.get("scaling", "unit"), SCALINGS, "preprocessing['scaling']")
    channels = preprocessing.get("channels", 3)
    images = check_images(images)
    if isinstance(channels, bool) or channels not in (1, 3):
        raise ValueError(f"preprocessing['channels']: expected 1 (grey) or 3 (RGB), got {got(channels)}")
    if (images.ndim == 3) != (channels == 1):
        found = "grey (m, H, W)" if images.ndim == 3 else "colour (m, H, W, 3)"
        raise ValueError(f"images: these parameters were trained on {'grey' if channels == 1 else 'colour'} "
                         f"pictures (channels = {channels}), got {found} pictures of shape {images.shape}")
    return images, image_size, scaling


def _check_image_size(image_size) -> None:
    check_image_size(image_size)
