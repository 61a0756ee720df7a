#include "keel/optimize/allocation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "optimize/allocation_internal.hpp"

namespace keel {

namespace {

using detail::SideProblem;
using detail::SideSolution;

constexpr double kInf = std::numeric_limits<double>::infinity();

bool finite_positive(double x) { return std::isfinite(x) && x > 0.0; }

std::string asset_name(const AllocationInput& input, std::size_t i) {
  return i < input.assets.size() ? input.assets[i] : fmt::format("#{}", i);
}

Status validate_input(const AllocationInput& in, const AllocationOptions& options) {
  const auto n = static_cast<Eigen::Index>(in.assets.size());
  if (n == 0) return Status::invalid("allocation: no assets");
  if (in.target_weights.size() != n || in.mid.size() != n) {
    return Status::invalid(fmt::format("allocation: {} assets but {} target weights and {} prices",
                                       n, in.target_weights.size(), in.mid.size()));
  }
  for (const auto* v : {&in.bid, &in.ask, &in.holdings}) {
    if (v->size() != 0 && v->size() != n) {
      return Status::invalid(fmt::format(
          "allocation: bid, ask and holdings need one entry per asset ({}), or none", n));
    }
  }
  if (in.max_order_value.size() != 0) {
    if (in.max_order_value.size() != n) {
      return Status::invalid(fmt::format(
          "allocation: max_order_value needs one entry per asset ({}), or none", n));
    }
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!(in.max_order_value[i] >= 0.0)) {
        return Status::invalid(fmt::format("allocation: max_order_value of {} is {}; it must be "
                                           ">= 0 (+inf for no cap)",
                                           in.assets[static_cast<std::size_t>(i)],
                                           in.max_order_value[i]));
      }
    }
  }
  if (!in.rules.empty() && in.rules.size() != in.assets.size()) {
    return Status::invalid(
        fmt::format("allocation: {} trading rules for {} assets", in.rules.size(), n));
  }
  if (in.covariance.size() != 0 && (in.covariance.rows() != n || in.covariance.cols() != n)) {
    return Status::invalid(fmt::format("allocation: the covariance is {}x{}, expected {}x{}",
                                       in.covariance.rows(), in.covariance.cols(), n, n));
  }
  if (!(std::isfinite(in.cash) && in.cash >= 0.0)) {
    return Status::invalid(
        fmt::format("allocation: cash is {}; it must be finite and >= 0", in.cash));
  }
  bool has_short = false;
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::string a = asset_name(in, static_cast<std::size_t>(i));
    if (!std::isfinite(in.target_weights[i])) {
      return Status::invalid("allocation: the target weight of " + a + " is not a number");
    }
    has_short = has_short || in.target_weights[i] < 0.0;
    if (!finite_positive(in.mid[i])) {
      return Status::invalid(
          fmt::format("allocation: the price of {} is {}; it must be > 0", a, in.mid[i]));
    }
    const double bid = in.bid.size() ? in.bid[i] : in.mid[i];
    const double ask = in.ask.size() ? in.ask[i] : in.mid[i];
    if (!finite_positive(bid) || !finite_positive(ask) || bid > in.mid[i] * (1 + 1e-12) ||
        ask < in.mid[i] * (1 - 1e-12)) {
      return Status::invalid(fmt::format(
          "allocation: {} has bid {} and ask {} around the price {}; need 0 < bid <= price <= ask",
          a, bid, ask, in.mid[i]));
    }
    if (in.holdings.size()) {
      if (!(std::isfinite(in.holdings[i]) && in.holdings[i] >= 0.0)) {
        return Status::invalid(fmt::format(
            "allocation: the holding of {} is {}; quantities must be >= 0 (short holdings are "
            "not supported)",
            a, in.holdings[i]));
      }
    }
    if (!in.rules.empty()) {
      const TradingRules& r = in.rules[static_cast<std::size_t>(i)];
      if (!finite_positive(r.lot_size)) {
        return Status::invalid(
            fmt::format("allocation: lot_size of {} is {}; it must be > 0", a, r.lot_size));
      }
      if (!(std::isfinite(r.min_quantity) && r.min_quantity >= 0.0)) {
        return Status::invalid(fmt::format("allocation: min_quantity of {} is {}; it must be >= 0",
                                           a, r.min_quantity));
      }
      if (!(std::isfinite(r.min_notional) && r.min_notional >= 0.0)) {
        return Status::invalid(fmt::format("allocation: min_notional of {} is {}; it must be >= 0",
                                           a, r.min_notional));
      }
    }
  }
  if (has_short) {
    if (in.holdings.size() && (in.holdings.array() > 0.0).any()) {
      return Status::invalid(
          "allocation: negative target weights (shorts) are allocated from cash only; drop the "
          "holdings or the short weights");
    }
    if (std::isfinite(options.max_turnover)) {
      return Status::invalid(
          "allocation: max_turnover applies to rebalancing long-only holdings, not to a "
          "long-short allocation from cash");
    }
  }
  const double value = in.cash + (in.holdings.size() ? in.holdings.dot(in.mid) : 0.0);
  if (!(value > 0.0)) {
    return Status::invalid("allocation: the portfolio is worth nothing (no cash, no holdings)");
  }
  if (options.cash_reserve >= value) {
    return Status::invalid(fmt::format(
        "allocation: the cash reserve {} is not below the portfolio value {}; lower the reserve",
        options.cash_reserve, value));
  }
  return Status::ok();
}

