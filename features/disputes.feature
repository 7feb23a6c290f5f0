Feature: Disputes of posted debits
  As a customer
  I want to dispute a payment that went wrong, and see the bank answer it in time
  So that a mistake or a fraud against me is put right, by the same checks as any reversal

  Background:
    Given Asha paid Ravi 700.00 INR
    And Olga and Otto are operators

  Scenario: A dispute is opened, investigated and refunded
    When Asha disputes the payment because "not_received": "the order never came"
    Then her dispute is "open" and due within 30 days
    When Olga takes the dispute
    Then her dispute is "investigating"
    When Olga resolves the dispute as refunded with "the merchant confirmed it never shipped"
    Then her dispute is "resolved_refunded"
    And Asha's account holds 50000.00 INR

  Scenario: Only the payer can dispute, and only once
    When Ravi disputes the payment because "unauthorised": "not me"
    Then it is refused with "transfer_not_found"
    When Asha disputes the payment because "duplicate": "charged twice"
    And Asha disputes the payment because "duplicate": "charged twice, again"
    Then it is refused with "dispute_exists"

  Scenario: A debit older than the window cannot be disputed
    When 91 days pass
    And Asha disputes the payment because "not_received": "the order never came"
    Then it is refused with "dispute_not_allowed"

  Scenario: A rejected dispute tells the customer why
    When Asha disputes the payment because "not_received": "the order never came"
    And Otto resolves the dispute as rejected with "the courier's receipt shows delivery"
    Then her dispute is "resolved_rejected"
    And she is told "the courier's receipt shows delivery"
    And Ravi's account holds 700.00 INR
