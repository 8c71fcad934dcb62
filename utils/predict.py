"""Old name of ``python -m utils predict`` (now `utils.commands.predict`), kept for a while.

``python -m utils.predict ARGS`` prints a note on stderr, then runs ``python -m utils predict ARGS``
(same output, same exit status). The old name will be removed in a later version.

Run it only with ``-m``; nothing in the library or the tests imports it. Importing it
(``import utils.predict``) would bind the name ``utils.predict`` to this module, hiding
the course's function ``utils.predict`` (`utils.deep.predict`) for the whole program:
the reason the commands moved. So it is as small as possible and does nothing unless
run as ``__main__``.
"""

if __name__ == "__main__":
    from utils.commands import run_old_name

    run_old_name("predict")
