"""One run of the alert consumer handing letters to the mail relay (send_alerts.py): which
were accepted, which recipients were refused for good, and how far the feed's position may move.

A relay refusing one recipient for good (a 5xx: a mistyped or closed mailbox) is the customer's
address at fault, and their alert is set aside so that no one else's waits. But a relay that
refuses everyone for good (a "554 relaying denied" after a change of its configuration) looks,
letter by letter, the same; setting those aside would drop every alert of the bank. So a refusal
is set aside only once the relay has shown it delivers: it accepted a later letter (to anyone)
in the same run, or the run reached the feed's end having had a letter accepted. A run in which
the relay accepted nothing sets nothing aside (it tries those again next run, mailing no one
twice, as it mailed no one), and RELAY_AT_FAULT different recipients refused in a row, with none
accepted between, stops the run with all of them owed, as a relay that is down does."""

from __future__ import annotations

import json
import logging
from uuid import UUID

import attrs

from application.ports import NotificationFailed, Notifier, Recipient

log = logging.getLogger("vaani.notifications")

# Three: one dead mailbox is common, and two in a row happen (the payer and the payee of one
# transfer, both with dead addresses); three different customers refused for good with no letter
# accepted between them is far likelier the relay's fault than theirs. Holding wrongly costs a
# delay (an operator fixes the address or the relay); setting aside wrongly loses alerts.
RELAY_AT_FAULT = 3

Letter = tuple[Recipient, str, str]  # to whom, the subject, the body


@attrs.frozen
class Owed:
    """An event's letters, in the order they go out."""

    sequence: int
    letters: list[Letter]


@attrs.frozen
class Refusal:
    """A letter whose recipient the relay refused for good: who, for which event, its code."""

    sequence: int
    customer_id: UUID
    email: str
    code: int | None


@attrs.define
class AlertRound:
    """Hands over batches of owed letters in order. `reached`: the position the feed may move
    to (every letter of every event up to it accepted or set aside); `seen`: the last event
    handed over; `stopped`: the run must end here (a failure that may pass, or the relay at
    fault), its letters from `reached` on owed still."""

    notifier: Notifier
    reached: int
    seen: int = attrs.field()
    stopped: bool = False
    _delivers: bool = False  # the relay accepted a letter in this run
    _pending: list[Refusal] = attrs.Factory(list)  # refused since the last accepted letter
    _set_aside: list[Refusal] = attrs.Factory(list)  # refused, and the relay delivers

    @seen.default
    def _from_reached(self) -> int:
        return self.reached

    def hand_over(self, owed: list[Owed], last: bool) -> int:
        """Each event's letters in order, until the run must stop; the letters accepted.
        `last`: these are the feed's last events (the run ends with them)."""
        told = 0
        for event in owed:
            for letter in event.letters:
                accepted = self._hand(event.sequence, letter)
                if self.stopped:
                    return told
                if accepted:
                    told += 1
                    self._delivers = True
                    self._set_aside += self._pending  # the relay delivers: theirs the fault
                    self._pending = []
            self.seen = event.sequence
            if not self._pending:
                self.reached = event.sequence
        if last and self._delivers and self._pending:  # the feed's end: nothing later to wait for
            self._set_aside += self._pending
            self._pending = []
            self.reached = self.seen
        return told

    def settle(self) -> list[Refusal]:
        """The refusals set aside at or before `reached`, once (the caller audits them as it
        moves the position; the others are tried again from there)."""
        settled = [r for r in self._set_aside if r.sequence <= self.reached]
        self._set_aside = [r for r in self._set_aside if r.sequence > self.reached]
        return settled

    def _hand(self, sequence: int, letter: Letter) -> bool:
        """Whether the relay accepted the letter; a refusal for good is kept pending."""
        recipient, subject, body = letter
        known = next((r for r in self._pending if r.email == recipient.email), None)
        if known is not None:  # refused for good since the last acceptance: not asked again
            self._pending.append(attrs.evolve(known, sequence=sequence,
                                              customer_id=recipient.customer_id))
            return False
        try:
            self.notifier.deliver_now(recipient, subject, body)
        except NotificationFailed as failure:
            if not failure.permanent:
                self.stopped = True  # the notifier logged why; the next run tries again
                return False
            self._pending.append(Refusal(sequence, recipient.customer_id, recipient.email,
                                         failure.code))
            refused = {r.email for r in self._pending}
            if len(refused) >= RELAY_AT_FAULT:
                self.stopped = True
                log.error(json.dumps({
                    "alerts": "held", "from_sequence": self._pending[0].sequence,
                    "error": f"the mail relay refused {len(refused)} different recipients for "
                             "good in a row: taken for its own fault (its configuration), "
                             "nothing set aside; the alerts wait until it accepts them",
                    "codes": sorted({str(r.code) for r in self._pending})}))
            return False
        return True
