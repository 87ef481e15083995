"""The change-project lifecycle, declared once as a `transitions` table.

Six stages run in order; inside each, the same gate: ``drafting → submitted → (changes_requested →
submitted)* → approved``, where approval moves the project to the next stage's ``drafting`` (or to
``completed`` after implementation). Side exits: ``withdraw`` (coordinator, reason required) from
any non-final state, and ``reopen`` (coordinator, reason required) back to an earlier stage.

The machine is built once at import and fired on a small carrier object per command, so no
per-command machine is constructed. Its only callbacks are the guards, so it uses transitions'
extension points (``event_cls``, ``transition_cls``) for an event and a transition that evaluate
the guards and set the state without walking the empty callback lists (a third of the cost of a
command's Python work, measured in docs/performance.md); the machine refuses any other callback. A submission must carry the stage's artifacts and, where the
programme says so, content (lessons, adoption decisions, milestones). Guards raise :class:`~domain.errors.GuardFailed` or
:class:`~domain.errors.Forbidden` with a specific message; callbacks have no side effects —
persistence happens in the engine after the trigger succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from transitions import Event, EventData, Machine, MachineError, Transition

from domain import policy
from domain.content import ContentFacts, ContentRequirements, missing_content
from domain.errors import GuardFailed, IllegalTransition
from domain.model import Gate
from domain.programme import STAGE_CODES
from domain.roles import Action, Role

COMPLETED = "completed"
WITHDRAWN = "withdrawn"
OPEN_GATES: tuple[Gate, ...] = (Gate.DRAFTING, Gate.SUBMITTED, Gate.CHANGES_REQUESTED)


class Trigger(StrEnum):
    """The commands that move a project."""

    SUBMIT = "submit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"


ACTION_OF: dict[Trigger, Action] = {
    Trigger.SUBMIT: Action.SUBMIT,
    Trigger.APPROVE: Action.APPROVE,
    Trigger.REQUEST_CHANGES: Action.REQUEST_CHANGES,
    Trigger.WITHDRAW: Action.WITHDRAW,
    Trigger.REOPEN: Action.REOPEN,
}


def state_of(stage: str, gate: Gate) -> str:
    """The lifecycle state name of a stage at a gate, e.g. ``benchmarking.submitted``."""
    return f"{stage}.{gate.value}"


def split_state(state: str) -> tuple[str | None, Gate | None]:
    """The stage and gate of a state name; ``(None, None)`` for ``completed``/``withdrawn``."""
    stage, _, gate = state.partition(".")
    if not gate:
        return None, None
    return stage, Gate(gate)


STATES: list[str] = [state_of(s, g) for s in STAGE_CODES for g in OPEN_GATES] + [
    COMPLETED,
    WITHDRAWN,
]
INITIAL_STATE = state_of(STAGE_CODES[0], Gate.DRAFTING)


@dataclass(slots=True)
class Attempt:
    """The carrier a trigger is fired on: the project's state and what the guards need to know."""

    state: str
    relations: frozenset[Role]
    approvers: frozenset[Role] = frozenset()
    action: Action = Action.VIEW_PROJECT
    present_artifacts: frozenset[str] = frozenset()
    required_artifacts: tuple[str, ...] = ()
    text: str = ""
    target_stage: str | None = None
    requirements: ContentRequirements | None = None
    """What the stage's content must hold to submit (the programme's ``requires``)."""
    content: ContentFacts | None = None
    """What the project's content holds (lessons, adoption decisions, milestones)."""
    actor_label: str = ""
    project_label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _attempt(event: EventData) -> Attempt:
    model = event.model
    assert isinstance(model, Attempt)
    return model


def actor_allowed(event: EventData) -> bool:
    """Guard: the authorization policy allows this actor this action on this project."""
    a = _attempt(event)
    policy.require(a.relations, a.action, a.approvers, actor=a.actor_label, target=a.project_label)
    return True


