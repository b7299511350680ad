"""Turn a file (Markdown, plain text, HTML, PDF) into a clean Document.

Scraped articles arrive with page furniture around the text (tables of contents, "Video:"
captions, author placeholders, headings printed twice). Retrieval ranks whatever text it is
given, so furniture is removed here, by generic rules, before anything is chunked.

Every pattern here runs in time linear in its input: a crafted line must not make a
regular expression backtrack (a 12 KB heading once took hours). Each file is still parsed
within a time budget (knowledge/parse_workers.py), but that is the backstop, not the plan.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from knowledge.citations import web_url
from knowledge.errors import KnowledgeError
from knowledge.language import detect
from knowledge.models import Document, Section

if TYPE_CHECKING:
    from bs4 import Tag

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
_LANGUAGE_ALIASES = {"da": "da", "no": "no", "nb": "no", "nn": "no", "sv": "sv", "en": "en"}


class UnreadableFile(KnowledgeError):
    """The file cannot be turned into text; the message says why and what to do."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def load_document(path: Path) -> Document:
    """Read `path` into a Document; raise UnreadableFile with one sentence if it cannot."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFile(
            f"{path.name} has an unsupported type ({suffix or 'no extension'}); "
            f"use one of {', '.join(SUPPORTED_SUFFIXES)}."
        )
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(
            f"{path} cannot be read ({error.strerror or error}); check that it exists and "
            "is readable."
        ) from error
    if suffix == ".pdf":
        meta, (sections, fallback_title) = {}, _pdf_sections(raw, path)
    else:
        text = _decode(raw, path)
        if suffix in (".html", ".htm"):
            sections, fallback_title, canonical = _html_sections(text)
            meta = {"url": canonical}
        else:
            meta, body = _split_front_matter(text, path)
            parse = _markdown_sections if suffix in (".md", ".markdown") else _text_sections
            sections, fallback_title = parse(body)
    sections = [section for section in sections if section.text.strip()]
    if not sections:
        raise UnreadableFile(f"{path.name} contains no text; add content or remove the file.")
    title = _clean_inline(str(meta.get("title") or "")) or fallback_title or _title_from_name(path)
    full_text = "\n\n".join(f"{s.heading}\n{s.text}" for s in sections)
    return Document(
        source=str(path),
        title=title,
        language=_language(meta, f"{title}\n{full_text}"),
        tags=_tags(meta.get("tags", meta.get("keywords"))),
        description=_clean_inline(str(meta.get("description") or meta.get("summary") or "")),
        url=web_url(meta.get("url")) or "",
        sections=sections,
        content_hash=hashlib.sha256(raw).hexdigest(),
    )


def document_text(document: Document) -> str:
    """All text of a document (title, headings, body) as one string, e.g. for checks."""
    parts = [document.title]
    for section in document.sections:
        parts.extend(part for part in (section.heading, section.text) if part)
    return "\n\n".join(parts)


# --- decoding and metadata -------------------------------------------------------------


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # Windows tools save "Unicode" text as UTF-16 with a byte-order mark
            raw = raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                f"{path.name} is not valid UTF-16 text; save it as UTF-8."
            ) from error
    if b"\x00" in raw:
        raise UnreadableFile(
            f"{path.name} looks binary (it contains NUL bytes); export it as text first."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"{path.name} is not valid UTF-8 text (byte {error.start}); save it as UTF-8."
        ) from error
    if not text.strip():
        raise UnreadableFile(f"{path.name} is empty; add content or remove the file.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)


def _split_front_matter(text: str, path: Path) -> tuple[dict[str, object], str]:
    """YAML between leading `---` lines, if it parses as a mapping; else no metadata.

    YAML aliases (`*name`) are refused: safe_load shares the aliased value rather than
    copying it, but nine nested lists of nine aliases still read as 9^9 items the moment
    the title is turned into text (a 1 KB file took 3 GB and never finished)."""
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        return {}, text
    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(match.group(1))):
            raise UnreadableFile(
                f"{path.name} uses YAML aliases (*name) in its front matter, which are not "
                "expanded; write the values out."
            )
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, text
    if not isinstance(meta, dict):
        return {}, text
    return {str(key).lower(): value for key, value in meta.items()}, text[match.end() :]


def _tags(value: object) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _language(meta: dict[str, object], text: str) -> str:
    declared = str(meta.get("language") or meta.get("lang") or "").strip().lower()
    return _LANGUAGE_ALIASES.get(declared[:2] if declared else "", "") or detect(text)


def _title_from_name(path: Path) -> str:
    return re.sub(r"[_-]+", " ", path.stem).strip() or path.name


# --- inline clean-up ------------------------------------------------------------------

# Linear: a bracket or a link target cannot contain the next "[", and an emphasis span
# cannot contain its own marker, so no match attempt scans past where the next one starts.
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^)\[]*\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\([^)\[]*\)")
_EMPHASIS = re.compile(
    r"\*\*(?=\S)((?:[^*]|\*(?!\*))+?)(?<=\S)\*\*"
    r"|__(?=\S)((?:[^_]|_(?!_))+?)(?<=\S)__"
    r"|\*(?=\S)([^*]+?)(?<=\S)\*"
    r"|`(?=\S)([^`]+?)(?<=\S)`"
)
_SPACES = re.compile(r"[ \t\u00a0]+")


def _clean_inline(text: str) -> str:
    """Markdown links become their text; images, comments and emphasis marks go."""
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(_emphasised, text)
    return _SPACES.sub(" ", text).strip()


def _emphasised(match: re.Match[str]) -> str:
    return next(group for group in match.groups() if group is not None)


def _without_comments(text: str) -> str:
    """HTML comments removed; an unclosed one is left as text. A loop of str.find, because
    the pattern <!--.*?--> rescans to the end of the text for every unclosed comment."""
    kept: list[str] = []
    position = 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        kept.append(text[position:start])
        position = end + 3
    kept.append(text[position:])
    return "".join(kept)


# --- furniture ------------------------------------------------------------------------

_TOC_LABELS = {
    "innholdsfortegnelse",
    "indholdsfortegnelse",
    "innehållsförteckning",
    "innehåll",
    "indhold",
    "innhold",
    "table of contents",
    "contents",
    "anbefalt",
    "anbefalet",
    "rekommenderat",
    "recommended",
    "related",
    "relaterte artikler",
    "relaterede artikler",
}
_CAPTION = re.compile(
    r"^(video|figur|figure|fig\.|bilde|billede|bild|image|foto|photo)\s*[\d:.]", re.I
)
_LONE_TOKEN = re.compile(r"^[A-Za-zÆØÅæøåÄÖäö.]+$")
_DATE_TAIL = re.compile(r"\b(19|20)\d{2},\s+[A-Za-zæøåäö]+$")


def _is_furniture(line: str) -> bool:
    """Lines that belong to the web page around an article, not to the article."""
    label = line.rstrip(":").strip().lower()
    return label in _TOC_LABELS or bool(_CAPTION.match(line))


def _is_lone_token(line: str) -> bool:
    return bool(_LONE_TOKEN.match(line)) and len(line) <= 20


def _heading_like(line: str) -> bool:
    return bool(line) and len(line) <= 90 and not _SENTENCE_END.search(line)


def _drop_furniture(lines: list[str]) -> list[str]:
    """Remove page furniture by shape, never by the words of one particular article:
    table-of-contents labels, "Video:"/"Figur 1:" captions, teaser lines ending in a
    "2024, November" date, a lone word glued under such a line (an author placeholder),
    lines printed twice in a row (image alt text, template headings) and short
    heading-like lines that repeat one seen before."""
    stripped = [line.strip() for line in lines]
    kept: list[str] = []
    seen_headings: set[str] = set()
    for index, line in enumerate(stripped):
        if not line:
            kept.append("")
            continue
        before = stripped[index - 1] if index > 0 else ""
        after = stripped[index + 1] if index + 1 < len(stripped) else ""
        if _is_furniture(line) or (_DATE_TAIL.search(line) and len(line) < 120):
            continue
        if _is_lone_token(line) and before and not after:
            continue  # a byline-like word under a caption, with nothing of its own
        if line in (before, after) and _heading_like(line):
            continue
        if _heading_like(line) and line in seen_headings:
            continue
        if _heading_like(line):
            seen_headings.add(line)
        kept.append(lines[index])
    return kept


# --- Markdown -------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")  # closing #s: _heading_text, not (.*?)\s*#*\s*$
_FENCE = re.compile(r"^(```|~~~)")
_SETEXT = re.compile(r"^(=+|-+)[ \t]*$")
_RULE = re.compile(r"^(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_LIST_ITEM = re.compile(r"^(?:[-*+•]|\d+[.)])\s+")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")


class _Blocks:
    """Sections of paragraphs as a Markdown body is read: prose lines join into one
    paragraph, list items and table rows stay one per line, a heading opens a section."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.paragraphs: list[str] = []
        self.prose: list[str] = []
        self.items: list[str] = []
        self.heading = ""

    def add_prose(self, line: str) -> None:
        self.close_items()
        self.prose.append(line)

    def add_item(self, line: str) -> None:
        self.close_prose()
        self.items.append(line)

    def continue_item(self, line: str) -> None:
        self.items[-1] = f"{self.items[-1]} {line}"

    def close_prose(self) -> None:
        if self.prose:
            self.paragraphs.append(" ".join(self.prose))
            self.prose.clear()

    def close_items(self) -> None:
        if self.items:
            self.paragraphs.append("\n".join(self.items))
            self.items.clear()

    def close_section(self, next_heading: str) -> None:
        self.close_prose()
        self.close_items()
        text = "\n\n".join(p for p in self.paragraphs if p)
        if text or self.heading:
            self.sections.append(Section(heading=self.heading, text=text))
        self.paragraphs.clear()
        self.heading = next_heading


