Feature: Standing orders
  As a customer
  I want to schedule a payment once or on a rule, and have the bank pay it when it falls due
  So that my rent and EMIs are paid on time, exactly once, and I hear when one could not be

  Background:
    Given Asha has 1000.00 INR and Ravi has an account

  Scenario: A monthly payment is paid once a month
    When Asha schedules 250.00 INR to Ravi monthly from tomorrow
    And 32 days pass and the bank runs its standing orders
    Then Ravi's account holds 500.00 INR
    When the bank runs its standing orders again
    Then Ravi's account holds 500.00 INR

  Scenario: A payment she cannot afford is recorded, retried and finally failed
    When Asha schedules 5000.00 INR to Ravi once tomorrow
    And 1 days pass and the bank runs its standing orders
    Then the occurrence is "retrying" because of "insufficient_funds"
    When 8 hours pass and the bank runs its standing orders
    And 8 hours pass and the bank runs its standing orders
    Then the occurrence is "failed" because of "insufficient_funds"
    And Ravi's account holds 0.00 INR

  Scenario: A paused order pays nothing; a cancelled one never again
    When Asha schedules 250.00 INR to Ravi monthly from tomorrow
    And Asha pauses the standing order
    And 40 days pass and the bank runs its standing orders
    Then Ravi's account holds 0.00 INR
    When Asha resumes the standing order
    And Asha cancels the standing order
    And 40 days pass and the bank runs its standing orders
    Then Ravi's account holds 0.00 INR

  Scenario: A payment waiting to be tried again can still be stopped
    When Asha schedules 5000.00 INR to Ravi once tomorrow
    And 1 days pass and the bank runs its standing orders
    Then the occurrence is "retrying" because of "insufficient_funds"
    When Asha cancels the standing order
    Then the occurrence is "failed" because of "the standing order was cancelled"
    When Asha pays in 5000.00 INR
    And 8 hours pass and the bank runs its standing orders
    Then Ravi's account holds 0.00 INR

  Scenario: A standing order sent twice under one key is one order
    When Asha sends 250.00 INR to Ravi monthly from tomorrow twice under the key "rent-2026"
    And 32 days pass and the bank runs its standing orders
    Then Ravi's account holds 500.00 INR
