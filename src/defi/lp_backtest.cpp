#include "keel/defi/lp_backtest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <string_view>
#include <utility>

#include "keel/defi/amm.hpp"
#include "keel/defi/perpetual.hpp"

namespace keel {
namespace {

constexpr double kSecondsPerYear = 365.0 * 86400.0;

bool parse_double(std::string_view text, double& out) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '"')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '"' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (text.empty()) return false;
  const auto [ptr, ec] =
      std::from_chars(text.data(), text.data() + text.size(), out, std::chars_format::general);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(out);
}

bool parse_int(std::string_view text, int& out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" (also with 'T').
bool parse_time(std::string_view text, Timestamp& out) {
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  if (text.size() != 10 && text.size() != 19) return false;
  CivilDate date;
  if (text[4] != '-' || text[7] != '-' || !parse_int(text.substr(0, 4), date.year) ||
      !parse_int(text.substr(5, 2), date.month) || !parse_int(text.substr(8, 2), date.day) ||
      !is_valid_civil(date)) {
    return false;
  }
  int h = 0, m = 0, s = 0;
  if (text.size() == 19) {
    if ((text[10] != ' ' && text[10] != 'T') || text[13] != ':' || text[16] != ':' ||
        !parse_int(text.substr(11, 2), h) || !parse_int(text.substr(14, 2), m) ||
        !parse_int(text.substr(17, 2), s) || h > 23 || m > 59 || s > 59) {
      return false;
    }
  }
  out = days_from_civil(date) * kSecondsPerDay + h * 3600 + m * 60 + s;
  return true;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

constexpr const char* kPoolHeader =
    "timestamp,netAmount0,netAmount1,closeTick,openTick,lowestTick,highestTick,inAmount0,"
    "inAmount1,currentLiquidity";

Result<PoolBars> read_one(const std::string& path, const PoolSpec& spec) {
  std::ifstream in(path);
  if (!in) {
    return Status::invalid(fmt::format("cannot open pool file '{}': check the path", path));
  }
  PoolBars bars;
  bars.spec = spec;
  bars.sources = {path};
  const double scale0 = std::pow(10.0, spec.decimals0);
  const double scale1 = std::pow(10.0, spec.decimals1);
  const double scale_l = std::pow(10.0, 0.5 * (spec.decimals0 + spec.decimals1));
  const double price_scale = std::pow(10.0, spec.decimals0 - spec.decimals1);
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1) {
      if (line != kPoolHeader) {
        return Status::invalid(
            fmt::format("{}:1: header '{}' is not a demeter minute file's; expected '{}'", path,
                        line, kPoolHeader));
      }
      continue;
    }
    if (line.empty()) continue;
    const auto fields = split(line);
    const auto bad = [&](std::string_view what) {
      return Status::invalid(
          fmt::format("{}:{}: {} (line '{}'); fix or remove the line", path, line_no, what, line));
    };
    if (fields.size() != 10) {
      return bad(fmt::format("expected 10 comma-separated fields, found {}", fields.size()));
    }
    Timestamp t = 0;
    if (!parse_time(fields[0], t)) return bad("timestamp is not 'YYYY-MM-DD HH:MM:SS'");
    int ticks[4] = {0, 0, 0, 0};
    static constexpr const char* kTickNames[4] = {"closeTick", "openTick", "lowestTick",
                                                  "highestTick"};
    for (int k = 0; k < 4; ++k) {
      double v = 0.0;
      if (!parse_double(fields[3 + k], v) || v != std::floor(v) || v < amm::kMinTick ||
          v > amm::kMaxTick) {
        return bad(fmt::format("{} is not an integer tick in [{}, {}]", kTickNames[k],
                               amm::kMinTick, amm::kMaxTick));
      }
      ticks[k] = static_cast<int>(v);
    }
    double in0 = 0.0, in1 = 0.0, liq = 0.0;
    if (!parse_double(fields[7], in0) || in0 < 0.0) return bad("inAmount0 is not a number >= 0");
    if (!parse_double(fields[8], in1) || in1 < 0.0) return bad("inAmount1 is not a number >= 0");
    if (!parse_double(fields[9], liq) || liq < 0.0) {
      return bad("currentLiquidity is not a number >= 0");
    }
    if (!bars.timestamps.empty() && t <= bars.timestamps.back()) {
      return bad("timestamp is not after the previous line's; sort the file by time");
    }
    bars.timestamps.push_back(t);
    bars.close_tick.push_back(ticks[0]);
    bars.open_tick.push_back(ticks[1]);
    bars.low_tick.push_back(ticks[2]);
    bars.high_tick.push_back(ticks[3]);
    bars.price.push_back(amm::price_at_tick(ticks[0]) * price_scale);
    bars.in_amount0.push_back(in0 / scale0);
    bars.in_amount1.push_back(in1 / scale1);
    bars.active_liquidity.push_back(liq / scale_l);
  }
  if (line_no == 0) return Status::invalid(fmt::format("pool file '{}' is empty", path));
  if (bars.timestamps.empty()) {
    return Status::invalid(fmt::format("pool file '{}' has a header but no bars", path));
  }
  return bars;
}

