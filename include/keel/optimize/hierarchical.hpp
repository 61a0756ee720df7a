#pragma once
// Hierarchical allocation: agglomerative clustering of assets and three allocators built on it.
//
//   * HRP, hierarchical risk parity (López de Prado 2016, "Building diversified portfolios that
//     outperform out of sample", J. Portfolio Management 42(4)): cluster on the correlation
//     distance d_ij = sqrt((1 − ρ_ij)/2), order the assets quasi-diagonally (the dendrogram's leaf
//     order), then bisect the ordered list recursively, splitting weight between the halves in
//     inverse proportion to the variance of each half's inverse-variance portfolio.
//   * HERC, hierarchical equal risk contribution (Raffinot 2018, "The hierarchical equal risk
//     contribution portfolio", SSRN 3237540), variance risk measure: cut the dendrogram into k
//     clusters; walk the tree from the top, splitting weight at every node above the cut between
//     its two children in inverse proportion to the variance of each child's inverse-variance
//     portfolio; inside each of the k clusters use inverse-variance weights (naive risk parity).
//   * NCO, nested clustered optimisation (López de Prado 2019, "A robust estimator of the
//     efficient frontier", SSRN 3469961), minimum-variance objective: cut the same tree into k
//     clusters, solve minimum variance inside each cluster, reduce Σ to the k × k covariance of the
//     cluster portfolios, solve minimum variance across clusters, multiply.
//
// Clustering follows scipy.cluster.hierarchy.linkage exactly (own O(n²) implementations: Prim's
// minimum spanning tree for single linkage, the nearest-neighbour chain for complete, average and
// Ward), including its output conventions: the (n − 1) × 4 linkage matrix has rows
// [cluster a, cluster b, merge distance, size] sorted by distance (stable), cluster ids 0..n−1 are
// assets and n + i is the cluster formed in row i, and a < b in every row. Leaf order is scipy's
// to_tree(Z).pre_order() (left child = column 0 first).

#include <Eigen/Core>
#include <string>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/core/solve_status.hpp"
#include "keel/core/status.hpp"

namespace keel {

enum class LinkageMethod {
  kSingle,    // nearest point; scipy "single"
  kComplete,  // farthest point; scipy "complete"
  kAverage,   // UPGMA; scipy "average"
  kWard,      // Ward's minimum variance (Lance–Williams update on Euclidean distances); "ward"
};

// What the clustering runs on, starting from the correlation distance d = sqrt((1 − ρ)/2),
// clipped to [0, 1].
enum class ClusterDistance {
  // Linkage on the Euclidean distance between columns of d, d̃_ij = ‖d_·i − d_·j‖₂: what López de
  // Prado's (2016) published code does (it passes the square matrix d to scipy's linkage, which
  // treats its rows as observations). Costs an extra O(n³) matrix product.
  kEuclideanOfCorrelation,
  // Linkage directly on d (condensed with squareform): what PyPortfolioOpt's HRPOpt does. Use this
  // to reproduce PyPortfolioOpt's numbers.
  kCorrelation,
};

// Agglomerative clustering of n points given their symmetric n × n distance matrix (zero diagonal,
// finite, nonnegative). Returns scipy's (n − 1) × 4 linkage matrix (see above). n ≥ 2.
Result<Eigen::MatrixXd> linkage(Eigen::Ref<const Eigen::MatrixXd> distance, LinkageMethod method);

// The leaves of a linkage matrix in dendrogram order: scipy's to_tree(Z).pre_order().
std::vector<int> leaf_order(Eigen::Ref<const Eigen::MatrixXd> linkage_matrix);

// Cuts a linkage matrix into k flat clusters by undoing its last k − 1 merges (for the monotone
// methods above this equals scipy's fcluster(Z, k, "maxclust") partition). Returns one label in
// 0..k−1 per asset, numbered in order of each cluster's first asset in `leaf_order`.
std::vector<int> cut_tree(Eigen::Ref<const Eigen::MatrixXd> linkage_matrix, int clusters);

// The correlation distance d_ij = sqrt(clip((1 − ρ_ij)/2, 0, 1)) and, for
// kEuclideanOfCorrelation, the Euclidean distance between its columns.
Eigen::MatrixXd cluster_distance(Eigen::Ref<const Eigen::MatrixXd> correlation,
                                 ClusterDistance distance);

struct HierarchicalOptions {
  LinkageMethod linkage = LinkageMethod::kSingle;
  // Default kCorrelation: the convention of PyPortfolioOpt and Riskfolio-Lib (linkage directly on
  // d = sqrt((1 − ρ)/2)), so their users get the same tree; kEuclideanOfCorrelation follows the
  // paper's published code.
  ClusterDistance distance = ClusterDistance::kCorrelation;
  // HERC and NCO: number of clusters k, 1 ≤ k ≤ n. 0 = choose k at the largest gap between
  // consecutive merge distances of the dendrogram (the cut that leaves the longest vertical
  // branches; k ≥ 2 unless n = 1). Ignored by HRP.
  int clusters = 0;
  // NCO: minimum variance inside and across clusters without sign constraints (closed form
  // Σ⁻¹1 / 1ᵀΣ⁻¹1, may give negative weights) when false; long-only (projected gradient with
  // Nesterov acceleration onto the simplex, to `tolerance`) when true.
  bool long_only = false;
  // NCO long-only: stop when the projected-gradient step changes weights by ≤ tolerance (∞-norm).
  double tolerance = 1e-12;
  int max_iterations = 100000;  // NCO long-only iterations per subproblem

  Status validate(Eigen::Index assets) const;
};

struct HierarchicalResult {
  SolveStatus status = SolveStatus::kNumericalError;
  Eigen::VectorXd weights{};         // one per asset, in the input order; sum to 1
  Eigen::MatrixXd linkage_matrix{};  // (n − 1) × 4, scipy format
  std::vector<int> leaf_order{};     // assets in dendrogram (quasi-diagonal) order
  // HERC/NCO: cluster label (0..k−1) per asset; empty for HRP.
  std::vector<int> cluster_labels{};
  int clusters = 0;    // k used (0 for HRP)
  int iterations = 0;  // NCO long-only: projected-gradient iterations in total
  double solve_ms = 0.0;
  std::string solver{};  // "hrp", "herc", "nco"
  std::string message{};
  std::vector<std::string> warnings{};

  bool is_usable() const { return keel::is_usable(status); }
};

// Hierarchical risk parity. The correlation is derived from the covariance; the second overload
// takes it explicitly (e.g. pandas' pairwise-complete correlation, as PyPortfolioOpt uses).
Result<HierarchicalResult> hrp(Eigen::Ref<const Eigen::MatrixXd> covariance,
                               const HierarchicalOptions& options = {});
Result<HierarchicalResult> hrp(Eigen::Ref<const Eigen::MatrixXd> covariance,
                               Eigen::Ref<const Eigen::MatrixXd> correlation,
                               const HierarchicalOptions& options = {});

// Hierarchical equal risk contribution with the variance risk measure.
Result<HierarchicalResult> herc(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                const HierarchicalOptions& options = {});

// Nested clustered optimisation with the minimum-variance objective.
Result<HierarchicalResult> nco(Eigen::Ref<const Eigen::MatrixXd> covariance,
                               const HierarchicalOptions& options = {});

}  // namespace keel
