"""Contact sheets as PDF: read back as text, one page per person, nothing private unless asked."""

import re
import shutil
import subprocess
import unicodedata

import pytest
from PySide6.QtCore import QLocale, QUrl
from PySide6.QtGui import QColor, QImage, QPageSize, QTextDocument

from favorbook.errors import NotFoundError, ValidationError
from favorbook.formats import sheet
from favorbook.render import sheet_pdf
from favorbook.sample import demo
from favorbook.services import contacts, favors, followups, questions

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext is not installed")


def pdf_pages(path) -> list[str]:
    """The text of each page (pdftotext separates pages with form feeds)."""
    out = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def flat(text: str) -> str:
    """Text on one line, ligatures (ﬁ) spelled out, as a reader would search it."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture
def sample(qapp, db):
    demo.load(60, seed=1)
    return contacts.list_ids()


@pytest.fixture
def ann(qapp, make_contact, today):
    cid = make_contact(
        "Ann",
        "Lee",
        organization="Acme Tooling",
        title="Plant Manager",
        needs="A second supplier for castings",
    )
    favors.log_favor(cid, "given", "Introduced them to a foundry", expectation="iou")
    followups.add_followup(cid, today, "Send the castings case study")
    contacts.add_note(cid, "Ask about the new line")
    contacts.add_note(cid, "Confidential salary figure", private=True)
    return cid


@needs_pdftotext
def test_a_sheet_reads_back_with_its_content(ann, tmp_path):
    out = tmp_path / "ann.pdf"
    assert sheet_pdf.write_pdf(out, [ann]) == 1
    pages = pdf_pages(out)
    assert len(pages) == 1
    text = flat(pages[0])
    suggestion = questions.suggest(ann)[0].text
    for expected in (
        "Ann Lee",
        "Acme Tooling",
        "A second supplier for castings",
        "Introduced them to a foundry",
        "Send the castings case study",
        "Ask about the new line",
        "favorbook",
    ):
        assert expected in text, expected
    assert flat(suggestion) in text
    assert "Confidential" not in text


@needs_pdftotext
def test_private_notes_only_when_asked(ann, tmp_path):
    out = tmp_path / "ann.pdf"
    sheet_pdf.write_pdf(out, [ann], include_private=True)
    assert "Confidential salary figure" in flat(pdf_pages(out)[0])


@needs_pdftotext
def test_markup_in_a_name_is_printed_as_typed(qapp, make_contact, tmp_path):
    cid = make_contact("<b>Bold</b>", "&amp; Co", organization="<script>x</script>")
    out = tmp_path / "odd.pdf"
    sheet_pdf.write_pdf(out, [cid])
    text = flat(pdf_pages(out)[0])
    assert "<b>Bold</b> &amp; Co" in text
    assert "<script>x</script>" in text


@needs_pdftotext
@pytest.mark.parametrize("paper", [QPageSize.PageSizeId.A4, QPageSize.PageSizeId.Letter])
def test_every_sample_contact_fits_one_page(sample, tmp_path, monkeypatch, paper):
    def never(data, level):
        raise AssertionError(f"{data.name}'s page had to be shortened")

    monkeypatch.setattr(sheet, "compact", never)  # typical contacts fit as they are
    out = tmp_path / "all.pdf"
    pages = sheet_pdf.write_pdf(out, sample, include_private=True, page_size=QPageSize(paper))
    assert pages == len(sample)
    pages = pdf_pages(out)
    assert len(pages) == len(sample)
    names = contacts.names(sample)
    for cid, page in zip(sample, pages, strict=True):
        assert names[cid] in flat(page)


@needs_pdftotext
def test_a_meeting_sheet_has_a_page_per_attendee(sample, tmp_path):
    out = tmp_path / "meeting.pdf"
    attendees = sample[:3]
    assert sheet_pdf.write_pdf(out, attendees) == 3
    pages = pdf_pages(out)
    names = contacts.names(attendees)
    assert [names[c] in flat(p) for c, p in zip(attendees, pages, strict=True)] == [True] * 3
    assert re.search(r"1\s*/\s*3", pages[0]) and re.search(r"3\s*/\s*3", pages[2])


@needs_pdftotext
def test_odd_contacts_still_fit_one_page(qapp, make_contact, tmp_path):
    solo = make_contact("Solo", "")
    wordy = make_contact("Wordy", "Person", needs="need " * 3000, goals="goal " * 3000)
    contacts.add_note(wordy, "long " * 20000)
    for i in range(12):
        contacts.add_note(wordy, f"note number {i} " * 40)
        favors.log_favor(wordy, "given", "favor " * 500, expectation="iou")
        favors.log_favor(wordy, "received", "taken " * 500, expectation="iou")
        followups.add_followup(wordy, "2030-01-01", "follow " * 70)
    out = tmp_path / "odd.pdf"
    assert sheet_pdf.write_pdf(out, [solo, wordy]) == 2
    pages = pdf_pages(out)
    assert "Solo" in pages[0] and "Wordy Person" in pages[1]
    assert "…" in pages[1]


def test_a_failed_write_leaves_the_old_file(qapp, db, tmp_path):
    out = tmp_path / "keep.pdf"
    out.write_bytes(b"old")
    with pytest.raises(NotFoundError):
        sheet_pdf.write_pdf(out, [424242])
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".keep")] == []


def test_a_sheet_of_nobody_is_refused(qapp, db, tmp_path):
    with pytest.raises(ValidationError):
        sheet_pdf.write_pdf(tmp_path / "empty.pdf", [])
    assert not (tmp_path / "empty.pdf").exists()


def test_the_document_loads_nothing_from_outside(qapp, tmp_path):
    picture = tmp_path / "x.png"
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(0xFF0000)
    assert image.save(str(picture))
    doc = sheet_pdf.SheetDocument()
    doc.setHtml(f'<img src="{picture}"><img src="{QUrl.fromLocalFile(str(picture)).toString()}">')
    kind = QTextDocument.ResourceType.ImageResource.value
    assert doc.resource(kind, QUrl.fromLocalFile(str(picture))) is None
    assert doc.resource(kind, QUrl(str(picture))) is None
    assert doc.resource(kind, QUrl("http://example.com/x.png")) is None


def _portrait_of(data):
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QPdfWriter

    buffer = QBuffer(QByteArray())
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    [doc] = sheet_pdf.build_documents([data], writer)
    kind = QTextDocument.ResourceType.ImageResource.value
    portrait = doc.resource(kind, QUrl(sheet.photo_resource(data.contact_id)))
    assert isinstance(portrait, QImage) and not portrait.isNull()
    return portrait


def _png(color) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return bytes(data)


def test_the_picture_is_the_photo_else_initials(ann, qapp):
    data = sheet.sheet_data(ann)
    side = None
    for photo, expected in ((_png("red"), QColor("red")), (None, QColor(sheet.ACCENT))):
        data.photo = photo
        portrait = _portrait_of(data)
        side = portrait.width()
        assert portrait.pixelColor(int(side * 0.15), side // 2).name() == expected.name()
    data.photo = b"not an image at all"  # a damaged photo falls back to the initials
    portrait = _portrait_of(data)
    assert portrait.pixelColor(int(side * 0.15), side // 2).name() == QColor(sheet.ACCENT).name()


def test_paper_follows_the_locale():
    us = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    de = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    assert sheet_pdf.default_page_size(us).id() == QPageSize.PageSizeId.Letter
    assert sheet_pdf.default_page_size(de).id() == QPageSize.PageSizeId.A4


@needs_pdftotext
def test_print_sheets_on_a_printer(ann, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    out = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    assert sheet_pdf.print_sheets(printer, [ann]) == 1
    assert "Ann Lee" in flat(pdf_pages(out)[0])
