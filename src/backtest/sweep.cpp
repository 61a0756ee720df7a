#include "keel/backtest/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "keel/core/normal_quantile.hpp"
#include "keel/core/random.hpp"
#include "keel/estimate/distributions.hpp"

namespace keel {

namespace {

constexpr double kEulerGamma = 0.57721566490153286061;

// A uniform integer in [0, bound] by rejection (no modulo bias).
std::uint64_t uniform_up_to(Random& random, std::uint64_t bound) {
  if (bound == std::numeric_limits<std::uint64_t>::max()) return random.next();
  const std::uint64_t range = bound + 1;
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % range;
  for (;;) {
    const std::uint64_t x = random.next();
    if (x < limit) return x % range;
  }
}

}  // namespace

std::string sweep_value_text(const SweepValue& value) {
  if (const bool* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const double* d = std::get_if<double>(&value)) {
    char buffer[40];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, *d).ptr;
    return std::string(buffer, end);
  }
  return std::get<std::string>(value);
}

Json sweep_value_json(const SweepValue& value) {
  if (const bool* b = std::get_if<bool>(&value)) return *b;
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
  if (const double* d = std::get_if<double>(&value)) return json_number(*d);
  return std::get<std::string>(value);
}

Status SweepSpec::validate() const {
  if (mode == SweepMode::kList) {
    if (points.empty()) return Status::invalid("sweep: the list of points is empty; add [[point]]");
    return Status::ok();
  }
  if (axes.empty()) return Status::invalid("sweep: no axes; add [axes] with key = [values]");
  std::set<std::string> names;
  for (const auto& axis : axes) {
    if (axis.values.empty()) {
      return Status::invalid("sweep: axis '" + axis.name + "' has no values; give at least one");
    }
    if (!names.insert(axis.name).second) {
      return Status::invalid("sweep: axis '" + axis.name + "' is given twice");
    }
  }
  if (mode == SweepMode::kSample && sample == 0) {
    return Status::invalid("sweep: sample must be at least 1");
  }
  return Status::ok();
}

Result<std::uint64_t> sweep_size(const SweepSpec& spec) {
  KEEL_RETURN_IF_ERROR(spec.validate());
  if (spec.mode == SweepMode::kList) return static_cast<std::uint64_t>(spec.points.size());
  std::uint64_t size = 1;
  for (const auto& axis : spec.axes) {
    const auto n = static_cast<std::uint64_t>(axis.values.size());
    if (size > std::numeric_limits<std::uint64_t>::max() / n) {
      return Status::invalid("sweep: the grid has more than 2^64 points; remove axes or values");
    }
    size *= n;
  }
  if (spec.mode == SweepMode::kSample) {
    if (spec.sample > size) {
      return Status::invalid("sweep: sample = " + std::to_string(spec.sample) +
                             " is more than the grid's " + std::to_string(size) +
                             " points; lower it or use the full grid");
    }
    return spec.sample;
  }
  return size;
}

Result<std::vector<SweepPoint>> expand_sweep(const SweepSpec& spec) {
  auto size = sweep_size(spec);
  if (!size) return size.status();
  std::vector<SweepPoint> points;
  if (spec.mode == SweepMode::kList) {
    for (std::size_t i = 0; i < spec.points.size(); ++i) points.push_back({i, spec.points[i]});
    return points;
  }
  std::uint64_t grid = 1;
  for (const auto& axis : spec.axes) grid *= axis.values.size();
  std::vector<std::uint64_t> indices;
  if (spec.mode == SweepMode::kGrid) {
    indices.resize(grid);
    for (std::uint64_t i = 0; i < grid; ++i) indices[i] = i;
  } else {
    // Floyd's algorithm: k distinct integers of [0, M) with k draws.
    Random random(spec.seed);
    std::set<std::uint64_t> chosen;
    for (std::uint64_t j = grid - spec.sample; j < grid; ++j) {
      const std::uint64_t t = uniform_up_to(random, j);
      if (!chosen.insert(t).second) chosen.insert(j);
    }
    indices.assign(chosen.begin(), chosen.end());
  }
  points.reserve(indices.size());
  for (std::size_t p = 0; p < indices.size(); ++p) {
    SweepPoint point;
    point.index = p;
    point.values.resize(spec.axes.size());
    std::uint64_t rest = indices[p];
    for (std::size_t a = spec.axes.size(); a-- > 0;) {  // the last axis varies fastest
      const auto n = static_cast<std::uint64_t>(spec.axes[a].values.size());
      point.values[a] = {spec.axes[a].name, spec.axes[a].values[rest % n]};
      rest /= n;
    }
    points.push_back(std::move(point));
  }
  return points;
}

