Feature: Accounts
  As a customer
  I want my accounts to keep my money safe and exact
  So that every rupee is where the bank says it is

  Background:
    Given Meera is a customer whose password is "monsoon rains on marine drive"

  Scenario: Opening an account with a first deposit
    When Meera opens a savings account with 1000.00 INR
    Then her savings account holds 1000.00 INR

  Scenario: A withdrawal larger than the balance is refused
    Given Meera opens a savings account with 1000.00 INR
    When Meera withdraws 1000.01 INR at a cash machine
    Then the request is refused with "insufficient_funds"
    And her savings account holds 1000.00 INR

  Scenario: A frozen account moves no money
    Given Meera opens a savings account with 1000.00 INR
    And an operator freezes her savings account
    When Meera withdraws 10.00 INR at a cash machine
    Then the request is refused with "account_frozen"

  Scenario: An account closes only when it is empty
    Given Meera opens a savings account with 1000.00 INR
    When an operator closes her savings account
    Then the request is refused with "account_not_empty"
    When Meera withdraws 1000.00 INR at a cash machine
    And an operator closes her savings account
    Then her savings account is closed
