Feature: Voice as a second factor
  As a customer who finds passwords hard on a phone
  I want to log in by speaking on my own phone
  And as the bank I want a voice to count only together with the customer's bound device,
  proven by the key the phone registered when it was bound, never by its name alone

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
    Then the voice login is refused with "invalid_credentials"

  Scenario: Naming her phone without holding its key logs nobody in
    When someone names Asha's phone without its key saying "allison_en_06"
    Then the voice login is refused with "invalid_credentials"

  Scenario: A signed nonce is good for one login only
    When Asha logs in on her phone saying "allison_en_06"
    And someone replays that signed nonce saying "allison_en_05"
    Then the voice login is refused with "invalid_credentials"

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
    Then the voice login is refused with "invalid_credentials"
    When Asha binds her phone again saying "carlo_it_00"
    Then the binding is refused with "voice_verification_failed"
    When Asha binds her phone again saying "allison_en_05"
    Then her phone is trusted again
