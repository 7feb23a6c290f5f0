Feature: Beneficiaries
  As a customer
  I want to save the people I pay
  So that paying them again is quick and safe

  Background:
    Given Meera is a customer whose password is "monsoon rains on marine drive"

  Scenario: Saving a payee by account number and IFSC
    When Meera saves "Ravi" with account "123456789012" and IFSC "SBIN0001234"
    Then her beneficiaries are "Ravi"

  Scenario: A wrong IFSC is refused
    When Meera saves "Ravi" with account "123456789012" and IFSC "SBIN1234"
    Then the request is refused with "validation_error"
    And she has no beneficiaries

  Scenario: Deleting a payee
    Given Meera saves "Ravi" with account "123456789012" and IFSC "SBIN0001234"
    When Meera deletes the beneficiary "Ravi"
    Then she has no beneficiaries
