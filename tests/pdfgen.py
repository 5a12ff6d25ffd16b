"""Test PDFs made on the spot (fpdf2), labelled as publishers label them (pypdf writes the
``/PageLabels`` number tree): no PDF is committed, and no copyrighted text is needed.

The article below is made up. It has four pages of front matter labelled i-iv and then its body,
printed pages 337 and 338: its 5th PDF page shows "337". Every page carries a running head and its
page label at the foot, as printed articles do; a quote runs from p. 337 over to p. 338, with a
word hyphenated across the page break.
"""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle

RUNNING_HEAD = "Journal of Invented School Studies 12(3)"
LABELS = ["i", "ii", "iii", "iv", "337", "338"]
PAGES = [
    ["Front matter of the issue.", "Editorial board and contents."],
    ["Contents continued."],
    ["Notes for authors."],
    ["Acknowledgements of the reviewers of this volume."],
    [
        "Schools in the study shared leadership in three ways. The first was a",
        "rota of teachers who chaired the weekly planning meeting and set its",
        "agenda for the term, a task that had always fallen to the deputy head",
        "before the study began. Each of the three schools kept the rota for the",
        "whole year, and in two of them the heads described it as the most distri-",
    ],
    [
        "buted practice they had tried in their careers, although many of the staff",
        "called it a duty rather than leadership. The second way was a group of",
        "support staff leading the pupils' council over a whole school year, with",
        "the help of a teacher who kept the minutes and took the council's requests",
        "to the senior team once a month.",
    ],
]
# A quote from the 5th PDF page (printed 337) over to the 6th (338), across the hyphenated word.
SPAN_QUOTE = "in two of them the heads described it as the most distributed practice they had tried in their careers, although many of the staff called it a duty"
ON_337 = "a rota of teachers who chaired the weekly planning meeting and set its agenda for the term, a task that had always fallen to the deputy head"
ON_338 = "a group of support staff leading the pupils' council over a whole school year, with the help of a teacher who kept the minutes"


class _Article(FPDF):
    def __init__(self, labels: list[str]) -> None:
        super().__init__()
        self.labels = labels
        self.set_auto_page_break(False)

    def header(self) -> None:
        self.set_font("helvetica", size=8)
        self.cell(0, 6, RUNNING_HEAD, align="C", new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("helvetica", size=8)
        self.cell(0, 6, self.labels[self.page_no() - 1], align="C")


def article_pdf(path: Path, pages: list[list[str]] = PAGES, labels: list[str] = LABELS, *, label_tree: bool = True, fpdf_labels: bool = False) -> Path:
    """Write the article to ``path``: one page per item of ``pages`` (its lines), the printed
    ``labels`` at the foot and the same labels as the PDF's page labels: written by pypdf as one
    range per style (``label_tree``, as publishers' PDFs have them), or by fpdf2 itself
    (``fpdf_labels``: it writes one entry per page)."""
    pdf = _Article(labels)
    for number, lines in enumerate(pages):
        if fpdf_labels and number in (0, 4):
            pdf.add_page(label_style="r" if number == 0 else "D", label_start=1 if number == 0 else 337)
        else:
            pdf.add_page()
        pdf.set_font("helvetica", size=11)
        pdf.set_y(30)
        for line in lines:
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    data = bytes(pdf.output())
    if label_tree and not fpdf_labels:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.set_page_label(0, 3, style=PageLabelStyle.LOWERCASE_ROMAN)
        writer.set_page_label(4, 5, style=PageLabelStyle.DECIMAL, start=337)
        buffer = io.BytesIO()
        writer.write(buffer)
        data = buffer.getvalue()
    path.write_bytes(data)
    return path