def _markdown_sections(body: str, *, scraped: bool = False) -> tuple[list[Section], str]:
    """Headings (ATX "## x" and setext underlines) open sections; list items keep their
    marker on a line of their own; a table becomes one "Column: value; …" line per row.
    Furniture rules run only on `scraped` text (a .txt export that happens to use #
    headings); authored Markdown is kept as written."""
    body = _without_comments(body)
    blocks = _Blocks()
    first_h1 = ""
    in_fence = False
    lines = body.split("\n")
    lines = _drop_furniture(lines) if scraped else lines
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        index += 1
        if _FENCE.match(stripped):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.match(line)
        setext = (
            not in_fence
            and not match
            and stripped
            and _SETEXT.match(following)
            and not blocks.prose
            and not _LIST_ITEM.match(stripped)
            and "|" not in stripped
        )
        if match or setext:
            level = len(match.group(1)) if match else (1 if following.startswith("=") else 2)
            text = _clean_inline(_heading_text(match.group(2)) if match else stripped)
            if level == 1 and not first_h1:
                first_h1 = text
            blocks.close_section(text)
            index += 0 if match else 1
            continue
        if not in_fence and _is_table_start(stripped, following):
            blocks.close_prose()
            blocks.close_items()
            rows, index = _table_rows(lines, index - 1)
            blocks.items.extend(rows)
            blocks.close_items()
            continue
        if stripped.startswith(">"):
            stripped = stripped.lstrip("> ").strip()
        if not stripped or (not in_fence and _RULE.match(stripped)):
            blocks.close_prose()
            blocks.close_items()
            continue
        cleaned = _clean_inline(stripped)
        if not cleaned:
            continue
        if _LIST_ITEM.match(stripped):
            blocks.add_item(cleaned)
        elif blocks.items:
            blocks.continue_item(cleaned)  # an item's continuation line
        else:
            blocks.add_prose(cleaned)
    blocks.close_section("")
    return _drop_empty_headings(blocks.sections), first_h1


