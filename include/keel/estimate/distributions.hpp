#pragma once
// Scalar distribution functions used by the GARCH likelihoods and the copulas: standard normal and
// Student-t CDFs and quantiles, the regularised incomplete beta function, and digamma. Accuracy
// (checked against SciPy 1.10 and mpmath values in tests/reference/copula/distributions.csv):
// relative error below 1e-12 for the normal CDF and quantile, the t CDF (1e-10 for ν ≥ 500, where
// lgamma cancellation costs digits) and digamma; below 1e-11 for the t quantile.

namespace keel {

// Φ(x) = P(Z ≤ x), Z ~ N(0, 1).
double normal_cdf(double x);
// Φ⁻¹(p) for p ∈ (0, 1) (Wichura 1988, algorithm AS 241, PPND16); ∓infinity at p = 0 / 1, NaN
// outside [0, 1].
double normal_quantile(double p);
// Density of N(0, 1).
double normal_pdf(double x);

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

}  // namespace keel