// Floor and ceiling division for tick snapping (ticks may be negative).
int floor_to(int tick, int spacing) {
  int q = tick / spacing;
  if (tick % spacing != 0 && tick < 0) --q;
  return q * spacing;
}
int ceil_to(int tick, int spacing) { return -floor_to(-tick, spacing); }

struct TickRange {
  int lower = 0;
  int upper = 0;
  double price_lower = 0.0;
  double price_upper = 0.0;
};

// [pa, pb] in human prices -> ticks snapped outward; price_scale = 10^(d0 - d1).
Result<TickRange> snap_range(double pa, double pb, double price_scale, int spacing) {
  TickRange r;
  r.lower = floor_to(amm::tick_at_price(pa / price_scale), spacing);
  int upper = amm::tick_at_price(pb / price_scale);
  if (amm::price_at_tick(upper) < pb / price_scale) ++upper;
  r.upper = ceil_to(upper, spacing);
  if (r.upper <= r.lower) r.upper = r.lower + spacing;
  if (r.lower < amm::kMinTick || r.upper > amm::kMaxTick) {
    return Status::invalid(fmt::format(
        "range [{}, {}] lies outside the pool's tick range; choose prices nearer the pool price",
        pa, pb));
  }
  r.price_lower = amm::price_at_tick(r.lower) * price_scale;
  r.price_upper = amm::price_at_tick(r.upper) * price_scale;
  return r;
}

enum class FeeMode { kObserved, kModelled };

