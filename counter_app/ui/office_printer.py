"""Office printers (A4/A5): the ``Printer`` port over the system's printers through Qt print support.

The services hand over PDF bytes (forms Mẫu 01–07, the book, hand-over records, guidance sheets);
this adapter renders each page to an image at the printer's resolution (the services' preview
path, pypdfium2) and paints it on a ``QPrinter`` scaled to the paper, with the printer, paper
size and copies chosen for that kind of document on this PC (settings.office_printing, see
services/device_admin.py). The counter role puts it in place of the virtual printer when an
office printer is set (``install_office_printer``); images (tickets, 80 mm receipts) still go
to the printer it replaced.

QPainter on a QPrinter may be used off the GUI thread (Qt: "Reentrancy and thread-safety" of
QPainter), which is where PrintService sends documents from (the render workers).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from counter_app.services.device_admin import OfficeChoice, office_choice, office_kind_of
from counter_app.services.devices import DeviceState, DeviceStatus, assignments
from counter_app.services.ports import Printer, PrintJob
from counter_app.services.settings import Settings

_log = logging.getLogger(__name__)

MAX_DPI = 600  # a 600 dpi A4 page is 35 megapixels: enough for any office laser, and bounded
PAPER = {"A4": QPageSize.PageSizeId.A4, "A5": QPageSize.PageSizeId.A5}


def system_printer_names() -> list[str]:
    """The printers Qt sees on this computer (CUPS on Linux, the spooler on Windows)."""
    return list(QPrinterInfo.availablePrinterNames())


def default_printer_name() -> str:
    return QPrinterInfo.defaultPrinterName()


class OfficePrinter:
    """The ``Printer`` port for page documents on a system printer (or a PDF file, for support)."""

    def __init__(
        self, *, printer_name: str | None, settings: Callable[[], Settings],
        render_pages: Callable[[bytes, int], list[bytes]], images: Printer | None = None,
        output_file: Path | None = None, max_dpi: int = MAX_DPI, board: Any = None,
    ) -> None:
        self.printer_name = printer_name  # the PC's office printer; None: the system's default
        self.name = f"office {printer_name or output_file or 'default'}"
        self._settings = settings  # read at each job: a choice saved on the Devices screen applies at once
        self._render_pages = render_pages
        self._images = images
        self._output_file = output_file  # file:// office printer: a PDF file instead of paper
        self._max_dpi = max_dpi
        self._board = board
        self._lock = threading.Lock()  # one document at a time on this printer

    def choice_for(self, title: str) -> OfficeChoice:
        return office_choice(self._settings(), office_kind_of(title))

    def print_pdf(self, pdf: bytes, *, title: str, at: datetime) -> PrintJob:
        choice = self.choice_for(title)
        name = choice.printer or self.printer_name
        with self._lock:
            try:
                pages = self._print(pdf, title, choice, name)
            except _Refused as refused:
                _log.error("office printer %s: %s not printed: %s", name or "default", title, refused)
                self._report(DeviceState.ERROR, "device.office_print_failed", printer=name or "", reason=refused.word)
                return PrintJob(self.name, ok=False, error=str(refused), code="device.office_print_failed",
                                params=(("printer", name or ""), ("reason", refused.word)))
        _log.info("office printer %s: %s printed (%d pages, %s, %d copies)", name or "default", title, pages,
                  choice.paper, choice.copies)
        self._report(DeviceState.CONNECTED)
        return PrintJob(self.name, ok=True, path=self._output_file)

    def print_image(self, png: bytes, *, title: str, at: datetime) -> PrintJob:
        """Tickets and 80 mm receipts are not office documents: the printer this one stands beside prints them."""
        if self._images is None:
            return PrintJob(self.name, ok=False, error="an office printer does not print receipt images")
        return self._images.print_image(png, title=title, at=at)

    # -- painting ----------------------------------------------------------------------------------

    def _printer(self, title: str, choice: OfficeChoice, name: str | None) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self._output_file is not None:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(self._output_file))
        else:
            if name and name not in system_printer_names():
                raise _Refused(f"no printer named {name!r} on this computer", "printer.not_on_this_computer")
            if name:
                printer.setPrinterName(name)
            if not printer.isValid():
                raise _Refused("no printer is set up on this computer", "printer.none_set_up")
        printer.setDocName(title)
        printer.setFullPage(True)
        printer.setPageSize(QPageSize(PAPER.get(choice.paper, QPageSize.PageSizeId.A4)))
        printer.setResolution(min(printer.resolution(), self._max_dpi))
        return printer

    def _print(self, pdf: bytes, title: str, choice: OfficeChoice, name: str | None) -> int:
        printer = self._printer(title, choice, name)
        dpi = printer.resolution()
        images = [QImage.fromData(png) for png in self._render_pages(pdf, dpi)]
        if not images or any(image.isNull() for image in images):
            raise _Refused("the document has no page to print", "printer.no_page")
        copies = choice.copies
        if printer.supportsMultipleCopies():
            printer.setCopyCount(copies)
            copies = 1
        painter = QPainter()
        if not painter.begin(printer):
            raise _Refused("the printer did not start the document", "printer.not_started")
        try:
            first = True
            for _copy in range(copies):  # engines without copies (PDF files) get the pages again
                for image in images:
                    if not first and not printer.newPage():
                        raise _Refused("the printer refused a new page", "printer.page_refused")
                    first = False
                    painter.drawImage(_fitted(image, printer), image)
        finally:
            painter.end()
        return len(images) * copies

    def _report(self, state: DeviceState, code: str = "", /, **params: str) -> None:
        if self._board is not None:
            self._board.report(DeviceStatus("office-printer", state, code, tuple(sorted(params.items())),
                                            datetime.now().astimezone()))


class _Refused(Exception):
    """The printer cannot take this document (the text goes to the log, ``word`` to the print job and the
    status bar: a services/messages.PARAM_WORDS code)."""

    def __init__(self, text: str, word: str) -> None:
        super().__init__(text)
        self.word = word


def _fitted(image: QImage, printer: QPrinter) -> QRectF:
    """The page's image scaled into the paper (device pixels), keeping its shape, centred."""
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    scale = min(paper.width() / image.width(), paper.height() / image.height())
    width, height = image.width() * scale, image.height() * scale
    return QRectF((paper.width() - width) / 2, (paper.height() - height) / 2, width, height)


