Feature: The bank tells other systems and its customers as money moves
  As a business banking with Vaani
  I want my systems told of every payment, signed, even when they were down for a while
  And as a customer I want my own events, and mail about the money I choose
  So that no one has to poll the bank to learn what happened

  Background:
    Given Asha and Ravi bank with us, and Maya is an operator
    And Maya registered the partner's endpoint for "transfer.posted"

  Scenario: A partner hears of each payment once, signed with its secret
    When Asha pays Ravi 250.00 INR
    And the dispatcher runs
    Then the partner received 1 "transfer.posted" event for 250.00 INR
    And every message's signature verifies with the endpoint's secret

  Scenario: A partner that was down receives every payment, in order, when it is back
    Given the partner's endpoint answers 503
    When Asha pays Ravi 1.00 INR
    And Asha pays Ravi 2.00 INR
    And Asha pays Ravi 3.00 INR
    And the dispatcher runs
    Then the partner received nothing
    When the partner's endpoint answers 204
    And 1 hours pass
    And the dispatcher runs
    Then the partner received Asha's payments of 1.00, 2.00, 3.00 INR in that order

  Scenario: A customer catches up on their own events
    When Asha pays Ravi 75.00 INR
    Then Asha's event feed shows a "transfer.posted" event for 75.00 INR
    And Ravi's event feed shows none of Asha's payments