// Smallest order in lots: one lot, min_quantity and the larger of min_notional and the dust
// threshold at the execution price. The 1e-12 keeps a quotient that is a whole number up to
// rounding (10 / (0.1 · 100)) from being rounded up.
double min_lots(const TradingRules& r, double price, double dust) {
  const double by_quantity = std::ceil(r.min_quantity / r.lot_size * (1 - 1e-12));
  const double by_notional =
      std::ceil(std::max(r.min_notional, dust) / (r.lot_size * price) * (1 - 1e-12));
  return std::max({1.0, by_quantity, by_notional});
}

// Splits the input into one or two long-only sides (docs in the header).
std::vector<SideProblem> make_sides(const AllocationInput& in, const AllocationOptions& options,
                                    double value, double investable) {
  const auto n = static_cast<Eigen::Index>(in.assets.size());
  const double fee = options.fee_bps / 1e4;
  const Eigen::VectorXd bid = in.bid.size() ? in.bid : in.mid;
  const Eigen::VectorXd ask = in.ask.size() ? in.ask : in.mid;
  const Eigen::VectorXd& w = in.target_weights;
  const bool long_short = (w.array() < 0.0).any();
  // The sums in PyPortfolioOpt's order, so that its answers come out to the last bit: the default
  // short ratio over the input order, each side's total over descending weights.
  double default_short_ratio = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (w[i] < 0.0) default_short_ratio += -w[i];
  }
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return w[a] > w[b]; });
  double long_total = 0.0, short_total = 0.0;
  for (const Eigen::Index i : order) {
    if (w[i] >= 0.0) {
      long_total += w[i];
    } else {
      short_total += -w[i];
    }
  }
  const double short_ratio = options.short_ratio.value_or(default_short_ratio);

  auto make = [&](bool short_side, double budget, double scale) {
    SideProblem side;
    side.short_side = short_side;
    side.budget = budget;
    side.value = value;
    side.fee = fee;
    side.max_turnover_value = options.max_turnover * value;
    for (Eigen::Index i = 0; i < n; ++i) {
      const bool belongs = short_side ? w[i] < 0.0 : (w[i] >= 0.0);
      if (!belongs) continue;
      const TradingRules rules =
          in.rules.empty() ? TradingRules{} : in.rules[static_cast<std::size_t>(i)];
      detail::SideAsset a;
      a.asset = static_cast<std::size_t>(i);
      a.name = asset_name(in, a.asset);
      a.weight = long_short ? std::abs(w[i]) / scale : w[i];
      a.target = a.weight * (short_side ? budget : (long_short ? budget : investable));
      a.mid = in.mid[i];
      // Raising a long buys at the ask; raising a short sells at the bid.
      a.price_in = short_side ? bid[i] : ask[i];
      a.price_out = bid[i];
      a.lot = rules.lot_size;
      a.held = in.holdings.size() ? in.holdings[i] : 0.0;
      a.max_lots_out = std::floor(a.held / a.lot * (1 + 1e-12));
      if (in.max_order_value.size() > 0 && std::isfinite(in.max_order_value[i])) {
        // The trade cap in whole lots at the valuation price, either way.
        const double cap = std::floor(in.max_order_value[i] / (a.lot * a.mid) * (1 + 1e-12));
        a.max_lots_in = cap;
        a.max_lots_out = std::min(a.max_lots_out, cap);
      }
      a.min_lots_in = min_lots(rules, a.price_in, options.min_order_notional);
      a.min_lots_out = min_lots(rules, a.price_out, options.min_order_notional);
      side.assets.push_back(a);
    }
    return side;
  };
  std::vector<SideProblem> sides;
  if (!long_short) {
    // All investable value is the long side's; cash beyond the reserve pays for buys.
    sides.push_back(make(false, in.cash - options.cash_reserve, 1.0));
    return sides;
  }
  const double short_value = investable * short_ratio;
  const double long_value = investable + (options.reinvest ? short_value : 0.0);
  if (long_total > 0.0) sides.push_back(make(false, long_value, long_total));
  sides.push_back(make(true, short_value, short_total));
  return sides;
}

