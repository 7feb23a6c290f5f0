Feature: Voice as a second factor
  As a customer who finds passwords hard on a phone
  I want to log in by speaking on my own phone
  And as the bank I want a voice to count only together with the customer's bound device

  Background:
    Given Asha is a customer whose password is "monsoon rains on marine drive"
    And Asha has logged in with her password on her phone
    And Asha has enrolled her voice on her phone with three recordings

  Scenario: Asha logs in with her voice on her phone
    When Asha logs in on her phone saying "allison_en_06"
    Then she is logged in by voice

  Scenario: Another person's voice is refused
    When Asha logs in on her phone saying "menardi_it_00"
    Then the voice login is refused with "voice_verification_failed"
    And the refusal names the score and the threshold

  Scenario: A recording played back a second time is refused
    When Asha logs in on her phone saying "allison_en_06"
    And Asha logs in on her phone saying "allison_en_06"
    Then the voice login is refused with "voice_replay_detected"

  Scenario: Her voice on a stranger's phone logs nobody in
    When Asha logs in on an unknown phone saying "allison_en_06"
    Then the voice login is refused with "device_not_trusted"

  Scenario: After five failures every further attempt must wait
    When someone tries to log in as Asha on her phone saying "carlo_it_00" 5 times
    And Asha logs in on her phone saying "allison_en_06"
    Then the voice login is refused with "voice_attempt_too_soon"
    When 31 seconds pass
    And Asha logs in on her phone saying "allison_en_06"
    Then she is logged in by voice

  Scenario: A revoked phone is bound again only with her voice
    Given Asha has revoked her phone
    When Asha logs in on her phone saying "allison_en_06"
    Then the voice login is refused with "device_not_trusted"
    When Asha binds her phone again saying "carlo_it_00"
    Then the binding is refused with "voice_verification_failed"
    When Asha binds her phone again saying "allison_en_05"
    Then her phone is trusted again
