"""Project-wide pytest configuration.

`utils/` is imported from the project root, so tests and notebooks import it
the same way a learner's notebook does.
"""
import os
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
