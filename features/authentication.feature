Feature: Logging in
  As the bank
  I want customers to prove who they are with their password
  So that nobody else reaches their money, and nobody can find out who banks with us

  Background:
    Given Meera is a customer whose password is "monsoon rains on marine drive"

  Scenario: The right password starts a session
    When Meera logs in with "monsoon rains on marine drive"
    Then she is logged in
    And the audit trail records a successful login for Meera

  Scenario: A wrong password is refused without saying what was wrong
    When Meera logs in with "monsoon rains on juhu beach"
    Then the login is refused with "invalid_credentials"
    And the audit trail records a failed login

  Scenario: Five wrong passwords in a row lock the customer out for fifteen minutes
    When Meera logs in with "wrong password 1" 5 times
    And Meera logs in with "monsoon rains on marine drive"
    Then the login is refused with "account_locked"
    And the refusal says when the lock ends
    When 15 minutes pass
    And Meera logs in with "monsoon rains on marine drive"
    Then she is logged in

  Scenario: An unknown customer number gets exactly the answers a known one gets
    When someone logs in as unknown customer "4999999999" with "monsoon rains on marine drive"
    Then the login is refused with "invalid_credentials"
    And the refusal reads the same as for a known customer with a wrong password
    When someone logs in as unknown customer "4999999999" with "guess" 5 times
    Then the login is refused with "account_locked"

  Scenario: A common password cannot be chosen at sign-up
    When Ravi signs up with the password "iloveyou123"
    Then the sign-up is refused with "validation_error"
