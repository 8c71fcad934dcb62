"""Figures that explain, drawn by the project's own code (not pasted pictures).

`python -m explanations_utils` redraws every figure into this folder.
"""

from .architecture import draw_architecture, save_all_figures

__all__ = ["draw_architecture", "save_all_figures"]
