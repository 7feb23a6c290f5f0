Feature: Statements
  As a customer
  I want a statement for any period
  So that my opening and closing balances reconcile with every entry

  Background:
    Given Meera is a customer whose password is "monsoon rains on marine drive"

  Scenario: A statement reconciles opening balance, entries and closing balance
    Given Meera opens a savings account with 1000.00 INR
    And Meera deposits 250.00 INR
    And Meera withdraws 100.00 INR at a cash machine
    When Meera asks for this month's statement
    Then it opens at 0.00 INR and closes at 1150.00 INR
    And it lists 3 entries