Result<LpBacktestResult> run_engine(const PoolBars& bars, const LpBacktestOptions& options,
                                    FeeMode mode) {
  if (Status s = bars.spec.validate(); !s.is_ok()) return s;
  if (Status s = options.validate(); !s.is_ok()) return s;
  const std::size_t n = bars.size();
  if (n < 2) {
    return Status::invalid(
        fmt::format("the backtest needs at least 2 bars, got {}; give more data", n));
  }
  for (std::size_t t = 0; t < n; ++t) {
    if (!(bars.price[t] > 0.0) || !std::isfinite(bars.price[t])) {
      return Status::invalid(fmt::format("bar {}: price {} is not positive", t, bars.price[t]));
    }
  }
  const double price_scale = std::pow(10.0, bars.spec.decimals0 - bars.spec.decimals1);
  const int spacing = bars.spec.tick_spacing;
  const double fee_rate = bars.spec.fee_rate;
  const double p0 = bars.price[0];
  // The requested range relative to the entry price (re-centring keeps these ratios).
  double rel_lower = 0.0, rel_upper = 0.0;
  if (options.range_width > 0.0) {
    rel_lower = 1.0 - options.range_width;
    rel_upper = 1.0 + options.range_width;
  } else {
    rel_lower = options.price_lower / p0;
    rel_upper = options.price_upper / p0;
  }
  auto first = snap_range(p0 * rel_lower, p0 * rel_upper, price_scale, spacing);
  if (!first) return first.status();
  TickRange range = *first;

  const auto value_at = [&](double p, double liq, const TickRange& r) {
    return amm::range_value(p, liq, r.price_lower, r.price_upper);
  };
  const auto amount0_at = [&](double p, double liq, const TickRange& r) {
    return amm::amounts_for_liquidity(std::sqrt(p), std::sqrt(r.price_lower),
                                      std::sqrt(r.price_upper), liq)
        .amount0;
  };

  double liquidity = options.capital / value_at(p0, 1.0, range);
  const amm::TokenAmounts deposit = amm::amounts_for_liquidity(
      std::sqrt(p0), std::sqrt(range.price_lower), std::sqrt(range.price_upper), liquidity);

  LpBacktestResult result;
  LpBacktestSummary& sum = result.summary;
  LpBacktestSeries& ser = result.series;
  sum.fees_source = mode == FeeMode::kObserved ? "observed" : "modelled";
  sum.tick_lower = range.lower;
  sum.tick_upper = range.upper;
  sum.price_lower = range.price_lower;
  sum.price_upper = range.price_upper;
  sum.liquidity = liquidity;
  sum.bars = n;
  sum.start = bars.timestamps.front();
  sum.end = bars.timestamps.back();
  sum.days = static_cast<double>(sum.end - sum.start) / 86400.0;

  const auto in_range_at = [&](std::size_t t) {
    return range.lower <= bars.close_tick[t] && bars.close_tick[t] < range.upper;
  };
  double value = value_at(p0, liquidity, range);
  sum.initial_value = value;
  double fees0 = 0.0, fees1 = 0.0, lvr = 0.0, gain = 0.0, costs = 0.0;
  std::size_t bars_in_range = 0;
  int out_count = 0;
  const auto record = [&](std::size_t t, bool in_range) {
    const double p = bars.price[t];
    const double held = deposit.amount0 * p + deposit.amount1;
    ser.timestamps.push_back(bars.timestamps[t]);
    ser.price.push_back(p);
    ser.value.push_back(value);
    ser.fees0.push_back(fees0);
    ser.fees1.push_back(fees1);
    ser.held_value.push_back(held);
    ser.divergence_loss.push_back(value - held);
    ser.lvr.push_back(lvr);
    ser.in_range.push_back(in_range);
  };
  record(0, in_range_at(0));

  for (std::size_t t = 1; t < n; ++t) {
    const double p_prev = bars.price[t - 1];
    const double p = bars.price[t];
    const double value_prev = value;
    gain += amount0_at(p_prev, liquidity, range) * (p - p_prev);
    const double step_prices[2] = {p_prev, p};
    lvr += amm::discrete_lvr(step_prices, liquidity, range.price_lower, range.price_upper).total;
    value = value_at(p, liquidity, range);
    const bool in_range = in_range_at(t);
    if (in_range) {
      ++bars_in_range;
      if (mode == FeeMode::kObserved) {
        const double share = liquidity / (bars.active_liquidity[t] + liquidity);
        fees0 += fee_rate * bars.in_amount0[t] * share;
        fees1 += fee_rate * bars.in_amount1[t] * share;
      } else {
        const double years =
            static_cast<double>(bars.timestamps[t] - bars.timestamps[t - 1]) / kSecondsPerYear;
        fees1 += options.fee_apr * value_prev * years;
      }
    }
    out_count = in_range ? 0 : out_count + 1;
    if (options.recentre_after > 0 && out_count >= options.recentre_after && t + 1 < n) {
      // Withdraw at this close, swap to the new range's split, redeposit.
      const double x_old = amount0_at(p, liquidity, range);
      const double w = value;
      auto next = snap_range(p * rel_lower, p * rel_upper, price_scale, spacing);
      if (!next) return next.status();
      const double a = amount0_at(p, 1.0, *next) / value_at(p, 1.0, *next);  // token0 per value
      const double c = fee_rate + options.recentre_slippage;
      // Selling token0 (x_old > a W'): W' = W − c P (x_old − a W'); buying: W' = W − c P (a W' −
      // x_old).
      double w_new = (w - c * p * x_old) / (1.0 - c * p * a);
      if (x_old < a * w_new) w_new = (w + c * p * x_old) / (1.0 + c * p * a);
      costs += w - w_new;
      range = *next;
      liquidity = w_new / value_at(p, 1.0, range);
      value = value_at(p, liquidity, range);
      ++sum.recentrings;
      out_count = 0;
    }
    record(t, in_range);
  }
  const double p_end = bars.price.back();
  sum.final_value = value;
  sum.held_value = deposit.amount0 * p_end + deposit.amount1;
  sum.fees0 = fees0;
  sum.fees1 = fees1;
  sum.fees_value = fees0 * p_end + fees1;
  sum.fee_apr = sum.days > 0.0 ? sum.fees_value / sum.initial_value * 365.0 / sum.days : 0.0;
  sum.divergence_loss = sum.final_value - sum.held_value;
  sum.lvr = lvr;
  sum.rebalancing_gain = gain;
  sum.net_vs_hold = sum.final_value + sum.fees_value - sum.held_value;
  sum.time_in_range = static_cast<double>(bars_in_range) / static_cast<double>(n - 1);
  sum.costs = costs;
  return result;
}

}  // namespace

