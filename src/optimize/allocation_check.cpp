// check_allocation(): every order re-derived from the input and the rules, sharing nothing with
// the allocator but the input; and the allocation's JSON form.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "keel/optimize/allocation.hpp"

namespace keel {

namespace {

class Checker {
 public:
  explicit Checker(double money_tolerance) : money_tol_(money_tolerance) {}

  // Records `rule` as missed by `miss` (in its units) when miss > tolerance.
  void expect(double miss, double tolerance, const std::string& rule, const std::string& detail) {
    if (!(miss <= tolerance)) {  // NaN counts as a miss
      const double m = std::isnan(miss) ? std::numeric_limits<double>::infinity() : miss;
      if (m > report_.max_violation || report_.worst_rule.empty()) {
        report_.max_violation = std::max(report_.max_violation, m);
        report_.worst_rule = rule;
      }
      report_.violated.push_back(rule + ": " + detail);
    }
  }
  void money(double miss, const std::string& rule, const std::string& detail) {
    expect(miss, money_tol_, rule, detail);
  }
  AllocationCheck take() { return std::move(report_); }

 private:
  double money_tol_;
  AllocationCheck report_;
};

double whole_miss(double x) { return std::abs(x - std::round(x)); }

}  // namespace

AllocationCheck check_allocation(const AllocationInput& in, const AllocationOptions& options,
                                 const AllocationResult& result) {
  const auto n = static_cast<Eigen::Index>(in.assets.size());
  const double value = in.cash + (in.holdings.size() ? in.holdings.dot(in.mid) : 0.0);
  Checker check(1e-9 * std::max(1.0, value));
  if (result.quantities.size() != n) {
    check.expect(1.0, 0.0, "quantities", "the allocation has no quantity per asset");
    return check.take();
  }
  const double fee_rate = options.fee_bps / 1e4;
  const bool long_short = (in.target_weights.array() < 0.0).any();
  Eigen::VectorXd expected = in.holdings.size() ? in.holdings : Eigen::VectorXd::Zero(n);
  std::vector<int> orders_per_asset(static_cast<std::size_t>(n), 0);
  double cash = in.cash;
  double long_spent = 0.0, short_spent = 0.0, traded = 0.0;
  for (const Order& o : result.orders) {
    if (o.asset >= static_cast<std::size_t>(n)) {
      check.expect(1.0, 0.0, "order", fmt::format("an order names asset #{}", o.asset));
      continue;
    }
    const auto i = static_cast<Eigen::Index>(o.asset);
    const std::string& name = in.assets[o.asset];
    const TradingRules rules = in.rules.empty() ? TradingRules{} : in.rules[o.asset];
    const bool buy = o.side == OrderSide::kBuy;
    const double price =
        buy ? (in.ask.size() ? in.ask[i] : in.mid[i]) : (in.bid.size() ? in.bid[i] : in.mid[i]);
    const double lots = o.quantity / rules.lot_size;
    ++orders_per_asset[o.asset];
    check.expect(orders_per_asset[o.asset] - 1.0, 0.0, "one-order[" + name + "]",
                 "more than one order for " + name);
    // A whole number of lots up to the rounding of quantity / lot (1e7 lots of 1e-8 carry ~1e-9).
    check.expect(
        whole_miss(lots), 1e-9 * std::max(1.0, lots), "lot-size[" + name + "]",
        fmt::format("{} {} is {} lots of {}", to_string(o.side), o.quantity, lots, rules.lot_size));
    check.expect(1.0 - lots, 1e-9, "lot-size[" + name + "]", "an order of less than one lot");
    check.expect(rules.min_quantity - o.quantity, 1e-9 * rules.lot_size,
                 "min-quantity[" + name + "]",
                 fmt::format("quantity {} below {}", o.quantity, rules.min_quantity));
    const double notional = o.quantity * price;
    check.money(
        std::abs(notional - o.notional), "notional[" + name + "]",
        fmt::format("reported {} but {} x {} = {}", o.notional, o.quantity, price, notional));
    check.expect(rules.min_notional - notional, 1e-9 * std::max(1.0, rules.min_notional),
                 "min-notional[" + name + "]",
                 fmt::format("notional {} below {}", notional, rules.min_notional));
    check.expect(options.min_order_notional - notional,
                 1e-9 * std::max(1.0, options.min_order_notional), "min-order[" + name + "]",
                 fmt::format("notional {} below the dust threshold {}", notional,
                             options.min_order_notional));
    const double fee = notional * fee_rate;
    check.money(
        std::abs(fee - o.fee), "fee[" + name + "]",
        fmt::format("reported {} but {} bps of {} = {}", o.fee, options.fee_bps, notional, fee));
    check.money(std::abs(o.quantity * std::abs(price - in.mid[i]) - o.spread_cost),
                "spread-cost[" + name + "]", "spread cost does not match the quotes");
    if (in.max_order_value.size() > 0) {
      const double cap = in.max_order_value[i];
      check.expect(o.quantity * in.mid[i] - cap, 1e-9 * std::max(1.0, std::abs(cap)),
                   "max-order[" + name + "]",
                   fmt::format("order value {} at mid above the trade cap {}",
                               o.quantity * in.mid[i], cap));
    }
    traded += o.quantity * in.mid[i];
    if (long_short) {
      const bool short_asset = in.target_weights[i] < 0.0;
      check.expect(buy == short_asset ? 1.0 : 0.0, 0.0, "side[" + name + "]",
                   "a long-short allocation from cash buys longs and sells shorts only");
      expected[i] += buy ? o.quantity : -o.quantity;
      (short_asset ? short_spent : long_spent) += notional + fee;
    } else {
      expected[i] += buy ? o.quantity : -o.quantity;
      cash += buy ? -(notional + fee) : notional - fee;
      if (!buy) {
        const double held = in.holdings.size() ? in.holdings[i] : 0.0;
        check.expect(o.quantity - held, 1e-9 * rules.lot_size, "holdings[" + name + "]",
                     fmt::format("sells {} but holds {}", o.quantity, held));
      }
    }
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    const TradingRules rules =
        in.rules.empty() ? TradingRules{} : in.rules[static_cast<std::size_t>(i)];
    check.expect(std::abs(result.quantities[i] - expected[i]), 1e-9 * rules.lot_size,
                 "quantity[" + in.assets[static_cast<std::size_t>(i)] + "]",
                 fmt::format("reported {} but holdings and orders give {}", result.quantities[i],
                             expected[i]));
  }
  const double investable = value - options.cash_reserve;
  if (long_short) {
    double short_total = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) short_total += std::max(0.0, -in.target_weights[i]);
    const double short_budget = investable * options.short_ratio.value_or(short_total);
    const double long_budget = investable + (options.reinvest ? short_budget : 0.0);
    check.money(long_spent - long_budget, "budget",
                fmt::format("the longs cost {} of a budget of {}", long_spent, long_budget));
    check.money(short_spent - short_budget, "short-budget",
                fmt::format("the shorts take {} of {}", short_spent, short_budget));
    const bool has_long =
        (in.target_weights.array() >= 0.0).any() && in.target_weights.cwiseMax(0.0).sum() > 0.0;
    const double leftover =
        (has_long ? long_budget - long_spent : 0.0) + short_budget - short_spent;
    check.money(std::abs(leftover - result.leftover), "leftover",
                fmt::format("reported {} but the budgets leave {}", result.leftover, leftover));
  } else {
    check.money(options.cash_reserve - cash, "cash-reserve",
                fmt::format("cash after the orders {} is below the reserve {}", cash,
                            options.cash_reserve));
    check.money(std::abs(cash - result.leftover), "leftover",
                fmt::format("reported {} but the orders leave {}", result.leftover, cash));
    check.expect(traded / value - options.max_turnover, 1e-9, "max-turnover",
                 fmt::format("turnover {} above the cap {}", traded / value, options.max_turnover));
  }
  return check.take();
}

