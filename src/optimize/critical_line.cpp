#include "keel/optimize/critical_line.hpp"

#include "optimize/cholesky_delete.hpp"
#include "optimize/symmetry.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "keel/optimize/qp.hpp"

namespace keel {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kInf = std::numeric_limits<double>::infinity();

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

enum class AssetState { kFree, kAtLower, kAtUpper, kFixed };

enum class EventKind { kNone, kHitsLower, kHitsUpper, kEnters };

// The walk down λ. Σ_FF (free assets, in factor order) is kept as a Cholesky factor updated by
// one row on entry and by Givens rotations on exit; the bound assets enter the free system only
// through s = Σ w_B, kept up to date by one column per event.
class CriticalLineWalk {
 public:
  CriticalLineWalk(const Eigen::Ref<const VectorXd>& mu, MatrixXd sigma,
                   const Eigen::Ref<const VectorXd>& lower, const Eigen::Ref<const VectorXd>& upper)
      : n_(mu.size()),
        mu_(mu),
        sigma_(std::move(sigma)),
        lo_(lower),
        up_(upper),
        state_(n_, AssetState::kAtLower),
        position_(n_, -1),
        l_(n_, n_),
        wb_(VectorXd::Zero(n_)),
        s_(VectorXd::Zero(n_)),
        alpha_(n_),
        beta_(n_),
        sigma_alpha_(n_),
        sigma_beta_(n_),
        z_(n_, 3),
        cross_(n_, n_),
        row_of_(n_, -1),
        column_of_(n_, -1),
        cross_z_(n_, 3) {
    row_asset_.reserve(static_cast<std::size_t>(n_));
    column_asset_.reserve(static_cast<std::size_t>(n_));
  }

  // Builds the maximum-return corner; false with `message` when Σ is singular on its free set.
  bool start(std::string* message);
  // Walks λ from the corner to 0, filling `out`.
  void walk(int max_iterations, EfficientFrontier* out);

 private:
  bool add_free(int j);
  void remove_free(int pos);
  // cross_direction_ = Σ_{B,F} v for v in factor order (k entries).
  void cross_times(const VectorXd& v, Index k) {
    slot_direction_.resize(k);
    for (Index i = 0; i < k; ++i) slot_direction_[column_of_[free_[i]]] = v[i];
    const Index rows = static_cast<Index>(row_asset_.size());
    cross_direction_.noalias() = cross_.topLeftCorner(rows, k) * slot_direction_;
  }
  // σᵀ z_c for σ = Σ_{F,j} (F the k free assets in factor order).
  double column_sigma_dot(int j, int c, Index k) const {
    double total = 0.0;
    const auto sigma_j = sigma_.col(j);
    for (Index i = 0; i < k; ++i) total += sigma_j[free_[i]] * z_(i, c);
    return total;
  }
  // Bookkeeping of cross_ (Σ between bound and free assets), O(n) per event.
  void add_cross_row(int asset);
  void remove_cross_row(int asset);
  void add_cross_column(int asset);
  void remove_cross_column(int asset);
  void set_bound(int j, AssetState state, double value);
  void refresh_s();
  void solve_segment(bool first);
  FrontierPoint point_at(double lambda) const;
  // Appends the point at λ = `lambda` of the current segment, whose upper end (the previous
  // turning point) is at `previous`, with its covariance with that previous turning point.
  void record(double lambda, double previous, EfficientFrontier* out) const;
  double kkt_residual(const VectorXd& w) const;
  std::string free_list() const;

