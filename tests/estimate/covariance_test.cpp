// Invariants and failure scenarios of the covariance estimators (peer comparisons live in
// estimate_reference_test.cpp).

#include "keel/estimate/covariance.hpp"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <limits>
#include <random>

#include "keel/estimate/correlation.hpp"
#include "support/random_problems.hpp"

namespace keel {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Returns of a market-factor model (every asset loads positively on factor 0, about 0.01 of
// market volatility per period beside idiosyncratic volatility 0.01 growing with the asset index);
// deterministic for a seed.
Eigen::MatrixXd factor_returns(int t, int n, std::uint64_t seed, int factors = 1) {
  Random rng(seed);
  return test::factor_returns(rng, {.assets = n,
                                    .factors = factors,
                                    .periods = t,
                                    .factor_volatility = 0.01,
                                    .noise_volatility = 0.01,
                                    .noise_growth = 0.1,
                                    .market_factor = true});
}

const CovarianceMethod kAll[] = {
    CovarianceMethod::kSample,
    CovarianceMethod::kEwma,
    CovarianceMethod::kSemicovariance,
    CovarianceMethod::kLedoitWolf,
    CovarianceMethod::kLedoitWolfConstantCorrelation,
    CovarianceMethod::kLedoitWolfSingleFactor,
    CovarianceMethod::kOas,
    CovarianceMethod::kNonlinearShrinkage,
    CovarianceMethod::kDenoised,
    CovarianceMethod::kFactor,
    CovarianceMethod::kFactorPca,
};

CovarianceOptions options_for(CovarianceMethod m) {
  CovarianceOptions o{.method = m};
  if (m == CovarianceMethod::kEwma) o.ewma_half_life = 30.0;
  return o;
}

double min_eigenvalue(const Eigen::MatrixXd& m) {
  return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(m, Eigen::EigenvaluesOnly).eigenvalues()(0);
}

TEST(CovarianceThreads, TwoThreadsGiveTheOneThreadAnswer) {
  // 2000 × 101 (odd, so the column halves differ in size) is above the split threshold.
  const Eigen::MatrixXd x = factor_returns(2000, 101, 17);
  for (CovarianceMethod m : {CovarianceMethod::kSample, CovarianceMethod::kSemicovariance,
                             CovarianceMethod::kLedoitWolf, CovarianceMethod::kOas}) {
    CovarianceOptions one{.method = m};
    CovarianceOptions two{.method = m, .threads = 2};
    auto a = estimate_covariance(x, one);
    auto b = estimate_covariance(x, two);
    ASSERT_TRUE(a.is_ok() && b.is_ok());
    const double scale = a->covariance.cwiseAbs().maxCoeff();
    EXPECT_LT((a->covariance - b->covariance).cwiseAbs().maxCoeff(), 1e-14 * scale) << to_string(m);
    EXPECT_EQ(b->covariance, b->covariance.transpose()) << to_string(m);
    if (std::isnan(a->diagnostics.shrinkage)) {
      EXPECT_TRUE(std::isnan(b->diagnostics.shrinkage)) << to_string(m);  // no shrinkage here
    } else {
      EXPECT_NEAR(a->diagnostics.shrinkage, b->diagnostics.shrinkage, 1e-14) << to_string(m);
    }
  }
  CovarianceOptions bad{.threads = -1};
  EXPECT_FALSE(estimate_covariance(x, bad).is_ok());
}

TEST(CovarianceMethodNames, RoundTripAndRejectUnknown) {
  for (CovarianceMethod m : kAll) {
    auto parsed = parse_covariance_method(to_string(m));
    ASSERT_TRUE(parsed.is_ok());
    EXPECT_EQ(*parsed, m);
  }
  EXPECT_EQ(to_string(CovarianceMethod::kLedoitWolfConstantCorrelation),
            "ledoit-wolf-constant-correlation");
  EXPECT_EQ(*parse_covariance_method("garch-dcc"), CovarianceMethod::kGarchDcc);
  auto bad = parse_covariance_method("garch");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("nonlinear-shrinkage"), std::string::npos);
}

TEST(CovarianceInvariants, PermutingAssetsPermutesOutput) {
  const Eigen::MatrixXd x = factor_returns(120, 8, 1);
  Eigen::VectorXi order(8);
  order << 3, 7, 0, 5, 1, 6, 2, 4;
  Eigen::PermutationMatrix<Eigen::Dynamic> perm(order);
  const Eigen::MatrixXd xp = x * perm;
  for (CovarianceMethod m : kAll) {
    auto a = estimate_covariance(x, options_for(m));
    auto b = estimate_covariance(xp, options_for(m));
    ASSERT_TRUE(a.is_ok() && b.is_ok()) << to_string(m);
    const Eigen::MatrixXd expected = perm.transpose() * a->covariance * perm;
    EXPECT_LT((b->covariance - expected).norm(), 1e-12 * a->covariance.norm()) << to_string(m);
    if (std::isfinite(a->diagnostics.shrinkage)) {
      EXPECT_NEAR(a->diagnostics.shrinkage, b->diagnostics.shrinkage, 1e-12) << to_string(m);
    }
  }
}

TEST(CovarianceInvariants, ScalingReturnsScalesCovarianceBySquare) {
  const Eigen::MatrixXd x = factor_returns(150, 6, 2);
  const double c = 3.5;
  for (CovarianceMethod m : kAll) {
    CovarianceOptions o = options_for(m);
    // The semicovariance threshold is a return level: scale it too.
    o.semicovariance_benchmark = 0.001;
    auto a = estimate_covariance(x, o);
    o.semicovariance_benchmark *= c;
    auto b = estimate_covariance(c * x, o);
    ASSERT_TRUE(a.is_ok() && b.is_ok()) << to_string(m);
    EXPECT_LT((b->covariance - c * c * a->covariance).norm(), 1e-10 * b->covariance.norm())
        << to_string(m);
  }
}

TEST(CovarianceInvariants, ShrinkageResultsArePsdWhenTBelowN) {
  const Eigen::MatrixXd x = factor_returns(30, 60, 3);
  for (CovarianceMethod m :
       {CovarianceMethod::kLedoitWolf, CovarianceMethod::kOas,
        CovarianceMethod::kLedoitWolfConstantCorrelation, CovarianceMethod::kLedoitWolfSingleFactor,
        CovarianceMethod::kNonlinearShrinkage}) {
    auto est = estimate_covariance(x, {.method = m});
    ASSERT_TRUE(est.is_ok()) << to_string(m) << ": " << est.status().message();
    EXPECT_GT(min_eigenvalue(est->covariance), 0.0) << to_string(m);
    EXPECT_EQ(est->diagnostics.rank, 60) << to_string(m);
    EXPECT_GT(est->diagnostics.min_eigenvalue, 0.0) << to_string(m);
    EXPECT_TRUE(std::isfinite(est->diagnostics.condition_number)) << to_string(m);
  }
}

TEST(SampleCovariance, TBelowNReportsRankAndWarnsInsteadOfFailing) {
  const Eigen::MatrixXd x = factor_returns(20, 40, 4);
  auto est = estimate_covariance(x, {});
  ASSERT_TRUE(est.is_ok()) << est.status().message();
  EXPECT_EQ(est->diagnostics.rank, 19);  // T − 1 after demeaning
  EXPECT_TRUE(std::isnan(est->diagnostics.shrinkage));
  EXPECT_TRUE(std::isinf(est->diagnostics.condition_number));
  ASSERT_FALSE(est->diagnostics.warnings.empty());
  EXPECT_NE(est->diagnostics.warnings[0].find("ledoit-wolf"), std::string::npos);
  EXPECT_EQ(est->diagnostics.observations, 20);
}

TEST(SampleCovariance, ClosedFormOnTwoAssets) {
  Eigen::MatrixXd x(4, 2);
  x << 0.01, 0.02, -0.01, 0.00, 0.03, 0.01, 0.01, -0.03;
  auto est = estimate_covariance(x, {});
  ASSERT_TRUE(est.is_ok());
  // means 0.01 and 0; deviations (0, .02), (-.02, 0), (.02, .01), (0, -.03)
  EXPECT_NEAR(est->covariance(0, 0), (0.0004 + 0.0004) / 3.0, 1e-17);
  EXPECT_NEAR(est->covariance(1, 1), (0.0004 + 0.0001 + 0.0009) / 3.0, 1e-17);
  EXPECT_NEAR(est->covariance(0, 1), 0.0002 / 3.0, 1e-17);
  EXPECT_EQ(est->covariance(0, 1), est->covariance(1, 0));
}

TEST(SampleCovariance, NaNIsRejectedWithAssetRowAndPolicy) {
  Eigen::MatrixXd x = factor_returns(50, 4, 5);
  x(17, 2) = kNaN;
  auto est = estimate_covariance(x, {.method = CovarianceMethod::kLedoitWolf});
  ASSERT_FALSE(est.is_ok());
  EXPECT_EQ(est.status().code(), StatusCode::kInvalidInput);
  const std::string& msg = est.status().message();
  EXPECT_NE(msg.find("column 2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("row 17"), std::string::npos) << msg;
  EXPECT_NE(msg.find("pairwise"), std::string::npos) << msg;
}

TEST(SampleCovariance, ReturnSeriesMessagesNameAssetAndDate) {
  ReturnSeries series;
  series.assets = {"BTC", "ETH"};
  series.timestamps = {86400, 2 * 86400, 3 * 86400};
  series.values.resize(3, 2);
  series.values << 0.01, 0.02, 0.03, kNaN, -0.01, 0.0;
  auto est = estimate_covariance(series, {});
  ASSERT_FALSE(est.is_ok());
  EXPECT_NE(est.status().message().find("'ETH'"), std::string::npos) << est.status().message();
  EXPECT_NE(est.status().message().find("1970-01-03"), std::string::npos) << est.status().message();
}

TEST(SampleCovariance, PairwiseMatchesFullOverlapCovarianceOnEachPair) {
  Eigen::MatrixXd x = factor_returns(80, 3, 6);
  for (int t = 0; t < 30; ++t) x(t, 0) = kNaN;  // late listing
  x(50, 2) = kNaN;
  CovarianceOptions o{.pairwise = true};
  auto est = estimate_covariance(x, o);
  ASSERT_TRUE(est.is_ok()) << est.status().message();
  EXPECT_EQ(est->diagnostics.observations, 49);  // pair (0, 2): rows 30..79 minus row 50
  // Pair (0, 1) over rows 30..79 must equal the full-overlap covariance of that block.
  auto block = estimate_covariance(Eigen::MatrixXd(x.block(30, 0, 50, 2)), {});
  ASSERT_TRUE(block.is_ok());
  EXPECT_NEAR(est->covariance(0, 1), block->covariance(0, 1), 1e-16);
  EXPECT_NEAR(est->covariance(0, 0), block->covariance(0, 0), 1e-16);
}

TEST(SampleCovariance, PairwiseTooLittleOverlapNamesThePair) {
  Eigen::MatrixXd x = factor_returns(10, 2, 7);
  for (int t = 0; t < 9; ++t) x(t, 1) = kNaN;
  auto est = estimate_covariance(x, {.pairwise = true});
  ASSERT_FALSE(est.is_ok());
  EXPECT_NE(est.status().message().find("asset column 1"), std::string::npos);
}

TEST(SampleCovariance, PairwiseIndefiniteIsWarnedThenRepairedOnRequest) {
  // Three assets observed on disjoint-ish windows produce an inconsistent pairwise matrix.
  Eigen::MatrixXd x(9, 3);
  x << 0.01, 0.01, kNaN,   //
      -0.01, -0.01, kNaN,  //
      0.02, 0.02, kNaN,    //
      kNaN, 0.01, -0.01,   //
      kNaN, -0.02, 0.02,   //
      kNaN, 0.01, -0.01,   //
      0.01, kNaN, 0.01,    //
      -0.02, kNaN, -0.02,  //
      0.03, kNaN, 0.03;
  auto raw = estimate_covariance(x, {.pairwise = true});
  ASSERT_TRUE(raw.is_ok()) << raw.status().message();
  EXPECT_LT(raw->diagnostics.min_eigenvalue, 0.0);
  EXPECT_TRUE(raw->diagnostics.repairs.empty());
  EXPECT_FALSE(raw->diagnostics.warnings.empty());

  for (PsdRepair r : {PsdRepair::kClip, PsdRepair::kHigham, PsdRepair::kPyPortfolioOpt}) {
    CovarianceOptions o{.pairwise = true};
    o.pairwise_repair.method = r;
    auto fixed = estimate_covariance(x, o);
    ASSERT_TRUE(fixed.is_ok()) << fixed.status().message();
    ASSERT_EQ(fixed->diagnostics.repairs.size(), 1u) << to_string(r);
    EXPECT_NE(fixed->diagnostics.repairs[0].find("pairwise"), std::string::npos);
    EXPECT_GE(fixed->diagnostics.min_eigenvalue, -1e-12) << to_string(r);
    if (r == PsdRepair::kHigham) {
      EXPECT_NEAR((fixed->covariance.diagonal() - raw->covariance.diagonal()).norm(), 0.0, 1e-16);
    }
  }
}

TEST(CovarianceOptions, RejectsUnsupportedCombinations) {
  EXPECT_FALSE((CovarianceOptions{.method = CovarianceMethod::kOas, .pairwise = true}.validate()));
  EXPECT_FALSE((CovarianceOptions{.method = CovarianceMethod::kEwma}.validate()));
  EXPECT_FALSE(
      (CovarianceOptions{.method = CovarianceMethod::kEwma, .ewma_span = 10, .ewma_lambda = 0.9}
           .validate()));
  EXPECT_FALSE(
      (CovarianceOptions{.method = CovarianceMethod::kEwma, .ewma_lambda = 1.0}.validate()));
  CovarianceOptions repair_without_pairwise;
  repair_without_pairwise.pairwise_repair.method = PsdRepair::kClip;
  EXPECT_FALSE(repair_without_pairwise.validate());
  EXPECT_TRUE(CovarianceOptions{}.validate());
}

TEST(LedoitWolf, ClosedFormShrinkageOnTinyExample) {
  // Hand computation of scikit-learn's formula: T = 3, N = 2, centred data.
  Eigen::MatrixXd x(3, 2);
  x << 1.0, 0.0, -1.0, 1.0, 0.0, -1.0;
  // S = XᵀX/3 = [[2/3, -1/3], [-1/3, 2/3]], μ = 2/3.
  // β_sum = Σ_t ‖x_t‖⁴ = 1 + 4 + 1 = 6; δ_sum = ‖S‖² = 10/9.
  // β = (6/3 − 10/9) / (2·3) = 4/27; δ = (10/9 − 2·(2/3)(4/3) + 2·4/9)/2 = 1/9 → s = min(β, δ)/δ
  // = 1.
  auto est = estimate_covariance(x, {.method = CovarianceMethod::kLedoitWolf});
  ASSERT_TRUE(est.is_ok());
  EXPECT_DOUBLE_EQ(est->diagnostics.shrinkage, 1.0);
  EXPECT_NEAR(est->covariance(0, 0), 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(est->covariance(0, 1), 0.0, 1e-15);
}

TEST(NonlinearShrinkage, PreservesEigenvectorsAndTrace) {
  const Eigen::MatrixXd x = factor_returns(200, 20, 8);
  auto est = estimate_covariance(x, {.method = CovarianceMethod::kNonlinearShrinkage});
  ASSERT_TRUE(est.is_ok()) << est.status().message();
  // Rotation-equivariant: it commutes with the sample covariance (same eigenvectors).
  const Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
  const Eigen::MatrixXd s = centred.transpose() * centred / 199.0;
  EXPECT_LT((s * est->covariance - est->covariance * s).norm(),
            1e-10 * s.norm() * est->covariance.norm());
  // Shrinks the spectrum: the largest eigenvalue goes down, the smallest up.
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(s), en(est->covariance);
  EXPECT_LT(en.eigenvalues()(19), es.eigenvalues()(19));
  EXPECT_GT(en.eigenvalues()(0), es.eigenvalues()(0));
}

TEST(NonlinearShrinkage, TooFewRowsFailsWithHint) {
  auto est = estimate_covariance(factor_returns(12, 3, 9),
                                 {.method = CovarianceMethod::kNonlinearShrinkage});
  ASSERT_FALSE(est.is_ok());
  EXPECT_NE(est.status().message().find("ledoit-wolf"), std::string::npos);
}

TEST(Denoising, ConstantResidualKeepsTraceAndTopEigenvalues) {
  Eigen::VectorXd values(6);
  values << 4.0, 1.5, 0.2, 0.15, 0.1, 0.05;
  const Eigen::VectorXd out = constant_residual_eigenvalues(values, 2);
  EXPECT_DOUBLE_EQ(out(0), 4.0);
  EXPECT_DOUBLE_EQ(out(1), 1.5);
  EXPECT_NEAR(out.sum(), values.sum(), 1e-15);
  for (int i = 2; i < 6; ++i) EXPECT_NEAR(out(i), 0.125, 1e-15);
}

TEST(Denoising, MarchenkoPasturFitRecoversPureNoise) {
  // Pure noise: the fitted σ² is close to 1 and no eigenvalue is far above the edge.
  Random rng(10);
  const Eigen::MatrixXd x = test::normal_matrix(rng, 1000, 100);
  auto est = estimate_covariance(x, {.method = CovarianceMethod::kDenoised});
  ASSERT_TRUE(est.is_ok()) << est.status().message();
  EXPECT_NEAR(est->diagnostics.marchenko_pastur_variance, 1.0, 0.15);
  EXPECT_LE(est->diagnostics.factors, 1);
  const double q = 10.0;
  EXPECT_NEAR(est->diagnostics.marchenko_pastur_edge,
              est->diagnostics.marchenko_pastur_variance * std::pow(1.0 + std::sqrt(1.0 / q), 2),
              1e-12);
}

TEST(Denoising, KnownFactorStructureIsRecoveredAndCloserToTruth) {
  // Three block factors of 10 assets each plus idiosyncratic noise: 3 signal eigenvalues.
  const int n = 30, t = 400, k = 3;
  Random rng(11);
  Eigen::MatrixXd loadings = Eigen::MatrixXd::Zero(n, k);
  for (int i = 0; i < n; ++i) loadings(i, i / 10) = 0.8;
  Eigen::MatrixXd truth = loadings * loadings.transpose();
  truth.diagonal().setOnes();  // idiosyncratic variance 1 − 0.64
  Eigen::MatrixXd x(t, n);
  for (int r = 0; r < t; ++r) {
    Eigen::VectorXd f(k);
    for (int j = 0; j < k; ++j) f(j) = rng.normal();
    for (int i = 0; i < n; ++i) x(r, i) = loadings.row(i).dot(f) + 0.6 * rng.normal();
  }
  auto est = estimate_covariance(x, {.method = CovarianceMethod::kDenoised});
  ASSERT_TRUE(est.is_ok()) << est.status().message();
  EXPECT_EQ(est->diagnostics.factors, k);
  auto corr = covariance_to_correlation(est->covariance);
  auto sample = estimate_covariance(x, {});
  auto sample_corr = covariance_to_correlation(sample->covariance);
  ASSERT_TRUE(corr.is_ok() && sample_corr.is_ok());
  EXPECT_LT((*corr - truth).norm(), (*sample_corr - truth).norm());
  // Denoising keeps the variances, the trace of the correlation and positive definiteness.
  EXPECT_LT((est->covariance.diagonal() - sample->covariance.diagonal()).norm(), 1e-12);
  EXPECT_NEAR(corr->trace(), n, 1e-10);
  EXPECT_GT(min_eigenvalue(est->covariance), 0.0);

  CovarianceOptions detone{.method = CovarianceMethod::kDenoised};
  detone.denoise.detone = true;
  auto detoned = estimate_covariance(x, detone);
  ASSERT_TRUE(detoned.is_ok()) << detoned.status().message();
  EXPECT_EQ(detoned->diagnostics.rank, n - 1);
  EXPECT_GE(detoned->diagnostics.min_eigenvalue, -1e-12);
  EXPECT_FALSE(detoned->diagnostics.warnings.empty());
}

TEST(Ewma, HeavierRecentWeightsTrackABreak) {
  // Volatility doubles in the last 50 rows: the EWMA variance is nearer the new level.
  Eigen::MatrixXd x = factor_returns(300, 2, 12);
  x.bottomRows(50) *= 2.0;
  auto sample = estimate_covariance(x.bottomRows(50), {});
  auto ewma = estimate_covariance(x, {.method = CovarianceMethod::kEwma, .ewma_half_life = 10});
  auto full = estimate_covariance(x, {});
  ASSERT_TRUE(sample.is_ok() && ewma.is_ok() && full.is_ok());
  EXPECT_LT(std::abs(ewma->covariance(0, 0) - sample->covariance(0, 0)),
            std::abs(full->covariance(0, 0) - sample->covariance(0, 0)));
}

TEST(Semicovariance, OnlyDownsideCounts) {
  Eigen::MatrixXd x(4, 1);
  x << 0.05, -0.02, 0.01, -0.04;
  auto est = estimate_covariance(x, {.method = CovarianceMethod::kSemicovariance});
  ASSERT_TRUE(est.is_ok());
  EXPECT_NEAR(est->covariance(0, 0), (0.0004 + 0.0016) / 4.0, 1e-18);
}

TEST(Spectrum, SkippedWhenNotAsked) {
  auto est = estimate_covariance(factor_returns(50, 5, 13),
                                 {.method = CovarianceMethod::kOas, .compute_spectrum = false});
  ASSERT_TRUE(est.is_ok());
  EXPECT_TRUE(std::isnan(est->diagnostics.min_eigenvalue));
  EXPECT_EQ(est->diagnostics.rank, -1);
  EXPECT_GE(est->diagnostics.shrinkage, 0.0);
}

// pandas' DataFrame.corr() on ragged data: each pair over its own overlap with the overlap's
// means and spreads. By hand: a = (2, 3, 4) and b = (1, 3, 2) on the shared rows give
// Σ(a−ā)(b−b̄) = 1, Σ(a−ā)² = Σ(b−b̄)² = 2, so ρ = 0.5; the correlation of the pairwise covariance
// would divide by a's whole-history variance instead (1/2 / sqrt(5/3 · 1) ≈ 0.387).
TEST(PairwiseCorrelation, UsesEachPairsOverlapNotTheCovarianceDiagonal) {
  Eigen::MatrixXd x(4, 3);
  x << 1, kNaN, 5,  //
      2, 1, 4,      //
      3, 3, 6,      //
      4, 2, kNaN;
  auto corr = pairwise_correlation(x);
  ASSERT_TRUE(corr.is_ok()) << corr.status().message();
  EXPECT_NEAR((*corr)(0, 1), 0.5, 1e-15);
  EXPECT_NEAR((*corr)(1, 0), 0.5, 1e-15);
  // a and c share rows 0..2: a = (1, 2, 3), c = (5, 4, 6): Σ = (−1)(0) + 0·(−1) + 1·1 = 1,
  // Σa² = 2, Σc² = 2 → 0.5. b and c share rows 1..2: two points, perfectly correlated.
  EXPECT_NEAR((*corr)(0, 2), 0.5, 1e-15);
  EXPECT_NEAR((*corr)(1, 2), 1.0, 1e-15);
  EXPECT_EQ(corr->diagonal(), Eigen::VectorXd::Ones(3));
  CovarianceOptions pairwise{.pairwise = true};
  auto cov = estimate_covariance(x, pairwise);
  ASSERT_TRUE(cov.is_ok());
  auto derived = covariance_to_correlation(cov->covariance);
  ASSERT_TRUE(derived.is_ok());
  EXPECT_NEAR((*derived)(0, 1), 0.5 / std::sqrt(5.0 / 3.0), 1e-15);
  // Without gaps it is the ordinary Pearson correlation.
  const Eigen::MatrixXd full = factor_returns(200, 4, 3);
  auto plain = pairwise_correlation(full);
  auto via_cov = covariance_to_correlation(estimate_covariance(full, {})->covariance);
  ASSERT_TRUE(plain.is_ok() && via_cov.is_ok());
  EXPECT_LT((*plain - *via_cov).cwiseAbs().maxCoeff(), 1e-14);
}

TEST(CovarianceToCorrelation, ClosedFormAndZeroVariancePolicy) {
  // σ = (2, 0, 3) with Σ_02 = 3: ρ_02 = 3 / (2·3) = 0.5; asset 1 is constant.
  Eigen::Matrix3d cov;
  cov << 4, 0, 3,  //
      0, 0, 0,     //
      3, 0, 9;
  auto refused = covariance_to_correlation(cov);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("zero variance"), std::string::npos)
      << refused.status().message();
  auto shown =
      covariance_to_correlation(cov, {.zero_variance = ZeroVariancePolicy::kZeroCorrelation});
  ASSERT_TRUE(shown.is_ok()) << shown.status().message();
  EXPECT_EQ(shown->zero_variance_assets, std::vector<Eigen::Index>{1});
  Eigen::Matrix3d expected;
  expected << 1, 0, 0.5,  //
      0, 1, 0,            //
      0.5, 0, 1;
  EXPECT_LT((shown->correlation - expected).cwiseAbs().maxCoeff(), 1e-15);
  // Without zero variances both overloads agree and nothing is listed.
  Eigen::Matrix2d full;
  full << 4, 3, 3, 9;
  auto plain = covariance_to_correlation(full);
  auto with_options = covariance_to_correlation(full, CorrelationOptions{});
  ASSERT_TRUE(plain.is_ok() && with_options.is_ok());
  EXPECT_EQ(*plain, with_options->correlation);
  EXPECT_TRUE(with_options->zero_variance_assets.empty());
  // Rounding past ±1 (perfectly correlated assets) is clipped to a valid correlation.
  Eigen::Matrix2d collinear;
  collinear << 0.1, 0.1 * std::sqrt(0.3 / 0.1), 0.1 * std::sqrt(0.3 / 0.1), 0.3;
  auto clipped = covariance_to_correlation(collinear);
  ASSERT_TRUE(clipped.is_ok());
  EXPECT_LE(clipped->cwiseAbs().maxCoeff(), 1.0);
  EXPECT_FALSE(covariance_to_correlation(Eigen::MatrixXd(2, 3)).is_ok());
}

TEST(PairwiseCorrelation, FailuresNameThePair) {
  Eigen::MatrixXd x(4, 2);
  x << 1, kNaN, 2, kNaN, 3, 7, 4, kNaN;
  ReturnSeries series;
  series.assets = {"BTC", "ETH"};
  series.values = x;
  auto short_overlap = pairwise_correlation(series);
  ASSERT_FALSE(short_overlap.is_ok());
  EXPECT_NE(short_overlap.status().message().find(
                "asset 'ETH' (column 1) and asset 'BTC' (column 0) overlap on 1 rows"),
            std::string::npos)
      << short_overlap.status().message();
  series.values << 1, 2, 2, 2, 3, 2, 4, kNaN;
  auto constant = pairwise_correlation(series);
  ASSERT_FALSE(constant.is_ok());
  EXPECT_NE(constant.status().message().find("asset 'ETH' (column 1) is constant"),
            std::string::npos)
      << constant.status().message();
  series.values(0, 0) = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(pairwise_correlation(series).is_ok());
  EXPECT_FALSE(pairwise_correlation(x, 1).is_ok());  // min_periods below 2
}

}  // namespace
}  // namespace keel
