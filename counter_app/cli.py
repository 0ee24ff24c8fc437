"""The `counter` command: set up and check the store, search the catalog, compute appointments."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

from counter_app.domain.errors import DomainError
from counter_app.services.i18n import _, argparse_words, set_language

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad arguments in one line (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {_('error')}: {message}\n")


MAX_LIMIT = 10_000  # rows a listing prints
MAX_WORKING_DAYS = 500  # longer than any statutory time, and inside the calendar's known years
MAX_BOOK_DAYS = 366  # one tracking book covers at most a year


def _whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high, refused in words otherwise (exit 2)."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                _("“{value}” is not a whole number from {low} to {high}").format(
                    value=_printable(text), low=low, high=high
                )
            )
        return value

    parse.__name__ = "int"
    return parse


def _not_blank(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError(_("must not be empty"))
    return text


def _printable(text: str, limit: int = 40) -> str:
    """Echo a user's argument back without control characters, and not too long."""
    from counter_app.domain.text import strip_controls

    clean = " ".join(strip_controls(text).split())  # one line: newlines and tabs become spaces
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def _data_dir_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, default=None, help=_("data folder (default: per-user data folder)"))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="counter", description=_("Quầy một cửa — counter application tools"))
    parser.add_argument("--lang", choices=["vi", "en"], default="vi")
    # Also accepted before the command (`counter --data-dir D voice say …`); a sub-command's own
    # --data-dir wins. A separate dest: a sub-parser's default would overwrite the value.
    parser.add_argument("--data-dir", dest="global_data_dir", type=Path, default=None,
                        help=_("data folder (default: per-user data folder)"))
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("init", help=_("create the data store"))
    p.add_argument("--demo", action="store_true", help=_("fill it with the sample province"))
    p.add_argument("--device-slot", type=_whole_number(1, 9), default=1, help=_("number of this PC in the province (1–9)"))
    _data_dir_arg(p)

    db = sub.add_parser("db", help=_("data store maintenance"))
    dbsub = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    _data_dir_arg(dbsub.add_parser("upgrade", help=_("back up, then upgrade the store to this version")))
    _data_dir_arg(dbsub.add_parser("check", help=_("integrity check and schema version")))

    p = sub.add_parser("backup", help=_("back up the data store now (verified; while the application runs)"))
    p.add_argument("--to", type=Path, default=None, metavar="DIR",
                   help=_("backup folder, e.g. a USB disk (default: the settings' folder, else <data dir>/backups)"))
    _data_dir_arg(p)
    p = sub.add_parser("restore", help=_("put a backup in place of the data store (close the application first)"))
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--force", action="store_true",
                   help=_("also a backup of another computer, or when unsent changes would be lost"))
    _data_dir_arg(p)

    cat = sub.add_parser("catalog", help=_("procedure catalog"))
    catsub = cat.add_subparsers(dest="catalog_command", required=True, parser_class=_Parser)
    p = catsub.add_parser("search", help=_("search procedures, accents optional"))
    p.add_argument("text", nargs="+", type=_not_blank)
    p.add_argument("--limit", type=_whole_number(1, MAX_LIMIT), default=20)
    _data_dir_arg(p)

    cal = sub.add_parser("calendar", help=_("working calendar"))
    calsub = cal.add_subparsers(dest="calendar_command", required=True, parser_class=_Parser)
    p = calsub.add_parser("due", help=_("the appointment for a dossier received at a given time"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--procedure", metavar="CODE", type=_not_blank)
    which.add_argument("--working-days", type=_whole_number(0, MAX_WORKING_DAYS), metavar="N")
    p.add_argument("--received", required=True, metavar="'YYYY-MM-DD HH:MM'")
    p.add_argument("--centre", default=None, help=_("centre id (its office hours)"))
    _data_dir_arg(p)
    dos = sub.add_parser("dossier", help=_("dossiers"))
    dossub = dos.add_subparsers(dest="dossier_command", required=True, parser_class=_Parser)
    p = dossub.add_parser("show", help=_("everything about one dossier, with its history"))
    p.add_argument("code")
    _data_dir_arg(p)
    p = dossub.add_parser("list", help=_("dossiers in one status"))
    p.add_argument("--status", required=True, choices=[s.value for s in _statuses()])
    p.add_argument("--limit", type=_whole_number(1, MAX_LIMIT), default=100)
    _data_dir_arg(p)

    p = sub.add_parser("render", help=_("render a document to a file"))
    p.add_argument("form", choices=[k.value for k in _kinds() if k.value not in ("book", "handover", "queue-ticket")]
                   + ["handover"])
    p.add_argument("code", help=_("dossier code, receipt number, postal item code or batch code"))
    p.add_argument("--format", choices=["pdf", "png", "thermal", "escpos"], default="pdf",
                   help=_("pdf; png of the first page; thermal: png of the 80 mm receipt; escpos: printer bytes"))
    p.add_argument("--out", type=Path, required=True)
    _data_dir_arg(p)

    p = sub.add_parser("book", help=_("the tracking book (Mẫu 07) of a period as A4 PDF"))
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--centre", default=None, help=_("centre id (default: the first centre)"))
    p.add_argument("--out", type=Path, required=True)
    _data_dir_arg(p)

    p = sub.add_parser("report", help=_("a report of a period as PDF, Excel or CSV (dossiers, queue, norms, …)"))
    p.add_argument("name", choices=["dossiers", "queue", "norms", "demand", "staff", "satisfaction", "effectiveness"])
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--centre", default=None, help=_("centre id (default: every centre of the store)"))
    p.add_argument("--format", choices=["pdf", "xlsx", "csv"], default="pdf")
    p.add_argument("--out", type=Path, required=True)
    _data_dir_arg(p)

    p = sub.add_parser("station", help=_("the centre this PC serves (kiosk, hall display, rating pad)"))
    p.add_argument("--centre", default=None, help=_("centre id to set"))
    _data_dir_arg(p)

    clock = sub.add_parser("clock", help=_("this computer's clock against the data store (administrator)"))
    clocksub = clock.add_subparsers(dest="clock_command", required=True, parser_class=_Parser)
    _data_dir_arg(clocksub.add_parser("show", help=_("the computer's time, the newest time saved, and whether numbering works")))
    p = clocksub.add_parser("confirm", help=_("confirm that the computer's date and time are right; numbering works again"))
    p.add_argument("--user", type=_not_blank, required=True, help=_("the administrator's user name"))
    p.add_argument("--password-stdin", action="store_true", help=_("read the password from standard input"))
    _data_dir_arg(p)

    voice = sub.add_parser("voice", help=_("voice call-outs"))
    vsub = voice.add_subparsers(dest="voice_command", required=True, parser_class=_Parser)
    p = vsub.add_parser("say", help=_("play a call: “Mời công dân có số … đến quầy số …”"))
    p.add_argument("number", help=_("ticket number, e.g. 12 or A012"))
    p.add_argument("--counter", type=_whole_number(1, 99), required=True)
    p.add_argument("--dry-run", action="store_true", help=_("print the clip sequence instead of playing it"))
    _data_dir_arg(p)
    _server_parsers(sub)
    _sync_parsers(sub)
    _devices_parsers(sub)
    return parser


def _statuses():  # type: ignore[no-untyped-def]
    from counter_app.domain.dossier import DossierStatus

    return list(DossierStatus)


def _kinds():  # type: ignore[no-untyped-def]
    from counter_app.services.documents import DocumentKind

    return list(DocumentKind)


def _known_years() -> range:
    """The years the working calendar knows (holidays, make-up days): dates outside are refused."""
    from counter_app.bootstrap import SystemClock, calendar_years

    return calendar_years(SystemClock().now())


def _check_year(day: date, value: str) -> None:
    years = _known_years()
    if day.year not in years:
        raise DomainError("cli.outside_calendar", value=_printable(value), first=years[0], last=years[-1])


def _parse_day(value: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError("cli.bad_date", value=_printable(value)) from None
    _check_year(day, value)
    return day


def _cli_desk(services, centre_id: str | None = None):  # type: ignore[no-untyped-def]
    """The command line acts as the store's administrator at a centre (no counter)."""
    from counter_app.services.dossiers import Desk

    with services.uow(readonly=True) as uow:
        centres = uow.units.centres()
        if not centres:
            raise DomainError("store.no_counter", centre="?")
        centre = next((c for c in centres if c.id == centre_id), None) if centre_id else centres[0]
        if centre is None:
            raise DomainError("dossier.unknown_centre", centre_id=centre_id)
    return Desk(staff_id="cli", staff_name="", centre_id=centre.id)


def _cmd_dossier(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import open_services
    from counter_app.domain.dossier import DossierStatus
    from counter_app.services.dossier_actions import actions_of, next_steps_text
    from counter_app.services.dossier_words import (
        event_text,
        method_text,
        postal_status_text,
        status_text,
    )
    from counter_app.services.formatting import (
        format_amount,
        format_datetime,
        format_fee_due,
        format_fee_kind,
        format_fee_status,
        format_money,
    )

    services = open_services(_data_dir(args), language=args.lang)
    if args.dossier_command == "list":
        rows = services.dossiers.list_by_status(DossierStatus(args.status), limit=args.limit)
        for d in rows:
            due = format_datetime(d.appointment) if d.appointment else "—"
            print(f"{d.code}\t{d.applicant_name}\t{d.procedure_name}\t{due}")
        print(_("{n} dossiers").format(n=len(rows)))
        return EXIT_OK
    detail = services.dossiers.detail(args.code)
    s, r = detail.summary, detail.record
    print(_("Dossier: {code}").format(code=s.code))
    print(_("Status: {status}").format(status=status_text(s.status)))
    print(next_steps_text(actions_of(detail, services.clock.now())))
    print(_("Procedure: {name} ({code})").format(name=s.procedure_name, code=s.procedure_code))
    print(_("Agency: {name}").format(name=s.agency_name))
    print(_("Applicant: {name}").format(name=s.applicant_name))
    print(_("Received: {when}").format(when=format_datetime(s.received_at)))
    if s.appointment:
        print(_("Appointment: {when}").format(when=format_datetime(s.appointment)))
    print(_("Fees and charges: {text}").format(text=format_fee_status(s.fee_due, s.paid)))
    for fee in detail.fees:
        print(_("  - {name} ({kind}): {amount}, {when}").format(
            name=fee.name, kind=format_fee_kind(fee.kind), amount=format_money(fee.amount), when=format_fee_due(fee.due)))
    for item in detail.postal_items:
        if item.charge:
            print(_("  - Postal charge for item {code}: {amount}").format(code=item.item_code, amount=format_amount(item.charge)))
    print(_("History:"))
    for h in detail.history:
        print(f"  {h.seq:>3}  {format_datetime(h.at)}  {event_text(h.type):<32} {h.staff_name}  {h.counter_id}")
    for p in detail.payments:
        paid_for = "; ".join(f"{name} {format_amount(amount)}" for name, amount in p.lines)
        print(_("  Cash slip {number}: {amount} ({method}) for {lines}").format(
            number=p.receipt_number, amount=format_amount(p.total), method=method_text(p.method), lines=paid_for))
    for item in detail.postal_items:
        print(_("  Postal item {code}: {status}").format(code=item.item_code, status=postal_status_text(item.status)))
    return EXIT_OK if r else EXIT_FAILURE


def _write(out: Path, data: bytes) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        import errno

        raise DomainError("print.cannot_write", path=str(out), reason=errno.errorcode.get(exc.errno or 0, str(exc))) from exc


def _cmd_render(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import open_services
    from counter_app.services.documents import DocumentKind

    services = open_services(_data_dir(args), language=args.lang)
    kind = DocumentKind(args.form)
    desk = _cli_desk(services)
    if kind in (DocumentKind.RECEIPT, DocumentKind.SUPPLEMENT, DocumentKind.REFUSAL, DocumentKind.APOLOGY,
                DocumentKind.STOP, DocumentKind.CONTROL):
        desk = _cli_desk(services, services.dossiers.find(args.code).centre_id)
    if args.format in ("thermal", "escpos"):
        fmt = "png" if args.format == "thermal" else "escpos"
        _write(args.out, services.printing.render_receipt_printer(kind, args.code.strip(), desk, fmt=fmt))
        print(_("Written: {path}").format(path=args.out))
        return EXIT_OK
    pdf = services.printing.render(kind, args.code.strip(), desk)
    if args.format == "png":
        from counter_app.printing.preview import pdf_pages_png

        _write(args.out, pdf_pages_png(pdf, dpi=150, count=1)[0])
    else:
        _write(args.out, pdf)
    print(_("Written: {path}").format(path=args.out))
    return EXIT_OK


def _cmd_book(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import open_services
    from counter_app.services.documents import DocumentKind

    start, end = _parse_day(args.start), _parse_day(args.end)
    if end < start:
        raise DomainError("cli.bad_period", start=args.start, end=args.end)
    if (end - start).days >= MAX_BOOK_DAYS:
        raise DomainError("cli.period_too_long", days=MAX_BOOK_DAYS)
    services = open_services(_data_dir(args), language=args.lang)
    desk = _cli_desk(services, args.centre)
    _write(args.out, services.printing.render(DocumentKind.BOOK, "", desk, period=(start, end)))
    print(_("Written: {path}").format(path=args.out))
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    """`counter report NAME --from --to [--centre] --format --out` (issue 13), read as the command line."""
    from counter_app.bootstrap import open_services
    from counter_app.printing.report_export import export
    from counter_app.services.permissions import COMMAND_LINE
    from counter_app.services.report_documents import document_of
    from counter_app.services.reports import Period, ReportFilters, ReportService, run_report

    period = Period(_parse_day(args.start), _parse_day(args.end))  # wrong order or too long: refused in words
    centre = _printable(args.centre.strip(), 64) if args.centre else None
    services = open_services(_data_dir(args), language=args.lang)
    reports = ReportService(services.uow, services.clock)
    report = run_report(reports, args.name, period, ReportFilters(centre_id=centre), staff_id=COMMAND_LINE)
    _write(args.out, export(document_of(args.name, report), args.format))
    print(_("Written: {path}").format(path=args.out))
    return EXIT_OK


def _cmd_station(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import open_services

    services = open_services(_data_dir(args), language=args.lang)
    station = services.set_station_centre(args.centre) if args.centre else services.station()
    print(_("This PC serves: {name} ({id})").format(name=station.centre_name, id=station.centre_id))
    with services.uow(readonly=True) as uow:
        for centre in uow.units.centres():
            print(f"  {centre.id}\t{centre.name}")
    return EXIT_OK


def _cmd_clock(args: argparse.Namespace) -> int:
    """`counter clock show|confirm`: the store's clock mark (issue 9 §1); a problem is exit 1."""
    from counter_app.bootstrap import open_services
    from counter_app.services.clock_guard import clock_state, confirm_clock
    from counter_app.services.formatting import format_datetime
    from counter_app.services.i18n import describe_error

    services = open_services(_data_dir(args), language=args.lang)
    with services.uow(readonly=True) as uow:
        calendar = uow.calendars.calendar()
    try:
        if args.clock_command == "confirm":
            if args.password_stdin or not sys.stdin.isatty():
                try:
                    password = sys.stdin.readline().rstrip("\r\n")
                except OSError:  # no input at all: refused below as a missing password
                    password = ""
            else:
                import getpass

                password = getpass.getpass(_("Password: "))
            session = services.login(args.user, password)
            confirm_clock(session.staff_id, uow_factory=services.uow, clock=services.clock)
            print(_("{name} confirmed the date and time {now}: numbering works again.").format(
                name=session.full_name, now=format_datetime(services.clock.now())))
            return EXIT_OK
        state = clock_state(services.uow, services.clock, calendar)
    except DomainError as exc:
        print(f"counter: {_printable(describe_error(exc), 1000)}", file=sys.stderr)
        return EXIT_FAILURE
    print(_("This computer's clock: {now}").format(now=format_datetime(state.now)))
    print(_("Newest time saved in the data store: {mark}").format(
        mark=format_datetime(state.mark) if state.mark else "—"))
    if state.problem is None:
        print(_("Result: OK, numbering works"))
        return EXIT_OK
    problem = DomainError(state.problem, now=format_datetime(state.now),
                          mark=format_datetime(state.mark) if state.mark else "—")
    print(f"counter: {_printable(describe_error(problem), 1000)}", file=sys.stderr)
    return EXIT_FAILURE


MAX_PORT = 65_535
MAX_WORKERS = 32


def _server_parsers(sub) -> None:  # type: ignore[no-untyped-def]
    """`counter serve` and `counter server …`: the provincial server (counter_app/server, docs/SYNC.md)."""

    def database_arg(p: argparse.ArgumentParser) -> None:
        _data_dir_arg(p)
        p.add_argument("--database", type=_not_blank, default=None, metavar="URL",
                       help=_("postgresql+psycopg://user:password@host/name (default: SQLite in the data folder)"))

    p = sub.add_parser("serve", help=_("run the provincial server (HTTP API and citizen status page)"))
    database_arg(p)
    p.add_argument("--host", type=_not_blank, default="127.0.0.1", help=_("address to listen on"))
    p.add_argument("--port", type=_whole_number(1, MAX_PORT), default=8700)
    p.add_argument("--workers", type=_whole_number(1, MAX_WORKERS), default=1, help=_("server processes"))
    server = sub.add_parser("server", help=_("provincial server administration"))
    ssub = server.add_subparsers(dest="server_command", required=True, parser_class=_Parser)
    p = ssub.add_parser("init", help=_("create or upgrade the server database"))
    p.add_argument("--demo", action="store_true", help=_("fill it with the sample province"))
    database_arg(p)
    sdb = ssub.add_parser("db", help=_("server database maintenance"))
    sdbsub = sdb.add_subparsers(dest="server_db_command", required=True, parser_class=_Parser)
    database_arg(sdbsub.add_parser("upgrade", help=_("upgrade the server database to this version")))
    database_arg(sdbsub.add_parser("check", help=_("schema version of the server database")))
    p = ssub.add_parser("enrol-code", help=_("a one-time code that enrols one PC of a centre"))
    p.add_argument("--centre", type=_not_blank, required=True, metavar="ID")
    p.add_argument("--slot", type=_whole_number(1, 9), default=1, help=_("number of the PC in the province (1–9)"))
    database_arg(p)
    p = ssub.add_parser("revoke", help=_("refuse a device from now on"))
    p.add_argument("device", type=_not_blank, metavar="DEVICE")
    database_arg(p)
    p = ssub.add_parser("rejects", help=_("ops the server did not apply, for review"))
    p.add_argument("--limit", type=_whole_number(1, MAX_LIMIT), default=100)
    database_arg(p)


def _server_data_dir(args: argparse.Namespace) -> Path | None:
    return None if args.database and not (args.data_dir or args.global_data_dir) else _data_dir(args)


def _cmd_serve(args: argparse.Namespace) -> int:
    from counter_app.server.commands import serve

    serve(_server_data_dir(args), args.database, host=args.host, port=args.port, workers=args.workers)
    return EXIT_OK


def _cmd_server(args: argparse.Namespace) -> int:
    from counter_app.server import commands
    from counter_app.services.formatting import format_datetime

    data_dir, database = _server_data_dir(args), args.database
    if args.server_command == "init":
        result = commands.init(data_dir, database, demo=args.demo)
        print(_("Server database ready: {url}").format(url=result.url))
        if result.published is not None:
            print(_("Sample province loaded: {count} rows").format(count=sum(result.published.values())))
        elif args.demo:
            print(_("The province is already loaded; nothing was overwritten"))
        return EXIT_OK
    if args.server_command == "db":
        if args.server_db_command == "upgrade":
            before, after = commands.upgrade(data_dir, database)
            print(_("Server database at version {after} (was {before})").format(after=after, before=before or "—"))
            return EXIT_OK
        check = commands.check(data_dir, database)
        print(_("Schema version: {found} (this program: {head})").format(found=check.revision or "—", head=check.head))
        print(_("Result: OK") if check.ok else _("Result: PROBLEMS FOUND"))
        return EXIT_OK if check.ok else EXIT_FAILURE
    if args.server_command == "enrol-code":
        code = commands.enrol_code(data_dir, database, args.centre.strip(), args.slot)
        print(_("One-time enrolment code for centre {centre}, PC {slot} (valid 24 hours, for one PC):").format(
            centre=args.centre.strip(), slot=args.slot))
        print(code)
        return EXIT_OK
    if args.server_command == "revoke":
        centre = commands.revoke(data_dir, database, args.device)
        print(_("Device {device} of centre {centre} is refused from now on").format(device=args.device.strip(), centre=centre))
        return EXIT_OK
    found = commands.rejects(data_dir, database, args.limit)
    for r in found:
        print(f"{format_datetime(r.received_at)}\t{r.device_id}\t{r.device_seq}\t{r.op_id}\t{r.reason}\t{r.detail}")
    print(_("{n} ops for review").format(n=len(found)))
    return EXIT_OK


MAX_LISTEN_CODES = 1000
MAX_LISTEN_SECONDS = 3600
MAX_BOARD_ADDRESS = 255


def _sync_parsers(sub) -> None:  # type: ignore[no-untyped-def]
    """`counter sync enrol|now|status`: this PC and the provincial server (counter_app/sync, docs/SYNC.md)."""
    syn = sub.add_parser("sync", help=_("sync this PC with the provincial server"))
    ssub = syn.add_subparsers(dest="sync_command", required=True, parser_class=_Parser)
    p = ssub.add_parser("enrol", help=_("enrol this PC on the server with a one-time code"))
    p.add_argument("--server", type=_not_blank, required=True, help=_("the server's address, e.g. https://sync.example.vn"))
    p.add_argument("--code", type=_not_blank, required=True, help=_("the one-time code from “counter server enrol-code”"))
    _data_dir_arg(p)
    _data_dir_arg(ssub.add_parser("now", help=_("push the waiting changes and pull the server's, now")))
    _data_dir_arg(ssub.add_parser("status", help=_("changes waiting, last push and pull, last error")))


def _cmd_sync(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import SystemClock, open_sync
    from counter_app.services.sync_words import describe_sync_error, describe_sync_state

    clock = SystemClock()
    worker = open_sync(_data_dir(args), clock=clock)
    if args.sync_command == "enrol":
        from counter_app.sync.worker import enrol

        server = args.server.strip()
        if not server.startswith(("http://", "https://")):
            print(f"counter: {_('The server address must start with http:// or https://.')}", file=sys.stderr)
            return EXIT_USAGE
        try:
            link = enrol(worker.store, server, args.code, clock.now())
        except DomainError as exc:
            print(f"counter: {_printable(describe_sync_error(exc), 1000)}", file=sys.stderr)
            return EXIT_FAILURE
        print(_("This PC is enrolled on {server}: device {device}, centre {centre}, slot {slot}.").format(
            server=link.server_url, device=link.device_id, centre=link.centre_id, slot=link.slot))
        return EXIT_OK
    if args.sync_command == "now":
        try:
            report = worker.sync_now()
        except DomainError as exc:
            print(f"counter: {_printable(describe_sync_error(exc), 1000)}", file=sys.stderr)
            return EXIT_FAILURE
        print(_("Pushed: {applied} applied, {duplicates} already there, {rejected} rejected. Pulled: {pulled} changes.")
              .format(applied=report.applied, duplicates=report.duplicates, rejected=report.rejected,
                      pulled=report.pulled))
    print("\n".join(describe_sync_state(worker.store.state(), clock.now())))
    return EXIT_OK


def _devices_parsers(sub) -> None:  # type: ignore[no-untyped-def]
    """`counter devices list|set|test|listen`: this PC's printers, scanner and boards (issue 11)."""
    dev = sub.add_parser("devices", help=_("printers, scanner and queue-number boards of this PC"))
    dsub = dev.add_subparsers(dest="devices_command", required=True, parser_class=_Parser)
    _data_dir_arg(dsub.add_parser("list", help=_("serial ports, USB devices, printers and the devices set on this PC")))
    roles = "ticket-printer, receipt-printer, office-printer, scanner, board-N"
    p = dsub.add_parser("set", help=_("give a device a role on this PC (kept in its settings)"))
    p.add_argument("role", type=_not_blank, help=roles)
    p.add_argument("uri", type=_not_blank, help=_("e.g. serial:///dev/ttyUSB0?baud=115200, tcp://192.168.1.50:9100"))
    p.add_argument("--profile", type=_not_blank, default=None, metavar="NAME",
                   help=_("receipt printer model (escpos-printer-db), e.g. TM-T20II"))
    p.add_argument("--protocol", type=_not_blank, default=None, metavar="NAME",
                   help=_("board protocol: ascii-line, sum-frame or cd5220"))
    p.add_argument("--address", type=_whole_number(0, MAX_BOARD_ADDRESS), default=None, metavar="N",
                   help=_("board address on a shared RS-485 line"))
    _data_dir_arg(p)
    p = dsub.add_parser("test", help=_("test a device: a test receipt, 888 on a board, or one scan"))
    p.add_argument("role", type=_not_blank, help=roles)
    p.add_argument("--show", type=_whole_number(0, 9999), default=None, metavar="NUMBER",
                   help=_("the number a board shows (default 888)"))
    p.add_argument("--timeout", type=_whole_number(1, 600), default=None, metavar="S",
                   help=_("seconds to wait for the device"))
    _data_dir_arg(p)
    p = dsub.add_parser("listen", help=_("print each code the scanner reads"))
    p.add_argument("role", choices=["scanner"])
    p.add_argument("--count", type=_whole_number(1, MAX_LISTEN_CODES), default=1, metavar="N")
    p.add_argument("--timeout", type=_whole_number(1, MAX_LISTEN_SECONDS), default=30, metavar="S")
    _data_dir_arg(p)


def _device_words(error: DomainError) -> str:
    from counter_app.services.i18n import describe_error

    return _printable(describe_error(error), 1000)


def _presence(configured, discovery) -> str:  # type: ignore[no-untyped-def]
    """Whether the device of a configured role can be seen from here (the CLI runs no driver)."""
    uri = configured.assignment.uri
    if uri.scheme == "serial":
        seen = any(p.name == uri.target for p in discovery.serial_ports) or Path(uri.target).exists()
    elif uri.scheme == "system":
        seen = any(p.name == uri.target for p in discovery.printers)
    elif uri.scheme == "usb" and discovery.usb_devices:
        seen = any(p.name == uri.target for p in discovery.usb_devices)
    else:
        return _("not checked here (use “counter devices test {role}”)").format(role=configured.role)
    return _("found") if seen else _("not found")


def _cmd_devices(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import device_tools, settings_path
    from counter_app.services.device_admin import DeviceAdmin

    admin = DeviceAdmin(settings_path(), device_tools())
    if args.devices_command == "list":
        return _devices_list(admin)
    if args.devices_command == "set":
        assignment = admin.assign(args.role, args.uri, profile=args.profile, protocol=args.protocol,
                                  address=args.address)
        print(_("{role} is now {uri} (kept in {path}; used when the application starts next)").format(
            role=assignment.role.name, uri=assignment.uri, path=admin.settings_path))
        if assignment.role.kind == "printer":
            from counter_app.devices.admin import profile_prints_images

            if not profile_prints_images(assignment.profile):
                print(_device_words(DomainError("device.unknown_profile", profile=assignment.profile or "")))
        return EXIT_OK
    try:
        if args.devices_command == "listen":
            codes = admin.listen(args.role, args.count, float(args.timeout), on_code=print)
            if not codes:
                raise DomainError("device.no_scan", port=str(admin.assignment(args.role).uri), seconds=args.timeout)
            return EXIT_OK
        outcome = admin.test(args.role, number=None if args.show is None else str(args.show),
                             timeout=None if args.timeout is None else float(args.timeout))
    except DomainError as exc:
        if exc.code in ("device.unknown_role",):
            raise
        print(f"counter: {_device_words(exc)}", file=sys.stderr)
        return EXIT_FAILURE
    if outcome.ok:
        role = admin.assignment(args.role).role
        if role.kind == "scanner":
            print(_("Read: {code}").format(code=outcome.shown))
        elif role.kind == "board":
            print(_("{role} shows {number}").format(role=role.name, number=outcome.shown))
        elif role.kind == "printer":
            print(_("The test receipt was sent whole to {role}").format(role=role.name))
        else:
            print(_("{role}: the printer {printer} is there").format(role=role.name, printer=outcome.shown))
        if outcome.status is not None and outcome.status.reason:
            print(_device_words(outcome.status.error()))  # type: ignore[arg-type]
        return EXIT_OK
    error = outcome.error or DomainError("device.no_answer", port=args.role)
    print(f"counter: {_device_words(error)}", file=sys.stderr)
    return EXIT_FAILURE


def _devices_list(admin) -> int:  # type: ignore[no-untyped-def]
    discovery = admin.discover()
    sections = ((_("Serial ports:"), discovery.serial_ports), (_("USB devices:"), discovery.usb_devices),
                (_("Printers of this computer:"), discovery.printers))
    for title, found in sections:
        print(title)
        for device in found:
            print(f"  {device.uri}\t{device.detail}")
        if not found:
            print("  " + _("(none)"))
    for note in discovery.notes:
        print(_("Note: {words}").format(words=_device_words(note)))
    print(_("Devices of this PC:"))
    configured = admin.configured()
    for c in configured:
        if c.assignment is None:
            print(f"  {c.role}\t" + _device_words(c.problem or DomainError("device.bad_setting", role=c.role)))
            continue
        extra = " ".join(filter(None, (c.assignment.profile, c.assignment.protocol,
                                       None if c.assignment.address is None else f"#{c.assignment.address}")))
        print(f"  {c.role}\t{c.uri}\t{extra}\t{_presence(c, discovery)}")
    if not configured:
        print("  " + _("(none)"))
    return EXIT_OK


def _cmd_voice(args: argparse.Namespace) -> int:
    from counter_app.devices.audio import default_clip_dirs, say
    from counter_app.services.voice import call_sequence

    try:
        call_sequence(args.number, args.counter)
    except ValueError:
        raise DomainError("cli.bad_ticket", value=_printable(args.number)) from None
    own = _data_dir(args) / "voice"  # a centre's own recordings come before the bundled clips
    dirs = default_clip_dirs(own if own.is_dir() else None)
    return say(
        args.number, args.counter, dry_run=args.dry_run, clip_dirs=dirs,
        err=lambda words: print(f"counter: {words}", file=sys.stderr),
    )


class _ControlFreeWriter:
    """stdout that drops control and direction-changing characters from whatever is echoed back
    (names, addresses, arguments): a stored U+202E or ESC must not rewrite the clerk's terminal."""

    def __init__(self, stream):  # type: ignore[no-untyped-def]
        self._stream = stream

    def write(self, text: str) -> int:
        from counter_app.domain.text import strip_controls

        return self._stream.write(strip_controls(text))

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._stream, name)


@contextlib.contextmanager
def _echo_without_controls():  # type: ignore[no-untyped-def]
    before = sys.stdout
    sys.stdout = _ControlFreeWriter(before)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout = before


def _data_dir(args: argparse.Namespace) -> Path:
    chosen = getattr(args, "data_dir", None) or getattr(args, "global_data_dir", None)
    if chosen is not None:
        return Path(chosen)
    from counter_app.bootstrap import default_data_dir

    return default_data_dir()


def _parse_received(value: str) -> datetime:
    from counter_app.bootstrap import VIETNAM_TIME

    try:
        moment = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise DomainError("cli.bad_datetime", value=_printable(value)) from None
    _check_year(moment.date(), value)
    return moment.replace(tzinfo=VIETNAM_TIME)


def _cmd_init(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import configure_logging, init_store

    data_dir = _data_dir(args)
    if not data_dir.exists():
        with contextlib.suppress(OSError):  # init_store reports it in words
            data_dir.mkdir(parents=True)
    if data_dir.is_dir():
        configure_logging(data_dir, stderr=False)

    if not 1 <= args.device_slot <= 9:
        raise DomainError("cli.bad_device_slot", value=args.device_slot)
    result = init_store(data_dir, demo=args.demo, device_slot=args.device_slot)
    if result.seeded:
        print(_("Demo store created at {path}").format(path=result.store_path))
    elif result.created:
        print(_("Empty store created at {path}").format(path=result.store_path))
    else:
        print(_("Store already exists at {path}; nothing was overwritten").format(path=result.store_path))
    return EXIT_OK


def _cmd_backup(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import SystemClock, make_backup

    target = make_backup(_data_dir(args), now=SystemClock().now(), to=args.to)
    print(_("Backup written and verified: {path}").format(path=target))
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import SystemClock
    from counter_app.storage.store import restore_store

    result = restore_store(_data_dir(args), args.file, now=SystemClock().now(), force=args.force)
    print(_("Store {path} restored from {backup}").format(path=result.path, backup=args.file))
    if result.kept_aside is not None:
        print(_("The store it replaced is kept at {path}").format(path=result.kept_aside))
    return EXIT_OK


def _cmd_db(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import SystemClock
    from counter_app.storage.store import check_store, upgrade_store

    data_dir = _data_dir(args)
    if args.db_command == "upgrade":
        path, backup = upgrade_store(data_dir, now=SystemClock().now(), create=False)
        if backup is None:
            print(_("Store {path} is already at the current version").format(path=path))
        else:
            print(_("Store {path} upgraded; backup at {backup}").format(path=path, backup=backup))
        return EXIT_OK
    check = check_store(data_dir)
    print(_("Store: {path}").format(path=check.path))
    print(_("Schema version: {found} (this program: {head})").format(found=check.revision, head=check.head))
    print(_("Journal mode: {mode}").format(mode=check.journal_mode))
    print(_("Integrity: {result}").format(result="; ".join(check.integrity)))
    print(_("Broken references: {count}").format(count=check.foreign_key_problems))
    for exposed, mode in check.exposed:
        print(_("Warning: {path} can be read by other accounts of this computer (mode {mode}); it holds "
                "citizens' personal data. Make it private: chmod 700 for the folder, 600 for the files.").format(
            path=exposed, mode=mode))
    print(_("Result: OK") if check.ok else _("Result: PROBLEMS FOUND"))
    return EXIT_OK if check.ok else EXIT_FAILURE


def _cmd_catalog(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import open_services
    from counter_app.services.formatting import format_duration

    services = open_services(_data_dir(args), language=args.lang)
    results = services.search_procedures(" ".join(args.text), limit=args.limit)
    if not results:
        words = _("No procedure matches “{text}”.").format(text=_printable(" ".join(args.text)))
        print(f"counter: {words}", file=sys.stderr)
        return EXIT_FAILURE
    for r in results:
        print(f"{r.code}\t{r.name}\t{r.agency_name}\t{format_duration(r.duration)}")
    return EXIT_OK


def _cmd_calendar(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import open_services
    from counter_app.domain.catalog import Duration, DurationUnit
    from counter_app.services.formatting import format_datetime, format_duration

    received = _parse_received(args.received)
    if args.working_days is not None and args.working_days < 0:
        raise DomainError("duration.negative", amount=args.working_days)
    services = open_services(_data_dir(args), language=args.lang)
    if args.centre is not None:
        _cli_desk(services, args.centre)  # an unknown centre is refused, not read as the default
    calendar = services.guide_service.calendar(args.centre)
    if args.procedure:
        # a national code (1.001193) names the copy of the clerk's centre (--centre, else this PC's)
        centre_id = args.centre or services.station().centre_id
        with services.uow(readonly=True) as uow:
            agencies = frozenset(uow.units.centre_agencies(centre_id))
        procedure = services.guide_service.procedure_by_code(args.procedure, agencies=agencies)
        duration = procedure.duration
        typed = args.procedure.strip()
        own = procedure.code == typed or procedure.agency_unit_id in agencies
        print(f"{procedure.code if own else typed} {procedure.name}")
    else:
        duration = Duration(DurationUnit.WORKING_DAYS, args.working_days)
    due = calendar.appointment(received, duration)
    print(_("Received: {when}").format(when=format_datetime(received)))
    print(_("Statutory time: {duration}").format(duration=format_duration(duration)))
    print(_("Appointment: {when}").format(when=format_datetime(due)))
    print(due.strftime("%Y-%m-%d %H:%M"))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    set_language("en" if "--lang=en" in (argv or sys.argv) or _lang_en(argv) else "vi")
    with argparse_words():  # argparse words its headings when the parser is built, errors when parsing
        parser = build_parser()
        args = parser.parse_args(argv)
    set_language(args.lang)
    from counter_app.bootstrap import configure_logging

    log_path: Path | None = None
    try:
        data_dir = _data_dir(args)
        # The log file only: a command's errors are one line on stderr, never a traceback.
        log_path = configure_logging(data_dir if data_dir.is_dir() else None, stderr=False)
        handler = {
            "init": _cmd_init, "db": _cmd_db, "catalog": _cmd_catalog, "calendar": _cmd_calendar,
            "dossier": _cmd_dossier, "render": _cmd_render, "book": _cmd_book, "report": _cmd_report, "voice": _cmd_voice,
            "station": _cmd_station, "clock": _cmd_clock, "backup": _cmd_backup, "restore": _cmd_restore,
            "serve": _cmd_serve, "server": _cmd_server, "sync": _cmd_sync, "devices": _cmd_devices,
        }
        with _echo_without_controls():
            code = handler[args.command](args)
            sys.stdout.flush()  # here, where a closed pipe is caught, not at the interpreter's exit
        return code
    except DomainError as exc:
        from counter_app.services.dossier_words import describe_dossier_error

        print(f"counter: {_printable(describe_dossier_error(exc), 1000)}", file=sys.stderr)
        return EXIT_FAILURE if exc.code.startswith(("store.", "server.")) else EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `counter dossier list … | head`: the reader has what it wanted
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE
    except Exception as exc:
        import logging

        logging.getLogger(__name__).exception("counter %s failed", args.command)
        from counter_app.services.messages import log_is_writable

        error = _printable(f"{type(exc).__name__}: {exc}", 200)
        if log_path is not None and log_is_writable():
            words = _("Something went wrong. The details were written to the log ({path}).").format(path=log_path)
        elif log_path is not None:  # the log was meant to hold the details but cannot be written
            words = _("Something went wrong: {error}. The log file cannot be written, so tell technical support "
                      "this message.").format(error=error)
        else:
            words = _("Something went wrong: {error}").format(error=error)
        print(f"counter: {words}", file=sys.stderr)
        return EXIT_FAILURE


def _lang_en(argv: Sequence[str] | None) -> bool:
    args = list(argv if argv is not None else sys.argv[1:])
    return any(a == "--lang" and args[i + 1 : i + 2] == ["en"] for i, a in enumerate(args))


if __name__ == "__main__":
    sys.exit(main())