  Index n_;
  VectorXd mu_;
  MatrixXd sigma_;
  VectorXd lo_, up_;
  std::vector<AssetState> state_;
  std::vector<int> free_;      // free assets in factor order
  std::vector<int> position_;  // position in free_, −1 when not free
  MatrixXd l_;                 // top-left k × k block: Cholesky factor of Σ_FF
  VectorXd wb_;                // weights of non-free assets (0 for free ones)
  VectorXd s_;                 // Σ wb_
  double remaining_ = 1.0;     // 1 − Σ wb_: the budget the free assets share
  // Segment solution: w(λ) = alpha_ + λ beta_ (bound assets in alpha_), budget multiplier
  // γ(λ) = gamma0_ + λ gamma1_, and Σw(λ) = sigma_alpha_ + λ sigma_beta_.
  VectorXd alpha_, beta_, sigma_alpha_, sigma_beta_;
  double gamma0_ = 0.0, gamma1_ = 0.0;
  // z_ (top k rows, factor order): Σ_FF⁻¹ [1, μ_F, s_F]. An entry or exit changes Σ_FF⁻¹ by a
  // rank-one term (the bordering identities), so z_ follows in O(k) plus one triangular solve
  // pair for the direction, instead of two fresh solve pairs per event; recomputed when s
  // changes (an asset leaves or reaches a nonzero bound) and every 50 events, which bounds the
  // drift of the updates.
  MatrixXd z_;
  bool z_dirty_ = true;
  VectorXd direction_;
  // Σ between the non-free assets (rows) and the free assets (columns), both in slot order: the
  // only part of Σw a segment needs from a product, since on the free assets stationarity gives
  // Σw = λμ − γ1. Slots let an asset leave in O(n) (the last slot moves into its place).
  MatrixXd cross_;
  std::vector<int> row_of_, row_asset_;        // row slot of a non-free asset, −1 when free
  std::vector<int> column_of_, column_asset_;  // column slot of a free asset, −1 otherwise
  // cross_z_ (top rows × 3, row slots of cross_): Σ_{B,F} z_, so that Σα and Σβ on the bound
  // assets are combinations of its columns; it follows z_ with one product per event (the
  // direction of the update) instead of two per segment, and is recomputed with z_.
  MatrixXd cross_z_;
  VectorXd slot_direction_, cross_direction_, sigma_j_rows_;
  double mu_tie_ = 0.0;
  MatrixXd segment_;  // [α_F β_F] in factor order
};

bool CriticalLineWalk::add_free(int j) {
  const Index k = static_cast<Index>(free_.size());
  VectorXd row(k);
  for (Index i = 0; i < k; ++i) row[i] = sigma_(free_[i], j);
  if (k > 0) l_.topLeftCorner(k, k).triangularView<Eigen::Lower>().solveInPlace(row);
  const double pivot = sigma_(j, j) - row.squaredNorm();
  // Losing more than ten digits of Σ_jj means Σ_FF is singular to working precision.
  if (!(pivot > 1e-10 * sigma_(j, j))) return false;
  if (!z_dirty_) {
    // Bordering: with M = Σ_FF⁻¹, u = Mσ (σ = Σ_{F,j}) and δ = the new pivot, the solution of the
    // grown system for [v; v_j] is [Mv; 0] + [u; −1] (σᵀMv − v_j)/δ.
    direction_ = row;
    if (k > 0) {
      l_.topLeftCorner(k, k).triangularView<Eigen::Lower>().transpose().solveInPlace(direction_);
    }
    // Σ_{B,F'}z' = Σ_{B,F}z + (Σ_{B,F}u − Σ_{B,j}) (σᵀMv − v_j)/δ on the other bound assets.
    const Index rows = static_cast<Index>(row_asset_.size());
    if (k > 0) {
      cross_times(direction_, k);
    } else {
      cross_direction_.setZero(rows);
    }
    const auto sigma_j = sigma_.col(j);
    for (Index r = 0; r < rows; ++r) cross_direction_[r] -= sigma_j[row_asset_[r]];
    const double rhs[3] = {1.0, mu_[j], s_[j]};
    for (int c = 0; c < 3; ++c) {
      const double t = (k > 0 ? column_sigma_dot(j, c, k) : 0.0) - rhs[c];
      if (k > 0) z_.col(c).head(k) += (t / pivot) * direction_;
      z_(k, c) = -t / pivot;
      cross_z_.col(c).head(rows) += (t / pivot) * cross_direction_;
    }
  }
  l_.row(k).head(k) = row.transpose();
  l_(k, k) = std::sqrt(pivot);
  remove_cross_row(j);
  add_cross_column(j);
  free_.push_back(j);
  position_[j] = static_cast<int>(k);
  state_[j] = AssetState::kFree;
  return true;
}

void CriticalLineWalk::add_cross_row(int asset) {
  const Index r = static_cast<Index>(row_asset_.size());
  const Index columns = static_cast<Index>(column_asset_.size());
  const auto sigma_j = sigma_.col(asset);
  for (Index c = 0; c < columns; ++c) cross_(r, c) = sigma_j[column_asset_[c]];
  row_of_[asset] = static_cast<int>(r);
  row_asset_.push_back(asset);
}

void CriticalLineWalk::remove_cross_row(int asset) {
  const int r = row_of_[asset];
  if (r < 0) return;
  const int last = row_asset_.back();
  if (last != asset) {
    const Index columns = static_cast<Index>(column_asset_.size());
    cross_.row(r).head(columns) = cross_.row(row_of_[last]).head(columns);
    cross_z_.row(r) = cross_z_.row(row_of_[last]);
    row_asset_[r] = last;
    row_of_[last] = r;
  }
  row_asset_.pop_back();
  row_of_[asset] = -1;
}

void CriticalLineWalk::add_cross_column(int asset) {
  const Index c = static_cast<Index>(column_asset_.size());
  const Index rows = static_cast<Index>(row_asset_.size());
  const auto sigma_j = sigma_.col(asset);
  for (Index r = 0; r < rows; ++r) cross_(r, c) = sigma_j[row_asset_[r]];
  column_of_[asset] = static_cast<int>(c);
  column_asset_.push_back(asset);
}

void CriticalLineWalk::remove_cross_column(int asset) {
  const int c = column_of_[asset];
  const int last = column_asset_.back();
  if (last != asset) {
    const Index rows = static_cast<Index>(row_asset_.size());
    cross_.col(c).head(rows) = cross_.col(column_of_[last]).head(rows);
    column_asset_[c] = last;
    column_of_[last] = c;
  }
  column_asset_.pop_back();
  column_of_[asset] = -1;
}

void CriticalLineWalk::remove_free(int pos) {
  const Index k = static_cast<Index>(free_.size());
  if (!z_dirty_) {
    // With m = M e_pos (M = Σ_FF⁻¹), the solution of the system without asset pos for v without
    // entry pos is (Mv − m (Mv)_pos / m_pos) without entry pos.
    direction_.setZero(k);
    direction_[pos] = 1.0;
    const auto lk = l_.topLeftCorner(k, k).triangularView<Eigen::Lower>();
    l_.block(pos, pos, k - pos, k - pos)
        .triangularView<Eigen::Lower>()
        .solveInPlace(direction_.segment(pos, k - pos));
    lk.transpose().solveInPlace(direction_);
    cross_times(direction_, k);
    const Index rows = static_cast<Index>(row_asset_.size());
    for (int c = 0; c < 3; ++c) {
      const double factor = z_(pos, c) / direction_[pos];
      cross_z_.col(c).head(rows) -= factor * cross_direction_;
      z_.col(c).head(k) -= factor * direction_;
      double* column = z_.col(c).data();
      std::copy(column + pos + 1, column + k, column + pos);
    }
  }
  detail::delete_cholesky_row(
      l_, k, pos, [](Index, double, double) {}, [](Index) {});
  const int asset = free_[pos];
  remove_cross_column(asset);
  add_cross_row(asset);
  free_.erase(free_.begin() + pos);
  position_[asset] = -1;
  for (Index i = pos; i < static_cast<Index>(free_.size()); ++i) {
    position_[free_[i]] = static_cast<int>(i);
  }
  if (!z_dirty_) {
    const Index r = row_of_[asset];
    for (int c = 0; c < 3; ++c) cross_z_(r, c) = column_sigma_dot(asset, c, k - 1);
  }
}

void CriticalLineWalk::set_bound(int j, AssetState state, double value) {
  state_[j] = state;
  wb_[j] = value;
  if (value != 0.0) {
    s_.noalias() += value * sigma_.col(j);
    z_dirty_ = true;
  }
  remaining_ -= value;
}

void CriticalLineWalk::refresh_s() {
  s_.setZero();
  double total = 0.0;
  for (Index j = 0; j < n_; ++j) {
    if (state_[j] == AssetState::kFree || wb_[j] == 0.0) continue;
    s_.noalias() += wb_[j] * sigma_.col(j);
    total += wb_[j];
  }
  remaining_ = 1.0 - total;
  z_dirty_ = true;
}

bool CriticalLineWalk::start(std::string* message) {
  std::vector<int> order;
  for (Index i = 0; i < n_; ++i) {
    if (lo_[i] == up_[i]) {
      state_[i] = AssetState::kFixed;
      wb_[i] = lo_[i];
    } else {
      order.push_back(static_cast<int>(i));
      wb_[i] = lo_[i];
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return mu_[a] > mu_[b]; });
  // Greedy fill: every asset at its lower bound, then the highest expected returns raised to
  // their upper bounds until the budget is spent; the asset that takes the remainder is marginal.
  double left = 1.0 - wb_.sum();
  int marginal = order.front();
  for (int j : order) {
    const double room = up_[j] - lo_[j];
    marginal = j;
    if (room >= left) {
      wb_[j] = lo_[j] + left;
      left = 0.0;
      break;
    }
    wb_[j] = up_[j];
    left -= room;
  }
  mu_tie_ = mu_[marginal];
  std::vector<int> tied;
  for (int j : order) {
    if (mu_[j] == mu_tie_) tied.push_back(j);
  }
  std::vector<int> free_start = {marginal};
  if (tied.size() > 1) {
    // λ → ∞ limit with a tie: among the maximum-return portfolios the least-variance one, i.e.
    // the tied assets share their total weight so as to minimise the variance, all others fixed.
    const Index t = static_cast<Index>(tied.size());
    QpProblem sub;
    sub.P.resize(t, t);
    sub.q = VectorXd::Zero(t);
    sub.lower.resize(t);
    sub.upper.resize(t);
    double share = 0.0;
    VectorXd others = wb_;
    for (Index a = 0; a < t; ++a) {
      others[tied[a]] = 0.0;
      share += wb_[tied[a]];
      sub.lower[a] = lo_[tied[a]];
      sub.upper[a] = up_[tied[a]];
    }
    const VectorXd sigma_others = sigma_ * others;
    for (Index a = 0; a < t; ++a) {
      sub.q[a] = sigma_others[tied[a]];
      for (Index b = 0; b < t; ++b) sub.P(a, b) = sigma_(tied[a], tied[b]);
    }
    sub.A = MatrixXd::Ones(1, t);
    sub.b = VectorXd::Constant(1, share);
    sub.G = MatrixXd(0, t);
    sub.h = VectorXd(0);
    const QpSolution sol = solve_qp(sub, {.algorithm = QpAlgorithm::kActiveSet});
    if (!sol.is_usable()) {
      *message = fmt::format(
          "the {} assets tied at the marginal expected return {} could not be split (QP: {}); "
          "check that Σ is positive definite",
          t, mu_tie_, sol.message);
      return false;
    }
    std::vector<bool> bound(static_cast<std::size_t>(t), false);
    for (int a : sol.active_lower) bound[a] = true;
    for (int a : sol.active_upper) bound[a] = true;
    free_start.clear();
    for (Index a = 0; a < t; ++a) {
      const int j = tied[a];
      if (bound[a]) {
        wb_[j] = sol.x[a] - lo_[j] <= up_[j] - sol.x[a] ? lo_[j] : up_[j];
      } else {
        wb_[j] = sol.x[a];
        free_start.push_back(j);
      }
    }
    if (free_start.empty()) free_start.push_back(marginal);
  }
  for (int j : order) {
    state_[j] = wb_[j] - lo_[j] <= up_[j] - wb_[j] ? AssetState::kAtLower : AssetState::kAtUpper;
  }
  for (Index i = 0; i < n_; ++i) add_cross_row(static_cast<int>(i));
  for (int j : free_start) {
    wb_[j] = 0.0;
    if (!add_free(j)) {
      *message = fmt::format(
          "Σ restricted to the assets {} tied at the top expected return is singular; make Σ "
          "positive definite or set CriticalLineOptions::ridge",
          free_list());
      return false;
    }
  }
  refresh_s();
  return true;
}

void CriticalLineWalk::solve_segment(bool first) {
  const Index k = static_cast<Index>(free_.size());
  const auto lk = l_.topLeftCorner(k, k).triangularView<Eigen::Lower>();
  if (z_dirty_) {
    for (Index i = 0; i < k; ++i) {
      z_(i, 0) = 1.0;
      z_(i, 1) = mu_[free_[i]];
      z_(i, 2) = s_[free_[i]];
    }
    // Column by column: matrix-shaped solves pack their operands on every call.
    for (int c = 0; c < 3; ++c) {
      lk.solveInPlace(z_.col(c).head(k));
      lk.transpose().solveInPlace(z_.col(c).head(k));
    }
    const Index rows = static_cast<Index>(row_asset_.size());
    MatrixXd slot_z(k, 3);
    for (Index i = 0; i < k; ++i) slot_z.row(column_of_[free_[i]]) = z_.row(i);
    cross_z_.topRows(rows).noalias() = cross_.topLeftCorner(rows, k) * slot_z;
    z_dirty_ = false;
  }
  const auto ones = z_.col(0).head(k);
  const auto mu_f = z_.col(1).head(k);
  const auto s_f = z_.col(2).head(k);
  // Stationarity Σ_FF w_F + s_F − λ μ_F + γ 1 = 0 and 1ᵀw_F = remaining give
  // γ = (λ 1ᵀΣ_FF⁻¹μ_F − 1ᵀΣ_FF⁻¹s_F − remaining) / 1ᵀΣ_FF⁻¹1.
  const double sum_ones = ones.sum();
  gamma1_ = first ? mu_tie_ : mu_f.sum() / sum_ones;
  gamma0_ = -(s_f.sum() + remaining_) / sum_ones;
  // w_F = Σ_FF⁻¹(λ μ_F − s_F − γ 1).
  segment_.resize(k, 2);
  segment_.col(0) = -s_f - gamma0_ * ones;
  if (first) {
    // The free assets share one expected return, so β = 0 exactly (rounding aside).
    segment_.col(1).setZero();
  } else {
    segment_.col(1) = mu_f - gamma1_ * ones;
  }
  alpha_ = wb_;
  beta_.setZero();
  for (Index i = 0; i < k; ++i) {
    alpha_[free_[i]] = segment_(i, 0);
    beta_[free_[i]] = segment_(i, 1);
  }
  // Σw(λ) = Σα + λ Σβ. Bound assets: s + Σ_{B,F}α_F and Σ_{B,F}β_F, with α_F = −z_s − γ0 z_1
  // and β_F = z_μ − γ1 z_1; free assets: stationarity Σ_FF w_F + s_F − λμ_F + γ(λ)1 = 0 gives
  // −γ0 and μ_F − γ1 (0 on the first segment, where β = 0 and the free assets share μ = γ1).
  const Index rows = static_cast<Index>(row_asset_.size());
  for (Index r = 0; r < rows; ++r) {
    const int asset = row_asset_[r];
    sigma_alpha_[asset] = s_[asset] - cross_z_(r, 2) - gamma0_ * cross_z_(r, 0);
    sigma_beta_[asset] = first ? 0.0 : cross_z_(r, 1) - gamma1_ * cross_z_(r, 0);
  }
  for (int asset : free_) {
    sigma_alpha_[asset] = -gamma0_;
    sigma_beta_[asset] = first ? 0.0 : mu_[asset] - gamma1_;
  }
}

FrontierPoint CriticalLineWalk::point_at(double lambda) const {
  FrontierPoint p;
  p.lambda = lambda;
  p.weights = alpha_ + lambda * beta_;
  p.expected_return = mu_.dot(p.weights);
  p.variance = std::max(0.0, p.weights.dot(sigma_alpha_ + lambda * sigma_beta_));
  p.volatility = std::sqrt(p.variance);
  return p;
}

void CriticalLineWalk::record(double lambda, double previous, EfficientFrontier* out) const {
  FrontierPoint p = point_at(lambda);
  out->cross_covariance.push_back(p.weights.dot(sigma_alpha_ + previous * sigma_beta_));
  out->turning_points.push_back(std::move(p));
}

double CriticalLineWalk::kkt_residual(const VectorXd& w) const {
  // At λ = 0 the gradient is Σw + γ1; γ is the mean over the free assets of −(Σw)ᵢ.
  const VectorXd g = sigma_ * w;
  double gamma = 0.0;
  for (int j : free_) gamma -= g[j];
  gamma /= static_cast<double>(std::max<std::size_t>(1, free_.size()));
  double worst = std::abs(w.sum() - 1.0);
  for (Index i = 0; i < n_; ++i) {
    const double gi = g[i] + gamma;
    worst = std::max({worst, lo_[i] - w[i], w[i] - up_[i]});
    switch (state_[i]) {
      case AssetState::kFree:
        worst = std::max(worst, std::abs(gi));
        break;
      case AssetState::kAtLower:
        worst = std::max(worst, -gi);
        break;
      case AssetState::kAtUpper:
        worst = std::max(worst, gi);
        break;
      case AssetState::kFixed:
        break;
    }
  }
  return worst;
}

std::string CriticalLineWalk::free_list() const {
  std::string out;
  for (std::size_t i = 0; i < free_.size() && i < 8; ++i) {
    out += fmt::format("{}{}", i == 0 ? "" : ",", free_[i]);
  }
  if (free_.size() > 8) out += fmt::format(",... ({} in all)", free_.size());
  return out.empty() ? "(none)" : out;
}

void CriticalLineWalk::walk(int max_iterations, EfficientFrontier* out) {
  double lambda = kInf;
  int last_changed = -1;
  EventKind last_kind = EventKind::kNone;
  bool entered_from_lower = false;
  int since_refresh = 0;
  out->status = SolveStatus::kOptimal;
  for (out->iterations = 0;; ++out->iterations) {
    const bool first = lambda == kInf;
    solve_segment(first);
    if (first) out->turning_points.push_back(point_at(0.0));
    // The next event below λ: a free asset reaching a bound (w linear in λ) or a bound asset whose
    // multiplier gᵢ(λ) = (Σw)ᵢ − λμᵢ + γ reaches 0 (it would change sign below).
    double next = -kInf;
    int asset = -1;
    EventKind kind = EventKind::kNone;
    for (Index i = 0; i < n_; ++i) {
      double candidate = -kInf;
      EventKind what = EventKind::kNone;
      switch (state_[i]) {
        case AssetState::kFree:
          if (beta_[i] > 0.0) {
            candidate = (lo_[i] - alpha_[i]) / beta_[i];
            what = EventKind::kHitsLower;
          } else if (beta_[i] < 0.0) {
            candidate = (up_[i] - alpha_[i]) / beta_[i];
            what = EventKind::kHitsUpper;
          }
          // The asset that has just entered from a bound moves away from it (rounding aside).
          if (static_cast<int>(i) == last_changed && last_kind == EventKind::kEnters &&
              (what == EventKind::kHitsLower) == entered_from_lower) {
            what = EventKind::kNone;
          }
          break;
        case AssetState::kAtLower:
        case AssetState::kAtUpper: {
          if (static_cast<int>(i) == last_changed && last_kind != EventKind::kEnters) break;
          const double p = sigma_alpha_[i] + gamma0_;
          const double q = sigma_beta_[i] - mu_[i] + gamma1_;
          const bool at_lower = state_[i] == AssetState::kAtLower;
          if ((at_lower && q > 0.0) || (!at_lower && q < 0.0)) {
            candidate = -p / q;
            what = EventKind::kEnters;
          }
          break;
        }
        case AssetState::kFixed:
          break;
      }
      if (what == EventKind::kNone) continue;
      candidate = std::min(candidate, lambda);
      if (candidate > next) {
        next = candidate;
        asset = static_cast<int>(i);
        kind = what;
      }
    }
    if (asset < 0 || next <= 0.0) {
      if (first) {
        out->turning_points.back().lambda = 0.0;
      } else {
        record(0.0, lambda, out);
      }
      break;
    }
    if (first) {
      out->turning_points.back().lambda = next;
    } else if (next < lambda) {
      record(next, lambda, out);
    }
    if (out->iterations >= max_iterations) {
      out->status = SolveStatus::kIterationLimit;
      out->message = fmt::format(
          "the critical line walk stopped after {} events at λ = {:.6g} before reaching the "
          "minimum-variance portfolio; raise CriticalLineOptions::max_iterations",
          out->iterations, next);
      return;
    }
    lambda = next;
    switch (kind) {
      case EventKind::kHitsLower:
      case EventKind::kHitsUpper: {
        remove_free(position_[asset]);
        const bool lower = kind == EventKind::kHitsLower;
        set_bound(asset, lower ? AssetState::kAtLower : AssetState::kAtUpper,
                  lower ? lo_[asset] : up_[asset]);
        break;
      }
      case EventKind::kEnters:
        entered_from_lower = state_[asset] == AssetState::kAtLower;
        if (wb_[asset] != 0.0) {
          s_.noalias() -= wb_[asset] * sigma_.col(asset);
          z_dirty_ = true;
        }
        remaining_ += wb_[asset];
        wb_[asset] = 0.0;
        if (!add_free(asset)) {
          out->status = SolveStatus::kNumericalError;
          out->message = fmt::format(
              "Σ restricted to the free assets {} plus asset {} is singular (at λ = {:.6g}); make "
              "Σ positive definite or set CriticalLineOptions::ridge (e.g. 1e-8 · trace(Σ)/n)",
              free_list(), asset, next);
          return;
        }
        break;
      case EventKind::kNone:
        break;
    }
    last_changed = asset;
    last_kind = kind;
    if (++since_refresh == 50) {
      refresh_s();  // also recomputes Σ_FF⁻¹[1, μ_F, s_F] from the factor
      since_refresh = 0;
    }
  }
  out->kkt_residual = kkt_residual(out->turning_points.back().weights);
}

// The point at parameter θ ∈ [0, 1] of segment t, from turning point t + 1 (θ = 0) to t (θ = 1).
FrontierPoint on_segment(const EfficientFrontier& f, std::size_t t, double theta) {
  const FrontierPoint& hi = f.turning_points[t];
  const FrontierPoint& lo = f.turning_points[t + 1];
  if (theta <= 0.0) return lo;
  if (theta >= 1.0) return hi;
  FrontierPoint p;
  p.weights = lo.weights + theta * (hi.weights - lo.weights);
  p.expected_return = lo.expected_return + theta * (hi.expected_return - lo.expected_return);
  const double c = f.cross_covariance[t];
  p.variance = std::max(0.0, lo.variance + 2.0 * theta * (c - lo.variance) +
                                 theta * theta * (hi.variance + lo.variance - 2.0 * c));
  p.volatility = std::sqrt(p.variance);
  p.lambda = lo.lambda + theta * (hi.lambda - lo.lambda);
  return p;
}

Status check_usable(const EfficientFrontier& f) {
  if (!f.is_usable() || f.turning_points.empty()) {
    return Status::no_solution(fmt::format("the efficient frontier is incomplete (status {}): {}",
                                           to_string(f.status), f.message));
  }
  return Status::ok();
}

}  // namespace

