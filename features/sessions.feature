Feature: Sessions and refresh tokens
  As a customer on my phone
  I want to stay logged in without typing my password again and again
  And as the bank I want a stolen refresh token to be useless

  Background:
    Given Meera is a customer whose password is "monsoon rains on marine drive"
    And Meera has logged in

  Scenario: Refreshing gives a new refresh token every time
    When Meera refreshes her session
    Then she gets a new refresh token
    And her new access token works

  Scenario: A refresh token used twice ends the whole session
    When Meera refreshes her session
    And 10 seconds pass
    And someone presents Meera's first refresh token again
    Then the refresh is refused with "unauthorized"
    And Meera's latest access token no longer works
    And the audit trail records a refresh-token reuse

  Scenario: Retrying a refresh within five seconds is not mistaken for theft
    When Meera refreshes her session
    And 2 seconds pass
    And Meera presents her first refresh token again
    Then she gets a new refresh token

  Scenario: Logging out ends the session at once
    When Meera logs out
    Then Meera's latest access token no longer works
    And Meera's latest refresh token no longer works

  Scenario: Ending all sessions logs out every device
    Given Meera has logged in on a second device
    When Meera ends all of her sessions
    Then Meera's latest access token no longer works
    And the access token of her second device no longer works