def _is_table_start(line: str, following: str) -> bool:
    return "|" in line and "|" in following and bool(_TABLE_SEPARATOR.match(following))


def _cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") else line
    return [_clean_inline(cell) for cell in line.split("|")]


def _table_rows(lines: list[str], start: int) -> tuple[list[str], int]:
    """The rows of the table whose header is at `start`, each a readable list line, and
    the index of the first line after the table."""
    header = _cells(lines[start])
    index = start + 2  # header and separator
    rows: list[str] = []
    while index < len(lines) and "|" in lines[index] and lines[index].strip():
        row = _record(header, _cells(lines[index]))
        if row:
            rows.append(row)
        index += 1
    return rows, index


def _record(header: list[str], cells: list[str]) -> str:
    """One table row as "- Column: value; Column: value" (empty cells left out)."""
    pairs = [
        f"{name}: {value}" if name else value
        for name, value in zip([*header, *[""] * len(cells)], cells, strict=False)
        if value
    ]
    return f"- {'; '.join(pairs)}" if pairs else ""


def _heading_text(text: str) -> str:
    r"""A heading without its closing #s ("## Churn ##" -> "Churn"). The pattern that did
    this, (.*?)\s*#*\s*$, backtracked cubically over a line of spaces."""
    text = text.strip()
    opened = text.rstrip("#")
    if opened != text and (not opened or opened[-1] in " \t"):
        return opened.strip()
    return text


