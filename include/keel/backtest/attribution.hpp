#pragma once
// Return attribution of a backtest, arithmetic (per-period contributions summed over time, not
// compounded — so the pieces add up exactly to the sum of per-period returns).
//
// Contribution of asset i in period t: w_{t−1,i} · r_{t,i}, with w_{t−1} the end-of-period weights
// of the previous close (trades happen at closes, so they earn from the next period on) and r the
// asset's simple return (0 for a position exited at its last price). Interest on cash is part of
// the financing cost (a negative cost). Per period:  Σ_i contribution − costs = net return.
//
// Brinson–Fachler by group g against a benchmark strategy, per period and then summed:
//   allocation_g  = (W_g − B_g)(Rb_g − Rb)
//   selection_g   = B_g (Rp_g − Rb_g)
//   interaction_g = (W_g − B_g)(Rp_g − Rb_g)
// W_g, B_g: portfolio and benchmark group weights; Rp_g, Rb_g: their group returns; Rb: the
// benchmark's invested return Σ_g B_g Rb_g. A group the benchmark does not hold takes Rb_g = Rb
// and one the portfolio does not hold takes Rp_g = Rb_g; Σ_g of the three terms is then exactly
// Σ_g W_g Rp_g − Rb per period (the active invested return), whatever these conventions.
//
// Against a benchmark that holds a single group (e.g. "hold BTC", or a universe of one group),
// Rb_g = Rb for every group, so the allocation effect is zero by construction and the active
// return falls into selection and interaction: the decomposition says nothing about allocation.
// `benchmark_groups_held` records this; is_degenerate() is true then, and the reports say why
// instead of showing the table.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"

namespace keel {

struct ReturnAttribution {
  std::vector<std::string> assets;
  Eigen::VectorXd by_asset;         // Σ_t w_{t−1,i} r_{t,i}
  std::vector<std::string> groups;  // distinct tags, sorted; empty without tags
  Eigen::VectorXd by_group;         // Σ of by_asset over members
  double costs = 0.0;               // Σ_t cost fraction
  double net = 0.0;                 // Σ_t net return = Σ by_asset − costs
  Json to_json() const;
};

struct BrinsonFachler {
  std::vector<std::string> groups;
  Eigen::VectorXd allocation, selection, interaction;  // per group, summed over periods
  double active_return = 0.0;                          // Σ_t (Σ_g W_g Rp_g − Rb)
  // The most groups the benchmark held (a nonzero group weight) in any period.
  int benchmark_groups_held = 0;
  bool is_degenerate() const { return benchmark_groups_held <= 1; }
  // Why the decomposition is uninformative ("" when it is not degenerate).
  std::string degenerate_reason() const;
  Json to_json() const;  // with "degenerate" and, when true, "degenerate_reason"
};

// weights: rows × N end-of-period weights; asset_returns: rows × N simple returns of the periods
// (row t = period ending at row t's date; NaN treated as 0 = no position earned); row 0 is the
// start and contributes nothing. `groups` is one tag per asset or empty.
Result<ReturnAttribution> attribute_returns(Eigen::Ref<const Eigen::MatrixXd> weights,
                                            Eigen::Ref<const Eigen::MatrixXd> asset_returns,
                                            Eigen::Ref<const Eigen::VectorXd> cost_returns,
                                            const std::vector<std::string>& assets,
                                            const std::vector<std::string>& groups);

Result<BrinsonFachler> brinson_fachler(Eigen::Ref<const Eigen::MatrixXd> portfolio_weights,
                                       Eigen::Ref<const Eigen::MatrixXd> benchmark_weights,
                                       Eigen::Ref<const Eigen::MatrixXd> asset_returns,
                                       const std::vector<std::string>& groups);

}  // namespace keel
