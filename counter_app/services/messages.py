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
    # staff and counters
    "auth.missing_credentials": N_("Enter your user name and password."),
    "auth.bad_credentials": N_("Wrong user name or password."),
    "auth.locked": N_("Too many wrong passwords: this account is locked until {until:%H:%M}. Try again then, or ask a supervisor."),
    "auth.inactive": N_("This account is disabled. Ask a supervisor."),
    "counter.unknown": N_("This counter does not belong to your centre."),
    "counter.inactive": N_("Counter {number} is closed."),
    # catalog and printing
    "catalog.unknown_procedure": N_("There is no procedure with code {code}."),
    "print.cannot_write": N_("The document could not be saved in {path} ({reason})."),
    # province data files (services/catalog_data.py)
    "catalog_data.missing_field": N_("Province data: {path} has no “{field}”."),
    "catalog_data.bad_value": N_("Province data: {path}.{field} has an invalid value: {value}."),
    "catalog_data.unknown_reference": N_("Province data: {path}.{field} refers to “{ref}”, which does not exist."),
    "catalog_data.duplicate": N_("Province data: {kind} “{id}” appears more than once."),
    "catalog_data.unknown_key": N_("Province data: {path} has an unknown key “{field}”."),
    "catalog_data.unreadable": N_("Province data file {path} cannot be read: {reason}."),
    # command line
    "cli.bad_device_slot": N_("The device slot must be a number from 1 to 9, not {value}."),
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
