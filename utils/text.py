"""Text read from files, shown safely: `printable`, the one rule for every terminal line and widget.

A file name, or a string of a parameters file (its data set, its class names),
is whatever its author wrote: an escape sequence (ESC [2J) clears the
terminal, a carriage return or a newline forges an output line, a right-to-left
override (U+202E) reverses what follows, and a lone surrogate (a Linux file
name that is not UTF-8: byte 0xff is read as '\\udcff') or a character the
terminal's encoding lacks makes `print` raise UnicodeEncodeError.

The rule: every character that `str.isprintable` refuses (control and format
characters, surrogates, line and paragraph separators, spaces other than ' ')
and every character the output's `encoding` cannot represent is shown as the
backslash escape `repr` gives it: ``\\t \\n \\r \\x1b \\u202e \\udcff
\\U0001f600``. Everything else is kept as it is, backslashes included, so a
Windows path stays readable and the rule can be applied twice without
changing anything (a message that quotes an escaped name may be escaped
again where it is printed). Widgets HTML-escape the result as well
(`utils.explorers.common.escape`).

Where it is applied: `utils.images` (file names in its errors and warnings),
`utils.cli.one_line` and `utils.cli.display_path` (every command's errors and
paths), `echo` (every line the predict and compare commands print), the
explorers' `escape` and dropdown labels.
"""

from __future__ import annotations

import codecs
import sys

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(character: str) -> str:
    """The backslash escape repr gives one character."""
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text, encoding: str | None = None) -> str:
    """`text` (any object, through str) with the characters a terminal must not receive as backslash escapes.

    Escaped: what `str.isprintable` refuses (controls such as ESC, NUL, ``\\r``, ``\\n``,
    ``\\t``; format characters such as U+202E; lone surrogates; U+2028, U+2029; spaces
    other than ' '), and, with `encoding` (e.g. ``sys.stdout.encoding``), every
    character that encoding cannot represent. The escapes are repr's (``\\x1b``,
    ``\\u202e``, ``\\udcff``, ``\\U0001f600``); backslashes themselves are kept, so
    ``printable(printable(t, e), e) == printable(t, e)``. An unknown encoding counts as
    ASCII. Linear in the length of `text`.
    """
    text = str(text)
    if not text.isprintable():
        text = "".join(c if c.isprintable() else _escape(c) for c in text)
    if encoding is None:
        return text
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "ascii"
    try:
        text.encode(encoding)
        return text
    except UnicodeError:
        # backslashreplace writes repr's escapes (\xe9, \u20ac, \U0001f600), all ASCII.
        return text.encode(encoding, "backslashreplace").decode(encoding)


def stream_encoding(stream) -> str | None:
    """The encoding `stream` writes in (None for a stream of str, e.g. io.StringIO)."""
    return getattr(stream, "encoding", None)


def echo(line, file=None, flush: bool = False) -> None:
    """Print `line` to `file` (default: sys.stdout at call time), shown with `printable` for its encoding."""
    file = sys.stdout if file is None else file
    print(printable(line, stream_encoding(file)), file=file, flush=flush)
