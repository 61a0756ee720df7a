// Warm starts carried across related solves: QpSolver (qp_solver.hpp) and the mean-variance
// workspace (mean_variance.hpp). A warm start may change the path, never the answer: every warm
// sequence is compared, solve by solve, with the same problems solved cold.
#include "keel/optimize/qp_solver.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "keel/core/random.hpp"
#include "keel/optimize/mean_variance.hpp"
#include "keel/optimize/model.hpp"

namespace keel {
namespace {

// Daily returns of a crypto-like market: one dominant factor, a second factor of both signs,
// idiosyncratic noise and asset-specific drifts (so that max Sharpe holds a handful of assets).
Eigen::MatrixXd simulated_returns(int periods, int assets, std::uint64_t seed) {
  Random random(seed);
  Eigen::VectorXd beta(assets), loading(assets), drift(assets), noise(assets);
  for (int i = 0; i < assets; ++i) {
    beta[i] = 0.7 + 0.6 * random.uniform();
    loading[i] = random.normal();
    drift[i] = 0.0015 * random.uniform() - 0.0003;
    noise[i] = 0.01 + 0.03 * random.uniform();
  }
  Eigen::MatrixXd r(periods, assets);
  for (int t = 0; t < periods; ++t) {
    const double market = 0.03 * random.normal();
    const double second = 0.01 * random.normal();
    for (int i = 0; i < assets; ++i) {
      r(t, i) = drift[i] + beta[i] * market + loading[i] * second + noise[i] * random.normal();
    }
  }
  return r;
}

// Window of `rows` returns ending before row `end`, on the given columns: annualised (365) sample
// mean and covariance.
MeanVarianceProblem window_problem(const Eigen::MatrixXd& returns, int end, int rows,
                                   const std::vector<int>& columns) {
  const auto n = static_cast<Eigen::Index>(columns.size());
  Eigen::MatrixXd w(rows, n);
  MeanVarianceProblem p;
  for (Eigen::Index k = 0; k < n; ++k) {
    w.col(k) = returns.col(columns[static_cast<std::size_t>(k)]).segment(end - rows, rows);
    p.assets.push_back("T" + std::to_string(columns[static_cast<std::size_t>(k)]));
  }
  p.expected_returns = 365.0 * w.colwise().mean().transpose();
  const Eigen::MatrixXd centred = w.rowwise() - w.colwise().mean();
  p.covariance = 365.0 * centred.transpose() * centred / (rows - 1.0);
  return p;
}

struct SequenceTotals {
  int warm_iterations = 0;
  int cold_iterations = 0;
  int warm_solves = 0;
  int calls = 0;
};

// A weekly rolling sequence (250-day windows moved by 7 days) over 60 assets. `changing`: the
// universe changes (an asset leaves for a while, a late one enters) and the cap moves for a
// stretch. Each call is solved with the workspace and cold; their weights must agree.
SequenceTotals run_sequence(MeanVarianceObjective objective, bool changing) {
  const int assets = 60;
  const Eigen::MatrixXd returns = simulated_returns(250 + 7 * 40, assets, 11);
  MeanVarianceWorkspace workspace;
  SequenceTotals totals;
  for (int step = 0; step < 40; ++step) {
    std::vector<int> columns;
    for (int i = 0; i < assets; ++i) {
      if (changing && i == 7 && step >= 10 && step < 15) continue;  // leaves, comes back
      if (changing && i == assets - 1 && step < 20) continue;       // listed late
      columns.push_back(i);
    }
    MeanVarianceProblem problem = window_problem(returns, 250 + 7 * step, 250, columns);
    problem.constraints.upper_bound = changing && step >= 25 && step < 30 ? 0.15 : 0.2;
    MeanVarianceOptions options;
    options.objective = objective;
    auto warm = optimize_mean_variance(problem, options, &workspace);
    auto cold = optimize_mean_variance(problem, options);
    EXPECT_TRUE(warm.is_ok() && cold.is_ok());
    if (!warm.is_ok() || !cold.is_ok()) return totals;
    EXPECT_EQ(warm->status, SolveStatus::kOptimal) << "step " << step;
    EXPECT_EQ(cold->status, SolveStatus::kOptimal) << "step " << step;
    EXPECT_EQ(cold->diagnostics.warm_solves, 0);
    EXPECT_LE((warm->weights - cold->weights).cwiseAbs().maxCoeff(), 1e-9)
        << "step " << step << ", warm-started: " << warm->diagnostics.warm_solves;
    if (changing && (step == 10 || step == 15 || step == 20)) {
      EXPECT_EQ(warm->diagnostics.warm_solves, 0) << "the universe changed at step " << step;
    }
    totals.warm_iterations += warm->diagnostics.iterations;
    totals.cold_iterations += cold->diagnostics.iterations;
    totals.warm_solves += warm->diagnostics.warm_solves;
    ++totals.calls;
  }
  return totals;
}

// The homogenised max-Sharpe QP with a 20% cap has one inequality row per asset: cold, the
// interior point (with polish) solves it; warm, the active set from the rescaled previous answer.
TEST(MeanVarianceWorkspace, MaxSharpeWarmEqualsColdAndTakesFewerIterations) {
  const SequenceTotals t = run_sequence(MeanVarianceObjective::kMaxSharpe, false);
  ASSERT_EQ(t.calls, 40);
  EXPECT_EQ(t.warm_solves, 39);  // all but the first
  // Measured: 237 working-set changes warm against 452 interior-point iterations cold.
  EXPECT_LT(4 * t.warm_iterations, 3 * t.cold_iterations)
      << "warm " << t.warm_iterations << " vs cold " << t.cold_iterations;
}

TEST(MeanVarianceWorkspace, MinVarianceWarmEqualsColdAndTakesFewerIterations) {
  const SequenceTotals t = run_sequence(MeanVarianceObjective::kMinVariance, false);
  ASSERT_EQ(t.calls, 40);
  EXPECT_EQ(t.warm_solves, 39);
  EXPECT_LT(2 * t.warm_iterations, t.cold_iterations)
      << "warm " << t.warm_iterations << " vs cold " << t.cold_iterations;
}

TEST(MeanVarianceWorkspace, UniverseAndBoundChangesStayExact) {
  for (auto objective : {MeanVarianceObjective::kMaxSharpe, MeanVarianceObjective::kMinVariance,
                         MeanVarianceObjective::kMaxUtility}) {
    SCOPED_TRACE(std::string(to_string(objective)));
    const SequenceTotals t = run_sequence(objective, true);
    ASSERT_EQ(t.calls, 40);
    // Cold after each of the three universe changes (and, for max Sharpe, wherever the previous
    // answer breaks a moved cap); warm elsewhere.
    EXPECT_GE(t.warm_solves, 30);
    EXPECT_LE(t.warm_solves, 36);
  }
}

TEST(MeanVarianceWorkspace, AnotherObjectiveStartsCold) {
  const Eigen::MatrixXd returns = simulated_returns(300, 20, 5);
  std::vector<int> columns(20);
  for (int i = 0; i < 20; ++i) columns[static_cast<std::size_t>(i)] = i;
  const MeanVarianceProblem problem = window_problem(returns, 300, 250, columns);
  MeanVarianceWorkspace workspace;
  MeanVarianceOptions sharpe{.objective = MeanVarianceObjective::kMaxSharpe};
  MeanVarianceOptions utility{.objective = MeanVarianceObjective::kMaxUtility};
  EXPECT_EQ(optimize_mean_variance(problem, sharpe, &workspace)->diagnostics.warm_solves, 0);
  EXPECT_EQ(optimize_mean_variance(problem, sharpe, &workspace)->diagnostics.warm_solves, 1);
  EXPECT_EQ(optimize_mean_variance(problem, utility, &workspace)->diagnostics.warm_solves, 0);
  workspace.reset();
  EXPECT_EQ(optimize_mean_variance(problem, utility, &workspace)->diagnostics.warm_solves, 0);
}

TEST(ModelWorkspace, OptimizePortfolioCarriesTheWorkspace) {
  const Eigen::MatrixXd returns = simulated_returns(300, 20, 6);
  std::vector<int> columns(20);
  for (int i = 0; i < 20; ++i) columns[static_cast<std::size_t>(i)] = i;
  const MeanVarianceProblem p = window_problem(returns, 300, 250, columns);
  ModelInputs inputs;
  inputs.assets = p.assets;
  inputs.expected_returns = p.expected_returns;
  inputs.covariance = p.covariance;
  ModelSpec spec;
  spec.model = PortfolioModel::kMaxSharpe;
  spec.constraints.upper_bound = 0.3;
  ModelWorkspace workspace;
  auto first = optimize_portfolio(inputs, spec, &workspace);
  auto second = optimize_portfolio(inputs, spec, &workspace);
  auto cold = optimize_portfolio(inputs, spec);
  ASSERT_TRUE(first.is_ok() && second.is_ok() && cold.is_ok());
  EXPECT_EQ(first->diagnostics.warm_solves, 0);
  EXPECT_EQ(second->diagnostics.warm_solves, 1);
  EXPECT_EQ(workspace.mean_variance.solver().warm_solves(), 1);
  // From its own answer the active set only confirms optimality.
  EXPECT_LE(second->diagnostics.iterations, 1);
  EXPECT_LE((second->weights - cold->weights).cwiseAbs().maxCoeff(), 1e-9);
}

// Budget, box and a general row (so that a feasible start is required).
QpProblem capped_problem(const Eigen::MatrixXd& sigma, double cap) {
  const Eigen::Index n = sigma.rows();
  QpProblem qp;
  qp.P = 2.0 * sigma;
  qp.q = Eigen::VectorXd::Zero(n);
  qp.A = Eigen::MatrixXd::Ones(1, n);
  qp.b = Eigen::VectorXd::Ones(1);
  qp.G = Eigen::MatrixXd::Zero(1, n);
  qp.G.row(0).head(n / 2).setOnes();  // the first half together ≤ cap
  qp.h = Eigen::VectorXd::Constant(1, cap);
  qp.lower = Eigen::VectorXd::Zero(n);
  qp.upper = Eigen::VectorXd::Constant(n, 0.5);
  return qp;
}

TEST(QpSolver, WarmStartsOnlyWhenShapeAndFeasibilityAllow) {
  const Eigen::MatrixXd returns = simulated_returns(300, 30, 8);
  const Eigen::MatrixXd centred = returns.rowwise() - returns.colwise().mean();
  const Eigen::MatrixXd sigma = centred.transpose() * centred / 299.0 * 365.0;
  QpSolver solver;
  const QpSolution first = solver.solve(capped_problem(sigma, 0.3));
  ASSERT_EQ(first.status, SolveStatus::kOptimal);
  EXPECT_FALSE(first.warm_started);
  EXPECT_EQ(first.solver, "interior-point+polish");

  // Same problem: warm, by the active set, same answer.
  const QpSolution again = solver.solve(capped_problem(sigma, 0.3));
  EXPECT_TRUE(again.warm_started);
  EXPECT_EQ(again.solver, "active-set");
  EXPECT_LE((again.x - first.x).cwiseAbs().maxCoeff(), 1e-9);

  // A tighter row that the remembered x breaks: cold (a feasible start is needed).
  const double held = capped_problem(sigma, 0.3).G.row(0).dot(again.x);
  ASSERT_GT(held, 0.1);
  const QpSolution tight = solver.solve(capped_problem(sigma, 0.5 * held));
  EXPECT_FALSE(tight.warm_started);
  EXPECT_EQ(tight.solver, "interior-point+polish");

  // A looser row: the remembered x is feasible, warm again, and equal to the cold answer.
  const QpSolution loose = solver.solve(capped_problem(sigma, 0.4));
  EXPECT_TRUE(loose.warm_started);
  const QpSolution loose_cold = solve_qp(capped_problem(sigma, 0.4));
  EXPECT_LE((loose.x - loose_cold.x).cwiseAbs().maxCoeff(), 1e-9);

  // Another shape: cold.
  QpProblem extra = capped_problem(sigma, 0.4);
  extra.G.conservativeResize(2, Eigen::NoChange);
  extra.G.row(1).setZero();
  extra.G(1, 0) = 1.0;
  extra.h.conservativeResize(2);
  extra.h[1] = 0.5;
  EXPECT_FALSE(solver.solve(extra).warm_started);

  // The interior point takes no start; an explicit start in the options wins.
  EXPECT_FALSE(
      solver.solve(extra, QpOptions{.algorithm = QpAlgorithm::kInteriorPoint}).warm_started);
  EXPECT_FALSE(solver.solve(extra, QpOptions{.warm_x = loose_cold.x}).warm_started);
  EXPECT_EQ(solver.solves(), 7);
  EXPECT_EQ(solver.warm_solves(), 2);

  // A call error leaves the start alone; reset() forgets it.
  QpProblem bad = extra;
  bad.q[0] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(solver.solve(bad).status, SolveStatus::kNumericalError);
  EXPECT_FALSE(solver.warm_start().empty());
  solver.reset();
  EXPECT_TRUE(solver.warm_start().empty());
  EXPECT_FALSE(solver.solve(extra).warm_started);
}

}  // namespace
}  // namespace keel