Status CriticalLineOptions::validate() const {
  if (!(ridge >= 0.0) || !std::isfinite(ridge)) {
    return Status::invalid(fmt::format(
        "critical line options: ridge = {} must be finite and >= 0 (default 0)", ridge));
  }
  if (max_iterations < 0) {
    return Status::invalid(
        fmt::format("critical line options: max_iterations = {} must be >= 0 (0 = 20 n + 100)",
                    max_iterations));
  }
  return Status::ok();
}

Result<EfficientFrontier> critical_line(const Eigen::Ref<const VectorXd>& mu,
                                        const Eigen::Ref<const MatrixXd>& sigma,
                                        const Eigen::Ref<const VectorXd>& lower,
                                        const Eigen::Ref<const VectorXd>& upper,
                                        const CriticalLineOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  KEEL_RETURN_IF_ERROR(options.validate());
  const Index n = mu.size();
  if (n == 0) return Status::invalid("critical line: mu is empty; pass at least one asset");
  if (sigma.rows() != n || sigma.cols() != n) {
    return Status::invalid(
        fmt::format("critical line: sigma is {}x{} but mu has {} entries; sigma must be n x n",
                    sigma.rows(), sigma.cols(), n));
  }
  if (lower.size() != n || upper.size() != n) {
    return Status::invalid(
        fmt::format("critical line: lower has {} and upper {} entries, expected n = {} each",
                    lower.size(), upper.size(), n));
  }
  for (Index i = 0; i < n; ++i) {
    if (!std::isfinite(mu[i])) {
      return Status::invalid(fmt::format("critical line: mu of asset {} is {}", i, mu[i]));
    }
    if (!std::isfinite(lower[i]) || !std::isfinite(upper[i])) {
      return Status::invalid(fmt::format(
          "critical line: asset {} has bounds [{}, {}]; the critical line algorithm needs finite "
          "bounds (use e.g. -1 and 2 for a loose box)",
          i, lower[i], upper[i]));
    }
    if (lower[i] > upper[i]) {
      return Status::invalid(
          fmt::format("critical line: asset {} has lower {} > upper {}; swap or relax the bounds",
                      i, lower[i], upper[i]));
    }
  }
  if (!sigma.allFinite())
    return Status::invalid("critical line: sigma has a NaN or infinite entry");
  const double scale = std::max(1e-300, sigma.diagonal().cwiseAbs().maxCoeff());
  // The entry-by-entry scan (which names the pair) runs only when the tiled check finds one.
  const bool asymmetric = detail::largest_asymmetry(sigma) > 1e-12 * scale;
  for (Index j = 0; j < n; ++j) {
    for (Index i = j + 1; asymmetric && i < n; ++i) {
      if (std::abs(sigma(i, j) - sigma(j, i)) > 1e-12 * scale) {
        return Status::invalid(fmt::format(
            "critical line: sigma is not symmetric (entries ({0},{1}) and ({1},{0}) differ); "
            "pass (sigma + sigmaᵀ)/2",
            i, j));
      }
    }
    if (!(sigma(j, j) + options.ridge > 0.0)) {
      return Status::invalid(fmt::format(
          "critical line: sigma({0},{0}) = {1} is not positive; asset {0} needs a positive "
          "variance (or set CriticalLineOptions::ridge)",
          j, sigma(j, j)));
    }
  }
  const double total_lower = lower.sum();
  const double total_upper = upper.sum();
  const double slack = 1e-12 * static_cast<double>(n);
  if (total_lower > 1.0 + slack || total_upper < 1.0 - slack) {
    return Status::invalid(fmt::format(
        "critical line: the bounds admit no fully invested portfolio (sum of lower bounds {}, "
        "sum of upper bounds {}; the budget 1 must lie between them); relax the bounds",
        total_lower, total_upper));
  }

  EfficientFrontier out;
  MatrixXd s = sigma;
  s.diagonal().array() += options.ridge;
  if (total_lower >= 1.0 - slack || total_upper <= 1.0 + slack) {
    // The bounds leave a single portfolio.
    FrontierPoint p;
    p.weights = total_lower >= 1.0 - slack ? VectorXd(lower) : VectorXd(upper);
    p.expected_return = mu.dot(p.weights);
    p.variance = p.weights.dot(s * p.weights);
    p.volatility = std::sqrt(std::max(0.0, p.variance));
    out.turning_points.push_back(std::move(p));
    out.status = SolveStatus::kOptimal;
    out.solve_ms = elapsed_ms(start);
    return out;
  }
  CriticalLineWalk walk(mu, std::move(s), lower, upper);
  std::string message;
  if (!walk.start(&message)) {
    out.status = SolveStatus::kNumericalError;
    out.message = message;
    out.solve_ms = elapsed_ms(start);
    return out;
  }
  const int max_iterations =
      options.max_iterations > 0 ? options.max_iterations : 20 * static_cast<int>(n) + 100;
  walk.walk(max_iterations, &out);
  out.solve_ms = elapsed_ms(start);
  return out;
}

