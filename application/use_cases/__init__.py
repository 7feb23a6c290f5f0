"""One module per use case; each class does one thing."""

from application.use_cases.audit_checkpoints import CreateAuditKey, TakeAuditCheckpoint
from application.use_cases.audit_trail import (
    AuditPage,
    AuditReport,
    ListAuditEvents,
    VerifyAuditTrail,
)
from application.use_cases.beneficiaries import BeneficiaryDetails, ManageBeneficiaries
from application.use_cases.cards import ManageCards
from application.use_cases.cash import CashCommand, Deposit, Withdraw
from application.use_cases.change_password import ChangePassword
from application.use_cases.change_profile import ChangeProfile, ProfileChanged, ProfileChanges
from application.use_cases.complete_login import CompleteLogin
from application.use_cases.confirm_contact_change import ConfirmContactChange
from application.use_cases.device_binder import DeviceBinder
from application.use_cases.device_nonce import IssueDeviceNonce
from application.use_cases.devices import ManageDevices
from application.use_cases.dispatch_events import DispatchEvents, DispatchRun
from application.use_cases.dispute_views import ListDisputes
from application.use_cases.disputes import DisputeCommand, OpenDispute, WorkDisputes
from application.use_cases.enrol_voice import EnrolVoice
from application.use_cases.ensure_cash_accounts import EnsureCashAccounts
from application.use_cases.erase_customer import EraseCustomer, Erasure
from application.use_cases.event_feed import EventPage, ReadEvents
from application.use_cases.expire_holds import ExpireHolds
from application.use_cases.export_customer_data import (
    CustomerExport,
    ExportCustomerData,
    ExportSection,
)
from application.use_cases.generate_statement import (
    GenerateStatement,
    Statement,
    StatementStream,
    StreamStatement,
)
from application.use_cases.held_transfers import (
    AnswerChallenge,
    GetTransfer,
    ReviewTransfers,
    TransferView,
)
from application.use_cases.interest import (
    AccrualRun,
    AccrueInterest,
    PostingRun,
    PostInterest,
)
from application.use_cases.list_transactions import ListTransactions, TransactionPage
from application.use_cases.log_in import LogInWithPassword, SecondStep
from application.use_cases.manage_sessions import (
    Authenticate,
    ListSessions,
    Principal,
    RevokeSessions,
)
from application.use_cases.manage_staff import ManageStaff
from application.use_cases.open_account import OpenAccount, OpenAccountCommand
from application.use_cases.operator_actions import (
    CustomerOverview,
    OperateAccounts,
    OperateCustomers,
    OperateDevices,
)
from application.use_cases.operator_sessions import OperateSessions
from application.use_cases.postings import Poster, PostingResult
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.register_customer import RegisterCommand, RegisterCustomer
from application.use_cases.reminders import ManageReminders, ReminderDetails
from application.use_cases.request_password_reset import RequestPasswordReset
from application.use_cases.reset_password import ResetPassword
from application.use_cases.restore_voice import RestoreVoice
from application.use_cases.reversal_views import ListReversals, ReversalsOf
from application.use_cases.reversals import (
    DecideReversal,
    ProposeReversal,
    ReversalCommand,
    ReversalPoster,
)
from application.use_cases.run_due_reminders import DueRun, RunDueReminders
from application.use_cases.run_due_standing_orders import RunDueStandingOrders, StandingRun
from application.use_cases.search_transfers import SearchTransfers
from application.use_cases.seed_demo import DemoLogin, SeedDemo
from application.use_cases.send_alerts import AlertChoices, SendAlerts
from application.use_cases.sign_up import SignUp
from application.use_cases.staff_proposals import (
    DecideStaffAction,
    ListStaffProposals,
    ProposeStaffAction,
    StaffActions,
)
from application.use_cases.standing_orders import (
    ManageStandingOrders,
    PlacedOrder,
    StandingOrderDetails,
    StandingOrderView,
)
from application.use_cases.teller import (
    CloseTillDay,
    TellerCash,
    TellerCommand,
    TillReport,
)
from application.use_cases.throttle import Throttle
from application.use_cases.totp import ManageTotp, TotpEnrolment, TotpStatus
from application.use_cases.transfer_money import TransferCommand, TransferMoney
from application.use_cases.upi_pin import SetUpiPin, VerifyUpiPin
from application.use_cases.verify_ledger import LedgerReport, VerifyLedger
from application.use_cases.view_accounts import GetBalance, ListAccounts, ListBranches
from application.use_cases.view_profile import ViewProfile
from application.use_cases.voice_login import LogInWithVoice
from application.use_cases.webhooks import ManageWebhooks, NewSecret

