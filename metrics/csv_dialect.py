"""How a CSV file is written: its delimiter, decimal mark, date order and encoding.

Excel in Denmark, Norway and Sweden saves "CSV" with `;` between values, `1.234,50` or
`1 234,50` for amounts, `31.10.2026` for dates and Windows-1252 bytes. The import detects
each of these from the header and the first lines (an explicit option wins), says which
it used, and turns such cells into the plain forms the row models read (`1234.50`,
`2026-10-31T00:00:00`), so validation has one vocabulary.
"""

from __future__ import annotations

import codecs
import csv
import re

from pydantic import BaseModel

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
NORDIC_LETTERS = frozenset("æøåÆØÅäöÄÖéÉüÜ")
#: How many data lines detection looks at.
SAMPLE_LINES = 200

_DAY_MONTH = re.compile(
    r"(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:[ T](\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
)
_GROUPED_COMMA = re.compile(r"-?\d{1,3}(?:[. \u00a0\u202f]\d{3})+(?:,\d+)?|-?\d+,\d+")


class CsvDialect(BaseModel):
    """What the import assumed about the file; shown to the user and in `--json`."""

    encoding: str = "utf-8"
    delimiter: str = ","
    decimal_comma: bool = False
    #: True for 31.10.2026, False for 10/31/2026, None when the file gave no clue.
    dayfirst: bool | None = None

    @property
    def delimiter_name(self) -> str:
        return DELIMITERS.get(self.delimiter, repr(self.delimiter))


class CellProblem(ValueError):
    """A cell in a local form that cannot be read unambiguously; str() is the reason."""


def check_encoding(encoding: str) -> str:
    """The codec's canonical name; only encodings where a newline is the byte \\n work,
    since the file is read line by line."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        name = ""
    if not name or "\n".encode(name) != b"\n" or name.startswith("utf-16"):
        raise ValueError(
            f"The encoding {encoding!r} is not supported for CSV import; "
            "use utf-8 (the default) or cp1252."
        )
    return name


def decoding_problem(name: str, raw: bytes, line: int, encoding: str) -> str:
    """One sentence for bytes that are not `encoding`, with the usual cause named."""
    if encoding == "utf-8":
        try:
            looks_cp1252 = bool(NORDIC_LETTERS & set(raw.decode("cp1252")))
        except UnicodeDecodeError:
            looks_cp1252 = False
        if looks_cp1252:
            return (
                f"{name} is not UTF-8 text (first bad byte on line {line}): the file looks "
                "like Windows-1252 (Excel's 'CSV'); save it as 'CSV UTF-8' or pass "
                "--encoding cp1252."
            )
        return (
            f"{name} is not UTF-8 text (first bad byte on line {line}); "
            "save it as UTF-8 CSV (or pass --encoding) and import again."
        )
    return f"{name} is not {encoding} text (line {line}); pass the file's --encoding."


def split_header(line: str, delimiter: str) -> list[str]:
    return [name.strip() for name in next(csv.reader([line], delimiter=delimiter), [])]


def detect_delimiter(header_line: str, columns: set[str], forced: str | None) -> str:
    """The delimiter that splits the header into the most known column names (ties: the
    one that splits it into more fields, then `,`)."""
    if forced is not None:
        return forced

    def fit(delimiter: str) -> tuple[int, int, int]:
        names = split_header(header_line, delimiter)
        return (sum(n in columns for n in names), len(names), delimiter == ",")

    return max(DELIMITERS, key=fit)


def delimiter_hint(header_line: str, columns: set[str], delimiter: str) -> str | None:
    """A sentence when another delimiter would read the header as known columns."""
    used = sum(n in columns for n in split_header(header_line, delimiter))
    for other, name in DELIMITERS.items():
        if (
            other != delimiter
            and sum(n in columns for n in split_header(header_line, other)) > used
        ):
            return (
                f"the header looks {name}-separated but was read with "
                f"{DELIMITERS.get(delimiter, repr(delimiter))}s; "
                f"pass --delimiter '{other}' or leave the delimiter out to detect it"
            )
    return None


def detect_dayfirst(cells: list[str]) -> bool | None:
    """True when some date can only be day-first (31.10.2026), False when some can only be
    month-first (10/31/2026); else dotted or dashed dates are day-first (no one writes
    month.day.year) and slashed ones stay undecided."""
    undecided_slash = False
    seen = False
    for cell in cells:
        match = _DAY_MONTH.fullmatch(cell.strip())
        if not match:
            continue
        seen = True
        first, second = int(match[1]), int(match[3])
        if first > 12 >= second:
            return True
        if second > 12 >= first:
            return False
        undecided_slash |= match[2] == "/"
    if not seen:
        return None
    return None if undecided_slash else True


def detect_decimal_comma(cells: list[str], delimiter: str) -> bool:
    """`1.234,50`, `1 234,50` or `12,5` in an amount column means a decimal comma."""
    for cell in cells:
        value = cell.strip()
        if (
            "," in value
            and _GROUPED_COMMA.fullmatch(value)
            and (delimiter == ";" or re.search(r",\d{1,2}$", value))
        ):
            return True
    return False


def plain_decimal(cell: str) -> str:
    """`1.234,50` / `1 234,50` / `12,5` as `1234.50` / `12.5`; other text unchanged."""
    value = cell.strip()
    if "," not in value and " " not in value and "\u00a0" not in value:
        return cell
    if not _GROUPED_COMMA.fullmatch(value):
        return cell
    for mark in (".", " ", "\u00a0", "\u202f"):
        value = value.replace(mark, "")
    return value.replace(",", ".")


def plain_timestamp(cell: str, dayfirst: bool | None) -> str:
    """`31.10.2026`, `31-10-2026`, `31/10/2026` (+ `14:30` or `14.30[.15]`) as ISO 8601;
    other text unchanged. Raises CellProblem when the order of day and month is unknown."""
    if cell[:4].isdigit():
        return cell
    match = _DAY_MONTH.fullmatch(cell.strip())
    if not match:
        return cell
    first, second = int(match[1]), int(match[3])
    if dayfirst is None:
        if first <= 12 and second <= 12 and first != second:
            raise CellProblem(
                f"{cell.strip()!r} could be day-first or month-first; "
                "pass --dayfirst or --monthfirst"
            )
        dayfirst = first > 12 or second <= 12
    day, month = (first, second) if dayfirst else (second, first)
    stamp = f"{match[4]}-{month:02d}-{day:02d}"
    if match[5]:
        stamp += f"T{int(match[5]):02d}:{match[6]}:{match[7] or '00'}"
    return stamp