def _drop_empty_headings(sections: list[Section]) -> list[Section]:
    """A heading with no text of its own (e.g. "# Title" right before "## Part") is
    folded into the next heading, so no section is empty."""
    merged: list[Section] = []
    pending = ""
    for section in sections:
        if not section.text.strip():
            pending = pending or section.heading
            continue
        heading = section.heading or pending
        merged.append(Section(heading=heading, text=section.text))
        pending = ""
    return merged


# --- plain text -----------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!:;,…)\]\"»”]$")


def _looks_like_heading(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 90 or _SENTENCE_END.search(stripped):
        return False
    if stripped.startswith(("-", "*", "•")):
        return False
    return stripped[0].isupper() or stripped[0].isdigit()


def _text_sections(body: str) -> tuple[list[Section], str]:
    """Blank lines separate paragraphs; a short line without final punctuation that is
    followed by text is a heading. Lines inside one block stay separate paragraphs when
    they are long (one paragraph per line is how many exports look)."""
    if _HEADING.search(body.lstrip().split("\n", 1)[0]) or re.search(r"^#{1,6}\s", body, re.M):
        return _markdown_sections(body, scraped=True)
    lines = [_clean_inline(line) for line in _drop_furniture(body.split("\n"))]
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    units: list[str] = []  # headings and paragraphs in order
    for block in blocks:
        units.extend(block)
    sections: list[Section] = []
    heading, parent, first_heading = "", "", ""
    paragraphs: list[str] = []
    if len(units) > 1 and len(units[0]) <= 160 and not _SENTENCE_END.search(units[0]):
        # A first line that stands alone is the article's title, even a long one.
        first_heading, units = units[0], units[1:]
    for index, unit in enumerate(units):
        following = units[index + 1] if index + 1 < len(units) else ""
        if not (_looks_like_heading(unit) and following):
            paragraphs.append(unit)
            continue
        if paragraphs:
            sections.append(Section(heading=heading, text="\n\n".join(paragraphs)))
            paragraphs = []
        if _looks_like_heading(following):
            # Two heading-like lines in a row: the first is the document title or a
            # parent heading with no text of its own. The title stands alone; a parent
            # prefixes its child, so its words still reach the chunks.
            if first_heading:
                parent = unit
            else:
                first_heading = unit
            continue
        heading = f"{parent} – {unit}" if parent else unit
        parent = ""
        first_heading = first_heading or unit
    if paragraphs:
        sections.append(Section(heading=heading, text="\n\n".join(paragraphs)))
    return sections, first_heading


# --- HTML -----------------------------------------------------------------------------

_DROP_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript")
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_INLINE_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "dfn",
        "em",
        "font",
        "i",
        "kbd",
        "label",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
    ]  # noqa: SIM905 (one word list)
)


