"""Contact sheets on paper: Qt's own PDF writer and printer, no browser, no network.

``write_pdf`` writes one page per person (a meeting sheet when given several
people) atomically; ``print_sheets`` sends the same pages to a QPrinter, for
print with preview. Both need a QGuiApplication; ``ensure_application`` makes one
for headless callers such as the command line.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QLocale,
    QMarginsF,
    QRectF,
    QSizeF,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QTextDocument,
)

from favorbook.errors import ValidationError
from favorbook.formats import sheet
from favorbook.formats.atomic import atomic_write
from favorbook.render import locale_dates

MARGIN_MM = 15.0
RESOLUTION = 300
PHOTO_PX = 64  # the picture's side in the HTML, in CSS pixels (1/96 inch)
FONT_FAMILIES = ["Noto Sans", "DejaVu Sans", "Liberation Sans", "Helvetica", "Arial", "Sans Serif"]
FOOTER_PT = 7.5
BODY_PT = 9.5
MAX_COMPACT_LEVEL = 4  # how far an overflowing page is shortened (see sheet.compact)
LETTER_TERRITORIES = {QLocale.Country.UnitedStates, QLocale.Country.Canada}


def ensure_application() -> QGuiApplication:
    """The running Qt application, or a new headless one (offscreen when there is no display)."""
    app = QGuiApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        ):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["favorbook"])
    locale_dates.use_locale()
    return app


def default_page_size(locale: QLocale | None = None) -> QPageSize:
    """Letter in the US and Canada, A4 everywhere else."""
    territory = (locale or QLocale.system()).territory()
    if territory in LETTER_TERRITORIES:
        return QPageSize(QPageSize.PageSizeId.Letter)
    return QPageSize(QPageSize.PageSizeId.A4)


class SheetDocument(QTextDocument):
    """A text document that loads nothing from outside: only the pictures registered on it."""

    def loadResource(self, kind: int, name: QUrl):  # noqa: N802 (Qt's name)
        return None


def _portrait(data: sheet.SheetData, side: int) -> QImage:
    """The person's photo cropped to a rounded square, or their initials on a disc."""
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    photo = QImage()
    if data.photo:
        photo.loadFromData(QByteArray(data.photo))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    path = QPainterPath()
    if not photo.isNull():
        path.addRoundedRect(QRectF(0, 0, side, side), side * 0.12, side * 0.12)
        painter.setClipPath(path)
        scaled = photo.scaled(
            side,
            side,
            Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation,
        )
        painter.drawImage((side - scaled.width()) // 2, (side - scaled.height()) // 2, scaled)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(sheet.ACCENT))
        painter.drawEllipse(QRectF(0, 0, side, side))
        font = QFont()
        font.setFamilies(FONT_FAMILIES)
        font.setPixelSize(int(side * 0.4))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(0, 0, side, side), Qt.AlignmentFlag.AlignCenter, data.initials)
    painter.end()
    return image


def _body_size(device: QPagedPaintDevice) -> tuple[QSizeF, QRectF]:
    res = _resolution(device)
    paint = QRectF(device.pageLayout().paintRectPixels(res))
    footer_h = FOOTER_PT / 72 * res * 2.2
    return QSizeF(paint.width(), paint.height() - footer_h), paint


def _resolution(device: QPagedPaintDevice) -> int:
    return device.resolution() if hasattr(device, "resolution") else device.logicalDpiY()


def _document(data: sheet.SheetData, device: QPagedPaintDevice) -> SheetDocument:
    """One person's page laid out for ``device``."""
    res = _resolution(device)
    doc = SheetDocument()
    doc.documentLayout().setPaintDevice(device)
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(BODY_PT)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setIndentWidth(16)  # CSS pixels; the layout scales them to the device
    doc.addResource(
        QTextDocument.ResourceType.ImageResource.value,
        QUrl(sheet.photo_resource(data.contact_id)),
        _portrait(data, round(PHOTO_PX / 96 * res)),
    )
    doc.setHtml(sheet.sheet_html([data]))
    doc.setPageSize(_body_size(device)[0])
    return doc


