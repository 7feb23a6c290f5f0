Feature: Two-step login with an authenticator app
  As the bank
  I want customers to be able to ask for a code from their phone's authenticator at every login
  So that a stolen password alone never opens their accounts

  Background:
    Given Meera is a customer whose password is "monsoon rains on marine drive"
    And Meera has turned on two-step login with her authenticator app

  Scenario: A right password then asks for a code, and the code logs her in
    When Meera logs in with her password
    Then she is asked for a code, not logged in
    When she gives the code her app shows
    Then she is logged in
    And the audit trail records a two-step login for Meera

  Scenario: A code someone saw over her shoulder cannot be used again
    Given Meera logged in with the code her app shows
    When someone logs in with her password and the same code
    Then the code is refused with "second_factor_invalid"

  Scenario: Five wrong codes lock two-step login for fifteen minutes
    When Meera logs in with her password
    And she gives the code "000000" 5 times
    And she gives the code her app shows
    Then the code is refused with "account_locked"
    When 16 minutes pass
    And Meera logs in with her password
    And she gives the code her app shows
    Then she is logged in

  Scenario: A lost phone: a recovery code logs her in once
    When Meera logs in with her password
    And she gives her first recovery code
    Then she is logged in
    And she has 9 recovery codes left
    When Meera logs in with her password
    And she gives her first recovery code
    Then the code is refused with "second_factor_invalid"

  Scenario: The second step must come within five minutes of the password
    When Meera logs in with her password
    And 5 minutes pass
    And she gives the code her app shows
    Then the code is refused with "login_ticket_invalid"

  Scenario: Turning two-step login off needs her password and a code
    When Meera turns two-step login off with her password and the code her app shows
    And Meera logs in with her password
    Then she is logged in
