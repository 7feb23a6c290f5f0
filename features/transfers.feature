Feature: Transfers between accounts
  As a customer of the bank
  I want to move money between my accounts and to other customers
  So that I can pay people, and be sure money is never created, lost or moved twice

  Background:
    Given Asha is a customer with a savings account holding 1000.00 INR
    And Asha has a current account holding 0.00 INR
    And Ravi is a customer with a savings account holding 50.00 INR

  Scenario: Asha moves money between her own accounts
    When Asha transfers 250.00 INR from her savings account to her current account
    Then the transfer is completed
    And Asha's savings account holds 750.00 INR
    And Asha's current account holds 250.00 INR
    And the ledger verifies

  Scenario: Asha pays another customer
    When Asha transfers 100.50 INR from her savings account to Ravi's savings account
    Then the transfer is completed
    And Ravi's savings account holds 150.50 INR
    And each account shows the transfer in its history

  Scenario: A transfer larger than the balance is refused and nothing moves
    When Asha transfers 1000.01 INR from her savings account to Ravi's savings account
    Then the transfer is refused with "insufficient_funds"
    And Asha's savings account holds 1000.00 INR
    And Ravi's savings account holds 50.00 INR

  Scenario: A retried request with the same idempotency key moves money only once
    When Asha transfers 300.00 INR from her savings account to Ravi's savings account with key "pay-ravi-1"
    And Asha transfers 300.00 INR from her savings account to Ravi's savings account with key "pay-ravi-1"
    Then both answers name the same transfer
    And Asha's savings account holds 700.00 INR
    And Ravi's savings account holds 350.00 INR

  Scenario: Reusing an idempotency key for a different payment is a conflict
    When Asha transfers 300.00 INR from her savings account to Ravi's savings account with key "pay-ravi-2"
    And Asha transfers 5.00 INR from her savings account to Ravi's savings account with key "pay-ravi-2"
    Then the transfer is refused with "idempotency_conflict"
    And Asha's savings account holds 700.00 INR

  Scenario: Nobody can spend from someone else's account
    When Ravi transfers 10.00 INR from Asha's savings account to Ravi's savings account
    Then the transfer is refused with "account_not_found"
    And Asha's savings account holds 1000.00 INR

  Scenario: A frozen account neither sends nor receives money
    Given Ravi's savings account is frozen
    When Asha transfers 10.00 INR from her savings account to Ravi's savings account
    Then the transfer is refused with "account_frozen"
    And Asha's savings account holds 1000.00 INR