namespace {

// Decimals that write a multiple of `lot` exactly (0.001 → 3, 1 → 0, 0.5 → 1).
int lot_decimals(double lot) {
  for (int d = 0; d <= 12; ++d) {
    const double scaled = lot * std::pow(10.0, d);
    if (std::abs(scaled - std::round(scaled)) <= 1e-9 * std::max(1.0, scaled)) return d;
  }
  return 12;
}

double at_lot(double quantity, double lot) {
  return std::stod(fmt::format("{:.{}f}", quantity, lot_decimals(lot)));
}

}  // namespace

Json AllocationResult::to_json(const AllocationInput& in) const {
  Json doc;
  doc["method"] = std::string(keel::to_string(method));
  doc["status"] = std::string(keel::to_string(status));
  if (!explanation.empty()) doc["explanation"] = explanation;
  if (!conflicting_rules.empty()) doc["conflicting_rules"] = conflicting_rules;
  doc["portfolio_value"] = json_number(portfolio_value);
  doc["investable_value"] = json_number(investable_value);
  auto lot_of = [&](std::size_t i) { return in.rules.empty() ? 1.0 : in.rules[i].lot_size; };
  Json orders_json = Json::array();
  for (const Order& o : orders) {
    orders_json.push_back({{"asset", in.assets[o.asset]},
                           {"side", std::string(keel::to_string(o.side))},
                           {"quantity", at_lot(o.quantity, lot_of(o.asset))},
                           {"price", json_number(o.price)},
                           {"notional", json_number(o.notional)},
                           {"fee", json_number(o.fee)},
                           {"spread_cost", json_number(o.spread_cost)}});
  }
  Json holdings = Json::object();
  if (has_allocation()) {
    for (std::size_t i = 0; i < in.assets.size(); ++i) {
      const auto k = static_cast<Eigen::Index>(i);
      holdings[in.assets[i]] = {{"quantity", at_lot(quantities[k], lot_of(i))},
                                {"value", json_number(quantities[k] * in.mid[k])},
                                {"weight", json_number(weights[k])},
                                {"target_weight", json_number(in.target_weights[k])}};
    }
  }
  doc["orders"] = std::move(orders_json);
  doc["holdings"] = std::move(holdings);
  doc["leftover"] = json_number(leftover);
  doc["fees"] = json_number(fees);
  doc["spread_cost"] = json_number(spread_cost);
  doc["turnover"] = json_number(turnover);
  doc["deviation"] = {{"weight_rmse", json_number(weight_rmse)},
                      {"l1", json_number(l1_deviation)},
                      {"tracking_error", json_number(tracking_error)},
                      {"greedy_l1", json_number(greedy_l1_deviation)}};
  doc["diagnostics"] = {{"solver", method == AllocationMethod::kExact ? "cbc" : "greedy"},
                        {"mip_gap", json_number(mip_gap)},
                        {"nodes", nodes},
                        {"solve_ms", json_number(solve_ms)},
                        {"max_rule_violation", json_number(max_rule_violation)},
                        {"worst_rule", worst_rule},
                        {"warnings", warnings}};
  return doc;
}

}  // namespace keel
