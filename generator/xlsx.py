"""A one-sheet Excel workbook (Office Open XML) written directly: the same cells give the same bytes.

openpyxl wrote these before; its bytes changed with whether lxml was installed, and it took most of the
data files' time. This writes only what Bulletin's exports use: a bold, frozen header row with an
autofilter, text as inline strings (never a formula), numbers, booleans, dates (yyyy-mm-dd), hyperlinks,
column widths. tests/test_feeds.py and tests/test_exports.py read the result back with openpyxl.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EPOCH = date(1899, 12, 30)     # Excel's day 0 (1900 date system, past its leap-year bug)

# cell styles (cellXfs in STYLES): plain, bold header, date, hyperlink
PLAIN, BOLD, DATE, LINK = range(4)
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="1" applyFont="1"/></cellXfs>'
    '<cellStyles count="2"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    '<cellStyle name="Hyperlink" xfId="1" builtinId="8"/></cellStyles></styleSheet>')


@dataclass(frozen=True)
class Cell:
    """One cell: `value` is str (text), bool, int/float (finite) or date; `link` an absolute URL or ""."""
    value: object
    style: int = PLAIN
    link: str = ""


def column(n: int) -> str:
    """1 -> A, 27 -> AA."""
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(ref: str, cell: Cell) -> str:
    v, s = cell.value, f' s="{cell.style}"' if cell.style else ""
    if isinstance(v, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(v)}</v></c>'
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"{s}><v>{v!r}</v></c>'
    if isinstance(v, date):
        return f'<c r="{ref}" s="{DATE}"><v>{(v - EPOCH).days}</v></c>'
    space = ' xml:space="preserve"' if v != v.strip() or "\n" in v else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(v)}</t></is></c>'


ROW = "\x01"      # a row's number in row(): XML text holds no control character (feeds._clean drops them)


def row(cells: list[Cell | None]) -> tuple[str, list[tuple[str, str]]]:
    """One row's XML and its links ((cell reference, URL)), with ROW where its number goes: a row is written
    once and kept (stage2.Memo.rows), then numbered where it lands (book)."""
    out, links = [], []
    for ci, cell in enumerate(cells, 1):
        if cell is None:
            continue
        ref = column(ci) + ROW
        out.append(_cell(ref, cell))
        if cell.link:
            links.append((ref, cell.link))
    return f'<row r="{ROW}">{"".join(out)}</row>', links


def workbook(sheet: str, rows: list[list[Cell | None]], widths: list[float], stamp: date, creator: str) -> bytes:
    """The .xlsx bytes of one sheet named `sheet` (already valid: ≤ 31 characters, none of \\/*?:[]);
    rows[0] is the header (frozen, with the autofilter over every row); `stamp` dates the document and
    every zip entry."""
    return book(sheet, [row(r) for r in rows], max((len(r) for r in rows), default=0), widths, stamp, creator)


def book(sheet: str, rows: list[tuple[str, list]], ncols: int, widths: list[float], stamp: date,
         creator: str) -> bytes:
    """workbook() of rows written by row(); `ncols`: the most cells in a row."""
    links, out = [], []
    for ri, (xml, row_links) in enumerate(rows, 1):
        n = str(ri)
        out.append(xml.replace(ROW, n))
        links += [(ref.replace(ROW, n), url) for ref, url in row_links]
    cols = "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>' for i, w in enumerate(widths, 1))
    last = f"{column(ncols)}{max(len(rows), 1)}" if ncols else ""
    sheet_xml = (
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "") +
        f'<sheetData>{"".join(out)}</sheetData>' + (f'<autoFilter ref="A1:{last}"/>' if last else "") +
        ("<hyperlinks>" + "".join(f'<hyperlink ref="{ref}" r:id="rId{n}"/>' for n, (ref, _) in enumerate(links, 1))
         + "</hyperlinks>" if links else "") + "</worksheet>")
    name = quoteattr(sheet)
    defined = (f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
               f"{escape(_quoted(sheet))}!$A$1:${column(ncols)}${max(len(rows), 1)}</definedName></definedNames>"
               if ncols else "")
    when = f"{stamp.isoformat()}T00:00:00Z"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'),
        "_rels/.rels": _rels([
            ("rId1", f"{REL}/officeDocument", "xl/workbook.xml"),
            ("rId2", f"{PKG_REL}/metadata/core-properties", "docProps/core.xml"),
            ("rId3", f"{REL}/extended-properties", "docProps/app.xml")]),
        "docProps/app.xml": ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                             f'extended-properties"><Application>{escape(creator)}</Application></Properties>'),
        "docProps/core.xml": (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:creator>{escape(creator)}</dc:creator><cp:lastModifiedBy>{escape(creator)}</cp:lastModifiedBy>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>'),
        "xl/workbook.xml": (f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView/></bookViews>'
                            f'<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets>{defined}</workbook>'),
        "xl/_rels/workbook.xml.rels": _rels([("rId1", f"{REL}/worksheet", "worksheets/sheet1.xml"),
                                             ("rId2", f"{REL}/styles", "styles.xml")]),
        "xl/styles.xml": STYLES,
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if links:
        parts["xl/worksheets/_rels/sheet1.xml.rels"] = _rels(
            [(f"rId{n}", f"{REL}/hyperlink", url) for n, (_, url) in enumerate(links, 1)], external=True)
    buf = io.BytesIO()
    stamp_tuple = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(parts):
            info = zipfile.ZipInfo(part, date_time=stamp_tuple)
            info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 0, 0o600 << 16
            archive.writestr(info, HEAD + parts[part])
    return buf.getvalue()


def _rels(items: list[tuple[str, str, str]], external: bool = False) -> str:
    mode = ' TargetMode="External"' if external else ""
    return (f'<Relationships xmlns="{PKG_REL}">' + "".join(
        f'<Relationship Id="{i}" Type="{t}" Target={quoteattr(target)}{mode}/>' for i, t, target in items)
        + "</Relationships>")


def _quoted(sheet: str) -> str:
    """A sheet's name as a formula names it: 'it''s'."""
    return "'" + sheet.replace("'", "''") + "'"
