Feature: KYC tiers
  As a bank
  I want what a customer may do to follow how far their KYC has gone
  So that an unverified or lightly verified customer cannot move large sums

  Scenario: Pending KYC receives money but pays none
    Given Kiran is a customer with pending KYC and an account holding 0.00 INR
    When 500.00 INR is paid into that account
    And Kiran pays 100.00 INR out of that account
    Then the request is refused with "kyc_required"
    When Kiran's KYC becomes "full"
    And Kiran pays 100.00 INR out of that account
    Then the account holds 400.00 INR

  Scenario: Minimum KYC holds a small balance
    Given Kiran is a customer with min KYC and an account holding 49000.00 INR
    When 1000.01 INR is paid into that account
    Then the request is refused with "kyc_limit" naming "min_balance"

  Scenario: Minimum KYC pays a small amount a day
    Given Kiran is a customer with min KYC and an account holding 20000.00 INR
    When Kiran pays 6000.00 INR out of that account
    And Kiran pays 4000.01 INR out of that account
    Then the request is refused with "kyc_limit" naming "min_daily_debit"
    And the account holds 14000.00 INR
