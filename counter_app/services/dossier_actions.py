"""What can be done with a dossier now: one answer for the screens, the command line and (later) the hub.

The screens ask here instead of re-deriving the state machine: each step is tried against the
domain rules of ``counter_app.domain.dossier`` (``next_status``, ``request_supplement``,
``extend``) on the dossier's current state, and a step the rules refuse is kept with the
``DomainError`` that says why. The service methods that carry the steps out check the same
rules again when they run (the answer may be a few minutes old).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from counter_app.domain import dossier as rules
from counter_app.domain.dossier import DossierRecord, DossierStatus, EventType, next_status
from counter_app.domain.errors import DomainError
from counter_app.services.documents import DocumentKind
from counter_app.services.dossier_documents import available_forms
from counter_app.services.i18n import N_, _

# A dossier is at its agency while processing or waiting for the applicant's supplement.
AT_AGENCIES = (DossierStatus.PROCESSING, DossierStatus.SUPPLEMENT_REQUESTED)
NOT_REGISTERED = rules.NOT_REGISTERED  # incomplete or refused at intake: nothing is due (domain/dossier.py)
POSTAL_IN_TRANSIT = "sent"


class Action(StrEnum):
    """The steps a clerk can take with a registered dossier, in the order they usually come."""

    HAND_OVER = "hand_over"
    RESULT_READY = "result_ready"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT_PROVIDED = "supplement_provided"
    EXTEND = "extend"
    STOP = "stop"
    PAY = "pay"
    RETURN_AT_COUNTER = "return_at_counter"
    SEND_BY_POST = "send_by_post"
    POSTAL_DELIVERED = "postal_delivered"
    POSTAL_RETURNED = "postal_returned"


_ACTION_WORDS: dict[Action, str] = {
    Action.HAND_OVER: N_("hand over to the agency"),
    Action.RESULT_READY: N_("result is back"),
    Action.REQUEST_SUPPLEMENT: N_("agency asks for a supplement"),
    Action.SUPPLEMENT_PROVIDED: N_("supplement provided"),
    Action.EXTEND: N_("apology and extension"),
    Action.STOP: N_("applicant asks to stop"),
    Action.PAY: N_("collect fees"),
    Action.RETURN_AT_COUNTER: N_("return the result at the counter"),
    Action.SEND_BY_POST: N_("send the result by post"),
    Action.POSTAL_DELIVERED: N_("postal item delivered"),
    Action.POSTAL_RETURNED: N_("postal item returned to sender"),
}


def action_text(action: Action) -> str:
    return _(_ACTION_WORDS[action])


@dataclass(frozen=True, slots=True)
class DossierActions:
    """The service's answer for one dossier at one moment.

    ``offered``: the steps the dossier's state has now; a screen enables their buttons (taking
    one still runs the service's checks, and a rule that refuses it is said in words then).
    ``refusals``: every action that cannot be taken now, with the error that says why: those
    not offered (wrong state) and those offered but refused by a rule (supplement asked once
    already, extension once and a day before the deadline, fees to collect before the result
    goes). ``outstanding`` is what is still to be paid. ``printable_forms`` are the dossier
    forms its history has issued, which can be printed again (empty when the answer was made
    from a list row, without the history).
    """

    code: str
    status: DossierStatus
    offered: frozenset[Action] = frozenset()
    refusals: Mapping[Action, DomainError] = field(default_factory=dict)
    outstanding: int = 0
    postal_in_transit: tuple[str, ...] = ()  # postal items sent and not yet delivered or returned
    printable_forms: tuple[DocumentKind, ...] = ()

    def offers(self, action: Action) -> bool:
        return action in self.offered

    def can(self, action: Action) -> bool:
        return action not in self.refusals

    def why_not(self, action: Action) -> DomainError | None:
        return self.refusals.get(action)

    @property
    def allowed(self) -> tuple[Action, ...]:
        return tuple(a for a in Action if a not in self.refusals)


def _refusal(check: Callable[[], object]) -> DomainError | None:
    try:
        check()
    except DomainError as error:
        return error
    return None


def _nothing() -> None:
    return None


def decide(
    record: DossierRecord,
    *,
    now: datetime,
    paid: int = 0,
    postal_items: Iterable[Any] = (),
    printable_forms: Sequence[DocumentKind] = (),
) -> DossierActions:
    """Every action tried against the domain rules on ``record``'s state at ``now``."""
    state, status = record.state, record.status
    outstanding = max(0, record.fee_due - paid)
    items = tuple(postal_items)
    in_transit = tuple(p.item_code for p in items if p.status == POSTAL_IN_TRANSIT)

    def step(event: EventType) -> Callable[[], object]:
        return lambda: next_status(status, event)

    def extension_step() -> None:
        next_status(status, EventType.EXTENDED)
        if state.appointment is None:
            raise DomainError("dossier.illegal_transition", status=status.value, event=EventType.EXTENDED.value)

    def extension_rule() -> None:
        assert state.appointment is not None
        # A later day stands for the new appointment; whether it may move at all is the domain's rule.
        rules.extend(state, now, state.appointment + timedelta(days=1))

    def payment_step() -> None:
        rules.require_payable(status, record.code, outstanding)

    def fees_first() -> None:
        if outstanding > 0:
            raise DomainError("return.fees_outstanding", code=record.code)

    def postal_step(event: EventType) -> Callable[[], None]:
        def check() -> None:
            next_status(status, event)
            if not in_transit:
                if items:
                    raise DomainError("postal.already_final", item_code=items[-1].item_code, status=items[-1].status)
                raise DomainError("dossier.illegal_transition", status=status.value, event=event.value)

        return check

    # action: (is the step there in this state?, does a rule refuse it now?)
    checks: dict[Action, tuple[Callable[[], object], Callable[[], object]]] = {
        Action.HAND_OVER: (step(EventType.HANDED_OVER), _nothing),
        Action.RESULT_READY: (step(EventType.RESULT_READY), _nothing),
        Action.REQUEST_SUPPLEMENT: (
            step(EventType.SUPPLEMENT_REQUESTED), lambda: rules.request_supplement(state, now)
        ),
        Action.SUPPLEMENT_PROVIDED: (step(EventType.SUPPLEMENT_PROVIDED), _nothing),
        Action.EXTEND: (extension_step, extension_rule),
        Action.STOP: (step(EventType.STOP_REQUESTED), _nothing),
        Action.PAY: (payment_step, _nothing),
        Action.RETURN_AT_COUNTER: (step(EventType.RETURNED), fees_first),
        Action.SEND_BY_POST: (step(EventType.POSTAL_SENT), fees_first),
        Action.POSTAL_DELIVERED: (postal_step(EventType.POSTAL_DELIVERED), _nothing),
        Action.POSTAL_RETURNED: (postal_step(EventType.POSTAL_RETURNED), _nothing),
    }
    offered: set[Action] = set()
    refusals: dict[Action, DomainError] = {}
    for action, (there, rule) in checks.items():
        error = _refusal(there)
        if error is None:
            offered.add(action)
            error = _refusal(rule)
        if error is not None:
            refusals[action] = error
    return DossierActions(
        code=record.code,
        status=status,
        offered=frozenset(offered),
        refusals=refusals,
        outstanding=outstanding,
        postal_in_transit=in_transit,
        printable_forms=tuple(printable_forms),
    )