double side_l1(const SideProblem& side, const SideSolution& s) {
  double l1 = 0.0;
  for (std::size_t k = 0; k < side.assets.size(); ++k) {
    const auto& a = side.assets[k];
    l1 += std::abs((a.held + (s.lots_in[k] - s.lots_out[k]) * a.lot) * a.mid - a.target);
  }
  return l1;
}

// Why nothing could be bought: the cheapest minimum order against the budget.
void explain_unaffordable(const AllocationInput& in, const SideProblem& side,
                          AllocationResult& result) {
  double cheapest = kInf;
  std::size_t which = 0;
  for (std::size_t k = 0; k < side.assets.size(); ++k) {
    const auto& a = side.assets[k];
    if (!(a.target > 0.0)) continue;
    const double cost = a.min_lots_in * a.lot * a.price_in * (1 + side.fee);
    if (cost < cheapest) {
      cheapest = cost;
      which = k;
    }
  }
  const auto& a = side.assets[which];
  const std::string name = asset_name(in, a.asset);
  const TradingRules rules = in.rules.empty() ? TradingRules{} : in.rules[a.asset];
  std::string rule = "lot-size[" + name + "]";
  if (a.min_lots_in > 1.0) {
    rule = rules.min_notional * (1 - 1e-12) > rules.min_quantity * a.price_in
               ? "min-notional[" + name + "]"
               : "min-quantity[" + name + "]";
  }
  result.status = SolveStatus::kInfeasible;
  result.conflicting_rules = {"budget", rule};
  result.explanation = fmt::format(
      "the budget of {:.2f} ({}) cannot buy the smallest order of any target asset: the cheapest "
      "is {} at {:.2f} including fees ({} lot(s) of {} at {}); add cash, lower the cash reserve or "
      "the minimum order",
      side.budget, side.short_side ? "short side" : "cash after the reserve", name, cheapest,
      a.min_lots_in, a.lot, a.price_in);
}

}  // namespace

std::string_view to_string(AllocationMethod method) {
  return method == AllocationMethod::kGreedy ? "greedy" : "exact";
}

