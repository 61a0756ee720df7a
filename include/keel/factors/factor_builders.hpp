#pragma once
// Factors built from the data (issue #22 item 1). Each builder returns a factor series
// (ReturnSeries with the factor names as `assets`) on the timestamps of the asset returns.
//
//  market    one factor named "market": the return of one asset (e.g. BTC), the equal-weighted
//            average of the assets quoted that period, or a cap-weighted index built point in
//            time: the period-t weights are the market caps at t−1 (the last ones known when the
//            period starts), over the assets with both a cap at t−1 and a return at t. No cap
//            is carried forward: a missing cap excludes the asset that period.
//  sectors   one factor per tag value of a metadata field (sector, chain, protocol or a custom
//            tag): the equal- or cap-weighted (as above) basket of its members quoted that
//            period; `long_short` subtracts the market factor (the basket's return in excess of
//            the market, so sector betas are tilts beyond the market beta). A tag with fewer than
//            two members among the assets is an error naming the tag and its member (a one-asset
//            "sector" is the asset itself, and its regression is degenerate).
//  pca       statistical factors: the principal components of the correlation of the assets'
//            returns over the rows where every asset is quoted, f_k,t = Σᵢ u_ik (r_it − r̄ᵢ)/σᵢ
//            (unit-variance-scaled components, eigenvectors signed to sum ≥ 0), K given or by
//            the Marchenko–Pastur edge the `denoised` estimator fits (fit_marchenko_pastur).

#include <string>
#include <string_view>
#include <vector>

#include "keel/core/result.hpp"
#include "keel/data/metadata.hpp"
#include "keel/data/price_panel.hpp"
#include "keel/data/returns.hpp"

namespace keel {

enum class MarketFactorKind { kAsset, kEqualWeight, kCapWeight };

struct MarketFactorOptions {
  MarketFactorKind kind = MarketFactorKind::kAsset;
  // kAsset: the asset whose returns are the market (default BTC).
  std::string asset = "BTC";
  // kCapWeight: market caps by date (a wide panel like prices, e.g. the CMC market_cap_usd.csv),
  // matched on the return timestamps; assets absent from it have no weight.
  const PricePanel* market_caps = nullptr;
};

// "btc" / an asset name → kAsset, "equal" → kEqualWeight, "cap" → kCapWeight.
Result<MarketFactorOptions> parse_market_factor(std::string_view text);

Result<ReturnSeries> market_factor(const ReturnSeries& returns, const MarketFactorOptions& options);

struct SectorFactorOptions {
  std::string field = "sector";             // metadata tag field
  bool cap_weighted = false;                // else equal-weighted
  const PricePanel* market_caps = nullptr;  // needed when cap_weighted
  // Subtract this market series (same timestamps as the returns) from every basket; null = none.
  const ReturnSeries* long_short_market = nullptr;
  // Tags with fewer members are an error (default 2, range ≥ 2).
  int min_members = 2;
};

Result<ReturnSeries> sector_factors(const ReturnSeries& returns, const AssetMetadata& metadata,
                                    const SectorFactorOptions& options);

struct PcaFactorOptions {
  int factors = 0;  // 0 = the Marchenko–Pastur rule; range [0, N]
};

struct PcaFactors {
  ReturnSeries series;                 // the components on the complete rows
  Eigen::VectorXd eigenvalues;         // all correlation eigenvalues, descending
  double marchenko_pastur_edge = 0.0;  // NaN when K was given
};

Result<PcaFactors> pca_factors(const ReturnSeries& returns, const PcaFactorOptions& options);

}  // namespace keel
