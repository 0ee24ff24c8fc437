"""English message templates for every DomainError code (msgids of the gettext catalog)."""

from __future__ import annotations


def N_(message: str) -> str:
    return message


ERROR_MESSAGES: dict[str, str] = {
    # store
    "store.missing": N_("No data store was found at {path}. Create one with “counter init”."),
    "store.readonly": N_("The data folder {path} cannot be written to ({reason}). Ask the administrator to give this account write access."),
    "store.not_a_directory": N_("{path} is a file, not a folder. Choose a data folder."),
    "store.corrupt": N_("The data store {path} is damaged and was not changed. Restore the newest copy from the backups folder or call support."),
    "store.foreign_file": N_("{path} is not a data store of this application. It was left untouched."),
    "store.newer_schema": N_("This data store was written by a newer version of the application (schema {found}; this version knows up to {supported}). It was left untouched: install the newer version."),
    # kiosk and counter on one PC share the store: a writer waits its turn (db.BUSY_TIMEOUT_MS), then these words
    "store.locked": N_("The data store is busy: another program on this computer (for example the kiosk) is saving. Nothing was changed. Wait a moment and try again."),
    "store.migration_broke_references": N_("Upgrading the data store found {count} broken references; the store was not changed."),
    "store.no_staff": N_("The data store has no active staff account."),
    "store.no_counter": N_("Centre {centre} has no active counter."),
    # opening the store: each cause its own words and action (storage/store.py)
    "store.empty_file": N_("The data store {path} is an empty file (0 bytes): its data is not in it. It was left as it is. Restore the newest backup from {backups} with “counter restore FILE”, or call support."),
    "store.no_permission": N_("This account may not read the data store {path}. The store was not changed and is probably sound: do not restore a backup over it. Ask the administrator to give this account read and write access to the file."),
    "store.file_readonly": N_("The data store {path} is read-only for this account. Nothing was changed and the store is probably sound: do not restore a backup over it. Ask the administrator to make the file writable for this account."),
    "store.readonly_medium": N_("The data store {path} is on a read-only disk. Nothing was changed. Move the data folder to a writable disk, or ask the administrator to make the disk writable."),
    "store.disk_full": N_("The disk of the data folder {path} is full. Nothing was changed. Free some space (empty the recycle bin, move old files away), then try again."),
    "store.io_error": N_("The data store {path} could not be read or written: the disk reported an error. Nothing was changed. Check the disk (and its cable if it is an external disk), then try again; if it happens again, call support."),
    "store.lost_changes": N_("The data store {path} is missing its last {count} saved changes: its journal file (-wal) was deleted or an older copy was put in its place. It was refused and left untouched, so that no code given to a citizen is given again. Put the -wal file back if it still exists, else call support (after checking, support removes {mark} to go on)."),
    # backups and restore (storage/store.py, counter backup / counter restore)
    "store.backup_failed": N_("The backup could not be written to {folder} ({reason}). No partial file was left there; the data store itself is unchanged. Free space on that disk or choose another folder."),
    "store.backup_unverified": N_("The backup written to {path} does not read back as sound ({reason}), so it was deleted. Try another disk."),
    "store.backup_no_folder": N_("The backup folder {folder} cannot be used ({reason}). Plug in the backup disk or choose another folder with --to."),
    "store.restore_not_a_backup": N_("{path} is not a sound backup of the data store ({reason}). Nothing was changed."),
    "store.restore_other_device": N_("The backup {path} is from another computer (device {found}; this computer is {own}). Nothing was changed. Restore it only on purpose, with --force."),
    "store.restore_unpushed": N_("The current data store holds {count} changes newer than the backup that were not sent to the server yet; restoring would lose them. Nothing was changed. Send them first, or restore anyway with --force (the current store is kept aside)."),
    # unit tree
    "unit.duplicate_id": N_("Unit {unit_id} appears twice in the unit list."),
    "unit.unknown_parent": N_("Unit {unit_id} belongs to {parent_id}, which is not in the unit list."),
    "unit.cycle": N_("Unit {unit_id} is its own ancestor in the unit tree."),
    "unit.unknown": N_("There is no unit {unit_id}."),
    # staff and counters
    "auth.missing_credentials": N_("Enter your user name and password."),
    "auth.bad_credentials": N_("Wrong user name or password."),
    "auth.locked": N_("Too many wrong passwords: this account is locked until {until:%H:%M}. Try again then, or ask a supervisor."),
    "auth.inactive": N_("This account is disabled. Ask a supervisor."),
    "counter.unknown": N_("This counter does not belong to your centre."),
    "counter.inactive": N_("Counter {number} is closed."),
    # permissions (services/permissions.py)
    "permission.not_staff_here": N_("This account is disabled or belongs to another centre. Sign in with your own account of this centre."),
    "permission.reset_queue_day": N_("This account may not reset the day's queue. Ask a supervisor."),
    "permission.see_queue_kpis": N_("This account may not see the queue figures. Ask a supervisor."),
    "permission.print_tracking_book": N_("This account may not print the dossier tracking book. Ask a supervisor."),
    "permission.take_payment": N_("This account may not take payments. Ask a supervisor."),
    # dossiers at the counter (services/dossiers.py, domain/dossier.py)
    "dossier.illegal_transition": N_("This step is not possible now: the dossier is “{status}” and cannot go through “{event}”."),
    "dossier.already_received": N_("This dossier was already received (status “{status}”)."),
    "dossier.supplement_only_once": N_("The agency has already asked for a supplement once; it may ask only once."),
    "dossier.time_before_pause": N_("{at} is before the pause began ({paused_at})."),
    "dossier.extension_only_once": N_("The appointment was already extended once; it may move only once."),
    "dossier.extension_too_late": N_("The apology and extension must be sent at least one day before the deadline ({deadline:%H:%M %d/%m/%Y})."),
    "dossier.extension_not_later": N_("The new appointment must be after the current one ({deadline:%H:%M %d/%m/%Y})."),
    "dossier.code_required": N_("Scan or type a dossier code."),
    "dossier.unknown_code": N_("No dossier has the code {code}."),
    "dossier.other_centre": N_("Dossier {code} belongs to another centre."),
    "intake.required": N_("Please fill in “{field}”."),
    "intake.too_long": N_("“{field}” is too long: {length} characters, at most {limit}."),
    "intake.reason_required": N_("Write the reason for the applicant."),
    "intake.procedure_not_in_force": N_("Procedure {code} is not in force on {day} (its agency changed); choose it again in today's guide."),
    "intake.bad_sets": N_("The number of sets must be from 1 to 99, not {sets}."),
    "intake.bad_count": N_("The counts of “{component}” must be from 0 to 99."),
    "intake.bad_phone": N_("“{value}” is not a phone number (10 digits starting with 0)."),
    "intake.bad_email": N_("“{value}” is not an e-mail address."),
    "intake.post_not_allowed": N_("The dossier of “{procedure}” cannot be sent by post."),
    "intake.post_result_not_allowed": N_("The result of “{procedure}” cannot be delivered by post."),
    "intake.delivery_incomplete": N_("For delivery by post, fill in the receiver, the address and the phone."),
    "intake.components_missing": N_("Required documents are missing: {names}. Choose “Incomplete” to issue a supplement request."),
    "handover.empty": N_("Scan or pick at least one dossier for the hand-over."),
    "handover.mixed_agencies": N_("One hand-over goes to one agency: these dossiers belong to several."),
    "handover.not_waiting": N_("Dossier {code} is not waiting for hand-over."),
    "payment.bad_method": N_("Unknown payment method {method}."),
    "payment.bad_amount": N_("The amount must be more than 0 đồng."),
    "payment.not_registered": N_("Dossier {code} was not registered; nothing is due."),
    "payment.already_paid": N_("Everything due for dossier {code} is already paid."),
    "payment.too_much": N_("{amount} đồng is more than the {outstanding} đồng still due."),
    "payment.lines_mismatch": N_("The payment lines do not add up to the amount."),
    "payment.not_due_on_filing": N_("No fee of this procedure is collected when the dossier is filed."),
    "amount.empty": N_("Type the amount in đồng, e.g. 1.500.000."),
    "amount.bad": N_("“{text}” is not an amount in đồng: type digits only, e.g. 1500000 or 1.500.000."),
    "amount.too_large": N_("{text} is too large for an amount in đồng."),
    "return.not_the_applicant": N_("The recipient is not the applicant ({name}). Check an authorisation and tick “Authorised person”."),
    "return.fees_outstanding": N_("Fees of dossier {code} are still due: collect them before returning the result."),
    "postal.item_used": N_("Postal item {item_code} is already used for another dossier."),
    "postal.bad_status": N_("Unknown delivery status {status}."),
    "postal.unknown_item": N_("No postal item {item_code} was sent from here."),
    "postal.already_final": N_("Postal item {item_code} is already final ({status})."),
    "document.no_receipt_version": N_("“{kind}” has no receipt-printer version (only the receipt and the payment receipt)."),
    "document.period_required": N_("Choose the period (from … to …) of the tracking book."),
    "dossier.unknown_centre": N_("There is no centre {centre_id}."),
    "document.not_a_dossier_form": N_("“{kind}” is not a dossier form."),
    "document.not_registered": N_("Dossier {code} was not registered (incomplete or refused at intake): it has no Form 01 and no Form 06."),
    "document.no_supplement_request": N_("No supplement was requested for dossier {code}: it has no Form 02."),
    "document.not_refused": N_("Dossier {code} was not refused at intake: it has no Form 03."),
    "document.no_extension": N_("Dossier {code} was not extended: it has no Form 04."),
    "document.no_stop_request": N_("The applicant has not asked to stop dossier {code}: it has no Form 05."),
    "payment.unknown_receipt": N_("No payment has receipt number {receipt}."),
    "handover.unknown_batch": N_("No hand-over batch has the code {code}."),
    # catalog and printing
    "catalog.unknown_procedure": N_("There is no procedure with code {code}."),
    "catalog.ambiguous_procedure": N_("Code {code} names {count} different procedures; give the full code or the centre."),
    "print.cannot_write": N_("The document could not be saved in {path} ({reason})."),
    "print.printer_failed": N_("Printer {printer} did not take the document ({reason})."),
    "print.unknown_job": N_("Print job {job} is not in the store."),
    # calendar, dossier codes, identity numbers (counter_app/domain)
    "calendar.naive_datetime": N_("The time {moment} has no time zone; the calendar needs a time-zone-aware time."),
    "calendar.no_working_days": N_("The working calendar has no working day within three years."),
    "calendar.office_hours_invalid": N_("Office hours “{sessions}” are not valid: sessions must be in order, each ending after it starts, without overlapping."),
    "calendar.bad_weekday": N_("{weekday} is not a weekday number (0 = Monday … 6 = Sunday)."),
    "calendar.override_conflict": N_("{day} is listed both as a day off and as a working day."),
    "calendar.wrong_year": N_("{day} is not in the year {year} of the calendar it is listed in."),
    "dossier_code.bad_pattern": N_("“{pattern}” is not a valid dossier code pattern; it needs {{agency}}, {{day}} and {{seq}} once each."),
    "dossier_code.bad_agency": N_("“{agency_code}” cannot be used as an agency code in a dossier code."),
    "dossier_code.seq_out_of_range": N_("Sequence number {seq} is outside 1–{max_seq}."),
    "dossier_code.malformed": N_("“{value}” is not a valid dossier code."),
    "dossier_code.lease_invalid": N_("The number block {first}–{last} for {agency_code} ({valid_from} to {valid_to}, device {device_id}) is not valid."),
    "dossier_code.no_lease": N_("This computer has no block of dossier numbers for {agency_code} on {day}."),
    "dossier_code.lease_exhausted": N_("This computer has used all its dossier numbers for {agency_code} on {day}."),
    "dossier_code.lease_overlap": N_("Number blocks of devices {device_id} and {other_device_id} overlap for {agency_code}."),
    "cccd.empty": N_("Enter the CCCD number."),
    "cccd.not_digits": N_("A CCCD number has digits only."),
    "cccd.length": N_("A CCCD number has 12 digits; this one has {length}."),
    "cccd.province": N_("{code} is not a known province code (the first three digits of a CCCD)."),
    "cccd.future_birth": N_("This CCCD number gives birth year {year}, which has not come yet."),
    "cccd.birth_year_mismatch": N_("The CCCD number gives birth year {number_year}, but the date of birth is in {birth_year}."),
    "cccd.gender_mismatch": N_("The CCCD number is for a {number_gender} person, but {gender} was entered."),
    "cmnd.empty": N_("Enter the CMND number."),
    "cmnd.not_digits": N_("A CMND number has digits only."),
    "cmnd.length": N_("A CMND number has 9 digits; this one has {length}."),
    "passport.empty": N_("Enter the passport number."),
    "passport.characters": N_("A passport number has letters and digits only."),
    "passport.vietnamese_format": N_("A Vietnamese passport number is one letter followed by 7 digits."),
    "passport.length": N_("A passport number has 6 to 9 characters; this one has {length}."),
    "s10.empty": N_("Enter the postal item code."),
    "s10.length": N_("A postal item code has 13 characters; this one has {length}."),
    "s10.format": N_("“{value}” is not a postal item code (2 letters, 9 digits, 2 letters)."),
    "s10.check_digit": N_("“{value}” has a wrong check digit; it should be {expected}."),
    "s10.country": N_("The postal item is from {country}; only {expected} is accepted."),
    "s10.serial": N_("“{serial}” is not an 8-digit serial number."),
    # phones, CCCD card QR, addresses (domain/identity.py, services/addresses.py)
    "phone.invalid": N_("“{value}” is not a Vietnamese phone number: a mobile has 10 digits starting with 03, 05, 07, 08 or 09; a landline has 11 digits starting with 02 (area code included); +84 may stand for the first 0."),
    "cccd_qr.not_a_card": N_("This scan is not the QR code of a chip-based CCCD card. Nothing was filled in."),
    "cccd_qr.fields": N_("The CCCD card's QR code has {count} parts instead of {expected}; it may be damaged. Nothing was filled in: type the details from the card."),
    "cccd_qr.number": N_("The CCCD card's QR code has “{value}” as the card number, which is not 12 digits. Nothing was filled in."),
    "cccd_qr.old_id": N_("The CCCD card's QR code has “{value}” as the old ID number, which is not digits. Nothing was filled in."),
    "cccd_qr.name": N_("The CCCD card's QR code has no readable full name (“{value}”). Nothing was filled in."),
    "cccd_qr.date": N_("The CCCD card's QR code has “{value}” where a date (day month year, 8 digits) should be. Nothing was filled in."),
    "cccd_qr.sex": N_("The CCCD card's QR code has “{value}” where the sex (Nam / Nữ) should be. Nothing was filled in."),
    "address.incomplete": N_("“{value}” is not a full address: home delivery needs the house number and street (or hamlet), the commune, ward or special zone, and the province, e.g. “Số 5 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh”."),
    "address.unknown_unit": N_("{code} is not a province or commune in the list of administrative units since 1 July 2025."),
    "duration.negative": N_("A duration cannot be negative ({amount})."),
    "duration.same_day_invalid": N_("A same-working-day time limit has a cut-off time and no amount; other time limits have no cut-off ({unit})."),
    # province data files (services/catalog_data.py)
    "catalog_data.missing_field": N_("Province data: {path} has no “{field}”."),
    "catalog_data.bad_value": N_("Province data: {path}.{field} has an invalid value: {value}."),
    "catalog_data.unknown_reference": N_("Province data: {path}.{field} refers to “{ref}”, which does not exist."),
    "catalog_data.duplicate": N_("Province data: {kind} “{id}” appears more than once."),
    "catalog_data.unknown_key": N_("Province data: {path} has an unknown key “{field}”."),
    "catalog_data.unreadable": N_("Province data file {path} cannot be read: {reason}."),
    # command line
    "cli.bad_device_slot": N_("The device slot must be a number from 1 to 9, not {value}."),
    "cli.bad_date": N_("“{value}” is not a date like 2026-11-30."),
    "cli.bad_period": N_("The period ends ({end}) before it starts ({start})."),
    "cli.bad_datetime": N_("“{value}” is not a date and time like 2026-11-30 14:30."),
    "cli.outside_calendar": N_(
        "“{value}” is outside the years the working calendar knows ({first}–{last})."
    ),
    "cli.bad_ticket": N_("“{value}” is not a ticket number like 12 or A012."),
    "cli.period_too_long": N_("A tracking book covers at most {days} days; choose a shorter period."),
    # queue (services/queue.py, domain/queue.py)
    "queue.unknown_line": N_("There is no queue line {line_id}."),
    "queue.line_closed": N_("The line “{line}” is not issuing numbers now."),
    "queue.bad_line": N_("Queue line {line} is set up wrongly: the prefix must be 1 to 3 capital letters and the numbers a range within 0–9999."),
    "queue.numbers_exhausted": N_("Line {line} has used all its numbers for today (up to {last}). Ask the supervisor to widen its range."),
    "queue.bad_number": N_("“{value}” is not a queue number (letters then digits, like A012)."),
    "queue.unknown_number": N_("Number {number} was not issued today."),
    "queue.not_waiting": N_("Number {number} is not waiting any more: it was already called or closed."),
    "queue.request_key_required": N_("The kiosk request had no key, so no number was issued. Tap again."),
    "queue.priority_not_offered": N_("This centre does not give priority to this group."),
    "queue.counter_busy": N_("Counter {counter} is still busy with number {number}: finish it, mark it as not present or transfer it first."),
    "queue.counter_paused": N_("Counter {number} is paused."),
    "queue.counter_closed": N_("Counter {number} is closed (nobody is on duty there)."),
    "queue.no_current_ticket": N_("This counter is not serving anyone now."),
    "queue.no_current_call": N_("No called number is waiting for its citizen at this counter."),
    "queue.already_started": N_("The service of number {number} has already started."),
    "queue.not_a_no_show": N_("Number {number} was not marked as not present, so it cannot be put back in the queue."),
    "queue.tolerance_passed": N_("Number {number} was marked as not present more than {minutes} minutes ago; the citizen needs a new number."),
    "queue.transfer_target_required": N_("Choose the line or the counter to transfer to."),
    "queue.transfer_to_self": N_("The citizen is already there: choose another line or counter."),
    "queue.for_other_counter": N_("Number {number} was transferred to counter {counter}."),
    "queue.unknown_ticket": N_("This queue ticket was not found."),
    "queue.not_rateable": N_("Number {number} has not been served yet, so it cannot be rated."),
    "queue.rating_closed": N_("Number {number} has already left counter {counter}; this rating was not recorded for it."),
    "queue.bad_rating": N_("The rating must be from 1 to 5, not {level}."),
    "queue.reason_too_long": N_("The comment is too long: {length} characters, at most {limit}."),
    "queue.unknown_staff": N_("This staff member does not belong to the counter's centre."),
    "queue.unknown_centre": N_("No centre {centre_id} is known on this computer."),
    # office hours (services/office_hours.py)
    "office_hours.closed": N_("Outside office hours: {reason}. The next session opens at {opens}. Confirm to go on anyway; the confirmation is recorded with your name."),
    "office_hours.kiosk_closed": N_("The centre is closed now: {reason}. Please come back at {opens}."),
    # the PC clock against the store's mark (services/clock_guard.py)
    "clock.behind": N_("This computer's clock shows {now}, earlier than the last time saved in the data store ({mark}). So that ticket numbers, dossier codes and receipt numbers are not repeated, nothing is numbered until the clock is right. Call the administrator: set the computer's date and time, or confirm the date with “counter clock confirm”."),
    "clock.far_ahead": N_("This computer's clock shows {now}, far ahead of the last time saved in the data store ({mark}). Nothing is numbered (tickets, dossier codes, receipts) until the date is checked. Call the administrator: set the computer's date and time, or confirm the date with “counter clock confirm”."),
    "clock.not_admin": N_("Only an administrator can confirm the computer's date and time."),
}


