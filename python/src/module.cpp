// keel._keel: the compiled layer of the Python package. It converts arrays and option dicts into
// the library's types, calls the library with the GIL released, and returns arrays, lists and
// JSON text. Names (assets, dates) and pandas live in python/keel/; nothing numerical lives here.
//
// Errors: a library Status becomes a Python exception of the class for its code
// (InvalidInputError is also a ValueError), carrying the library's message unchanged.

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <future>
#include <memory>
#include <thread>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "keel/backtest/engine.hpp"
#include "keel/core/context.hpp"
#include "keel/core/json.hpp"
#include "keel/core/status.hpp"
#include "keel/core/time.hpp"
#include "keel/data/frequency.hpp"
#include "keel/data/market.hpp"
#include "keel/data/missing.hpp"
#include "keel/data/price_panel.hpp"
#include "keel/data/read_prices.hpp"
#include "keel/estimate/covariance.hpp"
#include "keel/estimate/estimates.hpp"
#include "keel/estimate/expected_returns.hpp"
#include "keel/estimate/psd.hpp"
#include "keel/estimate/return_cleaning.hpp"
#include "keel/optimize/critical_line.hpp"
#include "keel/optimize/frontier.hpp"
#include "keel/optimize/model.hpp"
#include "keel/report/backtest_report.hpp"
#include "keel/report/frontier_report.hpp"
#include "keel/report/html_report.hpp"
#include "keel/report/optimize_report.hpp"
#include "keel/report/stress_report.hpp"
#include "keel/risk/risk_profile.hpp"
#include "keel/risk/stress_replay.hpp"
#include "keel/risk/stress_suite.hpp"

namespace py = pybind11;

namespace keel::python {
namespace {

// ---- errors -------------------------------------------------------------------------------------

struct StatusError {
  Status status;
};

// The exception classes, created once at import (module lifetime; never freed).
PyObject* g_keel_error = nullptr;
PyObject* g_invalid_input = nullptr;
PyObject* g_no_solution = nullptr;
PyObject* g_numerical = nullptr;
PyObject* g_internal = nullptr;

[[noreturn]] void raise(const Status& status) { throw StatusError{status}; }

template <typename T>
T take(Result<T> result) {
  if (!result) raise(result.status());
  return std::move(*result);
}

PyObject* new_exception(py::module_& m, const char* name, PyObject* base_a, PyObject* base_b,
                        const char* doc) {
  py::tuple bases = base_b != nullptr
                        ? py::make_tuple(py::handle(base_a), py::handle(base_b))
                        : py::make_tuple(py::handle(base_a));
  const std::string qualified = std::string("keel._keel.") + name;
  PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
  if (cls == nullptr) throw py::error_already_set();
  m.add_object(name, py::handle(cls));  // add_object takes its own reference
  return cls;
}

// ---- option dicts -------------------------------------------------------------------------------

// Reads the keys of an option dict, refusing unknown ones by name (a typo must not be ignored).
class Options {
 public:
  Options(py::dict dict, std::string where) : dict_(std::move(dict)), where_(std::move(where)) {}

  template <typename T>
  T get(const char* key, T fallback) {
    used_.insert(key);
    if (!dict_.contains(key)) return fallback;
    py::object value = dict_[key];
    if (value.is_none()) return fallback;
    try {
      return value.cast<T>();
    } catch (const py::cast_error&) {
      throw py::type_error(where_ + ": option '" + key + "' has the wrong type (" +
                           std::string(py::str(py::type::handle_of(value).attr("__name__"))) + ")");
    }
  }
  bool has(const char* key) const {
    return dict_.contains(key) && !py::object(dict_[key]).is_none();
  }
  bool contains(const char* key) const { return dict_.contains(key); }
  py::object raw(const char* key) {
    used_.insert(key);
    return dict_.contains(key) ? py::object(dict_[key]) : py::none();
  }
  // Call after every get(): an unknown key is a ValueError naming it.
  void finish() const {
    for (auto item : dict_) {
      const auto key = item.first.cast<std::string>();
      if (used_.count(key) == 0) raise(Status::invalid(where_ + ": unknown option '" + key + "'"));
    }
  }

