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
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "keel/core/json.hpp"
#include "keel/core/status.hpp"
#include "keel/core/time.hpp"
#include "keel/data/frequency.hpp"
#include "keel/data/missing.hpp"
#include "keel/data/price_panel.hpp"
#include "keel/data/returns.hpp"
#include "keel/data/select.hpp"
#include "keel/estimate/covariance.hpp"
#include "keel/estimate/expected_returns.hpp"
#include "keel/estimate/history.hpp"
#include "keel/estimate/psd.hpp"
#include "keel/estimate/return_cleaning.hpp"
#include "keel/optimize/model.hpp"
#include "keel/risk/risk_profile.hpp"

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

std::vector<Timestamp> timestamps_from(const py::array_t<std::int64_t, py::array::c_style |
                                                                          py::array::forcecast>& a) {
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

// ---- prices → panel ------------------------------------------------------------------------------

// Orders the rows of a price table by time and resolves duplicate timestamps with the policies of
// the library's file reader (ReadOptions::duplicates and ::sort, keel/data/read_prices.hpp):
// rows newest-first are reversed silently (a common export order); rows in neither order are an
// error unless `sort`; a duplicated timestamp is an error unless keep-first/keep-last. Each change
// is recorded in the panel's notes, which prepare_market turns into repairs.
// TODO(#17): the reader's order_rows() (src/data/read_prices.cpp) is private; when the data
// module exposes it for in-memory tables, call it instead.
PricePanel make_panel(std::vector<std::string> assets, std::vector<Timestamp> ts,
                      const Eigen::MatrixXd& prices, const std::string& source,
                      const std::string& duplicates, bool sort) {
  const std::size_t n = ts.size();
  if (static_cast<std::size_t>(prices.rows()) != n ||
      static_cast<std::size_t>(prices.cols()) != assets.size()) {
    raise(Status::invalid(source + ": the price matrix is " + std::to_string(prices.rows()) +
                          " × " + std::to_string(prices.cols()) + " but there are " +
                          std::to_string(n) + " timestamps and " + std::to_string(assets.size()) +
                          " assets"));
  }
  if (duplicates != "error" && duplicates != "keep-first" && duplicates != "keep-last") {
    raise(Status::invalid("duplicates '" + duplicates +
                          "' is unknown; use error, keep-first or keep-last"));
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
  std::vector<std::string> notes;
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::size_t ups = 0;
  std::size_t downs = 0;
  std::size_t first_up = n;
  std::size_t first_down = n;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (ts[i] < ts[i + 1] && ups++ == 0) first_up = i;
    if (ts[i] > ts[i + 1] && downs++ == 0) first_down = i;
  }
  if (downs > 0) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return ts[a] < ts[b]; });
  }
  std::vector<std::size_t> keep;
  std::size_t dropped = 0;
  Timestamp first_duplicate = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && ts[order[j]] == ts[order[i]]) ++j;
    if (j - i > 1) {
      if (duplicates == "error") {
        raise(Status::invalid(source + ": duplicate timestamp " + format_timestamp(ts[order[i]]) +
                              " (rows " + std::to_string(order[i]) + " and " +
                              std::to_string(order[i + 1]) +
                              "); keep one row per timestamp with duplicates='keep-first' or "
                              "'keep-last', or remove the duplicated rows"));
      }
      if (dropped == 0) first_duplicate = ts[order[i]];
      dropped += j - i - 1;
    }
    keep.push_back(duplicates == "keep-last" ? order[j - 1] : order[i]);
    i = j;
  }
  if (ups > 0 && downs > 0) {
    if (!sort) {
      const bool ascending = ups >= downs;
      const std::size_t at = ascending ? first_down : first_up;
      raise(Status::invalid(
          source + ": timestamp " + format_timestamp(ts[at + 1]) + " (row " +
          std::to_string(at + 1) + ") is out of time order: it follows " +
          format_timestamp(ts[at]) + " although the rows otherwise run " +
          (ascending ? "oldest first" : "newest first") + "; " +
          std::to_string(std::min(ups, downs)) +
          " row(s) are out of order. Sort the index (df.sort_index()), or pass sort=True to have "
          "the rows sorted (the repair is recorded in diagnostics.repairs)"));
    }
    notes.push_back(source + ": " + std::to_string(std::min(ups, downs)) +
                    " rows were out of time order; all rows were sorted by timestamp (sort=True)");
  }
  if (dropped > 0) {
    notes.push_back(source + ": dropped " + std::to_string(dropped) +
                    " rows with a duplicate timestamp, keeping the " +
                    (duplicates == "keep-last" ? "last" : "first") +
                    " row in table order (first duplicated timestamp " +
                    format_timestamp(first_duplicate) + ")");
  }
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

