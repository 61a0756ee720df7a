#include "keel/optimize/hierarchical.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include "keel/estimate/covariance.hpp"
#include "keel/optimize/naive.hpp"

namespace keel {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// scipy's LinkageUnionFind: relabels merges of original point ids into cluster ids n, n+1, ...
class UnionFind {
 public:
  explicit UnionFind(int n) : parent_(2 * n - 1), size_(2 * n - 1, 1), next_label_(n) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }
  int merge(int x, int y) {
    parent_[x] = next_label_;
    parent_[y] = next_label_;
    const int size = size_[x] + size_[y];
    size_[next_label_] = size;
    ++next_label_;
    return size;
  }
  int find(int x) {
    int root = x;
    while (parent_[root] != root) root = parent_[root];
    while (parent_[x] != root) {
      const int next = parent_[x];
      parent_[x] = root;
      x = next;
    }
    return root;
  }

 private:
  std::vector<int> parent_;
  std::vector<int> size_;
  int next_label_;
};

// Sorts merges by distance (stable, like numpy's mergesort) and relabels them as scipy's label().
Eigen::MatrixXd sort_and_label(const Eigen::MatrixXd& raw, int n) {
  std::vector<int> order(n - 1);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return raw(a, 2) < raw(b, 2); });
  Eigen::MatrixXd z(n - 1, 4);
  UnionFind uf(n);
  for (int i = 0; i < n - 1; ++i) {
    const int x = static_cast<int>(raw(order[i], 0));
    const int y = static_cast<int>(raw(order[i], 1));
    const int rx = uf.find(x);
    const int ry = uf.find(y);
    z(i, 0) = std::min(rx, ry);
    z(i, 1) = std::max(rx, ry);
    z(i, 2) = raw(order[i], 2);
    z(i, 3) = uf.merge(rx, ry);
  }
  return z;
}

// Prim's minimum spanning tree, as scipy's mst_single_linkage.
Eigen::MatrixXd single_linkage(Eigen::Ref<const Eigen::MatrixXd> distance) {
  const int n = static_cast<int>(distance.rows());
  Eigen::MatrixXd raw(n - 1, 4);
  std::vector<char> merged(n, 0);
  Eigen::VectorXd nearest = Eigen::VectorXd::Constant(n, kInfinity);
  int x = 0;
  for (int k = 0; k < n - 1; ++k) {
    merged[x] = 1;
    double current_min = kInfinity;
    int y = -1;
    for (int i = 0; i < n; ++i) {
      if (merged[i]) continue;
      const double d = distance(i, x);
      if (nearest[i] > d) nearest[i] = d;
      if (nearest[i] < current_min || y < 0) {
        current_min = nearest[i];
        y = i;
      }
    }
    raw(k, 0) = x;
    raw(k, 1) = y;
    raw(k, 2) = current_min;
    raw(k, 3) = 0;
    x = y;
  }
  return sort_and_label(raw, n);
}

double lance_williams(LinkageMethod method, double d_xi, double d_yi, double d_xy, int nx, int ny,
                      int ni) {
  switch (method) {
    case LinkageMethod::kComplete:
      return std::max(d_xi, d_yi);
    case LinkageMethod::kAverage:
      return (nx * d_xi + ny * d_yi) / (nx + ny);
    case LinkageMethod::kWard: {
      const double t = 1.0 / (nx + ny + ni);
      return std::sqrt(std::max(
          0.0, (ni + nx) * t * d_xi * d_xi + (ni + ny) * t * d_yi * d_yi - ni * t * d_xy * d_xy));
    }
    case LinkageMethod::kSingle:
      return std::min(d_xi, d_yi);
  }
  return kInfinity;
}