 private:
  py::dict dict_;
  std::string where_;
  std::set<std::string> used_;
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using TimestampArray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

std::vector<Timestamp> timestamps_from(const TimestampArray& a) {
  if (a.ndim() != 1) raise(Status::invalid("timestamps must be one-dimensional"));
  const auto view = a.unchecked<1>();
  std::vector<Timestamp> out(static_cast<std::size_t>(view.shape(0)));
  for (py::ssize_t i = 0; i < view.shape(0); ++i) out[static_cast<std::size_t>(i)] = view(i);
  return out;
}

py::array_t<std::int64_t> timestamps_to(const std::vector<Timestamp>& ts) {
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(ts.size()));
  auto view = out.mutable_unchecked<1>();
  for (std::size_t i = 0; i < ts.size(); ++i) view(static_cast<py::ssize_t>(i)) = ts[i];
  return out;
}

py::list repairs_to(const std::vector<Repair>& repairs) {
  py::list out;
  for (const auto& r : repairs) out.append(py::dict(py::arg("action") = r.action,
                                                     py::arg("detail") = r.detail));
  return out;
}

// ---- prices → market ----------------------------------------------------------------------------

// The options of a price table: how its rows are taken (ReadOptions' duplicates and sort, as the
// file reader applies them), then keel/data/market.hpp's missing-data policy, periods per year and
// return kind.
MarketOptions market_options(py::dict dict) {
  Options o(std::move(dict), "prepare");
  const auto duplicates = o.get<std::string>("duplicates", "error");
  const bool sort = o.get<bool>("sort", false);
  const auto missing = o.get<std::string>("missing", "error");
  const double ppy = o.get<double>("periods_per_year", 0.0);
  const bool log_returns = o.get<bool>("log_returns", false);
  o.finish();
  MarketOptions m;
  auto policy = parse_duplicate_policy(duplicates);
  if (!policy) raise(policy.status().with_context("duplicates"));
  m.read.duplicates = *policy;
  m.read.sort = sort;
  auto missing_policy = parse_missing_policy(missing);
  if (!missing_policy) raise(missing_policy.status().with_context("missing"));
  m.missing = *missing_policy;
  m.periods_per_year = ppy;
  m.return_kind = log_returns ? ReturnKind::kLog : ReturnKind::kSimple;
  return m;
}

// A price table as a panel, checked as the file reader checks a file (distinct asset names,
// positive prices) and with its rows ordered by the reader's rules (keel/data/read_prices.hpp's
// order_rows with ReadOptions::duplicates and ::sort): rows newest-first are reversed silently;
// rows in neither order are an error unless `sort`; a duplicated timestamp is an error unless
// keep-first/keep-last. Each change is recorded in the panel's notes, which prepare_market turns
// into repairs.
PricePanel make_panel(std::vector<std::string> assets, std::vector<Timestamp> ts,
                      const Eigen::MatrixXd& prices, const std::string& source,
                      const ReadOptions& read) {
  const std::size_t n = ts.size();
  if (static_cast<std::size_t>(prices.rows()) != n ||
      static_cast<std::size_t>(prices.cols()) != assets.size()) {
    raise(Status::invalid(source + ": the price matrix is " + std::to_string(prices.rows()) +
                          " × " + std::to_string(prices.cols()) + " but there are " +
                          std::to_string(n) + " timestamps and " + std::to_string(assets.size()) +
                          " assets"));
  }
  {
    std::set<std::string> seen;
    for (const auto& a : assets) {
      if (a.empty()) raise(Status::invalid(source + ": an asset column has an empty name"));
      if (!seen.insert(a).second) {
        raise(Status::invalid(source + ": asset '" + a +
                              "' appears in two columns; give each column a distinct name"));
      }
    }
  }
  for (Eigen::Index j = 0; j < prices.cols(); ++j) {
    for (Eigen::Index t = 0; t < prices.rows(); ++t) {
      const double p = prices(t, j);
      if (std::isnan(p)) continue;
      if (!std::isfinite(p) || p <= 0.0) {
        raise(Status::invalid(source + ": asset '" + assets[static_cast<std::size_t>(j)] +
                              "' has price " + (std::isfinite(p) ? std::to_string(p) : "inf") +
                              " on " + format_timestamp(ts[static_cast<std::size_t>(t)]) +
                              "; prices must be positive (use NaN for no quote)"));
      }
    }
  }
  // The reader's row rules (read_prices.hpp's order_rows), worded for a DataFrame.
  const RowOrder order = order_rows(ts, read.duplicates);
  if (order.duplicates > 0 && read.duplicates == DuplicateTimestampPolicy::kError) {
    const auto [first, second] = order.first_duplicate;
    raise(Status::invalid(source + ": duplicate timestamp " + format_timestamp(ts[first]) +
                          " (rows " + std::to_string(first) + " and " + std::to_string(second) +
                          "); keep one row per timestamp with duplicates='keep-first' or "
                          "'keep-last', or remove the duplicated rows"));
  }
  std::vector<std::string> notes;
  if (order.out_of_order > 0) {
    const std::size_t at = order.first_out_of_order;
    if (!read.sort) {
      raise(Status::invalid(
          source + ": timestamp " + format_timestamp(ts[at]) + " (row " + std::to_string(at) +
          ") is out of time order: it follows " + format_timestamp(ts[at - 1]) +
          " although the rows otherwise run " +
          (order.mostly_ascending ? "oldest first" : "newest first") + "; " +
          std::to_string(order.out_of_order) +
          " row(s) are out of order. Sort the index (df.sort_index()), or pass sort=True to have "
          "the rows sorted (the repair is recorded in diagnostics.repairs)"));
    }
    notes.push_back(source + ": " + std::to_string(order.out_of_order) +
                    " rows were out of time order; all rows were sorted by timestamp (sort=True)");
  }
  if (order.duplicates > 0) {
    notes.push_back(source + ": dropped " + std::to_string(order.duplicates) +
                    " rows with a duplicate timestamp, keeping the " +
                    (read.duplicates == DuplicateTimestampPolicy::kKeepLast ? "last" : "first") +
                    " row in table order (first duplicated timestamp " +
                    format_timestamp(ts[order.first_duplicate[0]]) + ")");
  }
  const std::vector<std::size_t>& keep = order.keep;
  PricePanel panel;
  panel.assets = std::move(assets);
  panel.source = source;
  panel.notes = std::move(notes);
  panel.prices.resize(static_cast<Eigen::Index>(keep.size()), prices.cols());
  panel.timestamps.reserve(keep.size());
  for (std::size_t r = 0; r < keep.size(); ++r) {
    panel.timestamps.push_back(ts[keep[r]]);
    panel.prices.row(static_cast<Eigen::Index>(r)) = prices.row(static_cast<Eigen::Index>(keep[r]));
  }
  return panel;
}

// A price table through keel::prepare_market (keel/data/market.hpp): its rows ordered, then the
// missing-data policy, the frequency and the returns. Runs without the GIL.
Market table_market(std::vector<std::string> assets, std::vector<Timestamp> ts,
                    const Eigen::MatrixXd& prices, const std::string& source,
                    const MarketOptions& options) {
  const PricePanel panel = make_panel(std::move(assets), std::move(ts), prices, source,
                                      options.read);
  return take(keel::prepare_market(panel, options));
}

py::dict market_dict(const Market& market) {
  py::dict out;
  out["assets"] = market.panel.assets;
  out["timestamps"] = timestamps_to(market.panel.timestamps);
  out["prices"] = market.panel.prices;
  out["return_timestamps"] = timestamps_to(market.returns.timestamps);
  out["returns"] = market.returns.values;
  out["periods_per_year"] = market.frequency.periods_per_year;
  out["frequency"] = market.frequency.label;
  out["inferred"] = market.frequency.inferred;
  out["repairs"] = repairs_to(market.repairs);
  return out;
}

py::dict prepare_market(std::vector<std::string> assets, const TimestampArray& timestamps,
                        Eigen::MatrixXd prices, const std::string& source, py::dict options) {
  const MarketOptions market_opts = market_options(std::move(options));
  auto ts = timestamps_from(timestamps);
  Market market;
  {
    py::gil_scoped_release release;
    market = table_market(std::move(assets), std::move(ts), prices, source, market_opts);
  }
  return market_dict(market);
}

// ---- estimates ----------------------------------------------------------------------------------

// The estimator options of a Python call as keel::estimate_inputs' (keel/estimate/estimates.hpp),
// set as the CLI's estimation_options does (apps/keel/estimation.cpp). An empty `mu` estimates
// the mean without failing on it (expected_returns_optional), an empty `cov` the sample
// covariance; `model` names the model the estimates are for (μ is optional when it needs none).
EstimationOptions estimation_options(py::dict dict, const MissingPolicy& missing) {
  Options o(std::move(dict), "estimate");
  const auto mu_name = o.get<std::string>("mu", "");
  const auto cov_name = o.get<std::string>("cov", "");
  const auto psd_name = o.get<std::string>("psd_repair", "none");
  const double span = o.get<double>("span", kNaN);
  const double half_life = o.get<double>("half_life", kNaN);
  const double lambda = o.get<double>("lambda", kNaN);
  const double semicov_benchmark = o.get<double>("semicovariance_threshold", 0.0);
  const double risk_free = o.get<double>("risk_free_rate", 0.0);
  const double risk_aversion = o.get<double>("risk_aversion", 1.0);
  const bool compounding = o.get<bool>("compounding", true);
  const auto benchmark = o.get<std::string>("benchmark", "");
  const auto market_caps = o.get<py::dict>("market_caps", py::dict());
  const auto clean_name = o.get<std::string>("clean_returns", "none");
  const int min_history = o.get<int>("min_history", 0);
  const bool drop_short = o.get<bool>("drop_short_history", false);
  const auto model = o.get<std::string>("model", "");
  o.finish();

  EstimationOptions e;
  CovarianceOptions& cov = e.moments.covariance;
  cov.method = take(parse_covariance_method(cov_name.empty() ? "sample" : cov_name));
  auto repair = parse_psd_repair(psd_name == "spectral" ? "pyportfolioopt" : psd_name);
  if (!repair) raise(repair.status().with_context("psd_repair"));
  if (*repair != PsdRepair::kNone && !keeps_gaps(missing)) {
    raise(Status::invalid(
        "psd_repair applies to the pairwise covariance; pass missing='pairwise'"));
  }
  cov.pairwise_repair.method = *repair;
  cov.ewma_span = span;
  cov.ewma_half_life = half_life;
  cov.ewma_lambda = lambda;
  cov.semicovariance_benchmark = semicov_benchmark;

  ExpectedReturnOptions& mu = e.moments.expected_returns;
  mu.method = take(parse_expected_return_method(mu_name.empty() ? "mean" : mu_name));
  mu.risk_free_rate = risk_free;
  mu.risk_aversion = risk_aversion;
  mu.compounding = compounding;
  if (mu.method == ExpectedReturnMethod::kEwma) {
    mu.ewma_span = span;
    mu.ewma_half_life = half_life;
  }
  e.expected_returns_optional =
      mu_name.empty() ||
      (!model.empty() && !needs_expected_returns(take(parse_portfolio_model(model))));

  if (mu.method == ExpectedReturnMethod::kEquilibrium && market_caps.empty()) {
    raise(Status::invalid("expected returns 'equilibrium' need market_caps (by asset)"));
  }
  std::vector<double> caps;  // by name, in the dict's order; aligned to the assets by the library
  for (auto item : market_caps) {
    e.market_caps.labels.push_back(item.first.cast<std::string>());
    caps.push_back(item.second.cast<double>());
  }
  e.market_caps.values = Eigen::Map<const Eigen::VectorXd>(caps.data(),
                                                           static_cast<Eigen::Index>(caps.size()));
  e.market_caps_source = "market_caps";

  auto cleaning = parse_return_cleaning(clean_name);
  if (!cleaning) raise(cleaning.status().with_context("clean_returns"));
  e.cleaning = *cleaning;
  e.min_history = min_history;
  e.short_history = drop_short ? ShortHistory::kDrop : ShortHistory::kError;
  e.benchmark = benchmark;
  return e;
}

py::dict covariance_diagnostics(const CovarianceDiagnostics& d) {
  py::dict out;
  out["shrinkage"] = d.shrinkage;
  out["min_eigenvalue"] = d.min_eigenvalue;
  out["condition_number"] = d.condition_number;
  out["rank"] = d.rank;
  out["observations"] = d.observations;
  out["factors"] = d.factors;
  out["marchenko_pastur_edge"] = d.marchenko_pastur_edge;
  out["repairs"] = d.repairs;
  out["warnings"] = d.warnings;
  return out;
}

// What Python reads of the estimates: the market they describe (short-history assets dropped,
// returns cleaned), μ and Σ annualised (estimates.hpp's units contract; Σ per period too), the
// warnings and the estimation step's repairs.
py::dict estimates_dict(const MarketEstimates& est) {
  py::dict out;
  out["market"] = market_dict(est.market);
  out["warnings"] = est.warnings;
  out["repairs_json"] = est.repairs_json().dump();
  out["covariance"] = est.covariance.annualised;
  out["covariance_per_period"] = est.covariance.per_period.covariance;
  out["covariance_diagnostics"] = covariance_diagnostics(est.covariance.per_period.diagnostics);
  out["expected_returns"] = est.expected_returns.annualised;
  out["mu_shrinkage"] = est.expected_returns.shrinkage;
  out["betas"] = est.expected_returns.betas;
  out["observations"] = est.expected_returns.observations;
  return out;
}

MarketEstimates estimate(std::vector<std::string> assets, const TimestampArray& timestamps,
                         Eigen::MatrixXd prices, const std::string& source, py::dict market,
                         py::dict options) {
  const MarketOptions market_opts = market_options(std::move(market));
  const EstimationOptions estimation_opts =
      estimation_options(std::move(options), market_opts.missing);
  auto ts = timestamps_from(timestamps);
  py::gil_scoped_release release;
  return take(estimate_inputs(table_market(std::move(assets), std::move(ts), prices, source,
                                           market_opts),
                              estimation_opts));
}

// ---- optimize -----------------------------------------------------------------------------------

PortfolioConstraints constraints_from(py::dict dict) {
  Options o(std::move(dict), "constraints");
  PortfolioConstraints c;
  // Absent: fully invested (1); None: a free budget.
  if (o.contains("budget")) {
    py::object budget = o.raw("budget");
    c.budget = budget.is_none() ? std::nullopt : std::optional<double>(budget.cast<double>());
  }
  c.net_exposure_min = o.get<double>("net_exposure_min", -kInfinity);
  c.net_exposure_max = o.get<double>("net_exposure_max", kInfinity);
  c.lower_bound = o.get<double>("lower_bound", 0.0);
  c.upper_bound = o.get<double>("upper_bound", 1.0);
  c.lower_bounds = o.get<Eigen::VectorXd>("lower_bounds", Eigen::VectorXd());
  c.upper_bounds = o.get<Eigen::VectorXd>("upper_bounds", Eigen::VectorXd());
  c.max_short = o.get<double>("max_short", kInfinity);
  c.max_gross_leverage = o.get<double>("max_gross_leverage", kInfinity);
  c.current_weights = o.get<Eigen::VectorXd>("current_weights", Eigen::VectorXd());
  c.max_turnover = o.get<double>("max_turnover", kInfinity);
  for (py::handle g : o.get<py::list>("groups", py::list())) {
    auto t = g.cast<py::tuple>();
    c.groups.push_back({t[0].cast<std::string>(), t[1].cast<std::vector<int>>(),
                        t[2].cast<double>(), t[3].cast<double>()});
  }
  for (py::handle l : o.get<py::list>("linear", py::list())) {
    auto t = l.cast<py::tuple>();
    LinearConstraint row;
    row.name = t[0].cast<std::string>();
    row.coefficients = t[1].cast<Eigen::VectorXd>();
    const auto sense = t[2].cast<std::string>();
    if (sense == "<=") {
      row.sense = ConstraintSense::kLessEqual;
    } else if (sense == ">=") {
      row.sense = ConstraintSense::kGreaterEqual;
    } else if (sense == "=" || sense == "==") {
      row.sense = ConstraintSense::kEqual;
    } else {
      raise(Status::invalid("linear constraint '" + row.name + "': sense '" + sense +
                            "' must be <=, >= or ="));
    }
    row.rhs = t[3].cast<double>();
    c.linear.push_back(std::move(row));
  }
  o.finish();
  return c;
}

LinkageMethod parse_linkage(const std::string& name) {
  if (name == "single") return LinkageMethod::kSingle;
  if (name == "complete") return LinkageMethod::kComplete;
  if (name == "average") return LinkageMethod::kAverage;
  if (name == "ward") return LinkageMethod::kWard;
  raise(Status::invalid("linkage '" + name +
                        "' is unknown; use single, complete, average or ward"));
}

// Hierarchical risk parity on a covariance and, optionally, its own correlation (e.g. pandas'
// pairwise-complete one, as PyPortfolioOpt uses): keel/optimize/hierarchical.hpp's hrp().
py::dict hrp_weights(const Eigen::MatrixXd& covariance, const Eigen::MatrixXd& correlation,
                     const std::string& linkage, const std::string& distance) {
  HierarchicalOptions options;
  options.linkage = parse_linkage(linkage);
  if (distance == "correlation") {
    options.distance = ClusterDistance::kCorrelation;
  } else if (distance == "euclidean") {
    options.distance = ClusterDistance::kEuclideanOfCorrelation;
  } else {
    raise(Status::invalid("distance '" + distance + "' is unknown; use correlation or euclidean"));
  }
  HierarchicalResult h;
  {
    py::gil_scoped_release release;
    h = correlation.size() == 0 ? take(hrp(covariance, options))
                                : take(hrp(covariance, correlation, options));
  }
  py::dict out;
  out["status"] = std::string(to_string(h.status));
  out["weights"] = h.weights;
  out["linkage"] = h.linkage_matrix;
  out["leaf_order"] = h.leaf_order;
  out["message"] = h.message;
  out["warnings"] = h.warnings;
  return out;
}

// The model and its options as the CLI's make_model_spec sets them (apps/keel/model_config.cpp).
ModelSpec model_spec(const std::string& model, py::dict options) {
  Options o(std::move(options), "optimize");
  ModelSpec spec;
  spec.model = take(parse_portfolio_model(model));
  spec.constraints = constraints_from(o.get<py::dict>("constraints", py::dict()));
  spec.risk_free_rate = o.get<double>("risk_free_rate", 0.0);
  spec.mean_variance.risk_aversion = o.get<double>("risk_aversion", 1.0);
  spec.mean_variance.target_return = o.get<double>("target_return", kNaN);
  spec.mean_variance.target_volatility = o.get<double>("target_volatility", kNaN);
  spec.mean_variance.l2_gamma = o.get<double>("l2", 0.0);
  spec.mean_variance.transaction_costs =
      o.get<Eigen::VectorXd>("transaction_costs", Eigen::VectorXd());
  spec.hierarchical.linkage = parse_linkage(o.get<std::string>("linkage", "single"));
  spec.hierarchical.clusters = o.get<int>("clusters", 0);
  spec.tail_risk.confidence = o.get<double>("alpha", 0.95);
  spec.tail_risk.target_return = spec.mean_variance.target_return;
  spec.tail_risk.target_risk = o.get<double>("max_risk", kNaN);
  spec.black_litterman.tau = o.get<double>("tau", 0.05);
  spec.black_litterman.risk_aversion = spec.mean_variance.risk_aversion;
  const auto measure = o.get<std::string>("risk_measure", "variance");
  if (spec.model == PortfolioModel::kMaxRatio) {
    auto ratio = parse_ratio_measure(measure);
    if (!ratio) {
      raise(Status::invalid("risk_measure '" + measure +
                            "' is unknown for max-ratio; use variance, cvar, cdar, mad, minimax "
                            "or semivariance"));
    }
    spec.ratio_measure = *ratio;
    // Mean/variance is max-sharpe, as on the command line.
    if (*ratio == RatioMeasure::kVariance) spec.model = PortfolioModel::kMaxSharpe;
  } else if (measure == "cvar") {
    if (spec.model != PortfolioModel::kRiskParity && spec.model != PortfolioModel::kRiskBudget) {
      raise(Status::invalid(
          "risk_measure applies to risk-parity, risk-budget and max-ratio; drop it or use one "
          "of those models"));
    }
    spec.risk_budget_measure = RiskBudgetMeasure::kCvar;
  } else if (measure != "variance") {
    raise(Status::invalid("risk_measure '" + measure +
                          "' is unknown; use variance or cvar (risk-parity, risk-budget), or "
                          "model='max-ratio' for cdar, mad, minimax and semivariance"));
  }
  const auto kelly_fraction = o.get<double>("kelly_fraction", 1.0);
  if (kelly_fraction != 1.0 && spec.model != PortfolioModel::kKelly) {
    raise(Status::invalid("kelly_fraction applies to model='kelly' only; drop it"));
  }
  if (!(kelly_fraction > 0.0 && kelly_fraction <= 1.0)) {
    raise(Status::invalid("kelly_fraction " + std::to_string(kelly_fraction) +
                          " must be in (0, 1] (0.5 = half Kelly, 1 = full Kelly)"));
  }
  spec.kelly.fraction = kelly_fraction;
  spec.risk_budgeting.budgets = o.get<Eigen::VectorXd>("budgets", Eigen::VectorXd());
  o.finish();
  return spec;
}

// optimize_portfolio's result, kept whole: Python reads the status, weights and warnings at once
// and the JSON document (docs/architecture.md section 3) only when asked (a small solve's JSON
// costs as much as the solve).
struct Solved {
  PortfolioResult result;
};

Solved optimized(const ModelInputs& inputs, const ModelSpec& spec) {
  py::gil_scoped_release release;
  return Solved{take(optimize_portfolio(inputs, spec))};
}

// One model on given annualised inputs through optimize_portfolio (keel/optimize/model.hpp).
Solved optimize(std::vector<std::string> assets, Eigen::VectorXd expected_returns,
                   Eigen::MatrixXd covariance, double periods_per_year,
                   Eigen::VectorXd market_caps, const std::string& model, py::dict options) {
  const ModelSpec spec = model_spec(model, std::move(options));
  ModelInputs inputs;
  inputs.assets = std::move(assets);
  inputs.expected_returns = std::move(expected_returns);
  inputs.covariance = std::move(covariance);
  inputs.periods_per_year = periods_per_year;
  inputs.market_caps = std::move(market_caps);
  return optimized(inputs, spec);
}

// One model on a price table's estimates, as `keel optimize --prices` runs it
// (apps/keel/verb_optimize.cpp's model_inputs): make_model_inputs, and for hrp/herc/nco under a
// policy that keeps gaps the pairwise-complete correlation.
Solved optimize_estimates(const MarketEstimates& est, const std::string& model,
                             py::dict options) {
  const ModelSpec spec = model_spec(model, std::move(options));
  ModelInputs inputs = make_model_inputs(est);
  if (keeps_gaps(est.market.missing) &&
      (spec.model == PortfolioModel::kHrp || spec.model == PortfolioModel::kHerc ||
       spec.model == PortfolioModel::kNco)) {
    // pandas' DataFrame.corr() over each pair's overlap, as PyPortfolioOpt clusters on; the
    // correlation of the pairwise covariance differs on ragged histories (docs/hierarchical.md).
    py::gil_scoped_release release;
    inputs.correlation = take(pairwise_correlation(est.market.returns));
  }
  return optimized(inputs, spec);
}

// ---- risk ---------------------------------------------------------------------------------------

Result<VarMethod> parse_var_method(const std::string& name) {
  for (VarMethod m : {VarMethod::kHistorical, VarMethod::kGaussian, VarMethod::kCornishFisher,
                      VarMethod::kMonteCarlo}) {
    if (to_string(m) == name) return m;
  }
  return Status::invalid("VaR method '" + name +
                         "' is unknown; use historical, gaussian, cornish-fisher or monte-carlo");
}

// The risk profile of one weights vector over a return history (keel/risk/risk_profile.hpp).
// Returns its JSON document and the portfolio's per-period returns.
py::tuple risk_profile(std::vector<std::string> assets, Eigen::MatrixXd returns,
                       Eigen::VectorXd weights, py::dict options) {
  Options o(std::move(options), "risk_profile");
  RiskProfileOptions r;
  r.periods_per_year = o.get<double>("periods_per_year", 0.0);
  r.confidence = o.get<double>("confidence", 0.95);
  r.horizon = o.get<int>("horizon", 1);
  if (o.has("methods")) {
    r.methods.clear();
    for (const auto& name : o.get<std::vector<std::string>>("methods", {})) {
      r.methods.push_back(take(parse_var_method(name)));
    }
  }
  r.scenarios = o.get<int>("scenarios", 20000);
  r.seed = o.get<std::uint64_t>("seed", 42);
  o.finish();
  std::string document;
  Eigen::VectorXd portfolio_returns;
  {
    py::gil_scoped_release release;
    auto profile = take(keel::risk_profile(returns, weights, Eigen::MatrixXd(),
                                           Eigen::MatrixXd(), r));
    document = profile.to_json(assets).dump();
    portfolio_returns = profile.portfolio_returns;
  }
  return py::make_tuple(document, portfolio_returns);
}


// ---- cancellation -------------------------------------------------------------------------------

// A cancel flag a Python thread can set while another thread runs a long call (keel.CancelToken).
struct CancelToken {
  std::shared_ptr<std::atomic<bool>> flag = std::make_shared<std::atomic<bool>>(false);
};

// Runs `work` (no Python objects inside) on a worker thread while the calling thread, holding the
// GIL only briefly every 20 ms, runs Python's signal handlers (PyErr_CheckSignals: Ctrl-C raises
// KeyboardInterrupt there, on the main thread) and reads the token. Either cancels `context`
// (keel/core/context.hpp: the library polls it once per period) and the worker is joined; after
// a signal the Python exception is re-raised, after the token the library's "cancelled" status.
template <typename F>
auto run_cancellable(Context& context, const CancelToken* token, F work) -> decltype(work()) {
  using R = decltype(work());
  std::packaged_task<R()> task(std::move(work));
  std::future<R> future = task.get_future();
  std::thread worker;
  {
    py::gil_scoped_release release;
    worker = std::thread(std::move(task));
  }
  bool interrupted = false;
  for (;;) {
    bool ready = false;
    {
      py::gil_scoped_release release;
      ready = future.wait_for(std::chrono::milliseconds(20)) == std::future_status::ready;
    }
    if (ready) break;
    if (PyErr_CheckSignals() != 0) {
      interrupted = true;
      context.cancel();
      break;
    }
    if (token != nullptr && token->flag->load()) context.cancel();
  }
  {
    py::gil_scoped_release release;
    worker.join();
  }
  if (interrupted) throw py::error_already_set();
  return future.get();  // rethrows the worker's StatusError
}

// ---- backtest -----------------------------------------------------------------------------------

// A strategy's estimators as the CLI's moment_options(estimator, pairwise = false)
// (apps/keel/estimation.cpp): the backtest estimates on complete windows.
MomentOptions strategy_moments(Options& o, double risk_free, double risk_aversion) {
  MomentOptions out;
  CovarianceOptions& cov = out.covariance;
  cov.method = take(parse_covariance_method(
      o.get<std::string>("cov", std::string(to_string(kRecommendedCovariance)))));
  cov.pairwise = false;
  const auto repair_name = o.get<std::string>("psd_repair", "none");
  auto repair = take(parse_psd_repair(repair_name));
  if (repair != PsdRepair::kNone) {
    raise(Status::invalid("psd_repair applies to the pairwise covariance; a backtest estimates "
                          "on complete windows"));
  }
  const double span = o.get<double>("span", kNaN);
  const double half_life = o.get<double>("half_life", kNaN);
  cov.ewma_span = span;
  cov.ewma_half_life = half_life;
  cov.ewma_lambda = o.get<double>("lambda", kNaN);
  cov.semicovariance_benchmark = o.get<double>("semicovariance_threshold", 0.0);
  ExpectedReturnOptions& mu = out.expected_returns;
  mu.method = take(parse_expected_return_method(o.get<std::string>("mu", "mean")));
  mu.risk_free_rate = risk_free;
  mu.risk_aversion = risk_aversion;
  if (mu.method == ExpectedReturnMethod::kEwma) {
    mu.ewma_span = span;
    mu.ewma_half_life = half_life;
  }
  return out;
}

// One strategy dict of keel.backtest (python/keel/_api.py builds it) as a keel::Strategy, read as
// the CLI reads a [[strategy]] / [[benchmark]] table (apps/keel/verb_backtest.cpp).
Strategy strategy_from(py::dict dict, const std::string& default_rebalance, double risk_free) {
  Options o(std::move(dict), "strategy");
  Strategy s;
  s.name = o.get<std::string>("name", "");
  if (s.name.empty()) raise(Status::invalid("every strategy needs a name"));
  const std::string where = "strategy '" + s.name + "'";
  s.is_benchmark = o.get<bool>("benchmark", false);
  const bool rebalance_given = o.has("rebalance");
  auto schedule = parse_rebalance_schedule(o.get<std::string>("rebalance", default_rebalance));
  if (!schedule) raise(schedule.status().with_context(where));
  s.rebalance = *schedule;
  s.cost_aware = o.get<bool>("cost_aware", false);
  s.risk_aversion = o.get<double>("risk_aversion", 1.0);
  const auto kind = o.get<std::string>("kind", "model");
  if (kind == "buy-and-hold") {
    s.rule = StrategyRule::kBuyAndHold;
    s.asset = o.get<std::string>("asset", "");
    if (s.asset.empty()) raise(Status::invalid(where + ": buy-and-hold needs asset='BTC'"));
    if (!rebalance_given) s.rebalance.kind = RebalanceKind::kNever;
    o.get<std::string>("model", "");
    o.get<py::dict>("options", py::dict());
    o.get<std::string>("fallback", "");
    o.get<py::dict>("estimation", py::dict());
    o.finish();
    return s;
  }
  if (kind != "model") {
    raise(Status::invalid(where + ": kind '" + kind + "' is unknown; use model or buy-and-hold"));
  }
  const auto model = o.get<std::string>("model", "");
  if (model.empty()) raise(Status::invalid(where + ": give model='...' or kind='buy-and-hold'"));
  {
    Options e(o.get<py::dict>("estimation", py::dict()), where + " estimation");
    s.estimation = strategy_moments(e, risk_free, s.risk_aversion);
    e.finish();
  }
  py::dict model_options = o.get<py::dict>("options", py::dict());
  model_options["risk_free_rate"] = risk_free;
  model_options["risk_aversion"] = s.risk_aversion;
  try {
    s.model = model_spec(model, model_options);
  } catch (const StatusError& e) {
    raise(e.status.with_context(where));
  }
  s.lots = o.get<bool>("lots", false);
  const auto fallback = o.get<std::string>("fallback", "equal-weight");
  if (fallback == "keep-previous") {
    s.fallback.kind = FallbackKind::kKeepPrevious;
  } else if (fallback == "equal-weight") {
    s.fallback.kind = FallbackKind::kEqualWeight;
  } else {
    auto other = parse_portfolio_model(fallback);
    if (!other) {
      raise(Status::invalid(where + ": fallback '" + fallback +
                            "' is unknown; use keep-previous, equal-weight or a model name"));
    }
    s.fallback.kind = FallbackKind::kModel;
    s.fallback.model = s.model;
    s.fallback.model.model = *other;
  }
  o.finish();
  return s;
}

CostModel costs_from(py::dict dict) {
  Options o(std::move(dict), "costs");
  CostModel c;
  c.fee_bps = o.get<double>("fee_bps", 0.0);
  c.half_spread_bps = o.get<double>("half_spread_bps", 0.0);
  c.impact_coefficient = o.get<double>("impact_coefficient", 0.0);
  c.impact_exponent = o.get<double>("impact_exponent", 0.5);
  c.adv_window = o.get<int>("adv_window", 30);
  c.min_trade_value = o.get<double>("min_trade_value", 0.0);
  c.short_rate.annual = o.get<double>("short_rate", 0.0);
  c.borrow_rate.annual = o.get<double>("borrow_rate", 0.0);
  c.cash_rate.annual = o.get<double>("cash_rate", 0.0);
  o.finish();
  if (const Status s = c.validate(); !s) raise(s.with_context("costs"));
  return c;
}

// The backtest and the market it ran on (for the inputs of its JSON and its report).
struct BacktestRun {
  BacktestResult result;
  Market market;
};

BacktestRun backtest(std::vector<std::string> assets, const TimestampArray& timestamps,
                     Eigen::MatrixXd prices, const std::string& source, py::dict market,
                     py::list strategies, py::dict options, const CancelToken* token) {
  const MarketOptions market_opts = market_options(std::move(market));
  Options o(std::move(options), "backtest");
  BacktestOptions b;
  b.window = o.get<int>("window", 365);
  b.expanding = o.get<bool>("expanding", false);
  b.min_history = o.get<int>("min_history", 0);
  b.lag = o.get<int>("lag", 1);
  b.initial_value = o.get<double>("initial_value", 1e6);
  b.risk_free_rate = o.get<double>("risk_free_rate", 0.0);
  b.warm_start = o.get<bool>("warm_start", true);
  b.costs = costs_from(o.get<py::dict>("costs", py::dict()));
  b.market_caps = o.get<Eigen::VectorXd>("market_caps", Eigen::VectorXd());
  b.start = o.get<std::int64_t>("start", 0);
  b.end = o.get<std::int64_t>("end", 0);
  const auto rebalance = o.get<std::string>("rebalance", "monthly");
  const int threads = o.get<int>("threads", 1);
  o.finish();
  std::vector<Strategy> list;
  for (py::handle s : strategies) {
    list.push_back(strategy_from(s.cast<py::dict>(), rebalance, b.risk_free_rate));
  }
  if (list.empty()) raise(Status::invalid("backtest: no strategies"));
  auto ts = timestamps_from(timestamps);
  Context context;
  context.set_threads(threads);
  return run_cancellable(context, token, [&]() {
    BacktestRun run;
    run.market = table_market(std::move(assets), std::move(ts), prices, source, market_opts);
    b.periods_per_year = run.market.frequency.periods_per_year;
    run.result = take(run_backtest(run.market.panel, list, b, context));
    return run;
  });
}

py::dict cost_dict(const CostBreakdown& c) {
  py::dict out;
  out["fees"] = c.fees;
  out["spread"] = c.spread;
  out["impact"] = c.impact;
  out["financing"] = c.financing;
  out["total"] = c.total();
  return out;
}

// One strategy's series and rebalance log for the Python DataFrames (the rest is in the JSON).
py::dict strategy_dict(const StrategyResult& s) {
  py::dict out;
  out["name"] = s.name;
  out["is_benchmark"] = s.is_benchmark;
  out["timestamps"] = timestamps_to(s.timestamps);
  out["equity"] = s.equity;
  out["gross_returns"] = s.gross_returns;
  out["cost_returns"] = s.cost_returns;
  out["net_returns"] = s.net_returns;
  out["weights"] = s.weights;
  out["cash_weight"] = s.cash_weight;
  out["costs"] = cost_dict(s.costs);
  py::list rebalances;
  for (const auto& r : s.rebalances) {
    py::dict d;
    d["decision_date"] = r.decision_date;
    d["execution_date"] = r.execution_date;
    d["outcome"] = std::string(to_string(r.outcome));
    d["model_status"] = std::string(to_string(r.model_status));
    d["message"] = r.message;
    d["fallback_reason"] = r.fallback_reason;
    d["target"] = r.target;
    d["turnover"] = r.turnover;
    d["costs"] = cost_dict(r.costs);
    d["eligible_assets"] = r.eligible_assets;
    d["solve_ms"] = r.solve_ms;
    rebalances.append(d);
  }
  out["rebalances"] = rebalances;
  out["warnings"] = s.warnings;
  return out;
}

// ---- frontier -----------------------------------------------------------------------------------

// The efficient frontier as `keel frontier` computes it (apps/keel/verb_frontier.cpp): exact
// (critical line) for a budget of 1 and bounds only, else traced by efficient-return solves.
struct FrontierRun {
  std::optional<EfficientFrontier> exact;
  std::optional<TracedFrontier> traced;
  std::vector<FrontierPoint> sampled;
  std::vector<std::string> assets;
  Eigen::VectorXd mu;
  Eigen::MatrixXd cov;
  double risk_free_rate = 0.0;
  std::string document;  // JSON: status, points, max_sharpe, turning_points, diagnostics
};

Json weights_json(const Eigen::VectorXd& w, const std::vector<std::string>& assets) {
  Json out = Json::object();
  for (std::size_t i = 0; i < assets.size(); ++i) {
    out[assets[i]] = json_number(w(static_cast<Eigen::Index>(i)));
  }
  return out;
}

Json point_json(const FrontierPoint& p, double rf, const std::vector<std::string>& assets) {
  return {{"expected_return", json_number(p.expected_return)},
          {"volatility", json_number(p.volatility)},
          {"sharpe", json_number(p.volatility > 0 ? (p.expected_return - rf) / p.volatility
                                                  : kNaN)},
          {"lambda", json_number(p.lambda)},
          {"weights", weights_json(p.weights, assets)}};
}

Json point_json(const TracedFrontierPoint& p, const std::vector<std::string>& assets) {
  return {{"expected_return", json_number(p.expected_return)},
          {"volatility", json_number(p.volatility)},
          {"sharpe", json_number(p.sharpe)},
          {"target_return", json_number(p.target_return)},
          {"max_constraint_violation", json_number(p.max_constraint_violation)},
          {"weights", weights_json(p.weights, assets)}};
}

FrontierRun frontier(std::vector<std::string> assets, Eigen::VectorXd mu, Eigen::MatrixXd cov,
                     py::dict options) {
  Options o(std::move(options), "frontier");
  const PortfolioConstraints c = constraints_from(o.get<py::dict>("constraints", py::dict()));
  const int points = o.get<int>("points", 20);
  const double rf = o.get<double>("risk_free_rate", 0.0);
  const double cap = o.get<double>("volatility_cap", kNaN);
  o.finish();
  FrontierRun run;
  run.assets = std::move(assets);
  run.mu = std::move(mu);
  run.cov = std::move(cov);
  run.risk_free_rate = rf;
  py::gil_scoped_release release;
  const int n = static_cast<int>(run.assets.size());
  Json doc;
  doc["assets"] = run.assets;
  if (const auto conflicts = precheck_constraints(c, run.assets); !conflicts.empty()) {
    std::string explanation;
    std::vector<std::string> names;
    for (const auto& conflict : conflicts) {
      explanation += (explanation.empty() ? "" : "; ") + conflict.explanation;
      for (const auto& name : conflict.constraints) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      }
    }
    doc["status"] = to_string(SolveStatus::kInfeasible);
    doc["points"] = Json::array();
    doc["turning_points"] = Json::array();
    doc["max_sharpe"] = nullptr;
    doc["diagnostics"] = {{"explanation", explanation}, {"conflicting_constraints", names}};
    run.document = doc.dump();
    return run;
  }
  if (critical_line_applies(c, n)) {
    run.exact = take(critical_line(run.mu, run.cov, c.effective_lower(n), c.effective_upper(n)));
    const EfficientFrontier& f = *run.exact;
    doc["status"] = to_string(f.status);
    Json turning = Json::array();
    Json sampled = Json::array();
    Json best_json = nullptr;
    std::string best_message;
    if (f.is_usable()) {
      run.sampled = take(f.sample(points));
      for (const auto& p : f.turning_points) turning.push_back(point_json(p, rf, run.assets));
      for (const auto& p : run.sampled) sampled.push_back(point_json(p, rf, run.assets));
      auto best = f.max_sharpe(rf);
      if (best) {
        best_json = point_json(*best, rf, run.assets);
      } else {
        best_message = best.status().message();
      }
    }
    doc["turning_points"] = std::move(turning);
    doc["points"] = std::move(sampled);
    doc["max_sharpe"] = std::move(best_json);
    doc["diagnostics"] = {{"solver", "critical-line"},
                          {"exact", true},
                          {"iterations", f.iterations},
                          {"solve_ms", f.solve_ms},
                          {"kkt_residual", json_number(f.kkt_residual)},
                          {"explanation", f.is_usable() ? "" : f.message},
                          {"max_sharpe", best_message}};
  } else {
    const MeanVarianceProblem problem{.assets = run.assets,
                                      .expected_returns = run.mu,
                                      .covariance = run.cov,
                                      .constraints = c};
    run.traced = take(trace_frontier(
        problem, FrontierOptions{.points = points, .risk_free_rate = rf, .volatility_cap = cap}));
    const TracedFrontier& f = *run.traced;
    const auto& d = f.diagnostics;
    doc["status"] = to_string(f.status);
    doc["turning_points"] = Json::array();
    Json pts = Json::array();
    for (const auto& p : f.points) pts.push_back(point_json(p, run.assets));
    doc["points"] = std::move(pts);
    doc["max_sharpe"] = f.max_sharpe ? point_json(*f.max_sharpe, run.assets) : Json(nullptr);
    doc["diagnostics"] = {{"solver", d.solver},
                          {"exact", false},
                          {"iterations", d.iterations},
                          {"solves", d.solves},
                          {"solve_ms", d.solve_ms},
                          {"max_constraint_violation", json_number(d.max_constraint_violation)},
                          {"worst_constraint", d.worst_constraint},
                          {"min_return", json_number(f.min_return)},
                          {"max_return", json_number(f.max_return)},
                          {"return_unbounded", f.return_unbounded},
                          {"explanation", f.explanation},
                          {"conflicting_constraints", f.conflicting_constraints},
                          {"max_sharpe", f.max_sharpe_message},
                          {"warnings", d.warnings}};
  }
  run.document = doc.dump();
  return run;
}

// ---- stress -------------------------------------------------------------------------------------

std::vector<ShockScenario> scenarios_from(py::list list) {
  std::vector<ShockScenario> out;
  for (py::handle item : list) {
    Options o(item.cast<py::dict>(), "scenario");
    ShockScenario sc;
    sc.name = o.get<std::string>("name", "");
    sc.description = o.get<std::string>("description", "");
    sc.source = "scenario '" + sc.name + "'";
    for (py::handle shock : o.get<py::list>("shocks", py::list())) {
      Options s(shock.cast<py::dict>(), sc.source + " shock");
      ShockSpec spec;
      spec.all = s.get<bool>("all", false);
      spec.assets = s.get<std::vector<std::string>>("assets", {});
      spec.group = s.get<std::string>("group", "");
      if (s.has("return")) spec.asset_return = s.get<double>("return", 0.0);
      if (s.has("price")) spec.price = s.get<double>("price", 0.0);
      s.finish();
      sc.shocks.push_back(std::move(spec));
    }
    o.finish();
    out.push_back(std::move(sc));
  }
  return out;
}

struct StressRun {
  StressSuite suite;
  double portfolio_value = 0.0;
};

// The stress suite (keel/risk/stress_suite.hpp) as `keel stress` runs it (apps/keel/verb_stress.cpp)
// on the raw price table (NaN = no quote) of the held assets (and the proxy).
StressRun stress(std::vector<std::string> assets, const TimestampArray& timestamps,
                 Eigen::MatrixXd prices, const std::string& source, py::dict market,
                 std::vector<std::string> weight_names, Eigen::VectorXd weights,
                 py::dict options) {
  const MarketOptions market_opts = market_options(std::move(market));
  Options o(std::move(options), "stress");
  std::vector<StressWindow> custom;
  for (const auto& text : o.get<std::vector<std::string>>("custom_windows", {})) {
    auto w = parse_stress_window(text);
    if (!w) raise(w.status().with_context("custom_windows"));
    custom.push_back(*w);
  }
  auto requests = select_stress_windows(o.get<std::string>("windows", "all"), custom);
  if (!requests) raise(requests.status().with_context("windows"));
  auto policy = parse_missing_history_policy(o.get<std::string>("missing_history", "exclude"));
  if (!policy) raise(policy.status().with_context("missing_history"));
  StressSuiteOptions s;
  s.windows = std::move(*requests);
  s.replay.missing_history = *policy;
  s.scenarios = scenarios_from(o.get<py::list>("scenarios", py::list()));
  s.market = market_opts;
  const double alpha = o.get<double>("alpha", 0.95);
  const int horizon = o.get<int>("horizon", 1);
  s.correlation.stress.correlation_shift = o.get<double>("correlation_shift", 0.5);
  s.correlation.stress.volatility_multiplier = o.get<double>("vol_multiplier", 1.5);
  s.correlation.stress.confidence = alpha;
  s.correlation.horizon = horizon;
  s.correlation.zero_mean = o.get<bool>("zero_mean", false);
  s.liquidity.multiplier = o.get<double>("liquidity_multiplier", 3.0);
  s.liquidity.confidence = alpha;
  s.liquidity.horizon = horizon;
  StressRun run;
  run.portfolio_value = o.get<double>("portfolio_value", 0.0);
  s.liquidity.impact.portfolio_value = run.portfolio_value;
  s.liquidity.impact.max_participation = o.get<double>("max_participation", 0.1);
  s.weights_source = "weights";
  o.finish();
  if (const Status valid = s.validate(); !valid) raise(valid);
  auto ts = timestamps_from(timestamps);
  py::gil_scoped_release release;
  const PricePanel panel = make_panel(std::move(assets), std::move(ts), prices, source,
                                      market_opts.read);
  LabeledVector w{.labels = std::move(weight_names), .values = std::move(weights)};
  run.suite = take(run_stress_suite(panel, w, nullptr, s));
  return run;
}

}  // namespace
}  // namespace keel::python

