Feature: Cards
  As a customer who lost a card
  I want to block it at once and unblock it when it turns up
  And the bank never keeps the full card number

  Background:
    Given Meera is a customer whose password is "monsoon rains on marine drive"
    And Meera has a debit card on a savings account

  Scenario: Only the masked number is shown
    Then her card shows only its last four digits

  Scenario: Blocking and unblocking a card
    When Meera blocks her card
    Then her card is "blocked"
    When Meera unblocks her card
    Then her card is "active"
