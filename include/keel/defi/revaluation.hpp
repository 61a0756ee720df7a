#pragma once
// Scenario revaluation of a book (docs/positions.md): every position is fully repriced under each
// price scenario at the horizon, giving a P&L vector per position. Nonlinear payoffs (options,
// liquidity positions, inverse contracts) are never delta-approximated unless asked: the
// delta-gamma approximation is offered only as a labelled option, for comparison.
//
// A scenario is a vector of asset prices at the horizon (quote currency), aligned with the bound
// book's assets. Time passes by the horizon in every scenario: options are valued with the
// shorter time to expiry (at their payoff once expired), LP positions earn their fee yield
// (fee_apr × value × horizon), perpetuals pay or receive funding at their constant rate.
// Loans (lending.hpp) are liquidated at the scenario's prices when their health factor is below
// 1 there, as if the price gapped to the scenario before liquidators acted (the borrower loses
// the liquidation bonus on what is seized; the value floors at 0: non-recourse).
//
// The P&L of the book is the row sum; the risk measures of keel/risk consume it directly (VaR and
// expected shortfall of a P&L vector in quote currency, Euler contributions per position).

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/defi/book.hpp"

namespace keel {

struct RevaluationOptions {
  // Time between now and the scenarios, in years of 365 days (> 0). Default one day.
  double horizon_years = 1.0 / 365.0;
  // Approximate each position by its delta and gamma at today's prices (plus theta × horizon)
  // instead of repricing it. Labelled in every output; for comparison only. Default false.
  bool delta_gamma = false;

  Status validate() const;
};

struct BookRevaluation {
  // S × P: the P&L of position p in scenario s, quote currency (value at the horizon − today).
  Eigen::MatrixXd position_pnl;
  Eigen::VectorXd pnl;  // S: the book's P&L (row sums; cash earns nothing)
  bool delta_gamma = false;
};

// Revalues every position of `book` under each row of `scenario_prices` (S × N, N = number of
// the bound book's assets). `today` is the valuation at `prices` and `now` (value_book()). An
// error names the scenario row and position when a price is not positive or a position cannot be
// valued.
Result<BookRevaluation> revalue_book(const BoundBook& book, const BookValuation& today,
                                     std::span<const double> prices,
                                     Eigen::Ref<const Eigen::MatrixXd> scenario_prices,
                                     Timestamp now, const RevaluationOptions& options);

// The same into `out`, whose matrices are reused when they already have the right sizes: no
// allocation when scenario sets of one size are revalued repeatedly (a fresh S × P result is
// written page by page for the first time, which costs as much as the pricing itself at 100,000
// scenarios: bench/README.md). On an error `out` holds partial results.
Status revalue_book(const BoundBook& book, const BookValuation& today,
                    std::span<const double> prices,
                    Eigen::Ref<const Eigen::MatrixXd> scenario_prices, Timestamp now,
                    const RevaluationOptions& options, BookRevaluation& out);

// Historical price scenarios: today's prices times the compounded simple returns of every window
// of `horizon` consecutive periods of `returns` (T × N per-period simple returns; overlapping
// windows, T − horizon + 1 scenarios). NaN returns (a ragged panel) are an error naming the row.
Result<Eigen::MatrixXd> historical_price_scenarios(Eigen::Ref<const Eigen::MatrixXd> returns,
                                                   std::span<const double> prices, int horizon);

// Turns S × N one-period simple-return scenarios (e.g. keel::sample_scenarios of a fitted
// copula) into price scenarios: prices × (1 + r), floored at zero (a −100% return is a price of 0).
Eigen::MatrixXd price_scenarios_from_returns(Eigen::Ref<const Eigen::MatrixXd> scenario_returns,
                                             std::span<const double> prices);

// Risk of a P&L vector in quote currency at confidence α: VaR and expected shortfall (positive =
// loss; the historical estimator of keel/risk/var.hpp), and each position's Euler contribution to
// the expected shortfall (minus its mean P&L over the tail scenarios; they sum to es).
struct BookRisk {
  double confidence = 0.95;
  double var = 0.0;
  double es = 0.0;
  double mean_pnl = 0.0;
  double worst_pnl = 0.0;
  std::vector<double> es_contributions;  // per position, book order
  std::vector<double> standalone_es;     // each position's own ES
  Eigen::Index scenarios = 0;
};
Result<BookRisk> book_risk(const BookRevaluation& revaluation, double confidence);

}  // namespace keel
