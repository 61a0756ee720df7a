#pragma once
// Active-set polish of an interior-point answer (QpOptions::polish): the equality-constrained QP
// on the face the interior point points at, solved exactly and accepted only when it certifies
// itself (see qp_polish.cpp).

#include <string>

#include "keel/optimize/qp.hpp"

namespace keel::qp_detail {

struct PolishOutcome {
  bool accepted = false;
  std::string reason;  // why the polished point was refused (empty when accepted)
  int rounds = 0;      // faces solved (one factorisation each)
};

// `ipm` is an interior-point answer to `problem` (unscaled) with status kOptimal or
// kOptimalInaccurate, its residuals computed and its active sets filled (multiplier > slack).
// When the polished point passes every check, `ipm` is replaced by it (status kOptimal, solver
// "interior-point+polish"); otherwise `ipm` is left exactly as it was.
PolishOutcome polish_interior_point(const QpProblem& problem, const QpOptions& options,
                                    QpSolution* ipm);

}  // namespace keel::qp_detail