# Words for the operating system's reasons (errno names) that appear as {reason}.
OS_REASONS: dict[str, str] = {
    "EACCES": N_("no permission"),
    "EPERM": N_("no permission"),
    "EROFS": N_("the disk is read-only"),
    "ENOSPC": N_("the disk is full"),
    "EFBIG": N_("the file is larger than this disk or account allows"),
    "ENOTDIR": N_("part of the path is a file, not a folder"),
    "ENOENT": N_("the folder does not exist"),
    "EEXIST": N_("a file of that name already exists"),
    "EIO": N_("the disk could not be read or written"),
}


# Parameter values that are words (enum values) rather than names or numbers.
PARAM_WORDS: dict[str, str] = {
    "male": N_("male"),
    "female": N_("female"),
    "office.before_opening": N_("the centre has not opened yet"),
    "office.lunch_break": N_("it is the lunch break"),
    "office.after_closing": N_("the centre has closed for the day"),
    "office.day_off": N_("today is not a working day"),
}


# Whether the log file can be written (bootstrap.configure_logging's handlers keep this up to date):
# words that say "the details were written to the log" are only true while it is.
_log_writable = [True]


def log_is_writable() -> bool:
    return _log_writable[0]


def set_log_writable(writable: bool) -> None:
    _log_writable[0] = writable