double EfficientFrontier::min_return() const {
  return turning_points.empty() ? 0.0 : turning_points.back().expected_return;
}

double EfficientFrontier::max_return() const {
  return turning_points.empty() ? 0.0 : turning_points.front().expected_return;
}

Result<FrontierPoint> EfficientFrontier::at_lambda(double lambda) const {
  KEEL_RETURN_IF_ERROR(check_usable(*this));
  if (!(lambda >= 0.0)) {
    return Status::invalid(fmt::format("frontier: risk tolerance λ = {} must be >= 0", lambda));
  }
  if (lambda >= turning_points.front().lambda) return turning_points.front();
  for (std::size_t t = 0; t + 1 < turning_points.size(); ++t) {
    const double hi = turning_points[t].lambda;
    const double lo = turning_points[t + 1].lambda;
    if (lambda >= lo) {
      return on_segment(*this, t, hi > lo ? (lambda - lo) / (hi - lo) : 0.0);
    }
  }
  return turning_points.back();
}

Result<FrontierPoint> EfficientFrontier::at_risk_aversion(double delta) const {
  if (!(delta > 0.0)) {
    return Status::invalid(fmt::format(
        "frontier: risk aversion δ = {} must be > 0 (δ → 0 is the maximum-return portfolio)",
        delta));
  }
  return at_lambda(std::isinf(delta) ? 0.0 : 1.0 / delta);
}