// The price table through the missing-data policy, the frequency inference and the returns: the
// steps of the CLI's prepare_market (apps/keel/common.cpp).
// TODO(#17): call keel/data/market.hpp's entry point once it lands (branch frontdoor).
py::dict prepare_market(std::vector<std::string> assets,
                        const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>&
                            timestamps,
                        Eigen::MatrixXd prices, const std::string& source, py::dict options) {
  Options o(std::move(options), "prepare");
  const auto missing = o.get<std::string>("missing", "error");
  const auto duplicates = o.get<std::string>("duplicates", "error");
  const bool sort = o.get<bool>("sort", false);
  const double ppy = o.get<double>("periods_per_year", 0.0);
  const bool log_returns = o.get<bool>("log_returns", false);
  o.finish();
  auto ts = timestamps_from(timestamps);

  PricePanel clean_panel;
  std::vector<Repair> repairs;
  FrequencyInfo frequency;
  ReturnSeries returns;
  {
    py::gil_scoped_release release;
    const PricePanel panel = make_panel(std::move(assets), std::move(ts), prices, source,
                                        duplicates, sort);
    auto policy = parse_missing_policy(missing);
    if (!policy) raise(policy.status().with_context("missing"));
    auto clean = take(apply_missing_policy(panel, *policy));
    for (const auto& note : panel.notes) repairs.push_back({"read", note});
    for (auto& r : clean.repairs) repairs.push_back(std::move(r));
    clean_panel = std::move(clean.panel);
    if (clean_panel.rows() < 3) {
      raise(Status::invalid(source + ": only " + std::to_string(clean_panel.rows()) +
                            " price rows remain after the missing-data policy; at least 3 are "
                            "needed (give more rows or choose another missing policy)"));
    }
    auto inferred = infer_frequency(clean_panel.timestamps);
    if (!inferred) raise(inferred.status().with_context(source));
    frequency = *inferred;
    if (ppy > 0.0) {
      frequency.periods_per_year = ppy;
      frequency.inferred = false;
    }
    returns = compute_returns(clean_panel, log_returns ? ReturnKind::kLog : ReturnKind::kSimple);
  }
  py::dict out;
  out["assets"] = clean_panel.assets;
  out["timestamps"] = timestamps_to(clean_panel.timestamps);
  out["prices"] = clean_panel.prices;
  out["return_timestamps"] = timestamps_to(returns.timestamps);
  out["returns"] = returns.values;
  out["periods_per_year"] = frequency.periods_per_year;
  out["frequency"] = frequency.label;
  out["inferred"] = frequency.inferred;
  out["repairs"] = repairs_to(repairs);
  return out;
}

// ---- estimates ----------------------------------------------------------------------------------