Status PoolSpec::validate() const {
  if (decimals0 < 0 || decimals0 > 36) {
    return Status::invalid(
        fmt::format("decimals0 = {} is outside [0, 36]; USDC has 6, WETH 18", decimals0));
  }
  if (decimals1 < 0 || decimals1 > 36) {
    return Status::invalid(
        fmt::format("decimals1 = {} is outside [0, 36]; USDC has 6, WETH 18", decimals1));
  }
  if (!(fee_rate >= 0.0) || !(fee_rate < 1.0)) {
    return Status::invalid(fmt::format(
        "fee_rate = {} is outside [0, 1); give the fee tier as a fraction (0.0005 = 0.05 %)",
        fee_rate));
  }
  if (tick_spacing < 1) {
    return Status::invalid(fmt::format("tick_spacing = {} must be >= 1", tick_spacing));
  }
  return Status::ok();
}

Status LpBacktestOptions::validate() const {
  const bool by_width = range_width != 0.0;
  if (by_width) {
    if (!(range_width > 0.0) || !(range_width < 1.0)) {
      return Status::invalid(fmt::format(
          "range_width = {} is outside (0, 1); 0.1 gives [0.9 P0, 1.1 P0]", range_width));
    }
    if (price_lower != 0.0 || price_upper != 0.0) {
      return Status::invalid("give either range_width or price_lower/price_upper, not both");
    }
  } else {
    if (!(price_lower > 0.0) || !std::isfinite(price_upper) || !(price_upper > price_lower)) {
      return Status::invalid(fmt::format(
          "range lower {} and upper {} must satisfy 0 < lower < upper < inf (prices in token1 "
          "per token0), or give range_width",
          price_lower, price_upper));
    }
  }
  if (!(capital > 0.0) || !std::isfinite(capital)) {
    return Status::invalid(fmt::format("capital = {} must be > 0", capital));
  }
  if (recentre_after < 0) {
    return Status::invalid(
        fmt::format("recentre_after = {} must be >= 0 (0 = never)", recentre_after));
  }
  if (!(recentre_slippage >= 0.0) || !(recentre_slippage < 0.5)) {
    return Status::invalid(
        fmt::format("recentre_slippage = {} must be in [0, 0.5)", recentre_slippage));
  }
  if (!std::isfinite(fee_apr) || fee_apr < 0.0) {
    return Status::invalid(fmt::format("fee_apr = {} must be >= 0", fee_apr));
  }
  return Status::ok();
}