def artifacts_present(event: EventData) -> bool:
    """Guard: every artifact the programme requires for the stage is attached."""
    a = _attempt(event)
    missing = [k for k in a.required_artifacts if k not in a.present_artifacts]
    if missing:
        group = [k for k in missing if k in a.extra.get("group_artifacts", ())]
        hint_id = hint_en = ""
        if group:
            hint_id = (
                f" ({', '.join(group)} adalah laporan kelompok: unggah ke kelompok dengan "
                "'patok group report', atau lampirkan)"
            )
            hint_en = (
                f" ({', '.join(group)} is the group's report: upload it to the group with "
                "'patok group report', or attach it)"
            )
        raise GuardFailed(
            "Berkas wajib belum dilampirkan: " + ", ".join(missing) + hint_id,
            "Required artifacts are missing: " + ", ".join(missing) + hint_en,
            missing=missing,
        )
    return True


def content_complete(event: EventData) -> bool:
    """Guard: the stage's content holds what the programme requires (lessons, decisions,
    milestones); the refusal names everything that is missing."""
    a = _attempt(event)
    if a.requirements is None:
        return True
    missing = missing_content(a.requirements, a.content or ContentFacts())
    if missing:
        raise GuardFailed(
            "Isi tahap belum lengkap: " + "; ".join(missing.id),
            "The stage's content is incomplete: " + "; ".join(missing.en),
            missing=missing.en,
        )
    return True


def comment_given(event: EventData) -> bool:
    """Guard: a request for changes says what must change."""
    if not _attempt(event).text.strip():
        raise GuardFailed(
            "Permintaan perbaikan wajib disertai komentar",
            "A request for changes needs a comment saying what to change",
        )
    return True


def reason_given(event: EventData) -> bool:
    """Guard: withdraw and reopen record why."""
    if not _attempt(event).text.strip():
        raise GuardFailed("Alasan wajib diisi", "A reason is required")
    return True


def _target_is(stage: str) -> Callable[[EventData], bool]:
    def target_is(event: EventData) -> bool:
        return _attempt(event).target_stage == stage

    target_is.__name__ = f"target_is_{stage}"
    return target_is


def _table() -> list[dict[str, Any]]:
    """The whole lifecycle as one list of transitions."""
    rows: list[dict[str, Any]] = []
    for index, stage in enumerate(STAGE_CODES):
        following = STAGE_CODES[index + 1] if index + 1 < len(STAGE_CODES) else None
        rows += [
            {
                "trigger": Trigger.SUBMIT.value,
                "source": [state_of(stage, Gate.DRAFTING), state_of(stage, Gate.CHANGES_REQUESTED)],
                "dest": state_of(stage, Gate.SUBMITTED),
                "conditions": [actor_allowed, artifacts_present, content_complete],
            },
            {
                "trigger": Trigger.APPROVE.value,
                "source": state_of(stage, Gate.SUBMITTED),
                "dest": state_of(following, Gate.DRAFTING) if following else COMPLETED,
                "conditions": [actor_allowed],
            },
            {
                "trigger": Trigger.REQUEST_CHANGES.value,
                "source": state_of(stage, Gate.SUBMITTED),
                "dest": state_of(stage, Gate.CHANGES_REQUESTED),
                "conditions": [actor_allowed, comment_given],
            },
        ]
        rows += [
            {
                "trigger": Trigger.REOPEN.value,
                "source": [state_of(stage, g) for g in OPEN_GATES],
                "dest": state_of(earlier, Gate.DRAFTING),
                "conditions": [_target_is(earlier), actor_allowed, reason_given],
            }
            for earlier in STAGE_CODES[:index]
        ]
    rows += [
        {
            "trigger": Trigger.REOPEN.value,
            "source": COMPLETED,
            "dest": state_of(stage, Gate.DRAFTING),
            "conditions": [_target_is(stage), actor_allowed, reason_given],
        }
        for stage in STAGE_CODES
    ]
    rows.append(
        {
            "trigger": Trigger.WITHDRAW.value,
            "source": [s for s in STATES if s not in (COMPLETED, WITHDRAWN)],
            "dest": WITHDRAWN,
            "conditions": [actor_allowed, reason_given],
        }
    )
    return rows


