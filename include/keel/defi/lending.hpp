#pragma once
// Loans in a lending protocol (docs/positions.md, "Loans"): collateral deposited, debt borrowed
// against it, the health factor, the liquidation price of each collateral and the liquidation
// ladder. The default rules are Aave v3's (v3.0–v3.2); every rule is a field of LendingRules so a
// user can state another protocol's.
//
// Notation: collateral i has amount c_i, price p_i, liquidation threshold LT_i and liquidation
// bonus b_i (Aave stores 1 + b_i, e.g. 10500 = 5%); debt j has amount d_j and price q_j.
//
// Health factor (Aave v3 GenericLogic.calculateUserAccountData, then
// `healthFactor = totalCollateralInBaseCurrency.percentMul(avgLiquidationThreshold)
//  .wadDiv(totalDebtInBaseCurrency)`):
//   HF = Σ_i c_i p_i LT_i / Σ_j d_j q_j          (+infinity without debt)
// A position with HF < 1 can be liquidated (ValidationLogic.validateLiquidationCall:
// HEALTH_FACTOR_LIQUIDATION_THRESHOLD = 1e18).
//
// One liquidation (Aave v3 LiquidationLogic.executeLiquidationCall and
// _calculateAvailableCollateralToLiquidate): a liquidator repays part of one debt asset j and
// receives collateral asset i with the bonus.
//   close factor   CF = 0.5 (DEFAULT_LIQUIDATION_CLOSE_FACTOR) while HF > 0.95
//                  (CLOSE_FACTOR_HF_THRESHOLD), 1.0 (MAX_LIQUIDATION_CLOSE_FACTOR) once HF ≤ 0.95
//   debt repaid    r = CF · d_j   (the liquidator repays the most it may)
//   seized         s = r q_j (1 + b_i) / p_i  coins of collateral i
//   when s > c_i   s = c_i and r = c_i p_i / (q_j (1 + b_i))   (the collateral runs out)
// Part of the bonus goes to the protocol (liquidationProtocolFee); the borrower loses the whole
// bonus either way, so the split does not change the loan's value and is not modelled.
// The liquidator's choice of pair is a convention here: the debt of the largest value, and the
// collateral with the largest bonus (then the largest value), the most profitable for it.
//
// Bad debt: debt left when every collateral has been seized. Aave v3.0–v3.2 leave it on the
// account; v3.3 writes it off as a reserve deficit. Either way the borrower does not repay it: the
// loan's value to the borrower is max(Σ c_i p_i − Σ d_j q_j, 0) (non-recourse), and the
// protocol's loss is the bad debt.
//
// Toxic liquidations (Warmuz, Chaudhary and Pinna, "Toxic Liquidation Spirals", 2022): for a
// loan with one collateral and one debt, a liquidation raises the health factor only while
// HF > LT (1 + b); below that level each liquidation lowers it, and liquidations repeated at a
// constant price drain the collateral. tests/defi/lending_test.cpp checks both sides.

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/status.hpp"
#include "keel/defi/position.hpp"