def actions_of(detail: Any, now: datetime) -> DossierActions:
    """The full answer from a ``DossierDetail`` the screen already loaded (history, payments, post)."""
    return decide(
        detail.record,
        now=now,
        paid=detail.summary.paid,
        postal_items=detail.postal_items,
        printable_forms=available_forms(detail),
    )


def allowed_actions(services: Any, code: str) -> DossierActions:
    """What can be done with dossier ``code`` now (``services``: the app's services)."""
    return actions_of(services.dossiers.detail(code), services.clock.now())


@dataclass(frozen=True, slots=True)
class ActionableDossier:
    summary: Any  # services.dossiers.DossierSummary
    actions: DossierActions


def at_agencies(services: Any, desk: Any, limit: int = 500) -> list[ActionableDossier]:
    """The centre's dossiers at their agencies, soonest appointment first, each with its actions."""
    now = services.clock.now()
    with services.uow(readonly=True) as uow:
        records = [
            r for status in AT_AGENCIES for r in uow.dossiers.by_status(status, centre_id=desk.centre_id, limit=limit)
        ]
        paid = uow.dossiers.paid_totals([r.id for r in records])
    records.sort(key=lambda r: (r.appointment is None, r.appointment or r.received_at))
    return [
        ActionableDossier(
            services.dossiers.summary(r, paid.get(r.id, 0)),
            decide(r, now=now, paid=paid.get(r.id, 0)),
        )
        for r in records
    ]


def next_steps_text(actions: DossierActions) -> str:
    """One line for the command line: the actions allowed now, in words."""
    allowed = [action_text(a) for a in actions.allowed]
    if not allowed:
        return _("Next steps: none")
    return _("Next steps: {steps}").format(steps=", ".join(allowed))