// The nearest-neighbour chain algorithm, as scipy's nn_chain (same tie-breaking).
Eigen::MatrixXd nn_chain_linkage(Eigen::Ref<const Eigen::MatrixXd> distance, LinkageMethod method) {
  const int n = static_cast<int>(distance.rows());
  Eigen::MatrixXd d = distance;
  Eigen::MatrixXd raw(n - 1, 4);
  std::vector<int> size(n, 1);
  std::vector<int> chain(n);
  int chain_length = 0;
  for (int k = 0; k < n - 1; ++k) {
    if (chain_length == 0) {
      for (int i = 0; i < n; ++i) {
        if (size[i] > 0) {
          chain[0] = i;
          break;
        }
      }
      chain_length = 1;
    }
    int x = 0, y = 0;
    double current_min = kInfinity;
    while (true) {
      x = chain[chain_length - 1];
      if (chain_length > 1) {
        y = chain[chain_length - 2];
        current_min = d(y, x);
      } else {
        current_min = kInfinity;
      }
      for (int i = 0; i < n; ++i) {
        if (size[i] == 0 || i == x) continue;
        const double dist = d(i, x);
        if (dist < current_min) {
          current_min = dist;
          y = i;
        }
      }
      if (chain_length > 1 && y == chain[chain_length - 2]) break;
      chain[chain_length++] = y;
    }
    chain_length -= 2;
    if (x > y) std::swap(x, y);
    const int nx = size[x];
    const int ny = size[y];
    raw(k, 0) = x;
    raw(k, 1) = y;
    raw(k, 2) = current_min;
    raw(k, 3) = nx + ny;
    size[x] = 0;
    size[y] = nx + ny;
    for (int i = 0; i < n; ++i) {
      if (size[i] == 0 || i == y) continue;
      const double updated = lance_williams(method, d(i, x), d(i, y), current_min, nx, ny, size[i]);
      d(i, y) = updated;
      d(y, i) = updated;
    }
  }
  return sort_and_label(raw, n);
}

Status check_covariance(Eigen::Ref<const Eigen::MatrixXd> covariance, std::string_view what) {
  const Eigen::Index n = covariance.rows();
  if (n == 0 || covariance.cols() != n) {
    return Status::invalid(fmt::format("{}: covariance is {} x {}; it must be square and non-empty",
                                       what, covariance.rows(), covariance.cols()));
  }
  if (!covariance.allFinite()) {
    return Status::invalid(fmt::format(
        "{}: covariance has NaN or infinite entries; choose a missing-data policy upstream", what));
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(covariance(i, i) > 0.0)) {
      return Status::invalid(
          fmt::format("{}: variance of asset {} is {} (must be > 0); drop constant assets", what, i,
                      covariance(i, i)));
    }
  }
  return Status::ok();
}

Status check_correlation(Eigen::Ref<const Eigen::MatrixXd> correlation, Eigen::Index n,
                         std::string_view what) {
  if (correlation.rows() != n || correlation.cols() != n || !correlation.allFinite()) {
    return Status::invalid(fmt::format(
        "{}: correlation must be a finite {} x {} matrix like the covariance (got {} x {})", what,
        n, n, correlation.rows(), correlation.cols()));
  }
  return Status::ok();
}

// Variance of the inverse-variance portfolio on the assets order[begin, end).
double ivp_variance(Eigen::Ref<const Eigen::MatrixXd> covariance, const std::vector<int>& order,
                    int begin, int end) {
  double sum_inv = 0.0;
  for (int a = begin; a < end; ++a) sum_inv += 1.0 / covariance(order[a], order[a]);
  double variance = 0.0;
  for (int b = begin; b < end; ++b) {
    const int j = order[b];
    const double wj = 1.0 / covariance(j, j);
    double column = 0.0;
    for (int a = begin; a < end; ++a) {
      const int i = order[a];
      column += covariance(i, j) / covariance(i, i);
    }
    variance += wj * column;
  }
  return variance / (sum_inv * sum_inv);
}

struct Clustering {
  Eigen::MatrixXd linkage_matrix;
  std::vector<int> order;
  Eigen::MatrixXd distance;  // what the linkage ran on (the silhouettes are computed on it)
};

Result<Clustering> cluster(Eigen::Ref<const Eigen::MatrixXd> correlation,
                           const HierarchicalOptions& options) {
  Clustering out;
  const Eigen::Index n = correlation.rows();
  if (n == 1) {
    out.linkage_matrix.resize(0, 4);
    out.order = {0};
    return out;
  }
  out.distance = cluster_distance(correlation, options.distance);
  auto z = linkage(out.distance, options.linkage);
  if (!z) return z.status();
  out.linkage_matrix = std::move(*z);
  out.order = leaf_order(out.linkage_matrix);
  return out;
}