namespace keel {

struct LendingRules {
  // Aave v3: 0.5 while HF > close_factor_hf_threshold, 1.0 at or below it.
  double close_factor = 0.5;
  double full_close_factor = 1.0;
  double close_factor_hf_threshold = 0.95;
  // Liquidations at one price stop after this many calls (each repays at least part of a debt);
  // ≥ 1. Default 64.
  int max_liquidations = 64;
  Status validate() const;
};

struct LoanCollateral {
  std::string asset;
  double amount = 0.0;                 // coins deposited, ≥ 0
  double liquidation_threshold = 0.0;  // LT in (0, 1), e.g. 0.825 for WETH on Aave v3 Polygon
  double liquidation_bonus = 0.0;      // b ≥ 0, e.g. 0.05 (Aave's 10500)
};

struct LoanDebt {
  std::string asset;
  double amount = 0.0;  // coins borrowed (principal plus accrued interest), ≥ 0
};

struct LoanPosition {
  std::string protocol = "aave-v3";  // informational
  std::vector<LoanCollateral> collateral;
  std::vector<LoanDebt> debt;
  LendingRules rules;
};

// Field checks: at least one collateral when there is debt, every asset named, amounts finite and
// ≥ 0, LT in (0, 1), bonus ≥ 0 and finite, LT (1 + b) ≤ 1 is not required (Aave allows it only
// ≤ 1; a warning is the reader's business). Messages name the field ("collateral[1].
// liquidation_threshold") and a fix.
Status validate_loan(const LoanPosition& loan);

// Prices of a loan: one per collateral (in order) then one per debt, quote currency per coin.
// BoundBook::columns of a loan follow the same order.
struct LoanMarks {
  double collateral_value = 0.0;     // Σ c_i p_i
  double weighted_collateral = 0.0;  // Σ c_i p_i LT_i
  double debt_value = 0.0;           // Σ d_j q_j
  double health_factor = std::numeric_limits<double>::infinity();
  double equity = 0.0;  // collateral_value − debt_value (may be negative: bad debt pending)
  double value = 0.0;   // max(equity, 0): the borrower's claim (non-recourse)
};

// `prices` as LoanMarks says (collateral then debt). No checks beyond sizes; prices > 0.
LoanMarks mark_loan(const LoanPosition& loan, std::span<const double> prices);

// The price of collateral `index` at which HF = 1, the other prices fixed (an asset both lent and
// borrowed moves on both sides). 0 when no positive price liquidates the loan (e.g. no debt);
// +infinity when the loan is liquidatable at every price of that asset.
double loan_liquidation_price(const LoanPosition& loan, std::span<const double> prices,
                              std::size_t index);

// One liquidation call and its outcome.
struct LiquidationEvent {
  std::size_t collateral = 0;  // index into LoanPosition::collateral
  std::size_t debt = 0;        // index into LoanPosition::debt
  double health_factor_before = 0.0;
  double close_factor = 0.0;
  double debt_repaid = 0.0;        // coins of the debt asset
  double collateral_seized = 0.0;  // coins of the collateral asset
  double health_factor_after = 0.0;
};

// Liquidates `loan` in place at `prices` while HF < 1 and collateral is left (at most
// rules.max_liquidations calls), appending each call to `events` (may be null). Returns the number
// of calls. The state after is the protocol's: amounts reduced, bad debt left as debt when the
// collateral runs out.
int liquidate_loan(LoanPosition& loan, std::span<const double> prices,
                   std::vector<LiquidationEvent>* events);

// One step of the ladder: the price of the collateral asset falls to `price` (the other prices
// fixed) and the loan is liquidated there.
struct LadderStep {
  double price = 0.0;
  double health_factor_before = 0.0;
  double health_factor_after = 0.0;
  double debt_repaid_value = 0.0;        // quote currency, this step
  double collateral_seized_value = 0.0;  // quote currency, this step, at the step's price
  std::vector<double> collateral_left;   // per collateral, coins after the step
  std::vector<double> debt_left;         // per debt, coins after the step
  double bad_debt = 0.0;                 // quote: debt left with no collateral (0 otherwise)
  int liquidations = 0;
};

struct LadderOptions {
  // The price of the collateral falls geometrically from today's over `steps` steps down to
  // today's × (1 − max_drop). Defaults 200 steps and a 99% fall; steps ≥ 1, max_drop in (0, 1).
  int steps = 200;
  double max_drop = 0.99;
  // The ladder stops once the debt left is worth less than this fraction of the debt at the
  // start (a loan liquidated in ever smaller halves is closed for practical purposes), in
  // [0, 1). Default 0.001.
  double dust = 0.001;
  Status validate() const;
};

// The liquidation ladder of collateral `index`: the loan's state as that asset's price falls
// (path dependent: each step starts from the state the previous left). Only the steps where a
// liquidation happens are returned, up to the first step with bad debt or the first whose debt
// left is below `dust` of the starting debt.
Result<std::vector<LadderStep>> liquidation_ladder(const LoanPosition& loan,
                                                   std::span<const double> prices,
                                                   std::size_t index,
                                                   const LadderOptions& options = {});

// The loan as a position of a book: value = LoanMarks::value, and one exposure per price (in
// LoanMarks' order): +c_i coins of each collateral, −d_j of each debt (0 for all when the equity
// is negative: the borrower's claim is then worth 0 at nearby prices). vega and theta 0 (interest
// accrual is not modelled: amounts are today's, interest included). Errors: validate_loan, a
// price count that does not match, a price ≤ 0 or not finite.
Result<PositionValue> value_loan(const LoanPosition& loan, std::span<const double> prices);

// The loan's value to the borrower after it is liquidated at `prices` (a price gap: the whole
// move happens before liquidators act), without changing `loan`: mark_loan of the liquidated
// state. For scenario revaluation.
double loan_value_after_liquidation(const LoanPosition& loan, std::span<const double> prices);

}  // namespace keel
