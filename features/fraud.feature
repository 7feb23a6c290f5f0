Feature: Fraud checks before money moves
  As the bank
  I want every payment scored before it moves
  So that unusual payments need the owner's proof or an operator, and fraud moves nothing

  Background:
    Given Asha is a customer whose password is "monsoon rains on marine drive"
    And Asha has a savings account holding 100000.00 INR and the UPI PIN "4826"
    And Ravi is a customer Asha usually pays 100.00 INR

  Scenario: A normal payment passes
    When Asha pays Ravi 120.00 INR
    Then the payment is completed
    And Asha's balance is 99380.00 INR with 99380.00 INR available

  Scenario: An unusual amount is challenged and posts after a good PIN
    When Asha pays Ravi 5000.00 INR
    Then the payment waits for a challenge
    And Asha's balance is 99500.00 INR with 94500.00 INR available
    When Asha answers the challenge with the PIN "4826"
    Then the payment is completed
    And Asha's balance is 94500.00 INR with 94500.00 INR available

  Scenario: A failed challenge gives the held money back
    When Asha pays Ravi 5000.00 INR
    And Asha answers the challenge with the PIN "1357"
    Then the payment is voided
    And Asha's balance is 99500.00 INR with 99500.00 INR available

  Scenario: A payment held for review is approved by an operator
    Given Asha changed her UPI PIN to "739152" just now
    When Asha pays Ravi 5000.00 INR
    Then the payment waits for an operator
    When an operator approves the payment
    Then the payment is completed
    And Asha's balance is 94500.00 INR with 94500.00 INR available

  Scenario: A blocked payment moves nothing
    When Asha pays Ravi 60000.00 INR from a cash machine
    Then the payment is refused with "transfer_blocked"
    And Asha's balance is 99500.00 INR with 99500.00 INR available

  Scenario: A phone bound with the password alone is a new device for its first day
    Given Asha has no voice enrolled
    When Asha logs in with her password on her new phone "asha-new-phone"
    And Asha pays Ravi 150.00 INR from "asha-new-phone"
    Then the payment waits for a challenge
    When 24 hours pass
    And Asha pays Ravi 150.00 INR from "asha-new-phone"
    Then the payment is completed

  Scenario: A stolen password does not borrow the trust of her phone bound before device keys
    Given Asha has no voice enrolled
    And Asha's phone "asha-old-phone" was bound before device keys, more than a day ago
    When Asha pays Ravi 150.00 INR from "asha-old-phone"
    Then the payment is completed
    When someone with Asha's password logs in naming "asha-old-phone" without its key
    Then her phone "asha-old-phone" is "suspicious"
    When Asha pays Ravi 150.00 INR from "asha-old-phone"
    Then the payment is held as sent from a device not proven to be hers

  Scenario: Her old phone bringing a key is trusted again as a new device for its first day
    Given Asha has no voice enrolled
    And Asha's phone "asha-old-phone" was bound before device keys, more than a day ago
    And someone with Asha's password logged in naming "asha-old-phone" without its key
    When Asha logs in with her password on "asha-old-phone" bringing a new device key
    Then her phone "asha-old-phone" is "trusted"
    And Asha is told that a new device logged in
    And the login that named "asha-old-phone" without its key no longer works
    When Asha pays Ravi 150.00 INR from "asha-old-phone"
    Then the payment waits for a challenge
    When 24 hours pass
    And Asha pays Ravi 150.00 INR from "asha-old-phone"
    Then the payment is completed
