"""Old name of ``python -m utils compare`` (now `utils.commands.compare`), kept for a while.

``python -m utils.compare ARGS`` prints a note on stderr, then runs ``python -m utils compare ARGS``
(same output, same exit status). The old name will be removed in a later version.

Run it only with ``-m``; nothing in the library or the tests imports it. Importing it
(``import utils.compare``) would bind the name ``utils.compare`` to this module.
So it is as small as possible and does nothing unless run as ``__main__``.
"""

if __name__ == "__main__":
    from utils.commands import run_old_name

    run_old_name("compare")
