"""The citizen's status page ``GET /tra-cuu?ma=CODE``: phone-sized, Vietnamese, no personal data but a masked name.

What it shows comes from ``dossier_status`` (filled by the dossier ops the counters push) and the
centre's name and address (reference data): status, appointment, where to collect the result.
"""

from __future__ import annotations

import html
import json
from datetime import datetime

from sqlalchemy.orm import Session

from counter_app.domain.text import strip_controls
from counter_app.server.models import DossierStatusRow, RecordRow
from counter_app.services.dossier_words import status_text
from counter_app.services.formatting import format_datetime
from counter_app.services.i18n import _

MAX_CODE = 64


def mask_name(name: str) -> str:
    """``Nguyễn Văn An`` → ``N***** V** A*``: enough to recognise one's own dossier, not to learn a name."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())


def normalise_code(code: str) -> str:
    return "".join(strip_controls(code).split()).upper()[:MAX_CODE]


def status_page(session: Session, code: str) -> tuple[int, str]:
    """(HTTP status, HTML page) for the dossier ``code``."""
    wanted = normalise_code(code)
    row = session.get(DossierStatusRow, wanted) if wanted else None
    if row is None:
        return 404, _page(_("Dossier status"), f"<p class=miss>{_e(_('No dossier has this code: {code}.').format(code=wanted or '—'))}</p>")
    centre = session.get(RecordRow, ("centres", row.centre_id))
    where = "—"
    if centre is not None:
        info = json.loads(centre.payload)
        where = ", ".join(part for part in (info.get("name", ""), info.get("address", "")) if part)
    appointment = "—"
    if row.appointment:
        try:
            appointment = format_datetime(datetime.fromisoformat(row.appointment))
        except ValueError:
            appointment = row.appointment
    lines = (
        (_("Dossier code"), row.code),
        (_("Applicant"), mask_name(row.applicant_name)),
        (_("Status"), status_text(row.status)),
        (_("Appointment"), appointment),
        (_("Where to collect"), where),
    )
    body = "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in lines) + "</dl>"
    return 200, _page(_("Dossier status"), body)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang=vi><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;margin:0 auto;max-width:30rem;padding:1rem;font-size:1.1rem}"
        "dt{color:#555;font-size:.9rem;margin-top:.8rem}dd{margin:0;font-weight:600}"
        ".miss{color:#a00}</style></head>"
        f"<body><h1>{_e(title)}</h1>{body}</body></html>"
    )
