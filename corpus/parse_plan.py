"""A loaded document to a Plan: header metadata, and the clauses in their sections.

The document is read in four zones: the header (issuer, "Số: …", place and date, the
document type "KẾ HOẠCH" and the title: corpus/plan_header.py), the body, the closing
(signature block and "Nơi nhận": corpus/plan_closing.py), and appendices ("PHỤ LỤC …",
task tables) that may follow the signature. This module walks the body and appendices.
Body lines are joined into paragraphs (corpus/lines.py); markers build the section path
("II.2.a"); tables become clauses (corpus/tables.py), their cells kept by role. The parse
builds structure only: agencies, deadlines and word segmentation are filled in by
corpus/build_plan.py, for body clauses and table rows alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.lines import (
    HEADING_MARKERS,
    Paragraph,
    all_caps,
    is_terminated,
    join_lines,
)
from corpus.long_clauses import split_long_clauses
from corpus.model import Clause, Document, ParseWarning, Plan
from corpus.plan_closing import appendix_heading, closing_lines, closing_span, signer_name
from corpus.plan_header import attached_header, is_attached_note, number_and_citation, plan_header
from corpus.tables import (
    cell_line_tables,
    join_split_tables,
    pipe_tables,
    table_clauses,
)

# How deep an item marker sits in the section path; a number's depth is its parts + 1 (see _rank).
_RANK = {"article": 0, "part": 0, "roman": 1, "letter": 10, "dash": 20, "plus": 21}
_UNNUMBERED_HEADING = 25  # "MỤC ĐÍCH, YÊU CẦU" without a marker: titles what follows, adds no path


@dataclass
class _Path:
    """Where the walk stands: appendix, article, part, roman, numbers, letter, and the headings' titles."""

    appendix: str = ""
    article: str = ""
    part: str = ""
    roman: str = ""
    numbers: list[str] = field(default_factory=list)
    letter: str = ""
    titles: dict[int, str] = field(default_factory=dict)

    def section(self) -> str:
        article = f"Điều {self.article}" if self.article else ""
        return ".".join(
            part
            for part in (self.appendix, article, self.part, self.roman, *self.numbers, self.letter)
            if part
        )

    def title(self) -> str:
        return self.titles[max(self.titles)] if self.titles else ""

    def enter(self, marker: str, label: str) -> int:
        """Move to the item `marker label`; returns its rank, for the heading's title."""
        rank = _rank(marker, label)
        if marker == "article":
            self.article, self.part, self.roman, self.numbers, self.letter = label, "", "", [], ""
        elif marker == "part":
            self.part, self.roman, self.numbers, self.letter = label, "", [], ""
        elif marker == "roman":
            self.roman, self.numbers, self.letter = label, [], ""
        elif marker == "number":
            self.numbers, self.letter = label.split("."), ""
        elif marker == "letter":
            self.letter = label
        self.titles = {level: title for level, title in self.titles.items() if level < rank}
        return rank


