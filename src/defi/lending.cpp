#include "keel/defi/lending.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace keel {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool finite(double x) { return std::isfinite(x); }

// The debt and collateral a liquidator picks (lending.hpp): the largest debt by value; the
// collateral with the largest bonus, then the largest value. SIZE_MAX when none is left.
std::size_t pick_debt(const LoanPosition& loan, std::span<const double> prices) {
  const std::size_t nc = loan.collateral.size();
  std::size_t best = SIZE_MAX;
  double best_value = 0.0;
  for (std::size_t j = 0; j < loan.debt.size(); ++j) {
    const double v = loan.debt[j].amount * prices[nc + j];
    if (v > best_value) {
      best_value = v;
      best = j;
    }
  }
  return best;
}

std::size_t pick_collateral(const LoanPosition& loan, std::span<const double> prices) {
  std::size_t best = SIZE_MAX;
  for (std::size_t i = 0; i < loan.collateral.size(); ++i) {
    const LoanCollateral& c = loan.collateral[i];
    if (!(c.amount > 0.0)) continue;
    if (best == SIZE_MAX) {
      best = i;
      continue;
    }
    const LoanCollateral& b = loan.collateral[best];
    if (c.liquidation_bonus > b.liquidation_bonus ||
        (c.liquidation_bonus == b.liquidation_bonus &&
         c.amount * prices[i] > b.amount * prices[best])) {
      best = i;
    }
  }
  return best;
}

}  // namespace

Status LendingRules::validate() const {
  if (!(close_factor > 0.0 && close_factor <= 1.0)) {
    return Status::invalid(
        fmt::format("close_factor {} must be in (0, 1]; Aave v3 uses 0.5", close_factor));
  }
  if (!(full_close_factor >= close_factor && full_close_factor <= 1.0)) {
    return Status::invalid(fmt::format(
        "full_close_factor {} must be in [close_factor, 1]; Aave v3 uses 1", full_close_factor));
  }
  if (!(close_factor_hf_threshold > 0.0 && close_factor_hf_threshold <= 1.0)) {
    return Status::invalid(
        fmt::format("close_factor_hf_threshold {} must be in (0, 1]; Aave v3 uses 0.95",
                    close_factor_hf_threshold));
  }
  if (max_liquidations < 1) {
    return Status::invalid(
        fmt::format("max_liquidations {} must be ≥ 1 (default 64)", max_liquidations));
  }
  return Status::ok();
}

Status validate_loan(const LoanPosition& loan) {
  KEEL_RETURN_IF_ERROR(loan.rules.validate());
  if (loan.collateral.empty() && !loan.debt.empty()) {
    return Status::invalid(
        "debt without collateral: a loan needs at least one [[positions.collateral]] entry "
        "(asset, amount, liquidation_threshold, liquidation_bonus)");
  }
  if (loan.collateral.empty()) {
    return Status::invalid("collateral is empty: give at least one collateral asset");
  }
  for (std::size_t i = 0; i < loan.collateral.size(); ++i) {
    const LoanCollateral& c = loan.collateral[i];
    if (c.asset.empty()) {
      return Status::invalid(fmt::format("collateral[{}].asset is empty; name a price column", i));
    }
    if (!(c.amount >= 0.0) || !finite(c.amount)) {
      return Status::invalid(fmt::format(
          "collateral[{}] ({}).amount {} must be a finite number ≥ 0", i, c.asset, c.amount));
    }
    if (!(c.liquidation_threshold > 0.0 && c.liquidation_threshold < 1.0)) {
      return Status::invalid(fmt::format(
          "collateral[{}] ({}).liquidation_threshold {} must be in (0, 1), a fraction (Aave v3 "
          "WETH on Polygon: 0.825)",
          i, c.asset, c.liquidation_threshold));
    }
    if (!(c.liquidation_bonus >= 0.0) || !finite(c.liquidation_bonus)) {
      return Status::invalid(fmt::format(
          "collateral[{}] ({}).liquidation_bonus {} must be a finite fraction ≥ 0 (0.05 for 5%; "
          "Aave's 10500 is 0.05)",
          i, c.asset, c.liquidation_bonus));
    }
  }
  for (std::size_t j = 0; j < loan.debt.size(); ++j) {
    const LoanDebt& d = loan.debt[j];
    if (d.asset.empty()) {
      return Status::invalid(fmt::format("debt[{}].asset is empty; name a price column", j));
    }
    if (!(d.amount >= 0.0) || !finite(d.amount)) {
      return Status::invalid(
          fmt::format("debt[{}] ({}).amount {} must be a finite number ≥ 0", j, d.asset, d.amount));
    }
  }
  return Status::ok();
}