std::string_view to_string(OrderSide side) { return side == OrderSide::kBuy ? "buy" : "sell"; }

Status AllocationOptions::validate() const {
  if (!(std::isfinite(cash_reserve) && cash_reserve >= 0.0)) {
    return Status::invalid(fmt::format("cash_reserve is {}; it must be >= 0", cash_reserve));
  }
  if (!(fee_bps >= 0.0 && fee_bps < 1000.0)) {
    return Status::invalid(fmt::format("fee_bps is {}; it must be in [0, 1000)", fee_bps));
  }
  if (!(std::isfinite(min_order_notional) && min_order_notional >= 0.0)) {
    return Status::invalid(
        fmt::format("min_order_notional is {}; it must be >= 0", min_order_notional));
  }
  if (!(max_turnover > 0.0)) {
    return Status::invalid(fmt::format("max_turnover is {}; it must be > 0", max_turnover));
  }
  if (short_ratio && !(std::isfinite(*short_ratio) && *short_ratio >= 0.0)) {
    return Status::invalid(fmt::format("short_ratio is {}; it must be >= 0", *short_ratio));
  }
  if (!(time_limit_s > 0.0)) {
    return Status::invalid(fmt::format("time_limit_s is {}; it must be > 0", time_limit_s));
  }
  if (!(relative_gap >= 0.0 && relative_gap < 1.0)) {
    return Status::invalid(fmt::format("relative_gap is {}; it must be in [0, 1)", relative_gap));
  }
  return Status::ok();
}

