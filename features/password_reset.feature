Feature: Changing and resetting a password
  As a customer who forgot her password, or fears someone else knows it
  I want to set a new one with a code only my own mailbox receives
  So that I get back in, and whoever held the old password or a session is out

  Background:
    Given Meera is a customer whose password is "monsoon rains on marine drive"
    And Meera is logged in on her phone and on her laptop

  Scenario: A forgotten password is reset with the code sent to her
    When Meera asks for a password reset with her customer number
    Then a reset code is sent to Meera, and the answer does not contain it
    When she sets the new password "lanterns over the old harbour" with the code
    Then she can log in with "lanterns over the old harbour"
    And she can no longer log in with "monsoon rains on marine drive"
    And her phone and her laptop are logged out
    And Meera is told that her password was reset
    And the audit trail records the password reset of Meera

  Scenario: A reset code works once
    Given Meera has set the new password "lanterns over the old harbour" with a reset code
    When someone sets the new password "a thief's guess at a password" with the same code
    Then it is refused with "reset_token_invalid"
    And she can log in with "lanterns over the old harbour"

  Scenario: A reset code lives fifteen minutes
    When Meera asks for a password reset with her customer number
    And 15 minutes pass
    And she sets the new password "lanterns over the old harbour" with the code
    Then it is refused with "reset_token_invalid"

  Scenario: Asking about a customer number nobody has tells nothing
    When someone asks for a password reset with the customer number "4999999999"
    Then the answer is the one Meera would get
    And nobody is sent a code

  Scenario: A reset lets a locked-out customer back in
    Given someone has locked Meera's login with 5 wrong passwords
    When Meera asks for a password reset with her customer number
    And she sets the new password "lanterns over the old harbour" with the code
    Then she can log in with "lanterns over the old harbour"

  Scenario: Changing the password logs out every other device
    When Meera changes her password on her phone to "lanterns over the old harbour"
    Then her laptop is logged out and her phone is not
    And she can log in with "lanterns over the old harbour"
    And Meera is told that her password was changed
