#pragma once
// The portfolio the risk-side verbs (risk, stress) take:
// - --weights FILE: an `optimize` JSON result (its "weights" object, or a plain {"ASSET": weight}
//   object) or a CSV `asset,weight` (header optional). Weights are fractions of the portfolio
//   value (0.25 = 25%).
// - --holdings FILE: a CSV `asset,quantity` of coin quantities, valued at each asset's last price
//   in the price file (on or before --end); the implied weights and the value are reported.
//
// Weights files are checked for sense before anything runs (docs/inputs.md), because a file that
// is read "successfully" but means something else gives numbers that look plausible and are wrong:
// - a header naming quantities (amount, quantity, units, balance, ...) is refused: use --holdings;
// - a header naming percents, or weights summing to 100 (± kPercentTolerance), is refused;
// - a gross exposure (sum of |w|) above kMaxGrossExposure is refused: quantities or percents;
// - a sum further than kBudgetTolerance from 1 is refused unless --cash-remainder says the rest
//   (1 − sum, negative when borrowed) is deliberately held in cash.
// Every asset must be a column of the price file: a typo is reported with the weights file, its
// line and the closest column name.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/data/labeled_csv.hpp"
#include "keel/data/price_panel.hpp"

namespace keel::cli {

// Weights may sum to 1 ± this without --cash-remainder: an optimize result sums to 1 within
// 1e-9, and weights rounded to four decimals stay well inside; a cash share of one percentage
// point or more is a position that changes the risk figures and must be asked for.
inline constexpr double kBudgetTolerance = 0.01;
// Weights summing to 100 ± this are percents (33.33 × 3 = 99.99 is within).
inline constexpr double kPercentTolerance = 1.5;
// A gross exposure above 10 (1000%) is not a weights file a risk engine should take at face
// value: it is quantities, values in currency, or percents, whatever --cash-remainder says.
inline constexpr double kMaxGrossExposure = 10.0;

struct PortfolioOptions {
  std::string weights;          // --weights FILE
  std::string holdings;         // --holdings FILE
  bool cash_remainder = false;  // --cash-remainder: 1 − sum(weights) is held in cash
};
// Adds --weights, --holdings (exactly one is required) and --cash-remainder.
void add_portfolio_options(CLI::App& command, PortfolioOptions& options);

struct Portfolio {
  std::string source;           // the file it came from
  bool from_holdings = false;   // --holdings (else --weights)
  LabeledVector weights;        // fractions of the portfolio value, in file order
  // --holdings only (empty / 0 otherwise), aligned with weights.labels:
  Eigen::VectorXd quantities;
  Eigen::VectorXd prices;             // each asset's last price in the price file
  std::vector<Timestamp> priced_on;   // the date of that price
  double value = 0.0;                 // sum of quantity × price, quote currency
  std::vector<std::string> warnings;  // e.g. an asset valued at a price older than the panel's end

  double cash() const { return 1.0 - weights.values.sum(); }
  // {"source", "kind": "weights"|"holdings", "weights", "cash", "value" (null for weights),
  //  "holdings": {asset: {"quantity", "price", "priced_on", "value"}} (holdings only)}.
  Json to_json() const;
};

// Reads --weights or --holdings and checks it against `prices` (the price file as narrowed by
// --start/--end, every column): each asset must be a column, weights must make sense (above),
// holdings are valued at the last prices. Errors name the file, the line when there is one, and
// the option to use.
Result<Portfolio> load_portfolio(const PortfolioOptions& options, const PricePanel& prices);

// The sense checks above on weights already read; `value_header` is the CSV header of the weights
// column ("" when there is none).
Status check_weights_sense(const LabeledVector& weights, const std::string& path,
                           const std::string& value_header, bool cash_remainder);

}  // namespace keel::cli
