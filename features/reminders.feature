Feature: Reminders
  As a customer with bills and EMIs
  I want to be reminded once for each due date
  So that I pay on time and am not spammed

  Background:
    Given Meera is a customer whose password is "monsoon rains on marine drive"

  Scenario: A monthly EMI is delivered once per month
    Given Meera has a monthly EMI reminder "Car loan" due tomorrow, 3 times
    When 2 days pass and the reminders run twice
    Then Meera has been reminded 1 time
    When 65 days pass and the reminders run twice
    Then Meera has been reminded 3 times
    And her reminder "Car loan" is "COMPLETED"