Result<FrontierPoint> EfficientFrontier::at_return(double target) const {
  KEEL_RETURN_IF_ERROR(check_usable(*this));
  const double lo = min_return();
  const double hi = max_return();
  const double slack = 1e-12 * std::max({1.0, std::abs(lo), std::abs(hi)});
  if (!(target >= lo - slack && target <= hi + slack)) {
    return Status::invalid(fmt::format(
        "frontier: target return {} is outside the efficient frontier's range [{}, {}]; pick a "
        "target in that range (below it portfolios are inefficient, above it infeasible)",
        target, lo, hi));
  }
  target = std::clamp(target, lo, hi);
  for (std::size_t t = 0; t + 1 < turning_points.size(); ++t) {
    const double r_hi = turning_points[t].expected_return;
    const double r_lo = turning_points[t + 1].expected_return;
    if (target >= r_lo) {
      return on_segment(*this, t, r_hi > r_lo ? (target - r_lo) / (r_hi - r_lo) : 0.0);
    }
  }
  return turning_points.back();
}

Result<FrontierPoint> EfficientFrontier::at_volatility(double target) const {
  KEEL_RETURN_IF_ERROR(check_usable(*this));
  const double lo = turning_points.back().volatility;
  const double hi = turning_points.front().volatility;
  const double slack = 1e-12 * std::max(1e-300, hi);
  if (!(target >= lo - slack && target <= hi + slack)) {
    return Status::invalid(fmt::format(
        "frontier: target volatility {} is outside the efficient frontier's range [{}, {}] "
        "(minimum-variance to maximum-return portfolio); pick a target in that range",
        target, lo, hi));
  }
  const double v = std::clamp(target, lo, hi) * std::clamp(target, lo, hi);
  for (std::size_t t = 0; t + 1 < turning_points.size(); ++t) {
    const double v0 = turning_points[t + 1].variance;
    if (v < v0) continue;
    // Variance along the segment: v0 + a1 θ + a2 θ², increasing on [0, 1] on the efficient
    // side; the root is the larger one, written to avoid cancellation.
    const double c = cross_covariance[t];
    const double a1 = 2.0 * (c - v0);
    const double a2 = turning_points[t].variance + v0 - 2.0 * c;
    const double disc = std::max(0.0, a1 * a1 + 4.0 * a2 * (v - v0));
    const double denom = a1 + std::sqrt(disc);
    const double theta = denom > 0.0 ? std::clamp(2.0 * (v - v0) / denom, 0.0, 1.0) : 0.0;
    return on_segment(*this, t, theta);
  }
  return turning_points.back();
}