// For every node id (0..2n−2) the range [begin, end) it covers in the leaf order; subtrees are
// contiguous in a pre-order listing.
std::vector<std::pair<int, int>> node_ranges(const Eigen::MatrixXd& z,
                                             const std::vector<int>& order) {
  const int n = static_cast<int>(order.size());
  std::vector<int> position(n);
  for (int k = 0; k < n; ++k) position[order[k]] = k;
  std::vector<std::pair<int, int>> range(2 * n - 1);
  for (int i = 0; i < n; ++i) range[i] = {position[i], position[i] + 1};
  for (int r = 0; r < n - 1; ++r) {
    const auto a = range[static_cast<int>(z(r, 0))];
    const auto b = range[static_cast<int>(z(r, 1))];
    range[n + r] = {std::min(a.first, b.first), std::max(a.second, b.second)};
  }
  return range;
}

int choose_clusters(const Clustering& c, const HierarchicalOptions& options) {
  if (options.clusters > 0) return options.clusters;
  return silhouette_cluster_count(c.linkage_matrix, c.distance, options.max_clusters);
}

// The bounds in force: the options' or 0..1.
struct Bounds {
  Eigen::VectorXd lower;
  Eigen::VectorXd upper;
  bool given = false;  // any bound other than 0..1
};

Bounds resolve_bounds(const HierarchicalOptions& options, Eigen::Index n) {
  Bounds b;
  b.lower = options.lower_bounds.size() == n ? options.lower_bounds : Eigen::VectorXd::Zero(n);
  b.upper = options.upper_bounds.size() == n ? options.upper_bounds : Eigen::VectorXd::Ones(n);
  b.given = (b.lower.array() != 0.0).any() || (b.upper.array() < 1.0).any();
  return b;
}

// An infeasible result when no weights sum to 1 within the bounds, else nullopt.
std::optional<HierarchicalResult> infeasible_bounds(const Bounds& bounds, const char* solver) {
  const BoundedWeights check = proportional_within_bounds(
      Eigen::VectorXd::Ones(bounds.lower.size()), 1.0, bounds.lower, bounds.upper);
  if (check.status != SolveStatus::kInfeasible) return std::nullopt;
  HierarchicalResult r;
  r.solver = solver;
  r.status = SolveStatus::kInfeasible;
  r.message = check.message;
  return r;
}

// Sums of the bounds over the leaf-order range [begin, end).
double range_sum(const Eigen::VectorXd& v, const std::vector<int>& order, int begin, int end) {
  double sum = 0.0;
  for (int a = begin; a < end; ++a) sum += v[order[a]];
  return sum;
}

// The left child's share of `parent`, `proposed`, clipped so that both children stay within their
// members' bound sums (Pfitzinger & Katzke 2019; skfolio's and Riskfolio's HRP).
double clip_split(double proposed, double parent, double lower_left, double upper_left,
                  double lower_right, double upper_right) {
  const double low = std::max(lower_left, parent - upper_right);
  const double high = std::min(upper_left, parent - lower_right);
  return std::clamp(proposed, low, std::max(low, high));
}

// Euclidean projection onto the simplex {w ≥ 0, Σw = 1} (Held, Wolfe & Crowder 1974).
void project_simplex(Eigen::VectorXd& v) {
  Eigen::VectorXd sorted = v;
  std::sort(sorted.data(), sorted.data() + sorted.size(), std::greater<>());
  double cumulative = 0.0, theta = 0.0;
  for (Eigen::Index k = 0; k < sorted.size(); ++k) {
    cumulative += sorted[k];
    const double t = (cumulative - 1.0) / static_cast<double>(k + 1);
    if (sorted[k] - t > 0.0) theta = t;
  }
  v = (v.array() - theta).cwiseMax(0.0).matrix();
}

struct MinVarianceOutcome {
  Eigen::VectorXd weights;
  int iterations = 0;
  bool converged = true;
};