def parse_plan(document: Document) -> Plan:
    """The plan's metadata and clauses, in reading order.

    A Quyết định that carries its plan ("Ban hành kèm theo Quyết định này …", its
    signature and "Nơi nhận", then "KẾ HOẠCH …") gives the decision's articles, then the
    attached plan as the body; the plan takes the decision's number and date. A plan whose
    number is left blank (a draft) is keyed by a short title; one without any header by
    its file name without extension (e.g. "ke-hoach-chuyen-doi-so"), so every plan has a key.
    """
    blocks = join_split_tables(cell_line_tables(pipe_tables(document.blocks)))
    kind = document.kind
    warnings: list[ParseWarning] = []
    header = plan_header(blocks, kind)
    clauses = []
    if header.text:
        clauses.append(Clause(section="", text=header.text, page=header.page, kind="header"))
    title, plan_kind = header.title, "plan"
    start, signer = header.body_start, ""
    while True:
        closing_start, closing_end = closing_span(blocks, start)
        clauses += _walk(join_lines(blocks[start:closing_start], kind), _Path(), warnings)
        closing = closing_lines(blocks[closing_start:closing_end])
        if closing:
            clauses.append(
                Clause(section="", text=" ".join(closing), kind="signature", page=blocks[closing_start].page)
            )
        signer = signer or signer_name(closing)
        attached = attached_header(blocks, closing_end, kind) if header.doc_type == "QUYẾT ĐỊNH" else None
        if attached is None:
            break
        clauses.append(Clause(section="", text=attached.text, page=attached.page, kind="header"))
        title, plan_kind, start = attached.title, "decision_plan", attached.body_start
    if plan_kind == "plan" and header.doc_type == "QUYẾT ĐỊNH":
        plan_kind = "decision"
    clauses += _walk(join_lines(blocks[closing_end:], kind), _Path(appendix="PHỤ LỤC"), warnings)
    clauses = [clause for clause in clauses if not _is_note(clause)]
    clauses = split_long_clauses(clauses, warnings)
    number, citation = number_and_citation(header, title, plan_kind, document.path.stem)
    return Plan(
        number=number,
        title=title,
        issuer=header.issuer,
        date=header.date,
        place=header.place,
        signer=signer,
        clauses=clauses,
        source_name=document.path.name,
        sha256=document.sha256,
        kind=plan_kind,
        citation=citation,
        warnings=warnings,
    )


def _is_note(clause: Clause) -> bool:
    """ "(Kèm theo Kế hoạch số … )" under an appendix title says where it belongs: no clause."""
    return clause.kind in ("paragraph", "continuation") and is_attached_note(clause.text)


# ---- body walk -----------------------------------------------------------------------------


def _rank(marker: str | None, label: str) -> int:
    if marker == "number":
        return 1 + len(label.split("."))
    return _RANK.get(marker, 30)


def _walk(paragraphs: list[Paragraph], path: _Path, warnings: list[ParseWarning]) -> list[Clause]:
    clauses, last_kind = [], None
    for index, paragraph in enumerate(paragraphs):
        if paragraph.rows is not None:
            clauses += table_clauses(paragraph.rows, path.section(), path.title(), paragraph.page, warnings)
            last_kind = None
            continue
        appendix = appendix_heading(paragraph.text) if paragraph.marker is None else None
        if appendix:
            path = _Path(
                appendix=" ".join(filter(None, ("PHỤ LỤC", appendix["label"]))),
                titles={0: appendix["title"].strip()},
            )
            last_kind = None
            continue
        kind = "item"
        if paragraph.marker in HEADING_MARKERS or paragraph.marker == "article":
            rank = path.enter(paragraph.marker, paragraph.label)
            if _is_heading(paragraphs, index):
                path.titles[rank] = paragraph.text
                last_kind = None
                continue
        elif paragraph.marker is None:
            if all_caps(paragraph.text) and len(paragraph.text.split()) <= 20:
                path.titles[_UNNUMBERED_HEADING] = paragraph.text
                last_kind = None
                continue
            kind = "continuation" if last_kind in ("item", "continuation") else "paragraph"
        clauses.append(
            Clause(
                section=path.section(),
                text=paragraph.text,
                page=paragraph.page,
                footnotes=list(paragraph.footnotes),
                kind=kind,
                section_title=path.title(),
            )
        )
        last_kind = kind
    return clauses


def _is_heading(paragraphs: list[Paragraph], index: int) -> bool:
    """A marked line is a heading when it reads as a title and body text follows it.

    "a. Tiếp tục bãi bỏ … năm 2018" followed by paragraphs is a heading; "3. Sở Y tế chủ
    trì …." is a task; so is an unpunctuated item followed by its next sibling.
    """
    text = paragraphs[index].text
    words = len(text.split())
    if text.rstrip().endswith(":"):
        return words <= 10
    if is_terminated(text) or words > 60 or text.rstrip().endswith(","):
        return False  # a sentence, or one cut mid-way ("… Hội Cựu chiến binh,")
    following = next((p for p in paragraphs[index + 1 :] if p.rows is not None or p.text), None)
    if following is None:
        return False
    if following.rows is not None:
        return True
    mine = _rank(paragraphs[index].marker, paragraphs[index].label)
    return _rank(following.marker, following.label) > mine
