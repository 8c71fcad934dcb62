"""`utils.text.printable`, the one rule for text read from files, and `cli.one_line` / `cli.display_path`."""

import io
import sys
import time

import pytest
from hypothesis import given, settings, strategies as st

from utils import cli
from utils.text import echo, printable

ENCODINGS = [None, "utf-8", "ascii", "latin-1", "cp1252"]

# text -> what printable(text) shows (no encoding: only unprintable characters are escaped)
EXAMPLES = {
    "\x1b[2J": "\\x1b[2J",                        # ANSI: clear the screen
    "\x1b]0;title\x07": "\\x1b]0;title\\x07",       # OSC: set the window title
    "\x9b31m": "\\x9b31m",                         # the 8-bit CSI
    "a\rb": "a\\rb",                               # back to the line's start: overwrite it
    "0.999  cat  forged.jpg\n": "0.999  cat  forged.jpg\\n",
    "a\tb": "a\\tb",
    "nul\x00": "nul\\x00",
    "\x7f\x08": "\\x7f\\x08",                     # DEL, backspace
    "abc\u202egpj.exe": "abc\\u202egpj.exe",       # right-to-left override
    "\u2066x\u2069": "\\u2066x\\u2069",             # bidi isolates
    "zero\u200bwidth": "zero\\u200bwidth",
    "line\u2028sep\u2029": "line\\u2028sep\\u2029",
    "next\x85line\x0b\x0c": "next\\x85line\\x0b\\x0c",
    "name\udcff.jpg": "name\\udcff.jpg",           # a Linux file name with byte 0xff (surrogateescape)
    "lone\ud800": "lone\\ud800",
    "\ufeffbom": "\\ufeffbom",
    "nbsp\xa0": "nbsp\\xa0",
    "café € 😀 猫": "café € 😀 猫",                   # printable: kept without an encoding
    "C:\\Users\\me\\x1b.jpg": "C:\\Users\\me\\x1b.jpg",  # backslashes are kept (Windows paths stay readable)
    "": "",
}


@pytest.mark.parametrize("text, shown", EXAMPLES.items())
def test_unprintable_characters_become_repr_escapes(text, shown):
    assert printable(text) == shown


@pytest.mark.parametrize("encoding, shown", [
    ("ascii", "caf\\xe9 \\u20ac \\U0001f600 \\u732b"),
    ("latin-1", "café \\u20ac \\U0001f600 \\u732b"),
    ("cp1252", "café € \\U0001f600 \\u732b"),
    ("utf-8", "café € 😀 猫"),
    ("no-such-codec", "caf\\xe9 \\u20ac \\U0001f600 \\u732b"),  # unknown: as ASCII
])
def test_characters_the_encoding_lacks_become_escapes(encoding, shown):
    assert printable("café € 😀 猫", encoding) == shown


def test_surrogates_are_escaped_under_utf_8_too():
    assert printable("a\udcffb", "utf-8") == "a\\udcffb"
    assert printable("a\udcffb", "utf-8").encode("utf-8")


def test_anything_is_shown_through_str():
    from pathlib import Path

    assert printable(Path("/tmp/a\nb")) == "/tmp/a\\nb"
    assert printable(["x\x1b"]) == "['x\\x1b']"  # a list's repr already escapes
    assert printable(3.5) == "3.5"


def test_long_text_is_escaped_in_linear_time():
    text = ("abc\x1b[2J\n\u202e\udcff€" * 100_000)  # 1.2 million characters
    start = time.perf_counter()
    shown = printable(text, "ascii")
    assert time.perf_counter() - start < 10
    assert shown == "abc\\x1b[2J\\n\\u202e\\udcff\\u20ac" * 100_000
    assert printable("x" * 1_000_000) == "x" * 1_000_000


NASTY = st.sampled_from(list("\x1b\r\n\t\x00\x7f\x9b\u202e\u2066\u200b\u2028\x85\udcff\ud800\\ é€😀猫"))


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.one_of(st.characters(exclude_categories=()), NASTY), max_size=60),
       encoding=st.sampled_from(ENCODINGS))
def test_the_result_is_one_printable_encodable_line_and_stable(text, encoding):
    shown = printable(text, encoding)
    assert shown.isprintable()                    # no control, format, separator or surrogate character
    assert len(shown.splitlines()) <= 1           # nothing can start a new line
    if encoding is not None:
        shown.encode(encoding)                    # never UnicodeEncodeError
    assert printable(shown, encoding) == shown    # idempotent: a quoted escaped name is not escaped twice
    if text.isprintable() and (encoding is None or _encodes(text, encoding)):
        assert shown == text                      # ordinary text is untouched


def _encodes(text, encoding):
    try:
        text.encode(encoding)
        return True
    except UnicodeError:
        return False


@pytest.mark.parametrize("encoding", ["ascii", "utf-8", "latin-1"])
def test_echo_never_fails_on_a_strict_stream(encoding):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="\n")
    echo("P(cat) 0.5  c\udcffat\x1b[2J\n\u202e.jpg €", stream)
    stream.flush()
    assert raw.getvalue().count(b"\n") == 1 and b"\x1b" not in raw.getvalue()
    assert raw.getvalue().decode(encoding).startswith("P(cat) 0.5  c\\udcffat\\x1b[2J\\n\\u202e.jpg ")


def test_echo_writes_to_sys_stdout_at_call_time(capsys):
    echo("a\x1bb")
    assert capsys.readouterr().out == "a\\x1bb\n"


# ------------------------------------------------------------------ the commands' helpers (utils/cli.py)

def test_one_line_escapes_what_a_message_quotes():
    error = ValueError("photos/evil\x1b[2J\r\n0.999  cat\t\u202ex\udcff.jpg: not a readable image")
    shown = cli.one_line(error, "ascii")
    assert shown == "photos/evil\\x1b[2J\\r\\n0.999  cat\\t\\u202ex\\udcff.jpg: not a readable image"
    assert cli.one_line(error, "utf-8") == shown
    assert cli.one_line(ValueError("caf\xe9"), "ascii") == "caf\\xe9"


def test_one_line_joins_the_lines_of_a_laid_out_message():
    import numpy as np

    error = ValueError(f"got values {np.arange(6).reshape(2, 3)!r}\n")
    assert cli.one_line(error) == "got values array([[0, 1, 2], [3, 4, 5]])"
    assert cli.one_line(KeyError("missing")) == "missing"
    assert cli.one_line(ValueError("")) == "ValueError"


def test_one_line_uses_the_encoding_of_stderr(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    assert cli.one_line(ValueError("\u20ac")) == "\\u20ac"


def test_display_path_is_escaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.display_path(tmp_path / "a\x1b[2J\nb\udcff.npz") == "a\\x1b[2J\\nb\\udcff.npz"
    assert cli.display_path(tmp_path / "plain.npz") == "plain.npz"
