"""``python -m utils.datasets download | verify | list | make-split`` (see `utils.datasets.command`)."""

import sys

from .command import main

if __name__ == "__main__":
    sys.exit(main())
