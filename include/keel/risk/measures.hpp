#pragma once
// Risk measures over a portfolio return series: the RiskMeasure enum and plain functions (the
// skfolio layout: an enum over plain functions), plus the portfolio return of a weight vector.
//
// Inputs are per-period simple returns (fractions, 0.01 = +1%), finite. Everything here is per
// period; annualise() scales a dispersion measure by √periods_per_year (no hidden 252: the caller
// passes 365 for daily crypto, 8760 for hourly, see data/frequency.hpp). Tail and drawdown
// measures are not annualised: VaR/ES take a horizon (var.hpp), drawdowns are path measures.
//
// Conventions (T observations, r̄ the sample mean):
//   volatility               sqrt( Σ (r − r̄)² / (T − 1) )            numpy std(ddof=1), R sd()
//   semideviation            sqrt( Σ min(r − r̄, 0)² / (T − 1) )      Riskfolio-Lib SemiDeviation;
//                            PerformanceAnalytics' SemiDeviation divides by T (multiply by
//                            √((T − 1)/T) to match it)
//   mean absolute deviation  Σ |r − r̄| / T                          Riskfolio MAD,
//   PerformanceAnalytics worst realisation        −min_t r_t                             Riskfolio
//   WR (a loss, positive)

#include <Eigen/Core>
#include <string_view>

#include "keel/core/result.hpp"
#include "keel/risk/drawdown.hpp"
#include "keel/risk/var.hpp"

namespace keel {

enum class RiskMeasure {
  kVolatility,
  kSemideviation,
  kMeanAbsoluteDeviation,
  kValueAtRisk,        // per VarOptions (method, confidence, horizon)
  kExpectedShortfall,  // CVaR, per VarOptions
  kMaxDrawdown,        // per DrawdownOptions (uncompounded by default)
  kAverageDrawdown,
  kCdar,  // conditional drawdown at risk at DrawdownOptions::confidence
  kUlcerIndex,
  kWorstRealisation,
};

// Kebab-case names for the CLI/JSON: "volatility", "semideviation", "mean-absolute-deviation",
// "var", "cvar", "max-drawdown", "average-drawdown", "cdar", "ulcer-index", "worst-realisation".
std::string_view to_string(RiskMeasure measure);

// Sample moments of a series. stddev divides by T − 1; skewness and excess kurtosis are the
// population (biased, "moment") ratios m3/m2^1.5 and m4/m2² − 3 with mₖ = Σ (r − r̄)ᵏ / T, as
// scipy.stats.skew/kurtosis(bias=True) and PerformanceAnalytics' method = "moment".
struct SampleMoments {
  Eigen::Index observations = 0;
  double mean = 0.0;
  double stddev = 0.0;             // sample, T − 1
  double population_stddev = 0.0;  // √m2, T
  double skewness = 0.0;
  double excess_kurtosis = 0.0;
};
// Needs T ≥ 2 finite values. Skewness and kurtosis are 0 for a constant series (m2 = 0).
Result<SampleMoments> sample_moments(Eigen::Ref<const Eigen::VectorXd> returns);

// Portfolio return per row, R·w, for a T × N return matrix (or S × N scenarios) and N weights.
// Rejects non-finite cells naming the row and asset column.
Result<Eigen::VectorXd> portfolio_returns(Eigen::Ref<const Eigen::MatrixXd> returns,
                                          Eigen::Ref<const Eigen::VectorXd> weights);

Result<double> volatility(Eigen::Ref<const Eigen::VectorXd> returns);
Result<double> semideviation(Eigen::Ref<const Eigen::VectorXd> returns);
Result<double> mean_absolute_deviation(Eigen::Ref<const Eigen::VectorXd> returns);
Result<double> worst_realisation(Eigen::Ref<const Eigen::VectorXd> returns);

// value_per_period · √periods_per_year, for volatility-like measures. periods_per_year > 0.
double annualise(double value_per_period, double periods_per_year);

// Options of risk_measure(): the VaR/ES and drawdown settings the tail measures use.
struct RiskMeasureOptions {
  VarOptions var{};            // for kValueAtRisk and kExpectedShortfall
  DrawdownOptions drawdown{};  // for the drawdown measures
  Status validate() const;
};

// One measure of a return series, per period (the loss-type measures are positive numbers).
Result<double> risk_measure(Eigen::Ref<const Eigen::VectorXd> returns, RiskMeasure measure,
                            const RiskMeasureOptions& options = {});

// Every measure at once, per period, with the dispersion measures also annualised.
struct RiskSummaryOptions {
  // Periods per year of the series (365 daily crypto, 8760 hourly). Required, > 0; there is no
  // default on purpose (0 fails validation).
  double periods_per_year = 0.0;
  RiskMeasureOptions measures{};
  Status validate() const;
};

struct RiskSummary {
  SampleMoments moments;
  double volatility = 0.0;
  double semideviation = 0.0;
  double mean_absolute_deviation = 0.0;
  double worst_realisation = 0.0;
  double annualised_mean = 0.0;           // mean · periods_per_year (arithmetic)
  double annualised_volatility = 0.0;     // volatility · √periods_per_year
  double annualised_semideviation = 0.0;  // semideviation · √periods_per_year
  VarEstimate var;                        // per RiskMeasureOptions::var
  DrawdownSummary drawdown;               // per RiskMeasureOptions::drawdown
};
Result<RiskSummary> summarize_risk(Eigen::Ref<const Eigen::VectorXd> returns,
                                   const RiskSummaryOptions& options);

}  // namespace keel
