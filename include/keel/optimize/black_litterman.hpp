#pragma once
// Black–Litterman (Black & Litterman 1992, "Global portfolio optimization", Financial Analysts
// Journal 48(5); He & Litterman 1999, "The intuition behind Black–Litterman model portfolios";
// Idzorek 2004, "A step-by-step guide to the Black–Litterman model").
//
// Prior π: any expected returns, typically the market-implied equilibrium π = δ Σ w_mkt + r_f.
// Views: P μ = Q + ε with ε ~ N(0, Ω), k views on n assets (P is k × n, Q has k entries).
// Posterior (the formulas below use the "update" form, which also holds for Ω = 0, i.e. views held
// with certainty):
//   μ_BL = π + τΣPᵀ (PτΣPᵀ + Ω)⁻¹ (Q − Pπ)
//        = [(τΣ)⁻¹ + PᵀΩ⁻¹P]⁻¹ [(τΣ)⁻¹π + PᵀΩ⁻¹Q]          (when Ω is invertible)
//   Σ_BL = Σ + M,  M = τΣ − τΣPᵀ (PτΣPᵀ + Ω)⁻¹ PτΣ = [(τΣ)⁻¹ + PᵀΩ⁻¹P]⁻¹
// Implied weights: w ∝ (δΣ)⁻¹ μ_BL, normalised to sum to 1 (PyPortfolioOpt's bl_weights; they may
// be negative and the normalisation flips their sign when the raw sum is negative, exactly as
// there). All return and covariance inputs share one unit convention (e.g. annualised).

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/solve_status.hpp"
#include "keel/core/status.hpp"

namespace keel {

// Views in matrix form.
struct BlackLittermanViews {
  Eigen::MatrixXd picking{};   // P, k × n
  Eigen::VectorXd expected{};  // Q, k
};

// "asset returns expected_return" (e.g. BTC 0.40 per year).
struct AbsoluteView {
  std::string asset{};
  double expected_return = 0.0;
};

// "the equal-weighted basket `outperformers` beats the equal-weighted basket `underperformers`
// by `outperformance`": row +1/|outperformers| on the first, −1/|underperformers| on the second.
struct RelativeView {
  std::vector<std::string> outperformers{};
  std::vector<std::string> underperformers{};
  double outperformance = 0.0;
};

// Builds (P, Q) over `assets` (absolute views first, in the given order, then relative views).
// Unknown or repeated names, empty baskets and an asset on both sides are call errors that name it.
Result<BlackLittermanViews> make_views(const std::vector<std::string>& assets,
                                       const std::vector<AbsoluteView>& absolute_views,
                                       const std::vector<RelativeView>& relative_views = {});

// Market-implied equilibrium returns π = δ Σ w_mkt + r_f, with w_mkt = caps / Σ caps (caps ≥ 0,
// not all zero). Units of Σ and r_f must agree (e.g. both annual).
Result<Eigen::VectorXd> market_implied_prior_returns(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                                     Eigen::Ref<const Eigen::VectorXd> market_caps,
                                                     double risk_aversion,
                                                     double risk_free_rate = 0.0);

// Market-implied risk aversion δ = (E[r_m]·p − r_f) / (Var[r_m]·p) from a benchmark's per-period
// simple returns (mean and unbiased variance, p = periods_per_year; r_f annual). Needs ≥ 2 finite
// returns and a positive variance.
Result<double> market_implied_risk_aversion(Eigen::Ref<const Eigen::VectorXd> market_returns,
                                            double periods_per_year, double risk_free_rate = 0.0);

enum class ViewUncertainty {
  kHeLitterman,  // Ω = diag(τ P Σ Pᵀ) (He & Litterman 1999); the default
  kExplicit,     // Ω given in options.omega (k × k, symmetric PSD; zero rows = certain views)
  kIdzorek,      // per-view ω_j = τ (1 − c_j)/c_j · p_jᵀΣp_j for confidences c_j ∈ [0, 1]
                 // (Idzorek 2004 in PyPortfolioOpt's closed form; c_j = 0 gives ω_j = 1e6)
};

struct BlackLittermanOptions {
  // τ, the scaling of the prior's uncertainty τΣ. Range (0, 1]; default 0.05.
  double tau = 0.05;
  ViewUncertainty uncertainty = ViewUncertainty::kHeLitterman;
  Eigen::MatrixXd omega{};             // kExplicit only: Ω, k × k
  Eigen::VectorXd view_confidences{};  // kIdzorek only: one c_j ∈ [0, 1] per view
  // δ used for the implied weights (δΣ)⁻¹μ_BL (δ > 0; default 1, PyPortfolioOpt's default).
  double risk_aversion = 1.0;

  Status validate(Eigen::Index assets, Eigen::Index views) const;
};

struct BlackLittermanResult {
  SolveStatus status = SolveStatus::kNumericalError;
  Eigen::VectorXd prior_returns{};         // π as given
  Eigen::VectorXd posterior_returns{};     // μ_BL
  Eigen::MatrixXd posterior_covariance{};  // Σ + M
  Eigen::MatrixXd omega{};                 // Ω used
  Eigen::VectorXd weights{};  // (δΣ)⁻¹μ_BL normalised to sum to 1 (may be negative)
  std::string message{};
  std::vector<std::string> warnings{};

  bool is_usable() const { return keel::is_usable(status); }
};

// Computes the posterior. `covariance` must be symmetric positive definite, `prior` has n entries.
// With no views (k = 0) the posterior returns equal the prior and Σ_BL = (1 + τ)Σ.
Result<BlackLittermanResult> black_litterman(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                             Eigen::Ref<const Eigen::VectorXd> prior,
                                             const BlackLittermanViews& views,
                                             const BlackLittermanOptions& options = {});

}  // namespace keel