// Minimum variance with Σw = 1: closed form, or long-only by accelerated projected gradient,
// onto the simplex or, when `lower`/`upper` are given, onto {lower ≤ w ≤ upper, Σw = 1}.
MinVarianceOutcome min_variance(const Eigen::MatrixXd& sigma, const HierarchicalOptions& options,
                                const Eigen::VectorXd& lower = {},
                                const Eigen::VectorXd& upper = {}) {
  MinVarianceOutcome out;
  const Eigen::Index m = sigma.rows();
  const bool bounded = lower.size() == m;
  if (m == 1) {
    out.weights = Eigen::VectorXd::Ones(1);
    return out;
  }
  auto project = [&](Eigen::VectorXd& v) {
    if (bounded) {
      v = clamp_to_sum(v, Eigen::VectorXd::Ones(m), 1.0, lower, upper);
    } else {
      project_simplex(v);
    }
  };
  if (!options.long_only) {
    Eigen::LDLT<Eigen::MatrixXd> ldlt(sigma);
    Eigen::VectorXd w = ldlt.solve(Eigen::VectorXd::Ones(m));
    out.weights = w / w.sum();
    out.converged = ldlt.info() == Eigen::Success && out.weights.allFinite();
    return out;
  }
  // Lipschitz constant of the gradient Σw: the largest absolute row sum bounds λ_max.
  const double lipschitz = sigma.cwiseAbs().rowwise().sum().maxCoeff();
  Eigen::VectorXd w = Eigen::VectorXd::Constant(m, 1.0 / m);
  if (bounded) project(w);
  Eigen::VectorXd v = w, previous = w;
  double t = 1.0;
  out.converged = false;
  for (int iter = 0; iter < options.max_iterations; ++iter) {
    out.iterations = iter + 1;
    previous = w;
    w = v - (sigma * v) / lipschitz;
    project(w);
    // Gradient-mapping restart (O'Donoghue & Candès 2015): drop the momentum when it points
    // uphill, which restores linear convergence on strongly convex problems.
    if ((v - w).dot(w - previous) > 0.0) t = 1.0;
    const double t_next = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * t * t));
    v = w + ((t - 1.0) / t_next) * (w - previous);
    t = t_next;
    if ((w - previous).cwiseAbs().maxCoeff() <= options.tolerance) {
      out.converged = true;
      break;
    }
  }
  out.weights = w;
  return out;
}

}  // namespace

Status HierarchicalOptions::validate(Eigen::Index assets) const {
  if (clusters < 0 || clusters > assets) {
    return Status::invalid(fmt::format(
        "hierarchical: clusters = {} with {} assets; use 1..{} or 0 to choose by the largest "
        "gap in the dendrogram",
        clusters, assets, assets));
  }
  if (!(tolerance > 0.0 && tolerance <= 1e-2)) {
    return Status::invalid(
        fmt::format("hierarchical: tolerance {} must be in (0, 1e-2]", tolerance));
  }
  if (max_iterations < 1) return Status::invalid("hierarchical: max_iterations must be ≥ 1");
  if (max_clusters < 1) {
    return Status::invalid(
        fmt::format("hierarchical: max_clusters = {} must be ≥ 1", max_clusters));
  }
  for (const auto* bounds : {&lower_bounds, &upper_bounds}) {
    if (bounds->size() != 0 && bounds->size() != assets) {
      return Status::invalid(
          fmt::format("hierarchical: {} bounds for {} assets", bounds->size(), assets));
    }
    if (!bounds->allFinite()) return Status::invalid("hierarchical: bounds must be finite");
  }
  for (Eigen::Index i = 0; i < lower_bounds.size(); ++i) {
    if (lower_bounds[i] < 0.0) {
      return Status::invalid(fmt::format(
          "hierarchical: lower bound {} of asset {} is negative; the hierarchical models are "
          "long-only (use a mean-variance model to short)",
          lower_bounds[i], i));
    }
  }
  for (Eigen::Index i = 0; i < assets; ++i) {
    const double lo = i < lower_bounds.size() ? lower_bounds[i] : 0.0;
    const double hi = i < upper_bounds.size() ? upper_bounds[i] : 1.0;
    if (lo > hi) {
      return Status::invalid(fmt::format(
          "hierarchical: asset {} has lower bound {} above its upper bound {}", i, lo, hi));
    }
  }
  return Status::ok();
}

