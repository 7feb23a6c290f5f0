"""Maker-checker for sensitive staff actions on the memory, SQLite and PostgreSQL profiles:
proposed by one member of staff, done only once a second approves it in time; never by the
same person; one verdict however many checkers answer at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import punq
import pytest

from application.context import RequestContext
from application.use_cases import (
    DecideStaffAction,
    ListAuditEvents,
    ListStaffProposals,
    OperateCustomers,
    ProposeStaffAction,
)
from domain.account import AccountStatus
from domain.customer import KycStatus, Role
from domain.errors import (
    DomainError,
    ProposalDecided,
    ProposalExpired,
    SameOperator,
    TotpNotEnabled,
    Unauthorized,
    ValidationError,
)
from domain.staff_proposal import ApprovalPolicy, ProposalStatus, StaffAction
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock


def _staff(bank: punq.Container, name: str) -> RequestContext:
    return RequestContext(actor_id=customer(bank, Role.OPERATOR, name).id)


def test_an_unfreeze_waits_for_a_second_operator_and_is_done_once(
        bank: punq.Container) -> None:
    maker, checker = _staff(bank, "Maya"), _staff(bank, "Chetan")
    asha = customer(bank)
    number = account(bank, asha, "100.00").account_number
    operate = bank.resolve(OperateCustomers)
    operate.freeze(asha.customer_number, True, maker)
    propose = bank.resolve(ProposeStaffAction)
    with pytest.raises(ValidationError):  # a proposal says why
        propose.execute(StaffAction.UNFREEZE_CUSTOMER, asha.customer_number, {}, None, maker)
    with pytest.raises(Unauthorized):  # and who proposes it
        propose.execute(StaffAction.UNFREEZE_CUSTOMER, asha.customer_number, {}, "call",
                        RequestContext())
    proposal = propose.execute(StaffAction.UNFREEZE_CUSTOMER, asha.customer_number, {},
                               "identity checked at the branch", maker)
    assert proposal is not None and proposal.status is ProposalStatus.PENDING_APPROVAL
    assert operate.show(asha.customer_number).accounts[0].status is AccountStatus.FROZEN
    decide = bank.resolve(DecideStaffAction)
    with pytest.raises(SameOperator):
        decide.approve(proposal.id, maker)
    done = decide.approve(proposal.id, checker)
    assert done.status is ProposalStatus.DONE and done.decided_by == checker.actor_id
    assert operate.show(asha.customer_number).accounts[0].account_number == number
    assert operate.show(asha.customer_number).accounts[0].status is AccountStatus.ACTIVE
    with pytest.raises(ProposalDecided):
        decide.approve(proposal.id, checker)
    actions = [e.action for e in bank.resolve(ListAuditEvents).execute(limit=30).items]
    assert {"staff.proposed", "staff.approved", "customer.unfrozen"} <= set(actions)


def test_only_the_tiers_the_policy_names_wait_and_a_rejection_changes_nothing(
        bank: punq.Container) -> None:
    maker, checker = _staff(bank, "Maya"), _staff(bank, "Chetan")
    ravi = customer(bank, kyc=KycStatus.PENDING)
    propose = bank.resolve(ProposeStaffAction)
    assert propose.execute(StaffAction.SET_KYC, ravi.customer_number, {"status": "min"}, None,
                           maker) is None  # done at once
    with pytest.raises(ValidationError):
        propose.execute(StaffAction.SET_KYC, ravi.customer_number, {"status": "gold"}, "x",
                        maker)
    proposal = propose.execute(StaffAction.SET_KYC, ravi.customer_number, {"status": "full"},
                               "documents verified", maker)
    assert proposal is not None
    rejected = bank.resolve(DecideStaffAction).reject(proposal.id, checker)
    assert rejected.status is ProposalStatus.REJECTED
    shown = bank.resolve(OperateCustomers).show(ravi.customer_number).customer
    assert shown.kyc_status is KycStatus.MIN


def test_a_proposal_nobody_approves_in_time_expires(bank: punq.Container,
                                                      clock: SteppingClock) -> None:
    maker, checker = _staff(bank, "Maya"), _staff(bank, "Chetan")
    asha = customer(bank)
    proposal = bank.resolve(ProposeStaffAction).execute(
        StaffAction.RESTORE_VOICE, asha.customer_number, {}, "verified by video call", maker)
    assert proposal is not None
    listing = bank.resolve(ListStaffProposals)
    assert [p.id for p in listing.execute(ProposalStatus.PENDING_APPROVAL)[0]] == [proposal.id]
    clock.advance(ApprovalPolicy().lifetime + timedelta(seconds=1))
    with pytest.raises(ProposalExpired):
        bank.resolve(DecideStaffAction).approve(proposal.id, checker)
    assert listing.execute(ProposalStatus.PENDING_APPROVAL)[0] == []
    assert [p.id for p in listing.execute(ProposalStatus.EXPIRED)[0]] == [proposal.id]


def test_an_approved_action_the_bank_refuses_is_kept_as_failed(bank: punq.Container) -> None:
    maker, checker = _staff(bank, "Maya"), _staff(bank, "Chetan")
    asha = customer(bank)  # two-step login was never on
    proposal = bank.resolve(ProposeStaffAction).execute(
        StaffAction.RESET_SECOND_FACTOR, asha.customer_number, {}, "lost phone", maker)
    assert proposal is not None
    with pytest.raises(TotpNotEnabled):
        bank.resolve(DecideStaffAction).approve(proposal.id, checker)
    found, _ = bank.resolve(ListStaffProposals).get(proposal.id)
    assert found.status is ProposalStatus.FAILED and found.outcome == "totp_not_enabled"


def test_two_checkers_at_once_give_one_verdict(bank: punq.Container) -> None:
    maker = _staff(bank, "Maya")
    checkers = [_staff(bank, "Chetan"), _staff(bank, "Divya")]
    asha = customer(bank)
    proposal = bank.resolve(ProposeStaffAction).execute(
        StaffAction.RESTORE_VOICE, asha.customer_number, {}, "verified in person", maker)
    assert proposal is not None
    decide, start = bank.resolve(DecideStaffAction), threading.Barrier(2)

    def approve(who: RequestContext) -> object:
        start.wait()
        try:
            return decide.approve(proposal.id, who)
        except DomainError as error:
            return error

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(approve, checkers))
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1 and isinstance(refused[0], ProposalDecided), results
    restored = [e for e in bank.resolve(ListAuditEvents).execute(limit=30).items
                if e.action == "voice.restored"]
    assert len(restored) == 1