Result<PoolBars> read_pool_bars(std::span<const std::string> paths, const PoolSpec& spec) {
  if (Status s = spec.validate(); !s.is_ok()) return s;
  if (paths.empty()) return Status::invalid("no pool files given; pass one or more minute CSVs");
  std::vector<PoolBars> parts;
  for (const std::string& path : paths) {
    auto part = read_one(path, spec);
    if (!part) return part.status();
    parts.push_back(std::move(*part));
  }
  std::stable_sort(parts.begin(), parts.end(), [](const PoolBars& a, const PoolBars& b) {
    return a.timestamps.front() < b.timestamps.front();
  });
  PoolBars all;
  all.spec = spec;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const PoolBars& p = parts[k];
    if (k > 0 && p.timestamps.front() <= all.timestamps.back()) {
      return Status::invalid(
          fmt::format("pool files '{}' and '{}' overlap in time; give each day once",
                      all.sources.back(), p.sources.front()));
    }
    all.sources.push_back(p.sources.front());
    const auto append = [](auto& to, const auto& from) {
      to.insert(to.end(), from.begin(), from.end());
    };
    append(all.timestamps, p.timestamps);
    append(all.close_tick, p.close_tick);
    append(all.open_tick, p.open_tick);
    append(all.low_tick, p.low_tick);
    append(all.high_tick, p.high_tick);
    append(all.price, p.price);
    append(all.in_amount0, p.in_amount0);
    append(all.in_amount1, p.in_amount1);
    append(all.active_liquidity, p.active_liquidity);
  }
  return all;
}

PoolBars invert_pool_bars(const PoolBars& bars) {
  PoolBars out = bars;
  std::swap(out.spec.decimals0, out.spec.decimals1);
  const double price_scale = std::pow(10.0, out.spec.decimals0 - out.spec.decimals1);
  for (std::size_t t = 0; t < bars.size(); ++t) {
    out.close_tick[t] = -bars.close_tick[t];
    out.open_tick[t] = -bars.open_tick[t];
    out.low_tick[t] = -bars.high_tick[t];
    out.high_tick[t] = -bars.low_tick[t];
    out.price[t] = amm::price_at_tick(out.close_tick[t]) * price_scale;
    out.in_amount0[t] = bars.in_amount1[t];
    out.in_amount1[t] = bars.in_amount0[t];
  }
  return out;
}

Result<LpBacktestResult> lp_backtest(const PoolBars& bars, const LpBacktestOptions& options) {
  return run_engine(bars, options, FeeMode::kObserved);
}

Result<LpBacktestResult> lp_backtest_modelled(std::span<const Timestamp> timestamps,
                                              std::span<const double> prices,
                                              const LpBacktestOptions& options) {
  if (timestamps.size() != prices.size()) {
    return Status::invalid(fmt::format("{} timestamps but {} prices; give one price per time",
                                       timestamps.size(), prices.size()));
  }
  PoolBars bars;
  bars.spec = PoolSpec{.decimals0 = 0, .decimals1 = 0, .fee_rate = 0.0, .tick_spacing = 1};
  for (std::size_t t = 0; t < prices.size(); ++t) {
    if (!(prices[t] > 0.0) || !std::isfinite(prices[t])) {
      return Status::invalid(fmt::format("price {} at row {} is not positive", prices[t], t));
    }
    if (t > 0 && timestamps[t] <= timestamps[t - 1]) {
      return Status::invalid(fmt::format("timestamps are not increasing at row {}", t));
    }
    const int tick = amm::tick_at_price(prices[t]);
    bars.timestamps.push_back(timestamps[t]);
    bars.close_tick.push_back(tick);
    bars.open_tick.push_back(tick);
    bars.low_tick.push_back(tick);
    bars.high_tick.push_back(tick);
    bars.price.push_back(prices[t]);  // the price itself, not the tick's (valuation is exact)
    bars.in_amount0.push_back(0.0);
    bars.in_amount1.push_back(0.0);
    bars.active_liquidity.push_back(0.0);
  }
  return run_engine(bars, options, FeeMode::kModelled);
}