int silhouette_cluster_count(Eigen::Ref<const Eigen::MatrixXd> linkage_matrix,
                             Eigen::Ref<const Eigen::MatrixXd> distance, int max_clusters) {
  const int n = static_cast<int>(linkage_matrix.rows()) + 1;
  const int k_last = static_cast<int>(std::floor(std::min<double>(max_clusters, std::sqrt(n))));
  int best = 1;
  double best_score = -kInfinity;
  for (int k = 2; k <= std::min(k_last, n); ++k) {
    const std::vector<int> labels = cut_tree(linkage_matrix, k);
    std::vector<int> size(k, 0);
    for (int label : labels) ++size[label];
    Eigen::VectorXd s(n);
    for (int i = 0; i < n; ++i) {
      // Mean distance from asset i to each cluster (its own excluding itself).
      Eigen::VectorXd mean = Eigen::VectorXd::Zero(k);
      for (int j = 0; j < n; ++j) {
        if (j != i) mean[labels[j]] += distance(i, j);
      }
      const int own = labels[i];
      if (size[own] == 1) {
        s[i] = 0.0;
        continue;
      }
      double nearest = kInfinity;
      for (int c = 0; c < k; ++c) {
        if (c != own) nearest = std::min(nearest, mean[c] / size[c]);
      }
      const double within = mean[own] / (size[own] - 1);
      const double scale = std::max(within, nearest);
      s[i] = scale > 0.0 ? (nearest - within) / scale : 0.0;
    }
    const double average = s.mean();
    const double spread = std::sqrt((s.array() - average).square().mean());
    const double score = spread > 0.0 ? average / spread : (average > 0.0 ? kInfinity : -kInfinity);
    if (score > best_score) {
      best_score = score;
      best = k;
    }
  }
  return best;
}

Eigen::MatrixXd cluster_distance(Eigen::Ref<const Eigen::MatrixXd> correlation,
                                 ClusterDistance distance) {
  Eigen::MatrixXd d =
      ((1.0 - correlation.array()) / 2.0).cwiseMax(0.0).cwiseMin(1.0).sqrt().matrix();
  d.diagonal().setZero();
  if (distance == ClusterDistance::kCorrelation) return d;
  // ‖a − b‖² = ‖a‖² + ‖b‖² − 2aᵀb over the columns of d.
  const Eigen::MatrixXd gram = d.transpose() * d;
  const Eigen::VectorXd norms = gram.diagonal();
  Eigen::MatrixXd e = (-2.0 * gram).colwise() + norms;
  e.rowwise() += norms.transpose();
  e = e.cwiseMax(0.0).cwiseSqrt();
  e.diagonal().setZero();
  return e;
}

Result<Eigen::MatrixXd> linkage(Eigen::Ref<const Eigen::MatrixXd> distance, LinkageMethod method) {
  const Eigen::Index n = distance.rows();
  if (n < 2 || distance.cols() != n) {
    return Status::invalid(
        fmt::format("linkage: distance matrix is {} x {}; it must be square with at least 2 points",
                    distance.rows(), distance.cols()));
  }
  if (!distance.allFinite() || distance.minCoeff() < 0.0) {
    return Status::invalid("linkage: distances must be finite and nonnegative");
  }
  if ((distance - distance.transpose()).cwiseAbs().maxCoeff() >
      1e-12 * (1.0 + distance.maxCoeff())) {
    return Status::invalid("linkage: distance matrix is not symmetric");
  }
  if (method == LinkageMethod::kSingle) return single_linkage(distance);
  return nn_chain_linkage(distance, method);
}

std::vector<int> leaf_order(Eigen::Ref<const Eigen::MatrixXd> linkage_matrix) {
  const int n = static_cast<int>(linkage_matrix.rows()) + 1;
  std::vector<int> order;
  order.reserve(n);
  std::vector<int> stack = {2 * n - 2};
  while (!stack.empty()) {
    const int node = stack.back();
    stack.pop_back();
    if (node < n) {
      order.push_back(node);
      continue;
    }
    stack.push_back(static_cast<int>(linkage_matrix(node - n, 1)));
    stack.push_back(static_cast<int>(linkage_matrix(node - n, 0)));
  }
  return order;
}

std::vector<int> cut_tree(Eigen::Ref<const Eigen::MatrixXd> linkage_matrix, int clusters) {
  const int n = static_cast<int>(linkage_matrix.rows()) + 1;
  clusters = std::clamp(clusters, 1, n);
  std::vector<int> roots = {2 * n - 2};
  for (int r = n - 2; r > n - 1 - clusters; --r) {
    const auto it = std::find(roots.begin(), roots.end(), n + r);
    roots.erase(it);
    roots.push_back(static_cast<int>(linkage_matrix(r, 0)));
    roots.push_back(static_cast<int>(linkage_matrix(r, 1)));
  }
  // Assign each leaf its root, then number roots by first appearance in leaf order.
  std::vector<int> root_of(2 * n - 1, -1);
  for (int root : roots) root_of[root] = root;
  for (int r = n - 2; r >= 0; --r) {
    const int node = n + r;
    if (root_of[node] < 0) continue;
    root_of[static_cast<int>(linkage_matrix(r, 0))] = root_of[node];
    root_of[static_cast<int>(linkage_matrix(r, 1))] = root_of[node];
  }
  std::vector<int> labels(n, -1);
  std::vector<int> label_of_root(2 * n - 1, -1);
  int next = 0;
  for (int leaf : leaf_order(linkage_matrix)) {
    int& label = label_of_root[root_of[leaf]];
    if (label < 0) label = next++;
    labels[leaf] = label;
  }
  return labels;
}

