"""Spreadsheet-safe text cells, and reading them back unchanged.

A CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel and WPS (CSV injection). As OWASP advises, such a cell is written with a leading
apostrophe, which the spreadsheet shows as text. A value that itself starts with an apostrophe
followed by one of those characters gets one more apostrophe, so the import can strip exactly one
and get every value back as it was stored.
"""

from __future__ import annotations

#: First characters a spreadsheet treats as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_QUOTE = "'"


def _needs_quote(text: str) -> bool:
    if text.startswith(FORMULA_STARTS):
        return True
    return text.startswith(_QUOTE) and (
        text[1:].startswith(FORMULA_STARTS) or text[1:].startswith(_QUOTE)
    )


def safe_cell(text: str) -> str:
    """``text`` as a cell no spreadsheet runs as a formula.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("沙坪坝"), safe_cell("'=1")
    ('\\'=HYPERLINK("http://x")', '沙坪坝', "''=1")
    """
    return _QUOTE + text if _needs_quote(text) else text


def stored_text(cell: str) -> str:
    """The value a ``safe_cell`` stands for (other text is returned as it is).

    >>> stored_text("'=SUM(A1)"), stored_text("'it's"), stored_text("''=1")
    ('=SUM(A1)', "'it's", "'=1")
    """
    if cell.startswith(_QUOTE) and _needs_quote(cell[1:]):
        return cell[1:]
    return cell
