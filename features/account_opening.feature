Feature: Accounts opened by customers
  As a customer
  I want to open and close my own accounts
  So that I need not visit a branch, within what my KYC allows

  Scenario: A verified customer opens a current account and closes it empty
    Given Kiran is a customer with full KYC
    When Kiran opens a current account in INR
    Then Kiran has 1 open account
    When Kiran closes that account
    Then Kiran has 0 open accounts

  Scenario: An account with money in it is not closed
    Given Kiran is a customer with full KYC
    When Kiran opens a savings account in INR
    And 10.00 INR is paid into that account
    And Kiran closes that account
    Then the request is refused with "account_not_empty"

  Scenario: A customer whose KYC is pending opens nothing
    Given Kiran is a customer with pending KYC
    When Kiran opens a savings account in INR
    Then the request is refused with "kyc_required"

  Scenario: A frozen customer opens nothing until the bank unfreezes them
    Given Kiran is a customer with full KYC and an account holding 500.00 INR
    And the bank has frozen Kiran
    When Kiran opens a savings account in INR
    Then the request is refused with "account_frozen"
    When the bank unfreezes Kiran
    And Kiran opens a current account in INR
    Then Kiran has 2 open accounts
