Feature: A voice that proves it is speaking now
  As the bank I want every voice answer to say digits that did not exist before it was asked
  for, so that no recording of a customer, however it is altered, ever passes for her
  And as a customer whose language the bank cannot yet hear, or who calls on a telephone line,
  I want to be told what else to use

  Background:
    Given Asha is a customer whose password is "monsoon rains on marine drive"
    And Asha has logged in with her password on her phone
    And Asha has enrolled her voice on her phone, reading digits as well

  Scenario: Asha says the digits her phone shows and is logged in
    When Asha asks for a voice challenge on her phone
    And Asha says the digits she was given
    Then she is logged in by voice
    And the audit trail shows the spoken digits were heard

  Scenario: Her earlier answer, played back louder or softer, is refused
    Given Asha has logged in by saying the digits she was given
    When someone plays her answer back at half volume to a new challenge
    Then the voice login is refused with "spoken_challenge_failed"

  Scenario: The right voice saying other digits is refused
    When Asha asks for a voice challenge on her phone
    And Asha says other digits than the ones she was given
    Then the voice login is refused with "spoken_challenge_failed"

  Scenario: A customer whose language has no recogniser is told to use her PIN instead
    Given Asha prefers to bank in Hindi
    When Asha asks for a voice challenge on her phone
    And Asha says the digits she was given
    Then the voice login is refused with "voice_unavailable"
    And the refusal counts as no failed voice attempt

  Scenario: A customer answering over a telephone line is told to use her PIN instead
    When Asha asks for a voice challenge on her phone
    And Asha says the digits she was given over a telephone line
    Then the voice login is refused with "voice_unavailable"
    And the refusal counts as no failed voice attempt
