"""On-screen paper preview: the pages of a rendered PDF as PNG images (pypdfium2, no system tools)."""

from __future__ import annotations

import io

import pypdfium2

from counter_app.printing.fonts import RENDER_LOCK


def pdf_pages_png(
    pdf: bytes, *, dpi: int = 96, first: int = 0, count: int | None = None
) -> list[bytes]:
    """PNG bytes of the pages ``first`` … of ``pdf``, rendered at ``dpi``."""
    with RENDER_LOCK:  # pdfium is not thread-safe either
        document = pypdfium2.PdfDocument(pdf)
        try:
            last = len(document) if count is None else min(len(document), first + count)
            pages = []
            for index in range(first, last):
                page = document[index]
                image = page.render(scale=dpi / 72).to_pil()
                page.close()
                out = io.BytesIO()
                image.save(out, format="PNG", optimize=True)
                pages.append(out.getvalue())
            return pages
        finally:
            document.close()


def pdf_page_count(pdf: bytes) -> int:
    with RENDER_LOCK:
        document = pypdfium2.PdfDocument(pdf)
        try:
            return len(document)
        finally:
            document.close()