class GuardTransition(Transition):
    """A transition whose only callbacks are its conditions: check them, then set the state."""

    def execute(self, event_data: EventData) -> bool:
        """Evaluate the guards in order; on success move the model to the destination."""
        for condition in self.conditions:
            if not condition.check(event_data):
                return False
        _attempt(event_data).state = str(self.dest)
        return True


class GuardEvent(Event):
    """An event fired directly on the carrier: no queue, no machine-level callbacks."""

    def trigger(self, model: Any, *args: Any, **kwargs: Any) -> bool:
        """Try the transitions out of the model's state in declaration order; the first whose
        guards pass moves the model. Raises MachineError when none leaves that state."""
        state = model.state
        candidates = self.transitions.get(state)
        if candidates is None:
            raise MachineError(f"Can't trigger event {self.name} from state {state}!")
        event_data = EventData(self.machine.states[state], self, self.machine, model, args, kwargs)
        for transition in candidates:
            event_data.transition = transition
            if transition.execute(event_data):
                event_data.result = True
                return True
        return False


class GuardMachine(Machine):
    """A transitions machine whose transitions carry guards and nothing else."""

    event_cls = GuardEvent
    transition_cls = GuardTransition


def _build() -> Machine:
    machine = GuardMachine(
        model=None,
        states=STATES,
        transitions=TRANSITIONS,
        initial=INITIAL_STATE,
        auto_transitions=False,
        send_event=True,
    )
    callbacks = [
        name
        for name in ("prepare_event", "before_state_change", "after_state_change", "finalize_event")
        if getattr(machine, name)
    ]
    callbacks += [f"{s.name}.on_enter/on_exit" for s in machine.states.values() if s.on_enter or s.on_exit]
    callbacks += [
        f"{event.name} {t.source}->{t.dest}"
        for event in machine.events.values()
        for ts in event.transitions.values()
        for t in ts
        if t.prepare or t.before or t.after
    ]
    if callbacks:
        raise TypeError(f"the lifecycle takes guards only, not callbacks: {callbacks}")
    return machine


TRANSITIONS: list[dict[str, Any]] = _table()
MACHINE = _build()


def legal_triggers(state: str) -> list[str]:
    """The triggers that have a transition out of ``state``, in lifecycle order."""
    present = set(MACHINE.get_triggers(state))
    return [t.value for t in Trigger if t.value in present]


def reopen_targets(state: str) -> list[str]:
    """The stages a project in ``state`` may be reopened to."""
    transitions = MACHINE.events[Trigger.REOPEN.value].transitions.get(state, [])
    return [split_state(str(t.dest))[0] or "" for t in transitions]


def fire(attempt: Attempt, trigger: Trigger) -> str:
    """Fire ``trigger`` on ``attempt``; return the new state or raise a domain error.

    An illegal trigger raises :class:`IllegalTransition` naming the legal ones; a failing guard
    raises its own error. On any refusal the attempt's state is unchanged.
    """
    attempt.action = ACTION_OF[trigger]
    before = attempt.state
    try:
        moved = MACHINE.events[trigger.value].trigger(attempt)
    except MachineError:
        legal = legal_triggers(before)
        raise IllegalTransition(
            f"'{trigger.value}' tidak dapat dilakukan pada status {before}; "
            f"yang dapat dilakukan sekarang: {', '.join(legal) or 'tidak ada'}",
            f"'{trigger.value}' is not allowed in state {before}; "
            f"allowed now: {', '.join(legal) or 'nothing'}",
            state=before,
            trigger=trigger.value,
            legal=legal,
        ) from None
    if not moved:
        targets = reopen_targets(before)
        raise GuardFailed(
            f"Tahap '{attempt.target_stage}' tidak dapat dibuka kembali dari {before}; "
            f"pilihan: {', '.join(targets) or 'tidak ada'}",
            f"Stage '{attempt.target_stage}' cannot be reopened from {before}; "
            f"choose one of: {', '.join(targets) or 'none'}",
            targets=targets,
        )
    return attempt.state
