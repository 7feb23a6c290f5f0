Feature: Cash at the counter
  As a bank's teller
  I want to take in and pay out cash with the slip's number, and close my till at the end of the day
  So that every rupee through my till is in the ledger once, and my day adds up

  Background:
    Given Tara is a teller and Meera has an account

  Scenario: A day at the counter closes against the ledger
    When Tara takes in 5000.00 INR for Meera on slip "S-1"
    And Tara takes in 5000.00 INR for Meera on slip "S-1"
    And Tara pays out 1200.00 INR to Meera
    Then Meera's account holds 3800.00 INR
    When the day is closed
    Then Tara's till took in 5000.00 INR and paid out 1200.00 INR, as the ledger says
    And Tara's till takes no more cash today

  Scenario: No more is paid out than the account holds
    When Tara pays out 10.00 INR to Meera
    Then the request is refused with "insufficient_funds"
