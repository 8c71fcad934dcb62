"""Redraw every explanation figure: python -m explanations_utils"""
from .architecture import save_all_figures

for path in save_all_figures():
    print(f"wrote {path.name}")