Result<AllocationResult> allocate(const AllocationInput& in, const AllocationOptions& options,
                                  const Context& context) {
  KEEL_RETURN_IF_ERROR(options.validate());
  KEEL_RETURN_IF_ERROR(validate_input(in, options));
  const auto start = std::chrono::steady_clock::now();
  const auto n = static_cast<Eigen::Index>(in.assets.size());
  AllocationResult result;
  result.method = options.method;
  result.portfolio_value = in.cash + (in.holdings.size() ? in.holdings.dot(in.mid) : 0.0);
  result.investable_value = result.portfolio_value - options.cash_reserve;
  std::vector<SideProblem> sides =
      make_sides(in, options, result.portfolio_value, result.investable_value);

  std::vector<SideSolution> solutions;
  SolveStatus status = SolveStatus::kOptimal;
  double greedy_l1 = 0.0;
  double gap = 0.0;
  for (const SideProblem& side : sides) {
    std::optional<SideSolution> greedy = detail::greedy_side(side);
    if (greedy) greedy_l1 += side_l1(side, *greedy);
    if (options.method == AllocationMethod::kGreedy) {
      if (!greedy) {
        result.status = SolveStatus::kInfeasible;
        result.conflicting_rules = {"cash-reserve"};
        result.explanation =
            "the greedy method could not raise the cash reserve by selling whole lots; try "
            "the exact method, or lower the cash reserve";
        return result;
      }
      solutions.push_back(*greedy);
      continue;
    }
    detail::MipOutcome mip =
        detail::solve_side_mip(side, greedy ? &*greedy : nullptr, options, context);
    result.nodes += mip.nodes;
    if (!mip.solution) {
      result.status = mip.status;
      result.conflicting_rules = mip.conflicting_rules;
      result.explanation = mip.explanation;
      return result;
    }
    if (mip.status == SolveStatus::kTimeLimit) status = SolveStatus::kTimeLimit;
    gap = std::max(gap, mip.gap);
    // Cbc started from the greedy answer; keep it when rounding left Cbc's a hair behind.
    if (greedy && side_l1(side, *greedy) < side_l1(side, *mip.solution)) {
      solutions.push_back(*greedy);
    } else {
      solutions.push_back(*mip.solution);
    }
  }

  // Quantities, orders and money.
  result.quantities = in.holdings.size() ? in.holdings : Eigen::VectorXd::Zero(n);
  Eigen::VectorXd target_value = Eigen::VectorXd::Zero(n);
  double leftover = 0.0;
  double traded = 0.0;
  for (std::size_t s = 0; s < sides.size(); ++s) {
    const SideProblem& side = sides[s];
    double spent = 0.0;
    for (std::size_t k = 0; k < side.assets.size(); ++k) {
      const auto& a = side.assets[k];
      const double sign = side.short_side ? -1.0 : 1.0;
      target_value[static_cast<Eigen::Index>(a.asset)] = sign * a.target;
      const double in_lots = solutions[s].lots_in[k];
      const double out_lots = solutions[s].lots_out[k];
      if (in_lots == 0.0 && out_lots == 0.0) continue;
      Order o;
      o.asset = a.asset;
      const bool raise = in_lots > 0.0;
      o.lots = raise ? in_lots : out_lots;
      o.quantity = o.lots * a.lot;
      o.side = (raise != side.short_side) ? OrderSide::kBuy : OrderSide::kSell;
      o.price = raise ? a.price_in : a.price_out;
      o.notional = o.quantity * o.price;
      o.fee = o.notional * side.fee;
      o.spread_cost = o.quantity * std::abs(o.price - a.mid);
      result.quantities[static_cast<Eigen::Index>(a.asset)] =
          a.held + sign * (in_lots - out_lots) * a.lot;
      spent += raise ? o.notional + o.fee : -(o.notional - o.fee);
      traded += o.quantity * a.mid;
      result.fees += o.fee;
      result.spread_cost += o.spread_cost;
      result.orders.push_back(o);
    }
    leftover += side.short_side || sides.size() > 1 ? side.budget - spent : in.cash - spent;
  }
  std::sort(result.orders.begin(), result.orders.end(),
            [](const Order& a, const Order& b) { return a.asset < b.asset; });
  result.leftover = leftover;
  result.turnover = traded / result.portfolio_value;

  const Eigen::VectorXd position_value = result.quantities.cwiseProduct(in.mid);
  const double invested = position_value.sum();
  result.weights =
      invested != 0.0 ? Eigen::VectorXd(position_value / invested) : Eigen::VectorXd::Zero(n);
  result.weight_rmse =
      std::sqrt((result.weights - in.target_weights).squaredNorm() / static_cast<double>(n));
  const Eigen::VectorXd d = (position_value - target_value) / result.investable_value;
  result.l1_deviation = d.cwiseAbs().sum();
  if (in.covariance.size())
    result.tracking_error = std::sqrt(std::max(0.0, d.dot(in.covariance * d)));
  if (options.method == AllocationMethod::kExact) {
    result.greedy_l1_deviation = greedy_l1 / result.investable_value;
    result.mip_gap = gap;
  }
  result.status = status;
  if (status == SolveStatus::kTimeLimit) {
    result.explanation = fmt::format(
        "Cbc stopped at the time limit of {} s with a relative gap of {:.3g}; the orders are the "
        "best found and meet every rule, but a closer allocation may exist (raise the time limit)",
        options.time_limit_s, gap);
  }

  // Nothing bought from cash alone although something was wanted: say why.
  const bool from_cash = in.holdings.size() == 0 || (in.holdings.array() == 0.0).all();
  if (from_cash && result.orders.empty()) {
    explain_unaffordable(in, sides.front(), result);
    return result;
  }
  if (!from_cash && result.orders.empty()) {
    result.warnings.push_back(
        "no order: no trade that meets the rules brings the holdings closer to the target");
  }

  const AllocationCheck check = check_allocation(in, options, result);
  result.max_rule_violation = check.max_violation;
  result.worst_rule = check.worst_rule;
  if (!check.passed()) {
    result.status = SolveStatus::kNumericalError;
    result.explanation = "the allocation failed its independent check: " + check.violated.front();
  }
  result.solve_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace keel
