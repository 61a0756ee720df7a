#pragma once
// A QP solver that remembers its last answer, for sequences of related problems: the same model
// re-solved on a moved estimation window in a rolling backtest, or a parameter sweep. It is the
// warm-start half of OSQP's set-up / update / solve cycle (Stellato et al. 2020, §5). Keel's QPs
// are dense and P changes with every window, so there is no factorisation worth keeping between
// solves; what carries over is the answer and its active sets, which the active set method
// (qp.hpp) can start from.
//
// solve(problem, options) warm-starts when all of these hold, and says so in
// QpSolution::warm_started:
//   * a previous solve ended usable (optimal or optimal-inaccurate);
//   * the new problem has the same shape: variables, equality rows and inequality rows;
//   * options.algorithm is kAuto or kActiveSet (the interior point takes no start);
//   * options carries no warm start of its own (warm_x and the warm_active_* sets all empty: an
//     explicit start wins and is passed through untouched);
//   * when the problem has inequality rows, the remembered x (as the caller may have adjusted it
//     through warm_start()) satisfies every constraint of the new problem to within
//     1e-9 · (1 + constraint scale). The primal active set needs a feasible start; without one
//     it would run a phase-1 LP, slower than a cold interior point. Problems without inequality
//     rows need no feasible point (the primal-dual rounds start from the active sets alone).
// A warm solve runs the active set (kAuto becomes kActiveSet) from the remembered x and active
// sets. Otherwise the solve is cold: exactly solve_qp(problem, options).
//
// A start changes the path, not the answer: the active set runs only where P is positive definite
// (else it falls back to the interior point, as qp.hpp describes), where the minimiser is unique.
// Not thread-safe: one QpSolver per sequence (e.g. per backtest strategy).

#include <Eigen/Core>
#include <vector>

#include "keel/optimize/qp.hpp"

namespace keel {

// A starting point for the active set: x and the constraints believed active there.
struct QpWarmStart {
  Eigen::VectorXd x;  // empty = no start
  std::vector<int> active_lower;
  std::vector<int> active_upper;
  std::vector<int> active_rows;

  bool empty() const { return x.size() == 0; }
};

class QpSolver {
 public:
  // Solves `problem`, warm-started from the last usable solution when the conditions above hold.
  // Call errors come back as solve_qp's do (kNumericalError with a message) and leave the
  // remembered start as it was; any other unusable outcome forgets it.
  QpSolution solve(const QpProblem& problem, const QpOptions& options = {});

  // The start the next solve will try. A caller that knows how its problems are related may
  // adjust it in place before solving: e.g. the homogenised max-Sharpe QP (mean_variance.hpp)
  // rescales x onto the new normalisation row, which keeps every other constraint satisfied.
  QpWarmStart& warm_start() { return start_; }
  const QpWarmStart& warm_start() const { return start_; }
  // Forgets the remembered start: the next solve is cold.
  void reset() { start_ = {}; }

  // Counts since construction: solves that were warm-started, and all solves.
  int warm_solves() const { return warm_solves_; }
  int solves() const { return solves_; }

 private:
  QpWarmStart start_;
  Eigen::Index equalities_ = 0;  // shape of the problem start_ came from
  Eigen::Index inequalities_ = 0;
  int warm_solves_ = 0;
  int solves_ = 0;
};

}  // namespace keel
