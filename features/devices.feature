Feature: Devices
  As a customer
  I want to see and control the devices bound to my login
  So that a lost phone can be cut off

  Background:
    Given Meera is a customer whose password is "monsoon rains on marine drive"

  Scenario: The first device becomes trusted at login and can be revoked
    When Meera logs in with her password on "meera-phone-01"
    Then her device "meera-phone-01" is "trusted"
    When Meera revokes her device "meera-phone-01"
    Then her device "meera-phone-01" is "revoked"

  Scenario: A lost phone is cut off at once while her laptop stays logged in
    When Meera logs in with her password on "meera-phone-01"
    And Meera logs in with her password on "meera-laptop-01"
    And Meera revokes her device "meera-phone-01"
    Then her login on "meera-phone-01" no longer works
    And her login on "meera-laptop-01" still works
