"""Money, durations, dates and channels in people's words, shared by the ui and printing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from counter_app.domain.catalog import Channel, Duration, DurationUnit, FeeKind, ProcedureLevel
from counter_app.services.i18n import N_, _, ngettext
from counter_app.services.queue_port import Priority

CURRENCY_SYMBOL = "đ"

# Monday first, as datetime.weekday() counts.
_WEEKDAYS: tuple[str, ...] = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)

# Display order of channels, whatever order a set gives them in.
_CHANNELS: tuple[tuple[Channel, str], ...] = (
    (Channel.IN_PERSON, N_("In person")),
    (Channel.ONLINE, N_("Online")),
    (Channel.POST, N_("By post (public postal service)")),
)

_FEE_KINDS: dict[FeeKind, str] = {
    FeeKind.FEE: N_("Fee"),
    FeeKind.CHARGE: N_("Charge"),
}

_LEVELS: dict[ProcedureLevel, str] = {
    ProcedureLevel.PROVINCE: N_("Province level"),
    ProcedureLevel.COMMUNE: N_("Commune level"),
}


def format_number(n: int) -> str:
    """``1234567`` → ``"1.234.567"`` (Vietnamese thousands separator)."""
    sign = "-" if n < 0 else ""
    return sign + f"{abs(n):,}".replace(",", ".")


def format_money(amount: int) -> str:
    """Whole đồng: ``1000000`` → ``"1.000.000 đ"``; ``0`` → "Free" (vi "Miễn phí")."""
    if amount == 0:
        return _("Free")
    return f"{format_number(amount)} {CURRENCY_SYMBOL}"


def format_duration(duration: Duration) -> str:
    """Statutory time: "5 working days" (vi "5 ngày làm việc"), "4 working hours", "30 days"."""
    n = duration.amount
    if duration.unit is DurationUnit.WORKING_DAYS:
        text = ngettext("{n} working day", "{n} working days", n)
    elif duration.unit is DurationUnit.WORKING_HOURS:
        text = ngettext("{n} working hour", "{n} working hours", n)
    else:
        text = ngettext("{n} day", "{n} days", n)
    return text.format(n=format_number(n))


def format_weekday(day: date) -> str:
    """Translated weekday name: "Monday" (vi "thứ Hai")."""
    return _(_WEEKDAYS[day.weekday()])


def format_date(day: date) -> str:
    """``30/11/2026`` (day/month/year, as on Vietnamese forms)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def format_time(moment: datetime) -> str:
    """``14:30`` (24-hour clock, in the datetime's own timezone)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_datetime(moment: datetime) -> str:
    """``14:30, thứ Hai, 30/11/2026`` in the datetime's own timezone (no conversion)."""
    return f"{format_time(moment)}, {format_weekday(moment)}, {format_date(moment)}"


def format_channel(channel: Channel) -> str:
    for known, label in _CHANNELS:
        if known is channel:
            return _(label)
    return str(channel)


def format_channels(channels: Iterable[Channel]) -> str:
    """Channels in a fixed order, comma-separated: "In person, Online, By post (…)"; "—" if none."""
    wanted = set(channels)
    labels = [_(label) for channel, label in _CHANNELS if channel in wanted]
    return ", ".join(labels) if labels else "—"


def format_fee_kind(kind: FeeKind) -> str:
    """Words for a fee kind: "Fee"/"Charge" (vi "Phí"/"Lệ phí")."""
    return _(_FEE_KINDS[kind])


def format_level(level: ProcedureLevel) -> str:
    """Words for a level: "Province level"/"Commune level" (vi "Cấp tỉnh"/"Cấp xã")."""
    return _(_LEVELS[level])


_PRIORITIES: dict[Priority, str] = {
    Priority.NONE: N_("No priority"),
    Priority.ELDERLY: N_("Elderly person"),
    Priority.DISABILITY: N_("Person with a disability"),
    Priority.PREGNANT: N_("Pregnant woman"),
    Priority.SMALL_CHILD: N_("Person with a small child"),
    Priority.VETERAN: N_("War invalid or veteran"),
}


def format_priority(priority: Priority) -> str:
    """Who is served first: "Elderly person" (vi "Người cao tuổi")."""
    return _(_PRIORITIES.get(priority, str(priority)))
