Feature: The customer's own profile and data
  As a customer
  I want to see and correct what the bank holds about me, take a copy of all of it,
  and have it erased when I leave the bank
  And as the bank I want no address changed without proof it is the customer's,
  and the books and the audit trail kept whole and provable

  Background:
    Given Meera is a customer whose password is "monsoon rains on marine drive"

  Scenario: A change of name takes effect at once
    When Meera changes her last name to "Iyer"
    Then her profile shows the last name "Iyer"
    And the audit trail records "customer.profile.changed"

  Scenario: A new email address takes effect only with the code sent to it
    When Meera asks to change her email to "meera.iyer@example.in"
    Then a 6-digit code is sent to "meera.iyer@example.in"
    And her current address is told that a change was asked for
    And her profile still shows her old email
    When Meera enters the code she was sent
    Then her profile shows the email "meera.iyer@example.in"
    And the audit trail records "customer.contact.changed"
    When Meera enters the code she was sent
    Then it is refused with "contact_change_not_pending"

  Scenario: A code expires after 15 minutes
    When Meera asks to change her phone number to "+919812345678"
    And 15 minutes pass
    And Meera enters the code she was sent
    Then it is refused with "contact_change_not_pending"

  Scenario: Five wrong codes lock the change out
    When Meera asks to change her email to "meera.iyer@example.in"
    And Meera enters a wrong code 5 times
    And Meera enters the code she was sent
    Then it is refused with "account_locked"
    And her profile still shows her old email

  Scenario: An address another customer holds is answered alike and never confirmed
    Given Ravi also banks here
    When Meera asks to change her email to Ravi's email
    Then she is told a code was sent, as for any address
    And no code is sent to Ravi's email
    And Ravi's email is still his

  Scenario: Meera takes a copy of everything the bank holds about her
    Given Ravi also banks here
    And Meera has an account holding 500.00 INR
    And Meera has paid Ravi 25.00 INR
    When Meera exports her data
    Then the export holds her profile, her account, 2 ledger entries, 1 transfer and the audit events about her
    And nothing in the export names Ravi

  Scenario: Erasure is refused while an account holds money
    Given Meera has an account holding 500.00 INR
    When Meera asks for her data to be erased
    Then it is refused with "erasure_refused"
    And the refusal names her account
    And her profile is as it was

  Scenario: Erasure closes the empty accounts and pseudonymises the profile, keeping the books
    Given Meera has an account holding 500.00 INR
    And Meera has withdrawn 500.00 INR in cash
    When Meera asks for her data to be erased
    Then her account is closed
    And her name reads "Erased" and her email and phone can reach nobody
    And her customer number and her ledger entries are kept
    And the ledger and the audit trail still verify
    And Meera can no longer log in
