#pragma once
// Allocation to whole lots: from target weights to the quantities to hold and the orders that get
// there, under an exchange's trading rules (lot size, minimum quantity, minimum notional), with
// fees, spreads, a cash reserve and an optional turnover cap (docs/allocate.md, `keel allocate`).
//
// Two methods:
// - kGreedy: the greedy rounding of PyPortfolioOpt's DiscreteAllocation.greedy_portfolio
//   (Martin 2021, PyPortfolioOpt, JOSS 6(61), 3066), generalised from whole shares to lots. With
//   lot size 1, no minimums, no fees, mid = bid = ask and no holdings it returns exactly
//   PyPortfolioOpt's quantities and leftover, long-short with short_ratio included.
// - kExact: a mixed-integer program solved with COIN-OR Cbc that minimises the L1 deviation from
//   the target, Σ_i |q_i·mid_i − w_i·V| / V, over integer lots, with an on/off variable per order
//   for minimum order sizes, fees and spreads inside the budget and the turnover cap as a row.
//   The greedy answer is given to Cbc as its first incumbent, so the exact answer is never
//   further from the target (in that L1 measure) than the greedy one, even at the time limit.
//
// Prices: orders that raise a position execute at `ask` (buys) and orders that lower it at `bid`
// (sells); positions are valued at `mid`. The difference is the spread cost of an order. Fees are
// fee_bps of each order's notional (its quantity at the execution price), paid in quote currency.
//
// Long-short (some target weights negative) follows PyPortfolioOpt: the long weights, rescaled to
// sum to 1, are allocated with the investable value V (plus the short side's value with
// `reinvest`), the short weights, rescaled likewise, with short_ratio·V, each side with its own
// budget; the leftover is the sum of both sides' leftovers. Shorts are allocated from cash only
// (no holdings).
//
// Every returned allocation is re-checked by check_allocation(), which recomputes every order from
// the rules and the prices without using the allocator's code; a failed check turns the status
// into kNumericalError.

#include <Eigen/Core>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keel/core/context.hpp"
#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/core/solve_status.hpp"

namespace keel {

// The trading rules of one asset on its exchange (Binance calls them the LOT_SIZE filter's
// stepSize and minQty, and the MIN_NOTIONAL / NOTIONAL filter's minNotional).
struct TradingRules {
  // Quantity step in coins: every order is a whole number of lots. Default 1 (whole units, as
  // shares); range > 0.
  double lot_size = 1.0;
  // Smallest order quantity in coins. Default 0 (one lot); range ≥ 0.
  double min_quantity = 0.0;
  // Smallest order value in quote currency, at the execution price. Default 0; range ≥ 0.
  double min_notional = 0.0;
};

struct AllocationInput {
  std::vector<std::string> assets;
  // Target weights, fractions of the investable value (portfolio value − cash reserve). They may
  // sum to less than 1 (the rest is a cash target). Negative weights are shorts (see above).
  Eigen::VectorXd target_weights;
  // Reference prices (quote currency per coin, > 0): positions are valued at these.
  Eigen::VectorXd mid;
  // Execution prices of sells and buys; empty = mid. bid ≤ mid ≤ ask, all > 0.
  Eigen::VectorXd bid;
  Eigen::VectorXd ask;
  // Coins held now (≥ 0); empty = none. Not allowed with negative target weights.
  Eigen::VectorXd holdings;
  // Quote currency on hand (≥ 0). The portfolio value is cash + Σ holdings·mid.
  double cash = 0.0;
  // One per asset; empty = TradingRules{} for every asset.
  std::vector<TradingRules> rules;
  // Trade cap per asset: the largest order, quantity · mid in quote currency, either side (e.g.
  // a share of the average daily volume, optimize/liquidity_limits.hpp); +∞ = none. Empty (the
  // default) = no cap. ≥ 0. Checked by check_allocation() as "max-order[ASSET]".
  Eigen::VectorXd max_order_value;
  // Optional covariance of the assets' returns (n × n, any period; the tracking error is in the
  // same period's units, annualised when the covariance is). Empty = no tracking error.
  Eigen::MatrixXd covariance;
};

enum class AllocationMethod { kGreedy, kExact };
std::string_view to_string(AllocationMethod method);  // "greedy", "exact"

struct AllocationOptions {
  // Default kExact; kGreedy for PyPortfolioOpt's answers.
  AllocationMethod method = AllocationMethod::kExact;
  // Quote currency kept in cash after trading. Default 0; range [0, portfolio value).
  double cash_reserve = 0.0;
  // Fee per order in basis points of its notional. Default 10 (0.1%, Binance spot's base rate for
  // both maker and taker); range [0, 1000).
  double fee_bps = 10.0;
  // "Don't trade dust": no order below this value in quote currency, on top of each asset's
  // min_notional. Default 0; range ≥ 0.
  double min_order_notional = 0.0;
  // Cap on the turnover, Σ |order quantity|·mid / portfolio value. Default +∞ (no cap); range > 0.
  double max_turnover = std::numeric_limits<double>::infinity();
  // Long-short only: the short side's value as a fraction of the investable value (0.3 for
  // 130/30). Default: the sum of the negative weights' magnitudes. Range ≥ 0.
  std::optional<double> short_ratio = std::nullopt;
  // Long-short only: the long side also spends the short side's value. Default false.
  bool reinvest = false;
  // kExact: Cbc stops here and returns its best allocation with status kTimeLimit. Default 10 s;
  // range > 0.
  double time_limit_s = 10.0;
  // kExact: Cbc stops when (objective − bound) / max(objective, 1e-9) is below this. Default 1e-6;
  // range [0, 1).
  double relative_gap = 1e-6;

