"""``python -m utils COMMAND [ARGS ...]``: train, compare, predict, download (see `utils.commands`)."""

import sys

from .commands import main

if __name__ == "__main__":
    sys.exit(main())
