"""What the command-line tests share."""


def assert_one_line_error(result, code, *fragments):
    """The command failed with exit `code` and one `error: ...` line (containing `fragments`), no traceback."""
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