def build_documents(
    data_list: Sequence[sheet.SheetData], device: QPagedPaintDevice
) -> list[SheetDocument]:
    """Each person's page laid out for ``device``, in order.

    Every person is a document of their own, so one page never pushes the next
    person down. A page that would overflow is shortened (``sheet.compact``) until
    it fits, as far as ``MAX_COMPACT_LEVEL`` allows.
    """
    docs = []
    for data in data_list:
        doc = _document(data, device)
        level = 0
        while doc.pageCount() > 1 and level < MAX_COMPACT_LEVEL:
            level += 1
            doc = _document(sheet.compact(data, level), device)
        docs.append(doc)
    return docs


def _paint(
    device: QPagedPaintDevice, data_list: Sequence[sheet.SheetData], occasion: str = ""
) -> int:
    """Draw the sheets on ``device``, a footer on every page (naming ``occasion``, a
    meeting, when given); returns the page count."""
    docs = build_documents(data_list, device)
    body, paint = _body_size(device)
    pages = sum(doc.pageCount() for doc in docs)
    footer_font = QFont()
    footer_font.setFamilies(FONT_FAMILIES)
    footer_font.setPointSizeF(FOOTER_PT)
    footer = QRectF(0, body.height(), paint.width(), paint.height() - body.height())
    prepared = f"Prepared {sheet.day_text(dt.date.today())} · favorbook"
    if occasion:
        prepared = f"{sheet.short(occasion, 90)} · {prepared}"
    number = 0
    painter = QPainter(device)
    try:
        for doc in docs:
            for page in range(doc.pageCount()):
                if number:
                    device.newPage()
                number += 1
                painter.save()
                painter.translate(0, -page * body.height())
                clip = QRectF(0, page * body.height(), body.width(), body.height())
                painter.setClipRect(clip)
                doc.drawContents(painter, clip)
                painter.restore()
                painter.setFont(footer_font)
                painter.setPen(QColor(sheet.MUTED))
                bottom_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom
                painter.drawText(footer, bottom_left, prepared)
                if pages > 1:
                    bottom_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
                    painter.drawText(footer, bottom_right, f"{number} / {pages}")
    finally:
        painter.end()
    return pages


def gather(contact_ids: Sequence[int], *, include_private: bool = False) -> list[sheet.SheetData]:
    """Each person's briefing as of today; ValidationError when nobody was chosen."""
    if not contact_ids:
        raise ValidationError("contacts", "choose at least one contact for the sheet")
    today = dt.date.today()
    return [sheet.sheet_data(cid, include_private=include_private, on=today) for cid in contact_ids]


def pdf_bytes(
    contact_ids: Sequence[int],
    *,
    include_private: bool = False,
    page_size: QPageSize | None = None,
    occasion: str = "",
) -> tuple[bytes, int]:
    """The PDF of the sheets for ``contact_ids`` and its page count; ``occasion`` (a
    meeting's title and time) titles the PDF and goes in every page's footer."""
    ensure_application()
    data_list = gather(contact_ids, include_private=include_private)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setCreator("favorbook")
    writer.setTitle(
        (f"Meeting sheet: {occasion}" if occasion else "Contact sheet: ")
        + ("" if occasion else ", ".join(d.name for d in data_list[:5]))
        + (" …" if len(data_list) > 5 and not occasion else "")
    )
    writer.setPageLayout(
        QPageLayout(
            page_size or default_page_size(),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    pages = _paint(writer, data_list, occasion)
    del writer  # finishes the PDF into the buffer
    buffer.close()
    return bytes(buffer.data()), pages


def write_pdf(
    path: str | os.PathLike[str],
    contact_ids: Sequence[int],
    *,
    include_private: bool = False,
    page_size: QPageSize | None = None,
    occasion: str = "",
) -> int:
    """Write the sheets to ``path`` (replacing it only once complete); returns the page count."""
    data, pages = pdf_bytes(
        contact_ids, include_private=include_private, page_size=page_size, occasion=occasion
    )
    with atomic_write(path, "wb") as handle:
        handle.write(data)
    return pages


def print_sheets(
    printer, contact_ids: Sequence[int], include_private: bool = False, occasion: str = ""
) -> int:
    """Print the sheets on ``printer`` (a QPrinter, e.g. from a print preview); page count.

    The printer's page size and margins are used; margins left at (nearly) nothing
    become the sheet's 15 mm.
    """
    margins = printer.pageLayout().margins(QPageLayout.Unit.Millimeter)
    if max(margins.left(), margins.top(), margins.right(), margins.bottom()) < 5:
        printer.setPageMargins(
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter
        )
    return _paint(printer, gather(contact_ids, include_private=include_private), occasion)