  // Checks every field against its range; the message names the field.
  Status validate() const;
};

enum class OrderSide { kBuy, kSell };
std::string_view to_string(OrderSide side);  // "buy", "sell"

struct Order {
  std::size_t asset = 0;  // index into AllocationInput::assets
  OrderSide side = OrderSide::kBuy;
  double lots = 0.0;         // a whole number ≥ 1
  double quantity = 0.0;     // coins: lots · lot_size
  double price = 0.0;        // execution price (ask for buys, bid for sells)
  double notional = 0.0;     // quantity · price, quote currency
  double fee = 0.0;          // notional · fee_bps / 1e4
  double spread_cost = 0.0;  // quantity · |price − mid|
};

struct AllocationResult {
  SolveStatus status = SolveStatus::kNumericalError;
  AllocationMethod method = AllocationMethod::kExact;
  // When the status is not usable: why, and the rules or options that conflict.
  std::string explanation;
  std::vector<std::string> conflicting_rules;

  // The allocation (present for usable statuses and for kTimeLimit with an incumbent):
  Eigen::VectorXd quantities;  // coins held after the orders (negative: short)
  std::vector<Order> orders;   // at most one per asset, in asset order
  // Cash after the orders (long-only). Long-short: PyPortfolioOpt's leftover, the long side's
  // unspent budget plus the short side's unused short value.
  double leftover = 0.0;
  double portfolio_value = 0.0;   // cash + Σ holdings·mid before the orders
  double investable_value = 0.0;  // portfolio_value − cash_reserve
  double fees = 0.0;              // Σ order fees
  double spread_cost = 0.0;       // Σ order spread costs
  double turnover = 0.0;          // Σ |order quantity|·mid / portfolio_value

  // Distance from the target. weights: each asset's value q·mid as a fraction of the value
  // invested, Σ q·mid (PyPortfolioOpt's convention, so weight_rmse matches its
  // _allocation_rmse_error). l1_deviation: Σ |q·mid − t| / V with V the investable value and t
  // the target value (w·V long-only; long-short, each side's rescaled weight times its budget,
  // negative for shorts) — what kExact minimises. tracking_error: sqrt(dᵀ Σ d) with
  // d = (q·mid − t) / V, NaN without a covariance.
  Eigen::VectorXd weights;
  double weight_rmse = 0.0;
  double l1_deviation = 0.0;
  double tracking_error = std::numeric_limits<double>::quiet_NaN();
  // L1 deviation of the greedy allocation kExact started from (NaN for kGreedy).
  double greedy_l1_deviation = std::numeric_limits<double>::quiet_NaN();

  // kExact only (NaN / 0 for kGreedy): Cbc's relative gap at the end, its nodes, solve time.
  double mip_gap = std::numeric_limits<double>::quiet_NaN();
  int nodes = 0;
  double solve_ms = 0.0;
  // check_allocation()'s verdict on the answer returned.
  double max_rule_violation = 0.0;
  std::string worst_rule;
  std::vector<std::string> warnings;

  bool is_usable() const { return keel::is_usable(status); }
  bool has_allocation() const { return quantities.size() > 0; }
  // {"method", "status", "holdings" {asset: {quantity, price, value, weight, target_weight}},
  //  "orders" [{asset, side, quantity, price, notional, fee, spread_cost}], "leftover", ...,
  //  "deviation" {...}, "diagnostics" {...}}; quantities are written to their lot's decimals.
  Json to_json(const AllocationInput& input) const;
};

// Validates the input and options (Status::invalid naming the asset and field), then allocates.
// A budget that cannot buy the minimum order of any asset, or rules that leave no way to keep the
// cash reserve, is not an error: the result has status kInfeasible and the explanation names the
// rules.
Result<AllocationResult> allocate(const AllocationInput& input, const AllocationOptions& options,
                                  const Context& context = {});

struct AllocationCheck {
  double max_violation = 0.0;         // worst miss, in quote currency or lots (≥ 0)
  std::string worst_rule;             // e.g. "min-notional[BTC]"; "" when nothing is missed
  std::vector<std::string> violated;  // every rule missed beyond tolerance, with the numbers
  bool passed() const { return violated.empty(); }
};

// Re-checks an allocation against every rule, independently of the allocator: each order is a
// whole number ≥ 1 of lots, at least min_quantity and min_notional (and min_order_notional) at its
// execution price, sells do not exceed holdings (long-only), fees and spread costs are recomputed,
// the quantities equal holdings + buys − sells, the cash after the orders covers the reserve (each
// side's budget for long-short) and equals the leftover reported, and the turnover is within cap.
// Tolerance: 1e-9 relative to the portfolio value for money, 1e-9 of a lot for quantities.
AllocationCheck check_allocation(const AllocationInput& input, const AllocationOptions& options,
                                 const AllocationResult& result);

}  // namespace keel
