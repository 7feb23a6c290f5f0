Feature: Interest on savings
  As a saver
  I want interest on my savings balance every day, paid every month to the paisa
  So that nothing the bank owes me is rounded away

  Background:
    Given the bank pays 3.50 % a year on savings
    And Sunita has a savings account holding 1000.01 INR and a current account holding 5000.00 INR

  Scenario: A month's interest is paid once, on the savings account only
    When the bank accrues every day from 2026-11-22 to 2026-11-30
    And the bank posts the interest of 2026-11
    Then Sunita's savings account holds 1000.87 INR
    And Sunita's current account holds 5000.00 INR
    When the bank posts the interest of 2026-11 again
    Then Sunita's savings account holds 1000.87 INR

  Scenario: A day accrues once
    When the bank accrues 2026-11-25
    And the bank accrues 2026-11-25 again
    Then 2026-11-25 was accrued once

  Scenario: What does not make a paisa is carried into the next month
    When the bank accrues every day from 2026-11-22 to 2026-11-30
    And the bank posts the interest of 2026-11
    Then 0.30 paise of November are carried into December
    And the ledger and the interest prove each other

  Scenario: A day accrued after its month was posted is paid with the next month
    When the bank accrues every day from 2026-11-22 to 2026-11-29
    And the bank posts the interest of 2026-11
    And the bank accrues 2026-11-30
    And the bank posts the interest of 2026-11 again
    Then Sunita's savings account holds 1000.77 INR
    When the bank accrues every day from 2026-12-01 to 2026-12-31
    And the bank posts the interest of 2026-12
    Then Sunita's savings account holds 1003.84 INR
    And the ledger and the interest prove each other

  Scenario: A month is spelt one way
    When the bank posts the interest of 2026-012
    Then the month is refused as validation_error
