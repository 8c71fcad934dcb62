"""Draw a fully-connected network [n_x, n_1, ..., n_L] with the course's notation.

Each layer is a column of circles. Layers wider than `max_drawn` units are
drawn with their first and last units and a vertical ellipsis, labelled with
their true size, so [12288, 20, 7, 5, 1] fits on one page. Under each layer
the figure names what lives there: A[0] = X for the input, then
W[l], b[l] -> Z[l] -> A[l] = g[l](Z[l]) for every other layer.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

HERE = Path(__file__).resolve().parent


def _drawn_units(n: int, max_drawn: int) -> list[int | None]:
    """Indices of the units drawn for a layer of n units; None marks the ellipsis."""
    if n <= max_drawn:
        return list(range(n))
    head = (max_drawn - 1) // 2
    tail = max_drawn - 1 - head
    return list(range(head)) + [None] + list(range(n - tail, n))


def draw_architecture(layer_dims, activations=None, max_drawn: int = 9, ax=None):
    """Draw the network `layer_dims` = [n_x, n_1, ..., n_L]; return the matplotlib Axes.

    `activations` names g[l] for l = 1..L (default: ReLU hidden, sigmoid output).
    """
    layer_dims = [int(n) for n in layer_dims]
    if len(layer_dims) < 2 or min(layer_dims) < 1:
        raise ValueError(f"layer_dims: expected at least two positive sizes [n_x, ..., n_L], got {layer_dims}")
    L = len(layer_dims) - 1
    if activations is None:
        activations = ["ReLU"] * (L - 1) + ["sigmoid"]
    if len(activations) != L:
        raise ValueError(f"activations: expected {L} names (one per layer l = 1..{L}), got {len(activations)}")

    gap = 3.0  # horizontal distance between layers, in unit spacings
    half = (max(len(_drawn_units(n, max_drawn)) for n in layer_dims) - 1) / 2
    if ax is None:
        _, ax = plt.subplots(figsize=(2.6 * (L + 1), 6.0))
    positions = []
    for l, n in enumerate(layer_dims):
        x = gap * l
        units = _drawn_units(n, max_drawn)
        ys = [(len(units) - 1) / 2 - i for i in range(len(units))]
        positions.append([(x, y) for u, y in zip(units, ys) if u is not None])
        colour = "#9ecae1" if l == 0 else ("#fdae6b" if l == L else "#a1d99b")
        for u, y in zip(units, ys):
            if u is None:
                ax.text(x, y, "⋮", ha="center", va="center", fontsize=18)
            else:
                ax.add_patch(plt.Circle((x, y), 0.3, facecolor=colour, edgecolor="black", zorder=3))
        name = "input" if l == 0 else ("output" if l == L else f"hidden {l}")
        ax.text(x, half + 0.8, f"{name}\n$n^{{[{l}]}} = {n}$", ha="center", va="bottom", fontsize=10)
        if l == 0:
            caption = f"$A^{{[0]}} = X$\n({n}, m)"
        else:
            caption = (f"$W^{{[{l}]}}$: ({n}, {layer_dims[l - 1]})\n$b^{{[{l}]}}$: ({n}, 1)\n"
                       f"$g^{{[{l}]}}$ = {activations[l - 1]}")
        ax.text(x, -half - 0.8, caption, ha="center", va="top", fontsize=9)
    for left, right in zip(positions[:-1], positions[1:]):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0, x1], [y0, y1], color="grey", lw=0.4, alpha=0.6, zorder=1)
    ax.text(gap * L / 2, -half - 3.4,
            r"every layer $l$: $Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}$,  $A^{[l]} = g^{[l]}(Z^{[l]})$,  "
            r"output $\hat{Y} = A^{[L]}$", ha="center", va="top", fontsize=10)
    ax.set_xlim(-1.5, gap * L + 1.5)
    ax.set_ylim(-half - 4.4, half + 2.4)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"A {L}-layer network: layer_dims = {layer_dims}", fontsize=12)
    return ax


def save_all_figures(folder: str | Path = HERE) -> list[Path]:
    """Redraw the explanation figures into `folder`; return the paths written."""
    folder = Path(folder)
    written = []
    for name, dims in [("architecture_4_layer.png", [12288, 20, 7, 5, 1]),
                       ("architecture_2_layer.png", [12288, 7, 1])]:
        ax = draw_architecture(dims)
        path = folder / name
        ax.figure.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(ax.figure)
        written.append(path)
    return written