Result<HierarchicalResult> hrp(Eigen::Ref<const Eigen::MatrixXd> covariance,
                               const HierarchicalOptions& options) {
  KEEL_RETURN_IF_ERROR(check_covariance(covariance, "hrp"));
  auto correlation = covariance_to_correlation(covariance);
  if (!correlation) return correlation.status();
  return hrp(covariance, *correlation, options);
}

Result<HierarchicalResult> hrp(Eigen::Ref<const Eigen::MatrixXd> covariance,
                               Eigen::Ref<const Eigen::MatrixXd> correlation,
                               const HierarchicalOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  KEEL_RETURN_IF_ERROR(check_covariance(covariance, "hrp"));
  const Eigen::Index n = covariance.rows();
  KEEL_RETURN_IF_ERROR(check_correlation(correlation, n, "hrp"));
  KEEL_RETURN_IF_ERROR(options.validate(n));
  const Bounds bounds = resolve_bounds(options, n);
  if (auto infeasible = infeasible_bounds(bounds, "hrp")) return *std::move(infeasible);
  auto clustering = cluster(correlation, options);
  if (!clustering) return clustering.status();
  HierarchicalResult result;
  result.solver = "hrp";
  result.linkage_matrix = std::move(clustering->linkage_matrix);
  result.leaf_order = std::move(clustering->order);
  const std::vector<int>& order = result.leaf_order;
  // Recursive bisection of the ordered list (López de Prado 2016, snippet 16.3), each range
  // carrying its total weight; with bounds every split is clipped (clip_split).
  Eigen::VectorXd w = Eigen::VectorXd::Ones(n);
  struct Range {
    int begin, end;
    double total;
  };
  std::vector<Range> stack = {{0, static_cast<int>(n), 1.0}};
  while (!stack.empty()) {
    const Range r = stack.back();
    stack.pop_back();
    if (r.end - r.begin < 2) {
      w[order[r.begin]] = r.total;
      continue;
    }
    const int mid = r.begin + (r.end - r.begin) / 2;
    const double v_left = ivp_variance(covariance, order, r.begin, mid);
    const double v_right = ivp_variance(covariance, order, mid, r.end);
    const double alpha = 1.0 - v_left / (v_left + v_right);
    double left = r.total * alpha;
    double right = r.total * (1.0 - alpha);
    if (bounds.given) {
      left = clip_split(left, r.total, range_sum(bounds.lower, order, r.begin, mid),
                        range_sum(bounds.upper, order, r.begin, mid),
                        range_sum(bounds.lower, order, mid, r.end),
                        range_sum(bounds.upper, order, mid, r.end));
      right = r.total - left;
    }
    stack.push_back({r.begin, mid, left});
    stack.push_back({mid, r.end, right});
  }
  result.weights = w;
  result.status = w.allFinite() ? SolveStatus::kOptimal : SolveStatus::kNumericalError;
  if (!w.allFinite()) result.message = "non-finite cluster variance in the bisection";
  result.solve_ms = elapsed_ms(start);
  return result;
}

Result<HierarchicalResult> herc(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                const HierarchicalOptions& options) {
  KEEL_RETURN_IF_ERROR(check_covariance(covariance, "herc"));
  auto correlation = covariance_to_correlation(covariance);
  if (!correlation) return correlation.status();
  return herc(covariance, *correlation, options);
}

