"""Every use case and application service the container makes, once each (entrypoints/
bootstrap.py registers them as singletons), and the read-only ones a replica may serve."""

from __future__ import annotations

from application.audit import AuditRecorder
from application.device_possession import DevicePossession
from application.fraud_screen import FraudScreen, ProfileKeeper
from application.holds import HoldKeeper
from application.kyc_gate import KycGate
from application.password_attempts import PasswordAttempts
from application.second_factor import SecondFactorCheck
from application.sessions import SessionIssuer
from application.use_cases import (
    PROFILE_USE_CASES,
    AccrueInterest,
    AnswerChallenge,
    Authenticate,
    ChangePassword,
    CloseTillDay,
    CompleteLogin,
    CreateAuditKey,
    DecideReversal,
    DecideStaffAction,
    Deposit,
    DeviceBinder,
    DispatchEvents,
    EnrolVoice,
    EnsureCashAccounts,
    ExpireHolds,
    GenerateStatement,
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
    ManageStaff,
    ManageStandingOrders,
    ManageTotp,
    ManageWebhooks,
    OpenAccount,
    OpenDispute,
    OperateAccounts,
    OperateCustomers,
    OperateDevices,
    OperateSessions,
    Poster,
    PostInterest,
    ProposeReversal,
    ProposeStaffAction,
    ReadEvents,
    RefreshSession,
    RegisterCustomer,
    RequestPasswordReset,
    ResetPassword,
    RestoreVoice,
    ReversalPoster,
    ReviewTransfers,
    RevokeSessions,
    RunDueReminders,
    RunDueStandingOrders,
    SearchTransfers,
    SeedDemo,
    SendAlerts,
    SetUpiPin,
    SignUp,
    StaffActions,
    StreamStatement,
    TakeAuditCheckpoint,
    TellerCash,
    Throttle,
    TransferMoney,
    VerifyAuditTrail,
    VerifyLedger,
    VerifyUpiPin,
    Withdraw,
    WorkDisputes,
)
from application.voice_answer import VoiceListener
from application.voice_checks import VoiceVerifier

USE_CASES = (
    AuditRecorder, ListAuditEvents, VerifyAuditTrail, Poster, Deposit, Withdraw, TransferMoney,
    OpenAccount, EnsureCashAccounts, RegisterCustomer, LogInWithPassword, ListAccounts, GetBalance,
    ListTransactions, GenerateStatement, VerifyLedger, SeedDemo, SessionIssuer, Authenticate,
    RefreshSession, ListSessions, RevokeSessions, Throttle, PasswordAttempts, SetUpiPin, VerifyUpiPin,
    VoiceListener, VoiceVerifier, DeviceBinder, ManageDevices, EnrolVoice, LogInWithVoice, RestoreVoice,
    ProfileKeeper, FraudScreen, HoldKeeper, GetTransfer, AnswerChallenge, ReviewTransfers,
    ExpireHolds, ManageBeneficiaries, ManageCards, OperateCustomers, OperateAccounts,
    OperateDevices, ManageReminders, RunDueReminders, StreamStatement, ListBranches,
    CreateAuditKey, TakeAuditCheckpoint,
    DevicePossession, IssueDeviceNonce, ReversalPoster, ProposeReversal, DecideReversal,
    ListReversals, OpenDispute, WorkDisputes, ListDisputes, ManageStandingOrders,
    RunDueStandingOrders, TellerCash, CloseTillDay, KycGate, AccrueInterest, PostInterest,
    SearchTransfers, SecondFactorCheck, ManageTotp, CompleteLogin, StaffActions,
    ProposeStaffAction, DecideStaffAction, ListStaffProposals, OperateSessions, ManageStaff,
    *PROFILE_USE_CASES,
    ChangePassword, RequestPasswordReset, ResetPassword, SignUp, ReadEvents, ManageWebhooks,
    DispatchEvents, SendAlerts,
)

# The read-only work a replica may serve (docs/replicas.md): what a customer reads of their
# history, and operators' reports. Balances, sessions, the fraud screen's reads and every read
# a write depends on stay on the primary.
REPORTS = (ListTransactions, StreamStatement, ListAuditEvents, VerifyLedger, VerifyAuditTrail,
           SearchTransfers)
