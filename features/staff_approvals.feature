Feature: Sensitive staff actions need a second member of staff
  As the bank
  I want unfreezing a customer, raising their KYC to full, restoring their voice and turning off
  their two-step login to be approved by a second member of staff
  So that no single member of staff, or a stolen staff login, can undo the bank's protections

  Background:
    Given Maya and Chetan are operators
    And Asha is a customer whose accounts are frozen

  Scenario: An unfreeze is proposed by one operator and done when another approves it
    When Maya proposes to unfreeze Asha because "identity checked on a call-back"
    Then Asha's accounts are still frozen
    When Chetan approves the proposal
    Then Asha's accounts are active
    And the audit trail shows who proposed it and who approved it

  Scenario: Nobody approves their own proposal
    When Maya proposes to unfreeze Asha because "identity checked on a call-back"
    And Maya approves the proposal
    Then it is refused with "same_operator"
    And Asha's accounts are still frozen

  Scenario: A proposal nobody approves within a day expires
    When Maya proposes to unfreeze Asha because "identity checked on a call-back"
    And 25 hours pass
    And Chetan approves the proposal
    Then it is refused with "proposal_expired"
    And Asha's accounts are still frozen

  Scenario: A rejected proposal changes nothing
    When Maya proposes to unfreeze Asha because "a caller said so"
    And Chetan rejects the proposal
    Then Asha's accounts are still frozen

  Scenario: Freezing never waits for approval
    When Maya freezes Ravi
    Then Ravi's accounts are frozen at once
