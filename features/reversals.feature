Feature: Reversals of posted transfers
  As a bank
  I want a wrong payment put right by a new transfer back, checked by a second operator
  So that no posting is ever edited, nothing is reversed twice, and no one person can move money alone

  Background:
    Given Asha paid Ravi 20000.00 INR
    And Olga and Otto are operators

  Scenario: A large reversal waits for a second operator
    When Olga proposes reversing the payment because "paid the wrong account"
    Then the reversal waits for approval
    And Ravi's account still holds 20000.00 INR
    When Otto approves the reversal
    Then the reversal is posted
    And Asha's account holds 50000.00 INR
    And Ravi's account holds 0.00 INR
    And the payment shows 0.00 INR still reversible
    And the ledger still verifies

  Scenario: The operator who proposed a reversal cannot approve it
    When Olga proposes reversing the payment because "paid the wrong account"
    And Olga approves the reversal
    Then it is refused with "same_operator"
    And Ravi's account still holds 20000.00 INR

  Scenario: A small reversal posts at once
    When Olga proposes reversing 500.00 INR of the payment because "overcharged"
    Then the reversal is posted
    And the payment shows 19500.00 INR still reversible

  Scenario: No more can be reversed than the payment moved
    When Olga proposes reversing 9000.00 INR of the payment because "overcharged"
    And Otto approves the reversal
    And Olga proposes reversing 11000.01 INR of the payment because "overcharged again"
    Then it is refused with "reversal_not_allowed"

  Scenario: A payee who has spent the money is refused and nothing moves
    Given Ravi withdrew 19000.00 INR in cash
    When Olga proposes reversing the payment because "paid the wrong account"
    And Otto approves the reversal
    Then it is refused with "insufficient_funds"
    And Ravi's account still holds 1000.00 INR
    And Asha's account holds 30000.00 INR

  Scenario: A proposal nobody approves in time expires
    When Olga proposes reversing the payment because "paid the wrong account"
    And 25 hours pass
    And Otto approves the reversal
    Then it is refused with "reversal_expired"

  Scenario: A reversal split into small proposals still needs a second operator
    When Olga proposes reversing 6000.00 INR of the payment because "overcharged"
    Then the reversal is posted
    When Olga proposes reversing 6000.00 INR of the payment because "overcharged again"
    Then the reversal waits for approval
    And Ravi's account still holds 14000.00 INR