def _html_sections(text: str) -> tuple[list[Section], str, str]:
    """Every text of the page in reading order: text directly inside a div, section or
    span counts as much as text in a p (Confluence pages are nested divs), list items keep
    a marker on a line of their own, a table becomes one "Column: value; …" line per row.
    Also the page's title and its own address (canonical link or og:url), "" if none."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    canonical = _html_url(soup)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    if soup.head:
        soup.head.decompose()
    walk = _HtmlWalk()
    walk.visit(soup.body or soup)
    walk.blocks.close_section("")
    sections = _drop_empty_headings(walk.blocks.sections)
    return sections, title or walk.first_h1, canonical


def _html_url(soup: Tag) -> str:
    """The page's canonical address: `<link rel="canonical">`, else `og:url` (an exported
    wiki page usually carries one); checked by web_url like a front-matter url."""
    from bs4 import Tag

    links = [tag for tag in soup.find_all("link", href=True) if isinstance(tag, Tag)]
    for tag in links:
        if "canonical" in [str(rel).lower() for rel in tag.get_attribute_list("rel")]:
            return web_url(str(tag["href"])) or ""
    metas = [tag for tag in soup.find_all("meta", content=True) if isinstance(tag, Tag)]
    for tag in metas:
        if str(tag.get("property", "")).lower() == "og:url":
            return web_url(str(tag["content"])) or ""
    return ""


class _HtmlWalk:
    """A depth-first walk that gathers inline text into paragraphs between block tags."""

    def __init__(self) -> None:
        self.blocks = _Blocks()
        self.inline: list[str] = []
        self.first_h1 = ""

    def visit(self, node: object) -> None:
        from bs4 import NavigableString, Tag

        for child in getattr(node, "children", ()):
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, doctype or CDATA
                    self.inline.append(str(child))
            elif isinstance(child, Tag):
                self.visit_tag(child)

    def visit_tag(self, tag: Tag) -> None:
        name = tag.name
        if name in _INLINE_TAGS:
            self.visit(tag)
            return
        self.flush()
        if name in _HEADING_TAGS:
            heading = _html_text(tag)
            if heading:
                if name == "h1" and not self.first_h1:
                    self.first_h1 = heading
                self.blocks.close_section(heading)
        elif name == "li":
            self.list_item(tag)
        elif name == "table":
            self.blocks.close_items()
            self.blocks.items.extend(_html_table(tag))
            self.blocks.close_items()
        elif name in ("ul", "ol"):
            self.visit(tag)
            self.blocks.close_items()
        elif name != "br":
            self.visit(tag)
            self.flush()

    def list_item(self, item: Tag) -> None:
        from bs4 import Tag

        nested = [child for child in item.find_all(("ul", "ol")) if isinstance(child, Tag)]
        for child in nested:
            child.extract()
        text = _html_text(item)
        parent = item.find_parent(("ul", "ol"))
        if text:
            if parent is not None and parent.name == "ol":
                number = len(item.find_previous_siblings("li")) + 1
                self.blocks.add_item(f"{number}. {text}")
            else:
                self.blocks.add_item(f"- {text}")
        for child in nested:
            self.visit_tag(child)

    def flush(self) -> None:
        text = _SPACES.sub(" ", " ".join("".join(self.inline).split())).strip()
        self.inline.clear()
        if text:
            self.blocks.add_prose(text)
            self.blocks.close_prose()


def _html_text(tag: Tag) -> str:
    return _SPACES.sub(" ", tag.get_text(" ", strip=True)).strip()


def _html_table(table: Tag) -> list[str]:
    """Rows as "- Column: value; …" lines; the header is a first row of th cells."""
    rows = [
        [_html_text(cell) for cell in row.find_all(("td", "th"))] for row in table.find_all("tr")
    ]
    first = table.find("tr")
    header: list[str] = []
    if rows and first is not None and not first.find("td"):
        header, rows = rows[0], rows[1:]
    return [line for line in (_record(header, cells) for cells in rows) if line]


# --- PDF ------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs its repair attempts ("EOF marker not found") as warnings; the user
    should see our one sentence instead, so they are muted while a file is parsed."""
    logger = logging.getLogger("pypdf")
    previous = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _pdf_sections(raw: bytes, path: Path) -> tuple[list[Section], str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not raw.strip():
        raise UnreadableFile(f"{path.name} is empty; add content or remove the file.")
    try:
        with _quiet_pypdf():
            reader = PdfReader(io.BytesIO(raw))
            pages = [page.extract_text() or "" for page in reader.pages]
            metadata_title = str((reader.metadata or {}).get("/Title") or "").strip()
    except Exception as error:  # noqa: BLE001 - a malformed PDF can fail anywhere in pypdf
        kind = "damaged" if isinstance(error, PdfReadError) else "not readable"
        raise UnreadableFile(
            f"{path.name} is {kind} as a PDF ({error.__class__.__name__}); re-export it "
            "or convert it to text."
        ) from error
    sections: list[Section] = []
    for number, page in enumerate(pages, start=1):
        lines = _drop_furniture([line.strip() for line in page.split("\n")])
        text = " ".join(line for line in lines if line).strip()  # lines come stripped
        text = re.sub(r"(\w)- (\w)", r"\1\2", text)  # words hyphenated across lines
        if text:
            sections.append(Section(heading=f"Page {number}", text=text))
    if not sections:
        raise UnreadableFile(
            f"{path.name} has no extractable text (a scanned PDF?); run OCR or convert it "
            "to text first."
        )
    return sections, metadata_title
