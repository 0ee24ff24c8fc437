"""The sync state in words (``counter sync status``, the status bar's tooltip)."""

from __future__ import annotations

from datetime import datetime

from counter_app.domain.calendar import VIETNAM_TIME
from counter_app.domain.errors import DomainError
from counter_app.services.i18n import _, describe_error
from counter_app.services.sync_port import SyncState


def _at(moment: datetime | None) -> str:
    if moment is None:
        return _("never")
    local = moment.astimezone(VIETNAM_TIME)
    return f"{local:%H:%M:%S %d/%m/%Y}"


def age_words(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return _("{n} seconds").format(n=max(0, int(seconds)))
    if minutes < 120:
        return _("{n} minutes").format(n=minutes)
    hours = minutes // 60
    if hours < 48:
        return _("{n} hours").format(n=hours)
    return _("{n} days").format(n=hours // 24)


def error_words(code: str, detail: str = "", **params: object) -> str:
    words = describe_error(DomainError(code, detail=detail, **params))
    return f"{words} ({detail})" if detail and detail not in words else words


def describe_sync_error(error: DomainError) -> str:
    detail = str(getattr(error, "detail", "") or error.params.get("detail", "") or "")
    params = {k: v for k, v in error.params.items() if k != "detail"}
    return error_words(error.code, detail, **params)


def describe_sync_state(state: SyncState, now: datetime) -> list[str]:
    """One line per fact: server, ops waiting and the oldest one's age, last push and pull, cursor, error."""
    lines: list[str] = []
    if not state.enrolled:
        lines.append(_("This PC is not enrolled on a server (counter sync enrol --server URL --code CODE)."))
    else:
        lines.append(_("Server: {url} (centre {centre}, device {device})").format(
            url=state.server_url, centre=state.centre_id, device=state.device_id))
    lines.append(_("Changes waiting to be sent: {n}").format(n=state.waiting))
    if state.oldest_waiting_at is not None:
        lines.append(_("Oldest waiting change: {age} ago ({at})").format(
            age=age_words((now - state.oldest_waiting_at).total_seconds()), at=_at(state.oldest_waiting_at)))
    if state.enrolled:
        lines.append(_("Last push: {at}").format(at=_at(state.last_push_at)))
        lines.append(_("Last pull: {at}").format(at=_at(state.last_pull_at)))
        lines.append(_("Pull position: {cursor}").format(cursor=state.cursor or _("from the start")))
        if state.last_error:
            lines.append(_("Offline since {at}").format(at=_at(state.offline_since)) if state.offline_since else "")
            lines.append(_("Last error: {words}").format(words=error_words(state.last_error, state.last_error_detail)))
        else:
            lines.append(_("Online: last contact {at}").format(at=_at(state.last_contact_at)))
        if state.rejected:
            lines.append(_("Changes the server kept for review: {n} (last: {what})").format(
                n=state.rejected, what=state.last_reject))
    return [line for line in lines if line]