// ---------------------------------------------------------------------------------------------

Status PerpHedgeOptions::validate() const {
  if (kind == HedgedKind::kLp) {
    if (Status s = lp.validate(); !s.is_ok()) return s;
  } else if (!std::isfinite(quantity)) {
    return Status::invalid("quantity must be finite");
  }
  if (!std::isfinite(hedge_ratio)) return Status::invalid("hedge_ratio must be finite");
  if (rebalance_every < 0) {
    return Status::invalid(fmt::format("rebalance_every = {} must be >= 0", rebalance_every));
  }
  if (!(band >= 0.0)) return Status::invalid(fmt::format("band = {} must be >= 0", band));
  if (rebalance_every == 0 && band == 0.0) {
    return Status::invalid("rebalance_every = 0 and band = 0 never rebalance; set one of them");
  }
  if (!(trading_fee >= 0.0) || !(trading_fee < 1.0)) {
    return Status::invalid(fmt::format("trading_fee = {} must be in [0, 1)", trading_fee));
  }
  if (!(funding_interval_hours > 0.0)) {
    return Status::invalid("funding_interval_hours must be > 0 (8 for Binance and BitMEX)");
  }
  return Status::ok();
}

Result<PerpHedgeResult> perp_hedge_backtest(std::span<const Timestamp> timestamps,
                                            std::span<const double> prices,
                                            std::span<const double> funding_rates,
                                            const PerpHedgeOptions& options) {
  if (Status s = options.validate(); !s.is_ok()) return s;
  const std::size_t n = prices.size();
  if (n < 2 || timestamps.size() != n) {
    return Status::invalid(
        fmt::format("the hedge backtest needs >= 2 prices and one timestamp each (got {} and {})",
                    n, timestamps.size()));
  }
  if (funding_rates.size() < n - 1) {
    return Status::invalid(fmt::format("{} funding rates for {} periods; give one per period",
                                       funding_rates.size(), n - 1));
  }
  for (std::size_t t = 0; t < n; ++t) {
    if (!(prices[t] > 0.0) || !std::isfinite(prices[t])) {
      return Status::invalid(fmt::format("price {} at row {} is not positive", prices[t], t));
    }
    if (t > 0 && timestamps[t] <= timestamps[t - 1]) {
      return Status::invalid(fmt::format("timestamps are not increasing at row {}", t));
    }
  }
  // The hedged position: value and delta (coins) at a price.
  double pa = 0.0, pb = 0.0, liquidity = 0.0;
  if (options.kind == HedgedKind::kLp) {
    const LpBacktestOptions& lp = options.lp;
    pa = lp.range_width > 0.0 ? prices[0] * (1.0 - lp.range_width) : lp.price_lower;
    pb = lp.range_width > 0.0 ? prices[0] * (1.0 + lp.range_width) : lp.price_upper;
    liquidity = lp.capital / amm::range_value(prices[0], 1.0, pa, pb);
  }
  const auto value_at = [&](double p) {
    return options.kind == HedgedKind::kSpot ? options.quantity * p
                                             : amm::range_value(p, liquidity, pa, pb);
  };
  const auto delta_at = [&](double p) {
    return options.kind == HedgedKind::kSpot
               ? options.quantity
               : amm::amounts_for_liquidity(std::sqrt(p), std::sqrt(pa), std::sqrt(pb), liquidity)
                     .amount0;
  };

  PerpHedgeResult out;
  double perp = 0.0;
  const auto rebalance = [&](std::size_t t) {
    const double target = -options.hedge_ratio * delta_at(prices[t]);
    out.trading_costs += options.trading_fee * std::abs(target - perp) * prices[t];
    perp = target;
    ++out.rebalances;
  };
  rebalance(0);
  out.net_cumulative.push_back(0.0);
  for (std::size_t t = 0; t + 1 < n; ++t) {
    const double p = prices[t];
    const double p_next = prices[t + 1];
    out.perp_position.push_back(perp);
    const double hours = static_cast<double>(timestamps[t + 1] - timestamps[t]) / 3600.0;
    out.hedge_pnl += perp * (p_next - p);
    PerpPosition position{.underlying = "hedge",
                          .settlement = Settlement::kLinear,
                          .contract_size = 1.0,
                          .contracts = perp,
                          .entry_price = p,
                          .margin = 0.0,
                          .funding_interval_hours = options.funding_interval_hours};
    if (!std::isfinite(funding_rates[t])) {
      return Status::invalid(fmt::format("funding rate of period {} is not finite", t));
    }
    auto pay = funding_payment(position, p, funding_rates[t]);
    if (!pay) return pay.status();
    out.funding_paid += *pay * hours / options.funding_interval_hours;
    out.position_pnl += value_at(p_next) - value_at(p);
    if (options.kind == HedgedKind::kLp && options.lp.fee_apr > 0.0 && p_next >= pa &&
        p_next < pb) {
      const double fee = options.lp.fee_apr * value_at(p) * hours / (365.0 * 24.0);
      out.lp_fees += fee;
      out.position_pnl += fee;
    }
    out.net = out.position_pnl + out.hedge_pnl - out.funding_paid - out.trading_costs;
    out.net_cumulative.push_back(out.net);
    if (t + 2 < n) {
      const std::size_t next = t + 1;
      const bool scheduled = options.rebalance_every > 0 &&
                             next % static_cast<std::size_t>(options.rebalance_every) == 0;
      const double drift = std::abs(delta_at(p_next) * options.hedge_ratio + perp) * p_next;
      const bool banded = options.band > 0.0 && drift > options.band * std::abs(value_at(p_next));
      if (scheduled || banded) rebalance(next);
    }
  }
  return out;
}

