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
    "store.locked": N_("The data store is busy in another program. Close the other copy of the application and try again."),
    "store.migration_broke_references": N_("Upgrading the data store found {count} broken references; the store was not changed."),
    "store.no_staff": N_("The data store has no active staff account."),
    "store.no_counter": N_("Centre {centre} has no active counter."),
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
    "return.not_the_applicant": N_("The recipient is not the applicant ({name}). Check an authorisation and tick “Authorised person”."),
    "return.fees_outstanding": N_("Fees of dossier {code} are still due: collect them before returning the result."),
    "postal.item_used": N_("Postal item {item_code} is already used for another dossier."),
    "postal.bad_status": N_("Unknown delivery status {status}."),
    "postal.unknown_item": N_("No postal item {item_code} was sent from here."),
    "postal.already_final": N_("Postal item {item_code} is already final ({status})."),
    "document.period_required": N_("Choose the period (from … to …) of the tracking book."),
    "dossier.unknown_centre": N_("There is no centre {centre_id}."),
    "document.not_a_dossier_form": N_("“{kind}” is not a dossier form."),
    "payment.unknown_receipt": N_("No payment has receipt number {receipt}."),
    "handover.unknown_batch": N_("No hand-over batch has the code {code}."),
    # catalog and printing
    "catalog.unknown_procedure": N_("There is no procedure with code {code}."),
    "print.cannot_write": N_("The document could not be saved in {path} ({reason})."),
    # calendar, dossier codes, identity numbers (counter_app/domain)
    "calendar.naive_datetime": N_("The time {moment} has no time zone; the calendar needs a time-zone-aware time."),
    "calendar.no_working_days": N_("The working calendar has no working day within three years."),
    "calendar.office_hours_invalid": N_("Office hours “{sessions}” are not valid: sessions must be in order, each ending after it starts, without overlapping."),
    "calendar.bad_weekday": N_("{weekday} is not a weekday number (0 = Monday … 6 = Sunday)."),
    "calendar.override_conflict": N_("{day} is listed both as a day off and as a working day."),
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
    "duration.negative": N_("A duration cannot be negative ({amount})."),
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
}


# Words for the operating system's reasons (errno names) that appear as {reason}.
OS_REASONS: dict[str, str] = {
    "EACCES": N_("no permission"),
    "EPERM": N_("no permission"),
    "EROFS": N_("the disk is read-only"),
    "ENOSPC": N_("the disk is full"),
    "ENOTDIR": N_("part of the path is a file, not a folder"),
    "ENOENT": N_("the folder does not exist"),
    "EEXIST": N_("a file of that name already exists"),
    "EIO": N_("the disk could not be read or written"),
}


# Parameter values that are words (enum values) rather than names or numbers.
PARAM_WORDS: dict[str, str] = {
    "male": N_("male"),
    "female": N_("female"),
}
