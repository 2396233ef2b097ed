"""Building blocks of the report as a Word document (python-docx): the document's language,
tables that Word reads as tables (with a repeated header row), pictures with alternative text,
and the contents field. No database access, no report knowledge."""

from __future__ import annotations

import io

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ACCENT = RGBColor(0x0B, 0x5C, 0x8A)
DRAFT = RGBColor(0xA3, 0x28, 0x2F)

# The report's languages as Word names them.
WORD_LANGUAGES = {"nb": "nb-NO", "nn": "nn-NO", "sv": "sv-SE", "en": "en-GB"}


def word_language(language: str) -> str:
    return WORD_LANGUAGES.get((language or "nb").split("-")[0], "nb-NO")


def set_language(document, language: str) -> None:
    """The document's language: in its properties and as the language of every style's text
    (Word's spelling and screen readers follow it)."""
    tag = word_language(language)
    document.core_properties.language = tag
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), tag)


def set_page(document) -> None:
    """A4 with the PDF's margins."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(18)
        section.top_margin = section.bottom_margin = Mm(20)
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(10.5)


def footer_text(document, text: str, *, color: RGBColor | None = None) -> None:
    """A line at the foot (or, for a draft mark, the head) of every page."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.text = text
        if color is not None:
            for run in paragraph.runs:
                run.font.color.rgb = color


def header_text(document, text: str) -> None:
    for section in document.sections:
        paragraph = section.header.paragraphs[0]
        run = paragraph.add_run(text)
        run.bold = True
        run.font.color.rgb = DRAFT
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def contents_field(document, placeholder: str) -> None:
    """Word's table of contents (headings 1-3), filled in when Word updates the fields."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")  # Word offers to update it when the file is opened
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = 'TOC \\o "1-3" \\h \\z \\u'
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = placeholder
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, separate, text, end):
        run._r.append(element)


def _repeat_header(row) -> None:
    """Mark a table row as the header row, repeated on every page (and read as a header)."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def add_table(
    document,
    headers: list[str],
    rows: list[list[str]],
    *,
    numeric: set[int] = frozenset(),
    footer: list[str] | None = None,
    widths: list[float] | None = None,
):
    """A real Word table: a header row, the rows, and an optional total row in bold.
    `numeric`: the columns aligned right. `widths`: column widths in millimetres."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header_row = table.rows[0]
    _repeat_header(header_row)
    for index, text in enumerate(headers):
        cell = header_row.cells[index]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        if index in numeric:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for values in rows + ([footer] if footer else []):
        cells = table.add_row().cells
        for index, text in enumerate(values):
            cells[index].text = ""
            run = cells[index].paragraphs[0].add_run(str(text))
            if footer is not None and values is footer:
                run.bold = True
            if index in numeric:
                cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if widths:
        for row in table.rows:
            for index, width in enumerate(widths):
                row.cells[index].width = Mm(width)
    document.add_paragraph()
    return table


def add_picture(document, png: bytes, alt: str, *, width_mm: float, caption: str = "") -> None:
    """A picture with its alternative text (Word's "Alt Text": docPr descr), centred, and a
    caption below it."""
    document.add_picture(io.BytesIO(png), width=Mm(width_mm))
    paragraph = document.paragraphs[-1]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    shape = document.inline_shapes[-1]
    properties = shape._inline.docPr
    properties.set("descr", alt)
    properties.set("title", alt[:120])
    if caption:
        text = document.add_paragraph(caption, style="Caption")
        text.alignment = WD_ALIGN_PARAGRAPH.CENTER


def add_facts(document, facts: list[tuple[str, str]]) -> None:
    """Label: value lines (the cover's facts)."""
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        label_run = paragraph.add_run(f"{label}: ")
        label_run.bold = True
        paragraph.add_run(value)


def page_break(document) -> None:
    from docx.enum.text import WD_BREAK

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
