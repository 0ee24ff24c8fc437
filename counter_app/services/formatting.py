"""Money, durations, dates and channels in people's words, shared by the ui and printing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime

from counter_app.domain.catalog import (
    Channel,
    Duration,
    DurationUnit,
    FeeDue,
    FeeKind,
    ProcedureLevel,
)
from counter_app.domain.errors import DomainError
from counter_app.domain.vietnamese_numbers import spoken_text
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
    """A price: ``1000000`` → ``"1.000.000 đ"``; ``0`` → "Free" (vi "Miễn phí"). For sums paid, owed
    or collected use ``format_amount``: there 0 is "0 đ", not "Free"."""
    if amount == 0:
        return _("Free")
    return f"{format_number(amount)} {CURRENCY_SYMBOL}"


def format_amount(amount: int) -> str:
    """A sum of money (paid, owed, collected): ``10000`` → ``"10.000 đ"``, ``0`` → ``"0 đ"``."""
    return f"{format_number(amount)} {CURRENCY_SYMBOL}"


MAX_AMOUNT = 999_999_999_999  # đồng; more than any fee, small enough to read in words

_AMOUNT_UNIT = re.compile(r"\s*(?:đồng|đ|vnđ|vnd|d)\.?\s*$", re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}(?:[. ]\d{3})+$")


def parse_amount(text: str) -> int:
    """Whole đồng as a clerk types them: ``"1500000"``, ``"1.500.000"``, ``"1 500 000"``, ``"10.000 đ"``.

    Raises ``DomainError("amount.empty")`` for nothing typed and ``DomainError("amount.bad")`` for
    anything else that is not a whole, non-negative number of đồng (``"1,5"``, ``"1.50.000"``, ``"-5"``).
    """
    cleaned = unicodedata.normalize("NFC", text or "").replace("\u00a0", " ").replace("\u202f", " ").strip()
    cleaned = _AMOUNT_UNIT.sub("", cleaned).strip()
    if not cleaned:
        raise DomainError("amount.empty")
    cleaned = re.sub(r"\s+", " ", cleaned)
    if cleaned.isdigit():
        digits = cleaned
    elif _GROUPED.match(cleaned) and len({ch for ch in cleaned if not ch.isdigit()}) == 1:
        digits = re.sub(r"[. ]", "", cleaned)
    else:
        raise DomainError("amount.bad", text=text.strip())
    amount = int(digits)
    if amount > MAX_AMOUNT:
        raise DomainError("amount.too_large", text=text.strip())
    return amount


def group_typed_amount(text: str, cursor: int) -> tuple[str, int]:
    """Regroup digits as they are typed: ``("1500000", 7)`` → ``("1.500.000", 9)``.

    Every character that is not a digit is dropped; the cursor stays after the same digit.
    """
    digits_before = sum(ch.isdigit() for ch in text[:cursor])
    digits = "".join(ch for ch in text if ch.isdigit()).lstrip("0") or ("0" if any(ch.isdigit() for ch in text) else "")
    dropped = len("".join(ch for ch in text if ch.isdigit())) - len(digits)
    digits_before = max(0, digits_before - dropped)
    grouped = format_number(int(digits)) if digits else ""
    position, seen = 0, 0
    while position < len(grouped) and seen < digits_before:
        if grouped[position].isdigit():
            seen += 1
        position += 1
    return grouped, position


_SCALES: tuple[str, ...] = ("", "nghìn", "triệu", "tỷ")


def amount_in_words(amount: int) -> str:
    """Vietnamese words of a sum for receipts: ``1050000`` → "Một triệu không trăm năm mươi nghìn đồng".

    Always Vietnamese (a receipt's "Số tiền bằng chữ" is read by the finance office).
    """
    if amount < 0 or amount > MAX_AMOUNT:
        raise DomainError("amount.too_large", text=str(amount))
    if amount == 0:
        return "Không đồng"
    groups: list[int] = []
    rest = amount
    while rest:
        rest, group = divmod(rest, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        if words and group < 100:
            words.append("không trăm")
            if group < 10:
                words.append("linh")
        words.append(spoken_text(group))
        if _SCALES[index]:
            words.append(_SCALES[index])
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]


def format_duration(duration: Duration, *, short: bool = False) -> str:
    """Statutory time: "5 working days" (vi "5 ngày làm việc"), "4 working hours", "30 days".

    ``short`` for a table column: a same-day procedure reads "Same day (received by 15:00)";
    forms, the guide's detail and the CLI print the law's own words.
    """
    if short and duration.unit is DurationUnit.SAME_WORKING_DAY and duration.cutoff is not None:
        return _("Same day (received by {time})").format(time=duration.cutoff.strftime("%H:%M"))
    if duration.unit is DurationUnit.SAME_WORKING_DAY and duration.cutoff is not None:
        # worded as the law words it (Decree 23/2015 Art. 7, Decree 123/2015 …)
        cutoff = duration.cutoff
        if cutoff.minute:
            return _(
                "Within the working day; if received after {hour}:{minute:02d}, "
                "within the next working day"
            ).format(hour=cutoff.hour, minute=cutoff.minute)
        return _(
            "Within the working day; if received after {hour}:00, within the next working day"
        ).format(hour=cutoff.hour)
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


_FEE_DUE: dict[FeeDue, str] = {
    FeeDue.ON_FILING: N_("paid when the dossier is filed"),
    FeeDue.BEFORE_RESULT: N_("paid before the result is returned"),
}


def format_fee_due(due: FeeDue) -> str:
    """When a fee is paid: "paid when the dossier is filed" (vi "nộp khi nộp hồ sơ")."""
    return _(_FEE_DUE[due])


def format_fee_status(fee_due: int, paid: int) -> str:
    """A dossier's money in one line: "10.000 đ due, 0 đ paid, 10.000 đ outstanding"; "Free" when
    nothing is due and nothing was paid (never "paid Free")."""
    if fee_due == 0 and paid == 0:
        return _("Free")
    return _("{due} due, {paid} paid, {outstanding} outstanding").format(
        due=format_amount(fee_due), paid=format_amount(paid), outstanding=format_amount(max(0, fee_due - paid))
    )


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