Result<FrontierPoint> EfficientFrontier::max_sharpe(double risk_free_rate) const {
  KEEL_RETURN_IF_ERROR(check_usable(*this));
  if (!std::isfinite(risk_free_rate)) {
    return Status::invalid("frontier: the risk-free rate must be finite");
  }
  if (!(max_return() > risk_free_rate)) {
    return Status::no_solution(fmt::format(
        "frontier: no efficient portfolio earns more than the risk-free rate {} (the highest "
        "expected return is {}), so the Sharpe ratio has no positive maximum; lower the "
        "risk-free rate or revisit the expected returns",
        risk_free_rate, max_return()));
  }
  auto sharpe = [&](const FrontierPoint& p) {
    return p.volatility > 0.0 ? (p.expected_return - risk_free_rate) / p.volatility
                              : (p.expected_return > risk_free_rate ? kInf : -kInf);
  };
  FrontierPoint best = turning_points.front();
  double best_sharpe = sharpe(best);
  for (const FrontierPoint& p : turning_points) {
    if (sharpe(p) > best_sharpe) {
      best = p;
      best_sharpe = sharpe(p);
    }
  }
  for (std::size_t t = 0; t + 1 < turning_points.size(); ++t) {
    // Along the segment R(θ) = R0 + θ ΔR and V(θ) = V0 + a1 θ + a2 θ². The derivative of
    // (R − rf)/√V vanishes where ΔR V − (R − rf) V'/2 = 0, which is linear in θ (the θ² terms
    // cancel).
    const FrontierPoint& hi = turning_points[t];
    const FrontierPoint& lo = turning_points[t + 1];
    const double c = cross_covariance[t];
    const double a1 = 2.0 * (c - lo.variance);
    const double a2 = hi.variance + lo.variance - 2.0 * c;
    const double excess = lo.expected_return - risk_free_rate;
    const double dr = hi.expected_return - lo.expected_return;
    const double denom = 0.5 * dr * a1 - excess * a2;
    if (denom == 0.0) continue;
    const double theta = (0.5 * excess * a1 - dr * lo.variance) / denom;
    if (!(theta > 0.0 && theta < 1.0)) continue;
    const FrontierPoint p = on_segment(*this, t, theta);
    if (sharpe(p) > best_sharpe) {
      best = p;
      best_sharpe = sharpe(p);
    }
  }
  return best;
}

Result<std::vector<FrontierPoint>> EfficientFrontier::sample(int points) const {
  KEEL_RETURN_IF_ERROR(check_usable(*this));
  if (points < 2) {
    return Status::invalid(fmt::format(
        "frontier: {} points requested; ask for at least 2 (both ends of the frontier)", points));
  }
  std::vector<FrontierPoint> out;
  if (turning_points.size() == 1) {
    out.push_back(turning_points.front());
    return out;
  }
  const double lo = min_return();
  const double hi = max_return();
  out.reserve(static_cast<std::size_t>(points));
  for (int k = 0; k < points; ++k) {
    const double target =
        k + 1 == points ? hi : lo + (hi - lo) * static_cast<double>(k) / (points - 1);
    Result<FrontierPoint> p = at_return(target);
    if (!p) return p.status();
    out.push_back(std::move(p).value());
  }
  return out;
}

}  // namespace keel