LoanMarks mark_loan(const LoanPosition& loan, std::span<const double> prices) {
  LoanMarks m;
  const std::size_t nc = loan.collateral.size();
  for (std::size_t i = 0; i < nc; ++i) {
    const double v = loan.collateral[i].amount * prices[i];
    m.collateral_value += v;
    m.weighted_collateral += v * loan.collateral[i].liquidation_threshold;
  }
  for (std::size_t j = 0; j < loan.debt.size(); ++j) {
    m.debt_value += loan.debt[j].amount * prices[nc + j];
  }
  m.health_factor = m.debt_value > 0.0 ? m.weighted_collateral / m.debt_value : kInf;
  m.equity = m.collateral_value - m.debt_value;
  m.value = std::max(m.equity, 0.0);
  return m;
}

double loan_liquidation_price(const LoanPosition& loan, std::span<const double> prices,
                              std::size_t index) {
  // HF(p) = (A + a p) / (B + b p) with p the price of collateral `index`'s asset wherever it
  // appears; HF = 1 at p = (B − A) / (a − b).
  const std::string& asset = loan.collateral.at(index).asset;
  const std::size_t nc = loan.collateral.size();
  double a = 0.0, big_a = 0.0, b = 0.0, big_b = 0.0;
  for (std::size_t i = 0; i < nc; ++i) {
    const LoanCollateral& c = loan.collateral[i];
    if (c.asset == asset) {
      a += c.amount * c.liquidation_threshold;
    } else {
      big_a += c.amount * prices[i] * c.liquidation_threshold;
    }
  }
  for (std::size_t j = 0; j < loan.debt.size(); ++j) {
    if (loan.debt[j].asset == asset) {
      b += loan.debt[j].amount;
    } else {
      big_b += loan.debt[j].amount * prices[nc + j];
    }
  }
  if (b == 0.0 && big_b == 0.0) return 0.0;  // no debt
  if (a == b) return big_a >= big_b ? 0.0 : kInf;
  const double p = (big_b - big_a) / (a - b);
  if (a > b) return std::max(p, 0.0);  // HF rises with p: liquidated below p
  // HF falls as p rises (the asset is borrowed more than lent): liquidated above p, never as
  // its price falls; report 0 (no fall liquidates it).
  return 0.0;
}

int liquidate_loan(LoanPosition& loan, std::span<const double> prices,
                   std::vector<LiquidationEvent>* events) {
  const std::size_t nc = loan.collateral.size();
  int calls = 0;
  while (calls < loan.rules.max_liquidations) {
    const LoanMarks before = mark_loan(loan, prices);
    if (!(before.health_factor < 1.0)) break;
    const std::size_t j = pick_debt(loan, prices);
    const std::size_t i = pick_collateral(loan, prices);
    if (j == SIZE_MAX || i == SIZE_MAX) break;  // no debt, or no collateral left: bad debt
    const double cf = before.health_factor > loan.rules.close_factor_hf_threshold
                          ? loan.rules.close_factor
                          : loan.rules.full_close_factor;
    LoanCollateral& c = loan.collateral[i];
    LoanDebt& d = loan.debt[j];
    const double q = prices[nc + j];
    const double p = prices[i];
    const double bonus = 1.0 + c.liquidation_bonus;
    double repaid = cf * d.amount;
    double seized = repaid * q * bonus / p;
    if (seized >= c.amount) {
      seized = c.amount;
      repaid = std::min(d.amount, seized * p / (q * bonus));
    }
    c.amount = seized >= c.amount ? 0.0 : c.amount - seized;
    d.amount = repaid >= d.amount ? 0.0 : d.amount - repaid;
    ++calls;
    if (events != nullptr) {
      events->push_back(
          {i, j, before.health_factor, cf, repaid, seized, mark_loan(loan, prices).health_factor});
    }
    if (!(repaid > 0.0)) break;  // nothing moves any more
  }
  return calls;
}

Status LadderOptions::validate() const {
  if (steps < 1) return Status::invalid(fmt::format("ladder steps {} must be ≥ 1", steps));
  if (!(max_drop > 0.0 && max_drop < 1.0)) {
    return Status::invalid(
        fmt::format("ladder max_drop {} must be in (0, 1), e.g. 0.99 for a 99% fall", max_drop));
  }
  if (!(dust >= 0.0 && dust < 1.0)) {
    return Status::invalid(fmt::format("ladder dust {} must be in [0, 1), e.g. 0.001", dust));
  }
  return Status::ok();
}