Result<HierarchicalResult> herc(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                Eigen::Ref<const Eigen::MatrixXd> correlation,
                                const HierarchicalOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  KEEL_RETURN_IF_ERROR(check_covariance(covariance, "herc"));
  const int n = static_cast<int>(covariance.rows());
  KEEL_RETURN_IF_ERROR(check_correlation(correlation, n, "herc"));
  KEEL_RETURN_IF_ERROR(options.validate(n));
  const Bounds bounds = resolve_bounds(options, n);
  if (auto infeasible = infeasible_bounds(bounds, "herc")) return *std::move(infeasible);
  auto clustering = cluster(correlation, options);
  if (!clustering) return clustering.status();
  HierarchicalResult result;
  result.solver = "herc";
  const int k = n > 1 ? choose_clusters(*clustering, options) : 1;
  result.linkage_matrix = std::move(clustering->linkage_matrix);
  result.leaf_order = std::move(clustering->order);
  const std::vector<int>& order = result.leaf_order;
  Eigen::VectorXd w = Eigen::VectorXd::Ones(n);
  if (n > 1) {
    result.clusters = k;
    result.cluster_labels = cut_tree(result.linkage_matrix, k);
    const auto range = node_ranges(result.linkage_matrix, order);
    // Nodes created by the last k − 1 merges lie above the cut and are split between children.
    std::vector<std::pair<int, double>> stack = {{2 * n - 2, 1.0}};
    while (!stack.empty()) {
      const auto [node, share] = stack.back();
      stack.pop_back();
      const int row = node - n;
      if (row >= n - k) {
        const int left = static_cast<int>(result.linkage_matrix(row, 0));
        const int right = static_cast<int>(result.linkage_matrix(row, 1));
        const auto [lb, le] = range[left];
        const auto [rb, re] = range[right];
        const double v_left = ivp_variance(covariance, order, lb, le);
        const double v_right = ivp_variance(covariance, order, rb, re);
        const double alpha = v_right / (v_left + v_right);
        double left_share = share * alpha;
        double right_share = share * (1.0 - alpha);
        if (bounds.given) {
          left_share = clip_split(left_share, share, range_sum(bounds.lower, order, lb, le),
                                  range_sum(bounds.upper, order, lb, le),
                                  range_sum(bounds.lower, order, rb, re),
                                  range_sum(bounds.upper, order, rb, re));
          right_share = share - left_share;
        }
        stack.emplace_back(left, left_share);
        stack.emplace_back(right, right_share);
        continue;
      }
      // A cluster of the cut: inverse-variance weights inside, within bounds when given.
      const auto [begin, end] = range[node];
      double sum_inv = 0.0;
      for (int a = begin; a < end; ++a) sum_inv += 1.0 / covariance(order[a], order[a]);
      for (int a = begin; a < end; ++a) {
        w[order[a]] = share / covariance(order[a], order[a]) / sum_inv;
      }
      if (bounds.given) {
        const int m = end - begin;
        Eigen::VectorXd base(m), lower(m), upper(m);
        for (int a = 0; a < m; ++a) {
          base[a] = w[order[begin + a]];
          lower[a] = bounds.lower[order[begin + a]];
          upper[a] = bounds.upper[order[begin + a]];
        }
        const Eigen::VectorXd bounded =
            clamp_to_sum(Eigen::VectorXd::Zero(m), base, share, lower, upper);
        for (int a = 0; a < m; ++a) w[order[begin + a]] = bounded[a];
      }
    }
  } else {
    result.clusters = 1;
    result.cluster_labels = {0};
  }
  result.weights = w;
  result.status = w.allFinite() ? SolveStatus::kOptimal : SolveStatus::kNumericalError;
  if (!w.allFinite()) result.message = "non-finite cluster variance";
  result.solve_ms = elapsed_ms(start);
  return result;
}

Result<HierarchicalResult> nco(Eigen::Ref<const Eigen::MatrixXd> covariance,
                               const HierarchicalOptions& options) {
  KEEL_RETURN_IF_ERROR(check_covariance(covariance, "nco"));
  auto correlation = covariance_to_correlation(covariance);
  if (!correlation) return correlation.status();
  return nco(covariance, *correlation, options);
}

