Feature: Operator review
  As a bank operator
  I want to decide on payments the fraud checks held
  So that good payments go through and fraudsters are stopped for good

  Background:
    Given Asha is a customer whose password is "monsoon rains on marine drive"
    And Asha has a savings account holding 100000.00 INR and the UPI PIN "4826"
    And Ravi is a customer Asha usually pays 100.00 INR
    And Asha changed her UPI PIN to "739152" just now

  Scenario: A rejected payment moves nothing and its payee is refused afterwards
    When Asha pays Ravi 5000.00 INR
    Then the payment waits for an operator
    And Asha's balance is 99500.00 INR with 94500.00 INR available
    When an operator rejects the payment
    Then the payment is voided
    And Asha's balance is 99500.00 INR with 99500.00 INR available
    When Asha pays Ravi 100.00 INR
    Then the payment is refused with "transfer_blocked"
