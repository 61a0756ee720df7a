// Loans (keel/defi/lending.hpp): Aave v3 health factor and liquidation arithmetic worked by hand,
// demeter's Aave liquidation tests, the toxic-liquidation condition, the ladder, bad input.
#include "keel/defi/lending.hpp"

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <vector>

#include "keel/defi/book.hpp"
#include "keel/defi/revaluation.hpp"

namespace keel {
namespace {

// The position of demeter's tests/aave_liquidate_test.py (zelos-alpha/demeter, class
// LiquidiateStrategy): supply 10 WETH, borrow 7 500 USDC, at WETH = 1 000 USDC. Risk parameters of
// its tests/aave_risk_parameters/polygon.csv, row WETH: liqThereshold 82.5%, liqBonus 5%.
LoanPosition demeter_loan() {
  LoanPosition loan;
  loan.collateral.push_back(
      {.asset = "WETH", .amount = 10.0, .liquidation_threshold = 0.825, .liquidation_bonus = 0.05});
  loan.debt.push_back({.asset = "USDC", .amount = 7500.0});
  return loan;
}

TEST(Lending, HealthFactorByHand) {
  const LoanPosition loan = demeter_loan();
  const std::vector<double> prices{1000.0, 1.0};
  const LoanMarks m = mark_loan(loan, prices);
  // 10 × 1000 × 0.825 / 7500 = 1.1
  EXPECT_NEAR(m.health_factor, 1.1, 1e-15);
  EXPECT_DOUBLE_EQ(m.collateral_value, 10000.0);
  EXPECT_DOUBLE_EQ(m.debt_value, 7500.0);
  EXPECT_DOUBLE_EQ(m.value, 2500.0);
  // HF = 1 at 7500 / (10 × 0.825) = 909.0909...
  const double liq = loan_liquidation_price(loan, prices, 0);
  EXPECT_NEAR(liq, 7500.0 / 8.25, 1e-9);
  const std::vector<double> at_liq{liq, 1.0};
  EXPECT_NEAR(mark_loan(loan, at_liq).health_factor, 1.0, 1e-12);
  // No debt: no liquidation price, infinite HF.
  LoanPosition free = loan;
  free.debt[0].amount = 0.0;
  EXPECT_EQ(loan_liquidation_price(free, prices, 0), 0.0);
  EXPECT_TRUE(std::isinf(mark_loan(free, prices).health_factor));
}

// demeter test_liquidate_half: WETH falls to 900 (HF 0.99 > 0.95: close factor 50%); the test
// then reads HF = 1.2375 at the next row, WETH back at 1 000, with one supply and one borrow left.
TEST(Lending, DemeterLiquidateHalf) {
  LoanPosition loan = demeter_loan();
  const std::vector<double> crash{900.0, 1.0};
  EXPECT_NEAR(mark_loan(loan, crash).health_factor, 0.99, 1e-14);
  std::vector<LiquidationEvent> events;
  EXPECT_EQ(liquidate_loan(loan, crash, &events), 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_DOUBLE_EQ(events[0].close_factor, 0.5);
  EXPECT_DOUBLE_EQ(events[0].debt_repaid, 3750.0);                         // 7500 × 0.5
  EXPECT_NEAR(events[0].collateral_seized, 3750.0 * 1.05 / 900.0, 1e-12);  // 4.375 WETH
  EXPECT_NEAR(loan.collateral[0].amount, 5.625, 1e-12);
  EXPECT_GT(loan.collateral[0].amount, 0.0);  // one supply left
  EXPECT_GT(loan.debt[0].amount, 0.0);        // one borrow left
  const std::vector<double> back{1000.0, 1.0};
  EXPECT_NEAR(mark_loan(loan, back).health_factor, 1.2375, 1e-12);  // assertEqual(..., "1.2375")
}

// demeter test_liquidate_all: WETH to 800 (HF 0.88 ≤ 0.95: close factor 100%): the whole debt is
// repaid, HF = inf, one supply (0.15625 WETH) and no borrow left.
TEST(Lending, DemeterLiquidateAll) {
  LoanPosition loan = demeter_loan();
  const std::vector<double> crash{800.0, 1.0};
  EXPECT_NEAR(mark_loan(loan, crash).health_factor, 0.88, 1e-14);
  std::vector<LiquidationEvent> events;
  EXPECT_EQ(liquidate_loan(loan, crash, &events), 1);
  EXPECT_DOUBLE_EQ(events[0].close_factor, 1.0);
  EXPECT_EQ(loan.debt[0].amount, 0.0);
  EXPECT_NEAR(loan.collateral[0].amount, 10.0 - 7500.0 * 1.05 / 800.0, 1e-12);  // 0.15625
  EXPECT_TRUE(std::isinf(mark_loan(loan, std::vector<double>{1000.0, 1.0}).health_factor));
}

// demeter test_delt_larger_than_collateral: WETH to 500, debt 7 500 > collateral 5 000: all 10
// WETH are seized, repaying 5000 / 1.05; HF = 0, no supply and one borrow left (bad debt).
TEST(Lending, DemeterDebtLargerThanCollateral) {
  LoanPosition loan = demeter_loan();
  const std::vector<double> crash{500.0, 1.0};
  std::vector<LiquidationEvent> events;
  liquidate_loan(loan, crash, &events);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(loan.collateral[0].amount, 0.0);
  EXPECT_NEAR(loan.debt[0].amount, 7500.0 - 5000.0 / 1.05, 1e-9);
  const LoanMarks after = mark_loan(loan, std::vector<double>{1000.0, 1.0});
  EXPECT_EQ(after.health_factor, 0.0);
  EXPECT_EQ(after.value, 0.0);  // non-recourse: the borrower walks away
}

// Warmuz, Chaudhary, Pinna (2022): with one collateral and one debt a liquidation raises HF iff
// HF > LT (1 + b). Here LT (1 + b) = 0.825 × 1.05 = 0.86625.
TEST(Lending, ToxicLiquidationCondition) {
  const double toxic = 0.825 * 1.05;
  // Price where HF = toxic × 1.01 (healthy side) and × 0.99 (toxic side); HF = 10 p 0.825 / 7500.
  for (const double factor : {1.01, 0.99}) {
    LoanPosition loan = demeter_loan();
    loan.rules.full_close_factor = 0.5;  // one partial call on either side
    const double price = toxic * factor * 7500.0 / 8.25;
    const std::vector<double> prices{price, 1.0};
    const double before = mark_loan(loan, prices).health_factor;
    ASSERT_NEAR(before, toxic * factor, 1e-12);
    loan.rules.max_liquidations = 1;
    liquidate_loan(loan, prices, nullptr);
    const double after = mark_loan(loan, prices).health_factor;
    if (factor > 1.0) {
      EXPECT_GT(after, before);
    } else {
      EXPECT_LT(after, before);
    }
  }
  // Below the toxic level repeated liquidations at one price drain the collateral entirely.
  LoanPosition loan = demeter_loan();
  loan.rules.full_close_factor = 0.5;
  const std::vector<double> prices{toxic * 0.95 * 7500.0 / 8.25, 1.0};
  liquidate_loan(loan, prices, nullptr);
  EXPECT_EQ(loan.collateral[0].amount, 0.0);
  EXPECT_GT(loan.debt[0].amount, 0.0);
}

TEST(Lending, LadderWalksDownToBadDebt) {
  const LoanPosition loan = demeter_loan();
  const std::vector<double> prices{1000.0, 1.0};
  const auto ladder = liquidation_ladder(loan, prices, 0, {.steps = 400, .max_drop = 0.9});
  ASSERT_TRUE(ladder.is_ok()) << ladder.status().message();
  ASSERT_FALSE(ladder->empty());
  // The first liquidation is the first grid price below the liquidation price 909.09, at close
  // factor 50%: half the debt repaid.
  const LadderStep& first = ladder->front();
  EXPECT_LT(first.price, 7500.0 / 8.25);
  EXPECT_GT(first.price, 7500.0 / 8.25 * 0.99);
  EXPECT_NEAR(first.debt_repaid_value, 3750.0, 1e-9);
  EXPECT_NEAR(first.collateral_seized_value, 3750.0 * 1.05, 1e-9);
  // Collateral left never rises; debt left never rises.
  for (std::size_t k = 1; k < ladder->size(); ++k) {
    EXPECT_LE((*ladder)[k].collateral_left[0], (*ladder)[k - 1].collateral_left[0]);
    EXPECT_LE((*ladder)[k].debt_left[0], (*ladder)[k - 1].debt_left[0]);
    EXPECT_LT((*ladder)[k].price, (*ladder)[k - 1].price);
  }
  // Conservation at each step: value seized = value repaid × (1 + bonus).
  for (const LadderStep& s : *ladder) {
    EXPECT_NEAR(s.collateral_seized_value, s.debt_repaid_value * 1.05, 1e-9);
  }
}

TEST(Lending, LadderEndsInBadDebtWhenLiquidationsCannotKeepUp) {
  // A loan at HF just above 1 with a 15% bonus: LT (1 + b) = 0.8 × 1.15 = 0.92, so the first
  // liquidation below HF 1 is healthy; a gap straight to a toxic price drains it.
  LoanPosition loan;
  loan.collateral.push_back(
      {.asset = "ETH", .amount = 1.0, .liquidation_threshold = 0.8, .liquidation_bonus = 0.15});
  loan.debt.push_back({.asset = "USD", .amount = 790.0});
  const auto ladder =
      liquidation_ladder(loan, std::vector<double>{1000.0, 1.0}, 0, {.steps = 2, .max_drop = 0.5});
  ASSERT_TRUE(ladder.is_ok());
  ASSERT_FALSE(ladder->empty());
  EXPECT_GT(ladder->back().bad_debt, 0.0);
  EXPECT_EQ(ladder->back().collateral_left[0], 0.0);
}

TEST(Lending, ValueAfterLiquidationLosesTheBonus) {
  const LoanPosition loan = demeter_loan();
  // At 900 half the debt is repaid with 5% bonus: the borrower loses 3750 × 0.05 more than the
  // price move alone.
  const std::vector<double> crash{900.0, 1.0};
  const double without = mark_loan(loan, crash).value;  // 9000 − 7500
  EXPECT_NEAR(without - loan_value_after_liquidation(loan, crash), 3750.0 * 0.05, 1e-9);
  const std::vector<double> calm{1000.0, 1.0};
  EXPECT_DOUBLE_EQ(loan_value_after_liquidation(loan, calm), 2500.0);
}

// A loan in a book: valued at its equity, revalued with liquidation at the scenario's price.
// Scenario WETH = 900: half the debt repaid with the 5% bonus, 5.625 WETH and 3 750 USDC left,
// value 5062.5 − 3750 = 1312.5 against 2500 today: P&L −1187.5 (by hand). WETH = 1 100: no
// liquidation, P&L +1000. WETH = 500: all collateral seized, value 0, P&L −2500.
TEST(Lending, BookRevaluationLiquidatesAtTheScenarioPrice) {
  Book book;
  book.positions.push_back({.name = "loan", .line = 0, .spec = demeter_loan()});
  auto bound = bind_book(book, {"WETH", "USDC"});
  ASSERT_TRUE(bound.is_ok()) << bound.status().message();
  const std::vector<double> prices{1000.0, 1.0};
  auto today = value_book(*bound, prices, 0);
  ASSERT_TRUE(today.is_ok()) << today.status().message();
  EXPECT_DOUBLE_EQ(today->total_value, 2500.0);
  ASSERT_EQ(today->net_exposures.size(), 2u);
  EXPECT_DOUBLE_EQ(today->net_exposures[0].delta, 10.0);
  EXPECT_DOUBLE_EQ(today->net_exposures[1].delta, -7500.0);
  Eigen::MatrixXd scenarios(3, 2);
  scenarios << 900.0, 1.0, 1100.0, 1.0, 500.0, 1.0;
  auto reval = revalue_book(*bound, *today, prices, scenarios, 0, {});
  ASSERT_TRUE(reval.is_ok()) << reval.status().message();
  EXPECT_NEAR(reval->pnl(0), -1187.5, 1e-9);
  EXPECT_NEAR(reval->pnl(1), 1000.0, 1e-9);
  EXPECT_NEAR(reval->pnl(2), -2500.0, 1e-9);
  // An asset the prices lack is named with its field.
  auto missing = bind_book(book, {"WETH", "USDT"});
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("debt[0].asset 'USDC'"), std::string::npos)
      << missing.status().message();
}

// Two collateral assets: the liquidator takes the one with the larger bonus (lending.hpp's
// convention). 1 ETH (LT 0.8, bonus 5%) and 0.05 WBTC at 30 000 (LT 0.75, bonus 10%) against
// 2 700 USDC; ETH at 1 850: HF = (1480 + 1125) / 2700 = 0.96481 > 0.95, so half the debt (1 350)
// is repaid with 1350 × 1.1 / 30000 = 0.0495 WBTC; after: HF = (1480 + 15 × 0.75) / 1350.
TEST(Lending, TwoCollateralsByHand) {
  LoanPosition loan;
  loan.collateral.push_back(
      {.asset = "ETH", .amount = 1.0, .liquidation_threshold = 0.8, .liquidation_bonus = 0.05});
  loan.collateral.push_back(
      {.asset = "WBTC", .amount = 0.05, .liquidation_threshold = 0.75, .liquidation_bonus = 0.10});
  loan.debt.push_back({.asset = "USDC", .amount = 2700.0});
  const std::vector<double> today{2000.0, 30000.0, 1.0};
  // ETH's liquidation price with WBTC fixed: (2700 − 1125) / 0.8 = 1968.75.
  EXPECT_NEAR(loan_liquidation_price(loan, today, 0), 1968.75, 1e-9);
  // WBTC's with ETH fixed: (2700 − 1600) / (0.05 × 0.75) = 29333.33.
  EXPECT_NEAR(loan_liquidation_price(loan, today, 1), 1100.0 / 0.0375, 1e-9);
  const std::vector<double> prices{1850.0, 30000.0, 1.0};
  EXPECT_NEAR(mark_loan(loan, prices).health_factor, 2605.0 / 2700.0, 1e-14);
  std::vector<LiquidationEvent> events;
  EXPECT_EQ(liquidate_loan(loan, prices, &events), 1);
  EXPECT_EQ(events[0].collateral, 1u);
  EXPECT_DOUBLE_EQ(events[0].debt_repaid, 1350.0);
  EXPECT_NEAR(events[0].collateral_seized, 0.0495, 1e-15);
  EXPECT_NEAR(loan.collateral[1].amount, 0.0005, 1e-15);
  EXPECT_DOUBLE_EQ(loan.collateral[0].amount, 1.0);
  EXPECT_NEAR(events[0].health_factor_after, (1480.0 + 15.0 * 0.75) / 1350.0, 1e-12);
}

TEST(Lending, BadInputNamesTheField) {
  LoanPosition loan = demeter_loan();
  loan.collateral.clear();
  Status s = validate_loan(loan);
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("debt without collateral"), std::string::npos) << s.message();
  for (const double lt : {0.0, 1.0, 1.2, -0.1}) {
    loan = demeter_loan();
    loan.collateral[0].liquidation_threshold = lt;
    s = validate_loan(loan);
    EXPECT_FALSE(s.is_ok());
    EXPECT_NE(s.message().find("liquidation_threshold"), std::string::npos) << s.message();
  }
  loan = demeter_loan();
  loan.collateral[0].liquidation_bonus = -0.01;
  s = validate_loan(loan);
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("liquidation_bonus"), std::string::npos) << s.message();
  loan = demeter_loan();
  loan.debt[0].amount = std::nan("");
  EXPECT_FALSE(validate_loan(loan).is_ok());
  EXPECT_TRUE(validate_loan(demeter_loan()).is_ok());
}

}  // namespace
}  // namespace keel