Result<std::vector<LadderStep>> liquidation_ladder(const LoanPosition& loan,
                                                   std::span<const double> prices,
                                                   std::size_t index,
                                                   const LadderOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  KEEL_RETURN_IF_ERROR(validate_loan(loan));
  const std::size_t nc = loan.collateral.size();
  if (prices.size() != nc + loan.debt.size()) {
    return Status::invalid(
        fmt::format("liquidation ladder: {} prices for {} collateral and {} debt", prices.size(),
                    nc, loan.debt.size()));
  }
  if (index >= nc) {
    return Status::invalid(fmt::format("liquidation ladder: collateral {} of {}", index, nc));
  }
  const std::string& asset = loan.collateral[index].asset;
  const double start = prices[index];
  LoanPosition state = loan;
  std::vector<double> moved(prices.begin(), prices.end());
  std::vector<LadderStep> out;
  bool bad_debt_seen = false;
  const double ratio = std::pow(1.0 - options.max_drop, 1.0 / options.steps);
  const double start_debt = mark_loan(loan, prices).debt_value;
  for (int k = 1; k <= options.steps; ++k) {
    const double price = start * std::pow(ratio, k);
    for (std::size_t i = 0; i < nc; ++i) {
      if (loan.collateral[i].asset == asset) moved[i] = price;
    }
    for (std::size_t j = 0; j < loan.debt.size(); ++j) {
      if (loan.debt[j].asset == asset) moved[nc + j] = price;
    }
    LadderStep step;
    step.price = price;
    step.health_factor_before = mark_loan(state, moved).health_factor;
    std::vector<LiquidationEvent> events;
    step.liquidations = liquidate_loan(state, moved, &events);
    for (const LiquidationEvent& e : events) {
      step.debt_repaid_value += e.debt_repaid * moved[nc + e.debt];
      step.collateral_seized_value += e.collateral_seized * moved[e.collateral];
    }
    const LoanMarks after = mark_loan(state, moved);
    step.health_factor_after = after.health_factor;
    for (const LoanCollateral& c : state.collateral) step.collateral_left.push_back(c.amount);
    for (const LoanDebt& d : state.debt) step.debt_left.push_back(d.amount);
    step.bad_debt = after.collateral_value <= 0.0 ? after.debt_value : 0.0;
    const bool first_bad = step.bad_debt > 0.0 && !bad_debt_seen;
    if (step.liquidations > 0 || first_bad) {
      bad_debt_seen = bad_debt_seen || step.bad_debt > 0.0;
      out.push_back(std::move(step));
    }
    if (bad_debt_seen || after.debt_value <= options.dust * start_debt) break;
  }
  return out;
}

Result<PositionValue> value_loan(const LoanPosition& loan, std::span<const double> prices) {
  KEEL_RETURN_IF_ERROR(validate_loan(loan));
  const std::size_t nc = loan.collateral.size();
  if (prices.size() != nc + loan.debt.size()) {
    return Status::invalid(fmt::format("loan: {} prices for {} collateral and {} debt assets",
                                       prices.size(), nc, loan.debt.size()));
  }
  for (std::size_t k = 0; k < prices.size(); ++k) {
    if (!(prices[k] > 0.0) || !finite(prices[k])) {
      return Status::invalid(
          fmt::format("loan: the price of {} is {}; loans are valued at positive prices",
                      k < nc ? loan.collateral[k].asset : loan.debt[k - nc].asset, prices[k]));
    }
  }
  const LoanMarks m = mark_loan(loan, prices);
  PositionValue out;
  out.value = m.value;
  const double live = m.equity > 0.0 ? 1.0 : 0.0;
  for (const LoanCollateral& c : loan.collateral) {
    out.exposures.push_back({c.asset, live * c.amount, 0.0});
  }
  for (const LoanDebt& d : loan.debt) out.exposures.push_back({d.asset, -live * d.amount, 0.0});
  return out;
}

double loan_value_after_liquidation(const LoanPosition& loan, std::span<const double> prices) {
  if (!(mark_loan(loan, prices).health_factor < 1.0)) return mark_loan(loan, prices).value;
  LoanPosition state = loan;
  liquidate_loan(state, prices, nullptr);
  return mark_loan(state, prices).value;
}

}  // namespace keel
