"""The use cases the HTTP API calls, resolved from the container once at start-up."""

from __future__ import annotations

import attrs
import punq

from application.ports import UnitOfWorkFactory
from application.use_cases import (
    AnswerChallenge,
    Authenticate,
    ChangePassword,
    ChangeProfile,
    CloseTillDay,
    CompleteLogin,
    ConfirmContactChange,
    DecideReversal,
    DecideStaffAction,
    EnrolVoice,
    EraseCustomer,
    ExportCustomerData,
    GetBalance,
    GetTransfer,
    IssueDeviceNonce,
    ListAccounts,
    ListAuditEvents,
    ListBranches,
    ListDisputes,
    ListReversals,
    ListSessions,
    ListStaffProposals,
    ListTransactions,
    LogInWithPassword,
    LogInWithVoice,
    ManageBeneficiaries,
    ManageCards,
    ManageDevices,
    ManageReminders,
    ManageStandingOrders,
    ManageTotp,
    ManageWebhooks,
    OpenAccount,
    OpenDispute,
    OperateAccounts,
    OperateCustomers,
    OperateDevices,
    OperateSessions,
    ProposeReversal,
    ProposeStaffAction,
    ReadEvents,
    RefreshSession,
    RegisterCustomer,
    RequestPasswordReset,
    ResetPassword,
    ReviewTransfers,
    RevokeSessions,
    SearchTransfers,
    SendAlerts,
    SetUpiPin,
    SignUp,
    StreamStatement,
    TellerCash,
    Throttle,
    TransferMoney,
    VerifyUpiPin,
    ViewProfile,
    WorkDisputes,
)
from entrypoints.http.dispatch import Dispatcher
from entrypoints.settings import Settings


@attrs.frozen
class Services:
    settings: Settings
    uow_factory: UnitOfWorkFactory
    dispatch: Dispatcher
    authenticate: Authenticate
    throttle: Throttle
    register: RegisterCustomer
    log_in: LogInWithPassword
    refresh: RefreshSession
    sessions: ListSessions
    revoke: RevokeSessions
    set_pin: SetUpiPin
    verify_pin: VerifyUpiPin
    list_accounts: ListAccounts
    get_balance: GetBalance
    list_transactions: ListTransactions
    transfer: TransferMoney
    stream_statement: StreamStatement
    audit: ListAuditEvents
    events: ReadEvents
    webhooks: ManageWebhooks
    alerts: SendAlerts
    devices: ManageDevices
    enrol: EnrolVoice
    voice_login: LogInWithVoice
    device_nonce: IssueDeviceNonce
    get_transfer: GetTransfer
    challenge: AnswerChallenge
    review: ReviewTransfers
    beneficiaries: ManageBeneficiaries
    cards: ManageCards
    reminders: ManageReminders
    branches: ListBranches
    propose_reversal: ProposeReversal
    decide_reversal: DecideReversal
    reversals: ListReversals
    open_dispute: OpenDispute
    work_disputes: WorkDisputes
    disputes: ListDisputes
    standing_orders: ManageStandingOrders
    teller_cash: TellerCash
    search_transfers: SearchTransfers
    open_account: OpenAccount
    operate_accounts: OperateAccounts
    close_till: CloseTillDay
    totp: ManageTotp
    complete_login: CompleteLogin
    operate_customers: OperateCustomers
    operate_devices: OperateDevices
    operate_sessions: OperateSessions
    propose_staff_action: ProposeStaffAction
    decide_staff_action: DecideStaffAction
    staff_proposals: ListStaffProposals
    view_profile: ViewProfile
    change_profile: ChangeProfile
    confirm_contact: ConfirmContactChange
    export_data: ExportCustomerData
    erase: EraseCustomer
    change_password: ChangePassword
    request_reset: RequestPasswordReset
    reset_password: ResetPassword
    sign_up: SignUp

    @classmethod
    def from_container(cls, container: punq.Container) -> Services:
        fields = attrs.fields_dict(attrs.resolve_types(cls))
        return cls(**{name: container.resolve(field.type) for name, field in fields.items()})