Result<std::vector<double>> funding_rates_for_periods(std::span<const Timestamp> timestamps,
                                                      std::span<const Timestamp> days,
                                                      std::span<const double> daily_rates) {
  if (days.size() != daily_rates.size()) {
    return Status::invalid("funding days and rates differ in length");
  }
  std::vector<double> rates;
  for (std::size_t t = 0; t + 1 < timestamps.size(); ++t) {
    const Timestamp day =
        timestamps[t] - ((timestamps[t] % kSecondsPerDay) + kSecondsPerDay) % kSecondsPerDay;
    const auto it = std::lower_bound(days.begin(), days.end(), day);
    if (it == days.end() || *it != day) {
      return Status::invalid(fmt::format(
          "no funding rate for {} (period {}); use a price window inside the funding series",
          format_date(day), t));
    }
    rates.push_back(daily_rates[static_cast<std::size_t>(it - days.begin())]);
  }
  return rates;
}

Result<DailySeries> read_daily_funding(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::invalid(fmt::format("cannot open funding file '{}'", path));
  DailySeries s;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1 || line.empty()) continue;
    const auto fields = split(line);
    Timestamp day = 0;
    double rate = 0.0;
    if (fields.size() < 2 || !parse_time(fields[0], day) || !parse_double(fields[1], rate)) {
      return Status::invalid(
          fmt::format("{}:{}: expected 'YYYY-MM-DD,rate' (line '{}'); fix or remove the line", path,
                      line_no, line));
    }
    if (!s.days.empty() && day <= s.days.back()) {
      return Status::invalid(fmt::format("{}:{}: dates are not increasing", path, line_no));
    }
    s.days.push_back(day);
    s.values.push_back(rate);
  }
  return s;
}

}  // namespace keel