def install_office_printer(services: Any) -> OfficePrinter | None:
    """The composition root's step: when this PC has an office printer (settings.devices), page
    documents go to it instead of the virtual printer (which keeps the images). None: nothing set."""
    printing = getattr(services, "printing", None)
    settings = getattr(services, "settings", None)
    if printing is None or settings is None:
        return None

    def broken(role: str, exc: Exception) -> None:
        _log.error("device setting %s cannot be used: %s", role, exc)

    found = assignments({k: v for k, v in settings.devices.items() if k == "office-printer"}, broken)
    office = found.get("office-printer")
    current = printing.printer
    # installed again after Assign or Remove (the Devices screen): it replaces the one installed before
    images = current._images if isinstance(current, OfficePrinter) else current
    if office is None:
        if isinstance(current, OfficePrinter) and images is not None:
            printing.printer = images  # removed: page documents go to the printer it stood beside again
            _log.info("the office printer was removed; page documents go to %s", getattr(images, "name", images))
        return None
    uri = office.uri
    adapter = OfficePrinter(
        printer_name=uri.target if uri.scheme == "system" else None,
        settings=lambda: services.settings,
        render_pages=printing.preview_pages,
        images=images,
        output_file=Path(uri.target) if uri.scheme == "file" else None,
        board=getattr(services, "device_board", None),
    )
    printing.printer = adapter
    _log.info("page documents print on the office printer %s", uri)
    return adapter