PYBIND11_MODULE(_keel, m) {
  using namespace keel::python;
  m.doc() = "Compiled core of the keel package (pybind11 over the Keel C++ library).";
  m.attr("__version__") = KEEL_VERSION;

  g_keel_error = new_exception(m, "KeelError", PyExc_Exception, nullptr,
                               "Base class of the errors Keel raises.");
  g_invalid_input = new_exception(m, "InvalidInputError", g_keel_error, PyExc_ValueError,
                                  "Invalid input or options; the message names the place and a fix.");
  g_no_solution = new_exception(m, "NoSolutionError", g_keel_error, PyExc_RuntimeError,
                                "The call ran but has no usable answer.");
  g_numerical = new_exception(m, "NumericalError", g_keel_error, PyExc_ArithmeticError,
                              "A numerical failure (a factorisation broke down, NaN appeared).");
  g_internal = new_exception(m, "InternalError", g_keel_error, PyExc_RuntimeError,
                             "A bug in Keel: please report it with the inputs.");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      PyObject* cls = g_internal;
      switch (e.status.code()) {
        case keel::StatusCode::kInvalidInput: cls = g_invalid_input; break;
        case keel::StatusCode::kNoSolution: cls = g_no_solution; break;
        case keel::StatusCode::kNumerical: cls = g_numerical; break;
        default: break;
      }
      PyErr_SetString(cls, e.status.message().c_str());
    }
  });

  m.def("prepare_market", &prepare_market, py::arg("assets"), py::arg("timestamps"),
        py::arg("prices"), py::arg("source"), py::arg("options"));
  py::class_<keel::MarketEstimates>(m, "Estimates",
                                    "keel::estimate_inputs' result (keel/estimate/estimates.hpp).")
      .def("to_dict", &estimates_dict);
  m.def("estimate", &estimate, py::arg("assets"), py::arg("timestamps"), py::arg("prices"),
        py::arg("source"), py::arg("market"), py::arg("options"));
  py::class_<Solved>(m, "Solved", "keel::optimize_portfolio's result (keel/optimize/model.hpp).")
      .def_property_readonly("status",
                             [](const Solved& s) { return std::string(to_string(s.result.status)); })
      .def_property_readonly("model", [](const Solved& s) { return s.result.model; })
      .def_property_readonly("weights", [](const Solved& s) { return s.result.weights; })
      .def_property_readonly("warnings",
                             [](const Solved& s) { return s.result.diagnostics.warnings; })
      .def("to_json",
           [](const Solved& s) {
             std::string text;
             {
               py::gil_scoped_release release;
               text = s.result.to_json().dump();
             }
             return text;
           })
      .def(
          "write_report",
          [](const Solved& s, const std::string& path, Eigen::MatrixXd covariance,
             Eigen::VectorXd expected_returns, double risk_free_rate,
             std::vector<std::string> meta) {
            py::gil_scoped_release release;
            keel::report::OptimizeReportInput input;
            input.meta = std::move(meta);
            input.covariance = std::move(covariance);
            input.expected_returns = std::move(expected_returns);
            input.risk_free_rate = risk_free_rate;
            const auto report = take(keel::report::optimize_report(s.result, input));
            if (const keel::Status st = keel::report::write_html_report(report, path); !st) {
              raise(st);
            }
          },
          py::arg("path"), py::arg("covariance"), py::arg("expected_returns"),
          py::arg("risk_free_rate"), py::arg("meta"));
  m.def("optimize", &optimize, py::arg("assets"), py::arg("expected_returns"),
        py::arg("covariance"), py::arg("periods_per_year"), py::arg("market_caps"),
        py::arg("model"), py::arg("options"));
  m.def("optimize_estimates", &optimize_estimates, py::arg("estimates"), py::arg("model"),
        py::arg("options"));
  m.def(
      "infer_frequency",
      [](const TimestampArray& timestamps) {
        auto ts = timestamps_from(timestamps);
        auto info = take(keel::infer_frequency(ts));
        return py::make_tuple(info.periods_per_year, info.label);
      },
      py::arg("timestamps"));
  m.def("hrp", &hrp_weights, py::arg("covariance"), py::arg("correlation"), py::arg("linkage"),
        py::arg("distance"));
  m.def("risk_profile", &risk_profile, py::arg("assets"), py::arg("returns"), py::arg("weights"),
        py::arg("options"));
  py::class_<CancelToken>(m, "CancelToken",
                          "A flag another thread sets to cancel a running backtest (cancel()).")
      .def(py::init<>())
      .def("cancel", [](CancelToken& t) { t.flag->store(true); })
      .def_property_readonly("cancelled", [](const CancelToken& t) { return t.flag->load(); });
  py::class_<BacktestRun>(m, "BacktestRun", "keel::run_backtest's result and its market.")
      .def("to_json",
           [](const BacktestRun& r, bool include_weights) {
             keel::Json doc = keel::backtest_to_json(r.result, include_weights);
             return doc.dump();
           },
           py::arg("include_weights"))
      .def("assets", [](const BacktestRun& r) { return r.result.assets; })
      .def("timestamps", [](const BacktestRun& r) { return timestamps_to(r.result.timestamps); })
      .def("periods_per_year", [](const BacktestRun& r) { return r.result.periods_per_year; })
      .def("elapsed_ms", [](const BacktestRun& r) { return r.result.elapsed_ms; })
      .def("market", [](const BacktestRun& r) { return market_dict(r.market); })
      .def("strategies",
           [](const BacktestRun& r) {
             py::list out;
             for (const auto& s : r.result.strategies) out.append(strategy_dict(s));
             return out;
           })
      .def("write_report",
           [](const BacktestRun& r, const std::string& path, const std::string& title,
              std::vector<std::string> meta) {
             py::gil_scoped_release release;
             keel::report::BacktestReportInput input;
             input.title = title;
             input.meta = std::move(meta);
             const auto report = take(keel::report::backtest_report(r.result, input));
             if (const keel::Status s = keel::report::write_html_report(report, path); !s) {
               raise(s);
             }
           },
           py::arg("path"), py::arg("title"), py::arg("meta"));
  m.def("backtest", &backtest, py::arg("assets"), py::arg("timestamps"), py::arg("prices"),
        py::arg("source"), py::arg("market"), py::arg("strategies"), py::arg("options"),
        py::arg("cancel").none(true));
  py::class_<FrontierRun>(m, "FrontierRun", "The efficient frontier of keel frontier.")
      .def("to_json", [](const FrontierRun& f) { return f.document; })
      .def("write_report",
           [](const FrontierRun& f, const std::string& path, std::vector<std::string> meta) {
             py::gil_scoped_release release;
             keel::report::FrontierReportInput input{.meta = std::move(meta),
                                                     .assets = f.assets,
                                                     .expected_returns = f.mu,
                                                     .covariance = f.cov,
                                                     .risk_free_rate = f.risk_free_rate,
                                                     .points = f.sampled};
             if (!f.exact && !f.traced) {
               raise(keel::Status::no_solution("the frontier is infeasible: no report to draw"));
             }
             const auto report = f.exact ? take(keel::report::frontier_report(*f.exact, input))
                                         : take(keel::report::frontier_report(*f.traced, input));
             if (const keel::Status s = keel::report::write_html_report(report, path); !s) {
               raise(s);
             }
           },
           py::arg("path"), py::arg("meta"));
  m.def("frontier", &frontier, py::arg("assets"), py::arg("expected_returns"),
        py::arg("covariance"), py::arg("options"));
  py::class_<StressRun>(m, "StressRun", "keel::run_stress_suite's result.")
      .def("to_json",
           [](const StressRun& r) {
             keel::Json doc = r.suite.to_json(r.portfolio_value);
             keel::Json repairs = keel::Json::array();
             for (const auto& rep : r.suite.market.repairs) repairs.push_back(rep.to_json());
             doc["repairs"] = repairs;
             doc["warnings"] = r.suite.warnings;
             doc["assets"] = r.suite.assets;
             doc["periods_per_year"] = r.suite.periods_per_year;
             return doc.dump();
           })
      .def("write_report",
           [](const StressRun& r, const std::string& path, std::vector<std::string> meta) {
             py::gil_scoped_release release;
             const auto& s = r.suite;
             const auto report = take(keel::report::stress_report(
                 {.meta = std::move(meta),
                  .assets = s.assets,
                  .weights = s.weights,
                  .portfolio_value = r.portfolio_value,
                  .periods_per_year = s.periods_per_year,
                  .historical = s.history,
                  .hypothetical = s.scenarios,
                  .correlation = s.correlation,
                  .liquidity = s.liquidity}));
             if (const keel::Status st = keel::report::write_html_report(report, path); !st) {
               raise(st);
             }
           },
           py::arg("path"), py::arg("meta"));
  m.def("stress", &stress, py::arg("assets"), py::arg("timestamps"), py::arg("prices"),
        py::arg("source"), py::arg("market"), py::arg("weight_names"), py::arg("weights"),
        py::arg("options"));
}