ReturnSeries return_series(std::vector<std::string> assets,
                           const py::array_t<std::int64_t, py::array::c_style |
                                                               py::array::forcecast>& timestamps,
                           Eigen::MatrixXd values, bool log_returns) {
  ReturnSeries r;
  r.assets = std::move(assets);
  r.timestamps = timestamps_from(timestamps);
  r.values = std::move(values);
  r.kind = log_returns ? ReturnKind::kLog : ReturnKind::kSimple;
  if (r.values.rows() != static_cast<Eigen::Index>(r.timestamps.size()) ||
      r.values.cols() != static_cast<Eigen::Index>(r.assets.size())) {
    raise(Status::invalid("returns: shape does not match the timestamps and assets"));
  }
  return r;
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

// History check, return cleaning, covariance and expected returns: the steps of the CLI's
// estimate_all (apps/keel/estimation.cpp), in its order and with its defaults.
// TODO(#17): call keel/estimate/estimates.hpp's entry point once it lands (branch frontdoor).
py::dict estimate(std::vector<std::string> assets,
                  const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>&
                      timestamps,
                  Eigen::MatrixXd values, double periods_per_year, py::dict options) {
  Options o(std::move(options), "estimate");
  const bool log_returns = o.get<bool>("log_returns", false);
  const auto mu_name = o.get<std::string>("mu", "");
  const auto cov_name = o.get<std::string>("cov", "");
  const bool pairwise = o.get<bool>("pairwise", false);
  const auto psd_name = o.get<std::string>("psd_repair", "none");
  const double span = o.get<double>("span", kNaN);
  const double half_life = o.get<double>("half_life", kNaN);
  const double lambda = o.get<double>("lambda", kNaN);
  const double semicov_benchmark = o.get<double>("semicovariance_threshold", 0.0);
  const double risk_free = o.get<double>("risk_free_rate", 0.0);
  const double risk_aversion = o.get<double>("risk_aversion", 1.0);
  const bool compounding = o.get<bool>("compounding", true);
  const auto benchmark = o.get<std::string>("benchmark", "");
  const Eigen::VectorXd market_caps = o.get<Eigen::VectorXd>("market_caps", Eigen::VectorXd());
  const auto clean_name = o.get<std::string>("clean_returns", "none");
  const int min_history = o.get<int>("min_history", 0);
  const bool drop_short = o.get<bool>("drop_short_history", false);
  o.finish();
  ReturnSeries returns = return_series(std::move(assets), timestamps, std::move(values),
                                       log_returns);

  std::vector<std::string> warnings;
  Json repairs = Json::array();
  std::optional<ExpectedReturns> mu;
  std::optional<CovarianceEstimate> cov;
  {
    py::gil_scoped_release release;
    // The history guard and the cleaning (docs/estimation.md).
    auto cleaning = parse_return_cleaning(clean_name);
    if (!cleaning) raise(cleaning.status().with_context("clean_returns"));
    HistoryOptions history_options{
        .min_returns = min_history,
        .periods_per_year = periods_per_year,
        .short_history = drop_short ? ShortHistory::kDrop : ShortHistory::kError};
    auto history = take(check_history(returns, history_options));
    for (const auto& r : history.repairs) {
      repairs.push_back({{"action", "drop-asset"}, {"detail", r}});
    }
    warnings.insert(warnings.end(), history.warnings.begin(), history.warnings.end());
    returns = std::move(history.returns);
    auto cleaned = take(clean_returns(returns, *cleaning));
    warnings.insert(warnings.end(), cleaned.warnings.begin(), cleaned.warnings.end());
    for (const auto& c : cleaned.clipped) repairs.push_back(c.to_json());
    returns = std::move(cleaned.returns);

    const bool need_cov = !cov_name.empty() || mu_name == "equilibrium";
    if (need_cov) {
      CovarianceOptions c;
      c.method = take(parse_covariance_method(cov_name.empty() ? "sample" : cov_name));
      c.pairwise = pairwise;
      auto repair = parse_psd_repair(psd_name == "spectral" ? "pyportfolioopt" : psd_name);
      if (!repair) raise(repair.status().with_context("psd_repair"));
      if (*repair != PsdRepair::kNone && !pairwise) {
        raise(Status::invalid(
            "psd_repair applies to the pairwise covariance; pass missing='pairwise'"));
      }
      c.pairwise_repair.method = *repair;
      c.ewma_span = span;
      c.ewma_half_life = half_life;
      c.ewma_lambda = lambda;
      if (c.method == CovarianceMethod::kEwma && std::isnan(span) && std::isnan(half_life) &&
          std::isnan(lambda)) {
        c.ewma_lambda = 0.94;  // RiskMetrics' daily decay, the CLI's default
      }
      c.semicovariance_benchmark = semicov_benchmark;
      cov = take(estimate_covariance(returns, c));
    }
    if (!mu_name.empty()) {
      ExpectedReturnOptions m;
      m.method = take(parse_expected_return_method(mu_name));
      m.periods_per_year = periods_per_year;
      m.risk_free_rate = risk_free;
      m.risk_aversion = risk_aversion;
      m.compounding = compounding;
      if (m.method == ExpectedReturnMethod::kEwma) {
        m.ewma_span = span;
        m.ewma_half_life = half_life;
        if (std::isnan(span) && std::isnan(half_life)) m.ewma_span = 500;
      }
      if (!benchmark.empty()) {
        Eigen::Index col = -1;
        for (std::size_t j = 0; j < returns.assets.size(); ++j) {
          if (returns.assets[j] == benchmark) col = static_cast<Eigen::Index>(j);
        }
        if (col < 0) {
          raise(Status::invalid("benchmark '" + benchmark +
                                "' is not among the assets; name one of the price columns"));
        }
        m.market_returns = returns.values.col(col);
      }
      if (m.method == ExpectedReturnMethod::kEquilibrium) {
        if (market_caps.size() == 0) {
          raise(Status::invalid("expected returns 'equilibrium' need market_caps (by asset)"));
        }
        if (market_caps.size() != static_cast<Eigen::Index>(returns.assets.size())) {
          raise(Status::invalid("market_caps: one value per asset is needed"));
        }
        m.market_caps = market_caps;
        m.equilibrium_covariance = cov->covariance;
      }
      mu = take(estimate_expected_returns(returns, m));
    }
  }
  if (cov) {
    const auto& d = cov->diagnostics;
    warnings.insert(warnings.end(), d.warnings.begin(), d.warnings.end());
    for (const auto& r : d.repairs) repairs.push_back({{"action", "covariance"}, {"detail", r}});
  }
  if (mu) warnings.insert(warnings.end(), mu->warnings.begin(), mu->warnings.end());

  py::dict out;
  out["assets"] = returns.assets;
  out["return_timestamps"] = timestamps_to(returns.timestamps);
  out["returns"] = returns.values;
  out["warnings"] = warnings;
  out["repairs_json"] = repairs.dump();
  if (cov) {
    out["covariance"] = cov->covariance;  // per period
    out["covariance_diagnostics"] = covariance_diagnostics(cov->diagnostics);
  }
  if (mu) {
    out["expected_returns"] = mu->annualised;
    out["mu_shrinkage"] = mu->shrinkage;
    out["betas"] = mu->betas;
    out["observations"] = mu->observations;
  }
  return out;
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

// One model on annualised inputs through optimize_portfolio (keel/optimize/model.hpp), with the
// model options the CLI's make_model_spec sets (apps/keel/model_config.cpp). Returns the result's
// JSON document (docs/architecture.md section 3) and the weights.
py::tuple optimize(std::vector<std::string> assets, Eigen::VectorXd expected_returns,
                   Eigen::MatrixXd covariance, Eigen::MatrixXd scenarios, double periods_per_year,
                   Eigen::VectorXd market_caps, const std::string& model, py::dict options) {
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
  if (measure == "cvar") {
    spec.risk_budget_measure = RiskBudgetMeasure::kCvar;
  } else if (measure != "variance") {
    raise(Status::invalid("risk_measure '" + measure + "' is unknown; use variance or cvar"));
  }
  spec.risk_budgeting.budgets = o.get<Eigen::VectorXd>("budgets", Eigen::VectorXd());
  o.finish();

  ModelInputs inputs;
  inputs.assets = std::move(assets);
  inputs.expected_returns = std::move(expected_returns);
  inputs.covariance = std::move(covariance);
  inputs.scenarios = std::move(scenarios);
  inputs.periods_per_year = periods_per_year;
  inputs.market_caps = std::move(market_caps);
  std::string document;
  Eigen::VectorXd weights;
  {
    py::gil_scoped_release release;
    auto result = take(optimize_portfolio(inputs, spec));
    document = result.to_json().dump();
    weights = result.weights;
  }
  return py::make_tuple(document, weights);
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
  m.def("estimate", &estimate, py::arg("assets"), py::arg("timestamps"), py::arg("returns"),
        py::arg("periods_per_year"), py::arg("options"));
  m.def("optimize", &optimize, py::arg("assets"), py::arg("expected_returns"),
        py::arg("covariance"), py::arg("scenarios"), py::arg("periods_per_year"),
        py::arg("market_caps"), py::arg("model"), py::arg("options"));
  m.def(
      "infer_frequency",
      [](const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& timestamps) {
        auto ts = timestamps_from(timestamps);
        auto info = take(keel::infer_frequency(ts));
        return py::make_tuple(info.periods_per_year, info.label);
      },
      py::arg("timestamps"));
  m.def("hrp", &hrp_weights, py::arg("covariance"), py::arg("correlation"), py::arg("linkage"),
        py::arg("distance"));
  m.def("risk_profile", &risk_profile, py::arg("assets"), py::arg("returns"), py::arg("weights"),
        py::arg("options"));
}
