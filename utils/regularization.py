"""Regularisation: the L2 penalty and inverted dropout, forward and backward.

L2:      J_reg = J + lambd / (2m) * sum_l ||W_l||_F^2,   dW_l += lambd / m * W_l
Dropout: A_l <- A_l * D_l / keep_prob with D_l ~ Bernoulli(keep_prob), (n_l, m);
         dA_l <- dA_l * D_l / keep_prob in the backward pass (same mask).
Dividing by keep_prob ("inverted" dropout) keeps E[A_l] unchanged, so nothing
changes at test time: prediction simply runs without dropout.
"""

from __future__ import annotations

import numpy as np

from .checks import check_keep_prob  # noqa: F401  (re-exported)
from .costs import l2_cost  # noqa: F401  (re-exported: the cost half of L2)


def l2_gradient(W, lambd, m):
    """The L2 term of dJ/dW: lambd / m * W (same shape as W)."""
    return (lambd / m) * W


def dropout_mask(shape, keep_prob, rng):
    """Boolean mask D of `shape`, each entry True with probability keep_prob.

    `rng` is an np.random.Generator or an int seed.
    """
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    return rng.random(shape, dtype=np.float32) < keep_prob


def dropout_forward(A, keep_prob, rng=0, mask=None):
    """Inverted dropout: return (A * D / keep_prob, D).

    A: (n_l, m). Pass `mask` (a fixed boolean (n_l, m) array) to reuse a mask,
    e.g. for gradient checking; otherwise D is drawn from `rng`.
    """
    if mask is None:
        mask = dropout_mask(A.shape, keep_prob, rng)
    elif mask.shape != A.shape:
        raise ValueError(f"mask: expected shape {A.shape} to match the activations, got {mask.shape}")
    return A * (mask / np.asarray(keep_prob, dtype=A.dtype)), mask


def dropout_backward(dA, mask, keep_prob):
    """dA * D / keep_prob: gradients flow only through the units kept in the forward pass."""
    return dA * (mask / np.asarray(keep_prob, dtype=dA.dtype))