__all__ = [
    "AccrualRun",
    "AccrueInterest",
    "AlertChoices",
    "AnswerChallenge",
    "AuditPage",
    "AuditReport",
    "Authenticate",
    "BeneficiaryDetails",
    "CashCommand",
    "ChangePassword",
    "ChangeProfile",
    "CloseTillDay",
    "CompleteLogin",
    "ConfirmContactChange",
    "CreateAuditKey",
    "CustomerExport",
    "CustomerOverview",
    "DecideReversal",
    "DecideStaffAction",
    "DemoLogin",
    "Deposit",
    "DeviceBinder",
    "DispatchEvents",
    "DispatchRun",
    "DisputeCommand",
    "DueRun",
    "EnrolVoice",
    "EnsureCashAccounts",
    "EraseCustomer",
    "Erasure",
    "EventPage",
    "ExpireHolds",
    "ExportCustomerData",
    "ExportSection",
    "GenerateStatement",
    "GetBalance",
    "GetTransfer",
    "IssueDeviceNonce",
    "LedgerReport",
    "ListAccounts",
    "ListAuditEvents",
    "ListBranches",
    "ListDisputes",
    "ListReversals",
    "ListSessions",
    "ListStaffProposals",
    "ListTransactions",
    "LogInWithPassword",
    "LogInWithVoice",
    "ManageBeneficiaries",
    "ManageCards",
    "ManageDevices",
    "ManageReminders",
    "ManageStaff",
    "ManageStandingOrders",
    "ManageTotp",
    "ManageWebhooks",
    "NewSecret",
    "OpenAccount",
    "OpenAccountCommand",
    "OpenDispute",
    "OperateAccounts",
    "OperateCustomers",
    "OperateDevices",
    "OperateSessions",
    "PlacedOrder",
    "PostInterest",
    "Poster",
    "PostingResult",
    "PostingRun",
    "Principal",
    "ProfileChanged",
    "ProfileChanges",
    "ProposeReversal",
    "ProposeStaffAction",
    "ReadEvents",
    "RefreshSession",
    "RegisterCommand",
    "RegisterCustomer",
    "ReminderDetails",
    "RequestPasswordReset",
    "ResetPassword",
    "RestoreVoice",
    "ReversalCommand",
    "ReversalPoster",
    "ReversalsOf",
    "ReviewTransfers",
    "RevokeSessions",
    "RunDueReminders",
    "RunDueStandingOrders",
    "SearchTransfers",
    "SecondStep",
    "SeedDemo",
    "SendAlerts",
    "SetUpiPin",
    "SignUp",
    "StaffActions",
    "StandingOrderDetails",
    "StandingOrderView",
    "StandingRun",
    "Statement",
    "StatementStream",
    "StreamStatement",
    "TakeAuditCheckpoint",
    "TellerCash",
    "TellerCommand",
    "Throttle",
    "TillReport",
    "TotpEnrolment",
    "TotpStatus",
    "TransactionPage",
    "TransferCommand",
    "TransferMoney",
    "TransferView",
    "VerifyAuditTrail",
    "VerifyLedger",
    "VerifyUpiPin",
    "ViewProfile",
    "Withdraw",
    "WorkDisputes",
]

# The customer's own profile and data (GET/PATCH /me, the export, erasure).
PROFILE_USE_CASES = (ViewProfile, ChangeProfile, ConfirmContactChange, ExportCustomerData,
                     EraseCustomer)
