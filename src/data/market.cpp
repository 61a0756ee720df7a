#include "keel/data/market.hpp"

#include <cmath>

namespace keel {

Status MarketOptions::validate() const {
  if (!(std::isfinite(periods_per_year) && periods_per_year >= 0.0)) {
    return Status::invalid(
        "periods_per_year must be 0 (infer from the timestamps) or a number > 0");
  }
  return missing.validate();
}

namespace {

Result<PricePanel> select_read(Result<PricePanel> panel, const MarketOptions& options) {
  if (!panel) return panel.status();
  const PanelSelection& s = options.selection;
  if (!s.start && !s.end && s.assets.empty()) return panel;
  auto selected = select(*panel, s);
  if (!selected) return selected.status().with_context(panel->source);
  return selected;
}

}  // namespace

Result<PricePanel> read_market_prices(const std::string& path, const MarketOptions& options) {
  return select_read(read_prices(path, options.read), options);
}

Result<PricePanel> read_market_prices(const std::vector<std::string>& paths,
                                      const MarketOptions& options) {
  return select_read(read_price_files(paths, options.read), options);
}

Result<Market> prepare_market(const PricePanel& panel, const MarketOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  auto clean = apply_missing_policy(panel, options.missing);
  if (!clean) return clean.status();
  Market market;
  market.panel = std::move(clean->panel);
  market.missing = options.missing;
  // What the reader did beyond parsing (re-sorted rows, dropped duplicates) counts as a repair.
  for (const auto& note : panel.notes) market.repairs.push_back({"read", note});
  for (auto& r : clean->repairs) market.repairs.push_back(std::move(r));
  if (market.panel.rows() < 3) {
    return Status::invalid(market.panel.source + ": only " + std::to_string(market.panel.rows()) +
                           " price rows remain after the missing-data policy; at least 3 are "
                           "needed (widen --start/--end or choose another --missing policy)");
  }
  auto frequency = infer_frequency(market.panel.timestamps);
  if (!frequency) return frequency.status().with_context(market.panel.source);
  market.frequency = *frequency;
  if (options.periods_per_year > 0.0) {
    market.frequency.periods_per_year = options.periods_per_year;
    market.frequency.inferred = false;
  }
  market.returns = compute_returns(market.panel, options.return_kind);
  return market;
}

Result<Market> load_market(const std::string& path, const MarketOptions& options) {
  auto panel = read_market_prices(path, options);
  if (!panel) return panel.status();
  return prepare_market(*panel, options);
}

Result<Market> load_market(const std::vector<std::string>& paths, const MarketOptions& options) {
  auto panel = read_market_prices(paths, options);
  if (!panel) return panel.status();
  return prepare_market(*panel, options);
}

Status require_complete_returns(const Market& market) {
  const Eigen::MatrixXd& r = market.returns.values;
  for (Eigen::Index t = 0; t < r.rows(); ++t) {
    for (Eigen::Index j = 0; j < r.cols(); ++j) {
      if (!std::isnan(r(t, j))) continue;
      const std::string& asset = market.panel.assets[static_cast<std::size_t>(j)];
      const std::string policy = to_string(market.missing);
      const bool ffill = market.missing.kind == MissingPolicyKind::kForwardFill;
      return Status::invalid(
          market.panel.source + ": " + asset + " has no return on " +
          format_timestamp(market.returns.timestamps[static_cast<std::size_t>(t)]) +
          " after --missing " + policy + "; this verb needs one complete return history" +
          (ffill ? " and forward fill never fills before a first quote or after a last one: use "
                   "--missing ffill:" +
                       std::to_string(market.missing.max_fill) +
                       ",drop-rows (the rows where every held asset is quoted), or --start after "
                       "the latest listing"
                 : ": use --missing drop-rows or ffill:N,drop-rows, or --start after the latest "
                   "listing"));
    }
  }
  return Status::ok();
}

Json inputs_json(const Market& market) {
  Json inputs;
  inputs["assets"] = market.panel.assets.size();
  inputs["observations"] = market.returns.values.rows();
  inputs["periods_per_year"] = market.frequency.periods_per_year;
  inputs["start"] = format_timestamp(market.panel.timestamps.front());
  inputs["end"] = format_timestamp(market.panel.timestamps.back());
  inputs["source"] = market.panel.source;
  inputs["returns"] = market.returns.kind == ReturnKind::kLog ? "log" : "simple";
  return inputs;
}

}  // namespace keel
