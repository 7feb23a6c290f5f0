Feature: Signing up with a verified email
  As the bank
  I want a new customer's email confirmed with a code before their first login
  And sign-up to tell no one whether an email or phone already banks with us

  Background:
    Given Meera is a customer whose password is "monsoon rains on marine drive"

  Scenario: A new customer confirms her email and may then log in
    When Kavya signs up with the email "kavya@example.in" and the password "kites over the river"
    Then she is given a customer number but cannot log in yet
    And a sign-up code is sent to "kavya@example.in"
    When she confirms her sign-up with the code
    Then she can log in with her customer number and "kites over the river"

  Scenario: Signing up with an email that banks here tells nothing and warns its owner
    When someone signs up with Meera's email and the password "kites over the river"
    Then they are given a customer number as anyone would be
    And no sign-up code is sent
    And Meera is told that someone tried to sign up with her details

  Scenario: Five wrong codes end the sign-up
    When Kavya signs up with the email "kavya@example.in" and the password "kites over the river"
    And she gives the sign-up code "000000" 5 times
    And she confirms her sign-up with the code
    Then the sign-up is refused with "signup_code_invalid"
