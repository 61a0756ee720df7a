#pragma once
// Scalar distribution functions used by the GARCH likelihoods and the copulas: standard normal and
// Student-t CDFs and quantiles, the regularised incomplete beta function, and digamma. Accuracy
// (checked against SciPy 1.10 and mpmath values in tests/reference/copula/distributions.csv):
// relative error below 1e-12 for the normal CDF and quantile, the t CDF (1e-10 for ν ≥ 500, where
// lgamma cancellation costs digits) and digamma; below 1e-11 for the t quantile.

#include "keel/core/normal_quantile.hpp"

namespace keel {

// Φ(x) = P(Z ≤ x), Z ~ N(0, 1).
double normal_cdf(double x);
// Density of N(0, 1).
double normal_pdf(double x);
// Φ⁻¹(p) is normal_quantile, declared in keel/core/normal_quantile.hpp (included above): the core
// generator draws normals by inverting it.

// Regularised incomplete beta I_x(a, b) for a, b > 0, x ∈ [0, 1] (continued fraction evaluated
// with the modified Lentz method, Press et al., Numerical Recipes 3rd ed., §6.4); NaN otherwise.
double regularized_incomplete_beta(double x, double a, double b);

// P(T ≤ t) for a Student-t with ν > 0 degrees of freedom (not standardised: variance ν/(ν−2)).
double student_t_cdf(double t, double nu);
// Density of the Student-t with ν degrees of freedom.
double student_t_pdf(double t, double nu);
// Inverse of student_t_cdf for p ∈ (0, 1): Newton steps on the CDF from a Cornish–Fisher / tail
// start, safeguarded by bisection; ∓infinity at p = 0 / 1, NaN outside [0, 1] or for ν ≤ 0.
double student_t_quantile(double p, double nu);

// ψ(x) = d/dx log Γ(x) for x > 0 (recurrence to x ≥ 10, then the asymptotic series).
double digamma(double x);

// The chi-squared CDF for likelihood-ratio tests (Kupiec 1995): the regularised lower incomplete
// gamma P(k/2, x/2), by its power series for x < a + 1 and by the Lentz continued fraction
// otherwise (Press et al., Numerical Recipes, 3rd ed., §6.2), to ~1e-15.
// Regularised lower incomplete gamma P(a, x) = γ(a, x)/Γ(a), a > 0, x ≥ 0 (NaN otherwise).
double regularized_lower_gamma(double a, double x);

// Regularised upper incomplete gamma Q(a, x) = 1 − P(a, x), computed without cancellation.
double regularized_upper_gamma(double a, double x);

// CDF of the chi-squared distribution with `dof` > 0 degrees of freedom at x ≥ 0.
double chi_squared_cdf(double x, double dof);

// Survival function 1 − CDF, accurate for large x (use it for p-values).
double chi_squared_survival(double x, double dof);

}  // namespace keel
