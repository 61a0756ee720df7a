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
// Automatic cluster count (HERC, NCO with clusters = 0): the standardised silhouette of
// Riskfolio-Lib (its opt_k_method "stdsil"), see silhouette_cluster_count() below.
//
// Weight bounds (lower_bounds, upper_bounds; long-only): Pfitzinger & Katzke (2019), "A
// constrained hierarchical risk parity algorithm with cluster-based capital allocation", as
// skfolio and Riskfolio-Lib apply them. Every split of a cluster's weight P between its two
// children is clipped so that each child's share stays within the sum of its members' lower and
// upper bounds: left ∈ [max(L_left, P − U_right), min(U_left, P − L_right)]. Starting from
// P = 1 ∈ [ΣL, ΣU], every split stays feasible down to single assets, so HRP meets the bounds
// exactly. HERC applies the same clip above its cut and, inside each cluster, scales the
// inverse-variance weights within bounds (proportional_within_bounds, naive.hpp). NCO bounds the
// across-cluster minimum variance by each cluster's [ΣL, ΣU] and then re-solves each cluster's
// minimum variance for its allotted weight a_c with bounds [l_i, u_i] (the within-cluster weights
// that built the reduced covariance are the unbounded ones). Bounds with ΣL > 1 or ΣU < 1 give an
// infeasible result naming the sum.
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

// The automatic cluster count: the standardised silhouette of Riskfolio-Lib
// (AuxFunctions.std_silhouette_score; silhouettes of Rousseeuw 1987, "Silhouettes: a graphical aid
// to the interpretation and validation of cluster analysis", J. Comput. Appl. Math. 20). For each
// k from 2 to ⌊min(max_clusters, √n)⌋, cut the tree into k clusters and compute every asset's
// silhouette s_i = (b_i − a_i) / max(a_i, b_i) on `distance` (a_i: mean distance to the other
// members of its cluster, b_i: smallest mean distance to another cluster; s_i = 0 in a cluster of
// one, as scikit-learn); the count is the k with the largest mean(s) / std(s) (population std;
// the first on ties). So 2 ≤ k ≤ ⌊√n⌋ < n for n ≥ 4; n ≤ 3 gives 1.
//   Riskfolio's default rule, the two-difference gap statistic (two_diff_gap_stat), was not
// taken: on planted block correlations it returns one cluster fewer than planted in most cases
// (its second difference W_{k+2} + W_k − 2·W_{k+1} is centred on k + 1 but reported as k), and
// this library's earlier rule (largest step between merge heights) counted the step up from zero
// to the first merge and returned k = n on real panels. `distance` is the matrix the linkage ran
// on (n × n); max_clusters ≥ 1 (Riskfolio's max_k, default 10).
int silhouette_cluster_count(Eigen::Ref<const Eigen::MatrixXd> linkage_matrix,
                             Eigen::Ref<const Eigen::MatrixXd> distance, int max_clusters = 10);

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
  // HERC and NCO: number of clusters k, 1 ≤ k ≤ n. 0 = choose k by the standardised silhouette
  // (silhouette_cluster_count). Ignored by HRP.
  int clusters = 0;
  // The automatic cluster count looks at k ≤ max_clusters (Riskfolio's max_k). Default 10, ≥ 1.
  int max_clusters = 10;
  // Per-asset weight bounds (fractions of the budget), applied as described at the top of this
  // file. Empty = 0 (lower) and 1 (upper). Need 0 ≤ lower ≤ upper, size n; NCO needs long_only.
  Eigen::VectorXd lower_bounds{};
  Eigen::VectorXd upper_bounds{};
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
// takes it explicitly (e.g. pandas' pairwise-complete correlation, as PyPortfolioOpt uses:
// pairwise_correlation() in covariance.hpp). Infeasible bounds give status kInfeasible.
Result<HierarchicalResult> hrp(Eigen::Ref<const Eigen::MatrixXd> covariance,
                               const HierarchicalOptions& options = {});
Result<HierarchicalResult> hrp(Eigen::Ref<const Eigen::MatrixXd> covariance,
                               Eigen::Ref<const Eigen::MatrixXd> correlation,
                               const HierarchicalOptions& options = {});

// Hierarchical equal risk contribution with the variance risk measure; the correlation
// overload clusters on the given correlation as hrp's does.
Result<HierarchicalResult> herc(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                const HierarchicalOptions& options = {});
Result<HierarchicalResult> herc(Eigen::Ref<const Eigen::MatrixXd> covariance,
                                Eigen::Ref<const Eigen::MatrixXd> correlation,
                                const HierarchicalOptions& options = {});

// Nested clustered optimisation with the minimum-variance objective.
Result<HierarchicalResult> nco(Eigen::Ref<const Eigen::MatrixXd> covariance,
                               const HierarchicalOptions& options = {});
Result<HierarchicalResult> nco(Eigen::Ref<const Eigen::MatrixXd> covariance,
                               Eigen::Ref<const Eigen::MatrixXd> correlation,
                               const HierarchicalOptions& options = {});

}  // namespace keel
