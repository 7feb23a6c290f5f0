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

  Scenario: Closing the day closes every till, even one that moved no cash
    Given Ravi is a teller too
    When the day is closed
    Then Ravi's till takes no more cash today

  Scenario: A teller does not handle cash on their own account
    When Tara takes in 100.00 INR for herself
    Then the request is refused with "forbidden"

  Scenario: Another teller's slip with the same number is another deposit
    Given Ravi is a teller too
    When Tara takes in 100.00 INR for Meera on slip "0042"
    And Ravi takes in 100.00 INR for Meera on slip "0042"
    Then Meera's account holds 200.00 INR