Result<HierarchicalResult> nco(Eigen::Ref<const Eigen::MatrixXd> covariance,
                               Eigen::Ref<const Eigen::MatrixXd> correlation,
                               const HierarchicalOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  KEEL_RETURN_IF_ERROR(check_covariance(covariance, "nco"));
  const int n = static_cast<int>(covariance.rows());
  KEEL_RETURN_IF_ERROR(check_correlation(correlation, n, "nco"));
  KEEL_RETURN_IF_ERROR(options.validate(n));
  if (!options.long_only &&
      (options.lower_bounds.size() != 0 || options.upper_bounds.size() != 0)) {
    return Status::invalid(
        "nco: weight bounds need long_only = true (the closed-form minimum variance can short)");
  }
  const Bounds bounds = resolve_bounds(options, n);
  if (auto infeasible = infeasible_bounds(bounds, "nco")) return *std::move(infeasible);
  auto clustering = cluster(correlation, options);
  if (!clustering) return clustering.status();
  HierarchicalResult result;
  result.solver = "nco";
  const int k = n > 1 ? choose_clusters(*clustering, options) : 1;
  result.linkage_matrix = std::move(clustering->linkage_matrix);
  result.leaf_order = std::move(clustering->order);
  result.clusters = k;
  result.cluster_labels = n > 1 ? cut_tree(result.linkage_matrix, k) : std::vector<int>{0};
  std::vector<std::vector<int>> members(k);
  for (int i = 0; i < n; ++i) members[result.cluster_labels[i]].push_back(i);
  auto sub_covariance = [&](const std::vector<int>& idx) {
    const int m = static_cast<int>(idx.size());
    Eigen::MatrixXd sub(m, m);
    for (int a = 0; a < m; ++a) {
      for (int b = 0; b < m; ++b) sub(a, b) = covariance(idx[a], idx[b]);
    }
    return sub;
  };
  Eigen::MatrixXd intra = Eigen::MatrixXd::Zero(n, k);
  bool ok = true;
  for (int c = 0; c < k; ++c) {
    const MinVarianceOutcome inside = min_variance(sub_covariance(members[c]), options);
    result.iterations += inside.iterations;
    ok = ok && inside.converged;
    for (std::size_t a = 0; a < members[c].size(); ++a) {
      intra(members[c][a], c) = inside.weights[static_cast<Eigen::Index>(a)];
    }
  }
  const Eigen::MatrixXd reduced = intra.transpose() * covariance * intra;
  Eigen::VectorXd cluster_lower, cluster_upper;
  if (bounds.given) {
    cluster_lower = Eigen::VectorXd::Zero(k);
    cluster_upper = Eigen::VectorXd::Zero(k);
    for (int i = 0; i < n; ++i) {
      cluster_lower[result.cluster_labels[i]] += bounds.lower[i];
      cluster_upper[result.cluster_labels[i]] += bounds.upper[i];
    }
    cluster_upper = cluster_upper.cwiseMin(1.0);
  }
  const MinVarianceOutcome across = min_variance(reduced, options, cluster_lower, cluster_upper);
  result.iterations += across.iterations;
  ok = ok && across.converged;
  result.weights = intra * across.weights;
  if (bounds.given && ok) {
    // Each cluster's minimum variance again, for its allotted weight and within the bounds.
    for (int c = 0; c < k; ++c) {
      const double allotted = across.weights[c];
      const auto& idx = members[c];
      const auto m = static_cast<Eigen::Index>(idx.size());
      if (!(allotted > 0.0)) {
        for (int i : idx) result.weights[i] = 0.0;
        continue;
      }
      Eigen::VectorXd lower(m), upper(m);
      for (Eigen::Index a = 0; a < m; ++a) {
        lower[a] = bounds.lower[idx[a]] / allotted;
        upper[a] = bounds.upper[idx[a]] / allotted;
      }
      const MinVarianceOutcome inside = min_variance(sub_covariance(idx), options, lower, upper);
      result.iterations += inside.iterations;
      ok = ok && inside.converged;
      for (Eigen::Index a = 0; a < m; ++a) {
        result.weights[idx[a]] = allotted * inside.weights[a];
      }
    }
  }
  if (!result.weights.allFinite()) {
    result.status = SolveStatus::kNumericalError;
    result.message = "a cluster covariance is singular; use long_only = true or fewer clusters";
  } else if (!ok) {
    result.status = options.long_only ? SolveStatus::kIterationLimit : SolveStatus::kNumericalError;
    result.message = options.long_only ? fmt::format(
                                             "projected gradient did not reach tolerance {} in {} "
                                             "iterations",
                                             options.tolerance, options.max_iterations)
                                       : "a cluster covariance could not be factorised";
  } else {
    result.status = SolveStatus::kOptimal;
  }
  result.solve_ms = elapsed_ms(start);
  return result;
}

}  // namespace keel