void sweep_point_statistics(const Eigen::VectorXd& net_returns, double periods_per_year,
                            double risk_free_rate, SweepPointResult& result) {
  const Eigen::Index n = net_returns.size() - 1;  // row 0 is the start
  result.observations = static_cast<int>(std::max<Eigen::Index>(n, 0));
  if (n < 2) {
    result.sharpe_per_period = std::numeric_limits<double>::quiet_NaN();
    result.skewness = std::numeric_limits<double>::quiet_NaN();
    result.kurtosis = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  const Eigen::VectorXd r = net_returns.tail(n);
  const double mean = r.mean();
  const Eigen::VectorXd d = r.array() - mean;
  const double m2 = d.squaredNorm() / static_cast<double>(n);
  const double m3 = d.array().cube().sum() / static_cast<double>(n);
  const double m4 = d.array().square().square().sum() / static_cast<double>(n);
  const double sd = std::sqrt(d.squaredNorm() / static_cast<double>(n - 1));
  result.sharpe_per_period = (mean - risk_free_rate / periods_per_year) / sd;
  result.skewness = m3 / std::pow(m2, 1.5);
  result.kurtosis = m4 / (m2 * m2);
}

std::vector<SweepPointResult> run_sweep(const PricePanel& panel, const std::vector<SweepJob>& jobs,
                                        const std::vector<bool>& skip, const Context& context,
                                        const SweepPointCallback& on_point) {
  std::vector<SweepPointResult> results(jobs.size());
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    results[i].index = i;
    if (skip.empty() || !skip[i]) todo.push_back(i);
  }
  std::atomic<std::size_t> next{0};
  std::mutex lock;
  auto worker = [&] {
    Context inner;
    inner.set_threads(1);
    for (;;) {
      if (context.cancelled()) return;
      const std::size_t k = next.fetch_add(1);
      if (k >= todo.size()) return;
      const std::size_t i = todo[k];
      SweepPointResult& out = results[i];
      const auto start = std::chrono::steady_clock::now();
      auto run = run_backtest(panel, {jobs[i].strategy}, jobs[i].options, inner);
      if (!run) {
        out.status = run.status();
      } else if (run->strategies.size() != 1) {
        out.status = Status::internal("sweep: a point's backtest returned no strategy");
      } else {
        const StrategyResult& s = run->strategies.front();
        out.metrics = s.metrics;
        sweep_point_statistics(s.net_returns, run->periods_per_year, jobs[i].options.risk_free_rate,
                               out);
      }
      out.elapsed_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      if (on_point) {
        std::lock_guard<std::mutex> guard(lock);
        on_point(out);
      }
    }
  };
  std::size_t threads = context.threads() == 0 ? std::max(1u, std::thread::hardware_concurrency())
                                               : static_cast<std::size_t>(context.threads());
  threads = std::max<std::size_t>(1, std::min(threads, todo.size()));
  if (threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  return results;
}

double probabilistic_sharpe_ratio(double sharpe, double benchmark_sharpe, int observations,
                                  double skewness, double kurtosis) {
  const double denominator_squared =
      1.0 - skewness * sharpe + (kurtosis - 1.0) / 4.0 * sharpe * sharpe;
  if (observations < 2 || !(denominator_squared > 0.0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return normal_cdf((sharpe - benchmark_sharpe) * std::sqrt(observations - 1.0) /
                    std::sqrt(denominator_squared));
}

double expected_max_sharpe(double variance, std::size_t trials) {
  if (trials <= 1) return 0.0;
  const double n = static_cast<double>(trials);
  return std::sqrt(variance) * ((1.0 - kEulerGamma) * normal_quantile(1.0 - 1.0 / n) +
                                kEulerGamma * normal_quantile(1.0 - 1.0 / (n * std::exp(1.0))));
}

Json DeflatedSharpe::to_json() const {
  return {{"best_point", best},
          {"trials", trials},
          {"sharpe", json_number(sharpe)},
          {"sharpe_per_period", json_number(sharpe_per_period)},
          {"sharpe_variance_across_trials", json_number(variance)},
          {"expected_max_sharpe_per_period", json_number(expected_max)},
          {"probabilistic_sharpe_ratio", json_number(psr)},
          {"deflated_sharpe_ratio", json_number(dsr)},
          {"reference",
           "Bailey & Lopez de Prado (2014), The Deflated Sharpe Ratio, J. Portfolio Management "
           "40(5); per-period Sharpe ratios"}};
}

Result<DeflatedSharpe> deflated_sharpe(const std::vector<SweepPointResult>& results) {
  std::vector<const SweepPointResult*> ok;
  for (const auto& r : results) {
    if (r.status && std::isfinite(r.sharpe_per_period)) ok.push_back(&r);
  }
  if (ok.empty()) {
    return Status::invalid("sweep: no point has a Sharpe ratio, so there is no deflated Sharpe");
  }
  DeflatedSharpe out;
  out.trials = ok.size();
  const SweepPointResult* best = ok.front();
  double mean = 0.0;
  for (const auto* r : ok) {
    if (r->sharpe_per_period > best->sharpe_per_period) best = r;
    mean += r->sharpe_per_period;
  }
  mean /= static_cast<double>(ok.size());
  double variance = 0.0;
  for (const auto* r : ok)
    variance += (r->sharpe_per_period - mean) * (r->sharpe_per_period - mean);
  out.variance = ok.size() > 1 ? variance / static_cast<double>(ok.size() - 1) : 0.0;
  out.best = best->index;
  out.sharpe = best->metrics.sharpe;
  out.sharpe_per_period = best->sharpe_per_period;
  out.expected_max = expected_max_sharpe(out.variance, out.trials);
  out.psr = probabilistic_sharpe_ratio(best->sharpe_per_period, 0.0, best->observations,
                                       best->skewness, best->kurtosis);
  out.dsr = probabilistic_sharpe_ratio(best->sharpe_per_period, out.expected_max,
                                       best->observations, best->skewness, best->kurtosis);
  return out;
}

}  // namespace keel
