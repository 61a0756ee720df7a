#include "keel/report/positions_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "keel/core/solve_status.hpp"
#include "keel/core/table.hpp"
#include "keel/defi/amm_position.hpp"
#include "report/report_util.hpp"

namespace keel::report {

namespace {

constexpr const char* kSchema = "https://vega.github.io/schema/vega-lite/v6.json";
constexpr const char* kBlue = "#2563eb";
constexpr const char* kRed = "#c0392b";
constexpr const char* kAmber = "#f59e0b";
constexpr const char* kGrey = "#6b7280";
// SI-prefixed axis labels share one prefix, so zero would read "0k": label it "0".
constexpr const char* kZeroLabel = "datum.value == 0 ? '0' : datum.label";

// 6 significant digits, as the other chart builders write their data.
double round6(double x) {
  if (!std::isfinite(x) || x == 0.0) return x;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return std::strtod(buffer, nullptr);
}
Json number(double x) { return json_number(round6(x)); }

Json base_spec(const std::string& title) {
  return {{"$schema", kSchema},
          {"title", title},
          {"width", "container"},
          {"autosize", {{"type", "fit-x"}, {"contains", "padding"}}},
          {"config",
           {{"axis", {{"labelFontSize", 11}, {"titleFontSize", 12}, {"titleFontWeight", "normal"}}},
            {"legend", {{"labelFontSize", 11}, {"titleFontSize", 12}, {"orient", "bottom"}}},
            {"title", {{"fontSize", 14}, {"anchor", "start"}}},
            {"view", {{"stroke", nullptr}}}}}};
}

Json money_axis(const std::string& field, const std::string& title) {
  return {{"field", field},
          {"type", "quantitative"},
          {"title", title},
          {"axis", {{"format", "~s"}, {"labelExpr", kZeroLabel}}}};
}

// About `digits` significant digits for deltas, gammas and prices whose scale varies by orders of
// magnitude: fixed notation with thousands separators from 0.001 to 10^12, scientific beyond.
std::string format_sig(double x, int digits = 4) {
  if (!std::isfinite(x)) return format_fixed(x, 0);
  if (x == 0.0) return "0";
  const double magnitude = std::floor(std::log10(std::abs(x)));
  if (magnitude >= -3 && magnitude < 12) {
    const int decimals = std::max(0, digits - 1 - static_cast<int>(magnitude));
    return format_money(x, "", decimals);
  }
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*e", digits - 1, x);
  return buffer;
}

double price_of(const PositionsAnalysis& a, const std::string& asset, const Book& book) {
  for (std::size_t j = 0; j < a.assets.size(); ++j) {
    if (a.assets[j] == asset) return a.prices[j];
  }
  return asset == book.quote_currency ? 1.0 : std::numeric_limits<double>::quiet_NaN();
}

Status check_input(const PositionsReportInput& in) {
  if (in.book == nullptr || in.analysis == nullptr) {
    return Status::invalid("positions report: the book and its analysis are required");
  }
  const std::size_t n = in.book->positions.size();
  const PositionsAnalysis& a = *in.analysis;
  if (a.valuation.positions.size() != n || a.perps.size() != n || a.lps.size() != n ||
      a.risk.es_contributions.size() != n) {
    return Status::invalid("positions report: the analysis has " +
                           std::to_string(a.valuation.positions.size()) + " positions, the book " +
                           std::to_string(n) + "; analyse this book");
  }
  if (a.revaluation.pnl.size() < 1) {
    return Status::invalid("positions report: the analysis has no scenario P&L");
  }
  return Status::ok();
}

// ---- Charts

// Net delta value (delta × price) per underlying, bars stacked by position.
Result<Json> delta_value_chart(const Book& book, const PositionsAnalysis& a,
                               const std::string& title) {
  Json rows = Json::array();
  for (std::size_t p = 0; p < book.positions.size(); ++p) {
    for (const UnderlyingExposure& e : a.valuation.positions[p].exposures) {
      const double price = price_of(a, e.underlying, book);
      const double value = e.delta * price;
      if (!std::isfinite(value) || value == 0.0) continue;
      rows.push_back({{"underlying", e.underlying},
                      {"position", book.positions[p].name},
                      {"delta", number(e.delta)},
                      {"delta_value", number(value)}});
    }
  }
  if (rows.empty()) return Status::invalid("delta chart: no position has a delta");
  std::vector<std::string> order;
  for (const UnderlyingExposure& e : a.valuation.net_exposures) order.push_back(e.underlying);
  Json spec = base_spec(title);
  spec["data"] = {{"values", rows}};
  spec["layer"] = Json::array(
      {{{"mark", {{"type", "bar"}, {"tooltip", true}}},
        {"encoding",
         {{"y",
           {{"field", "underlying"}, {"type", "nominal"}, {"sort", order}, {"title", nullptr}}},
          {"x",
           money_axis("delta_value", "Delta value = delta × price (" + book.quote_currency + ")")},
          {"color", {{"field", "position"}, {"type", "nominal"}, {"title", "position"}}},
          {"tooltip",
           Json::array({{{"field", "position"}, {"type", "nominal"}},
                        {{"field", "underlying"}, {"type", "nominal"}},
                        {{"field", "delta"}, {"type", "quantitative"}, {"title", "delta (coins)"}},
                        {{"field", "delta_value"},
                         {"type", "quantitative"},
                         {"title", "delta value"},
                         {"format", ",.0f"}}})}}}},
       {{"mark", {{"type", "rule"}, {"color", kGrey}}},
        {"encoding", {{"x", {{"datum", 0}, {"type", "quantitative"}}}}}}});
  // A fixed height per bar ({"step": ...} would make Vega-Lite drop the container width).
  spec["height"] = 36 * static_cast<int>(a.valuation.net_exposures.size()) + 8;
  return spec;
}

// LP value and hold value over pool prices, the range shaded and the current price ruled.
Json lp_chart(const std::string& title, const AmmLpPosition& lp, const LpValueCurve& c,
              const std::string& quote) {
  Json rows = Json::array();
  for (std::size_t i = 0; i < c.pool_prices.size(); ++i) {
    rows.push_back({{"pool_price", number(c.pool_prices[i])},
                    {"series", "LP position"},
                    {"value", number(c.lp_values[i])}});
    rows.push_back({{"pool_price", number(c.pool_prices[i])},
                    {"series", "hold the tokens"},
                    {"value", number(c.held_values[i])}});
  }
  const std::string pair = lp.tokens[1] + " per " + lp.tokens[0];
  Json x = {{"field", "pool_price"},
            {"type", "quantitative"},
            {"title", "Pool price (" + pair + ", log scale)"},
            {"scale", {{"type", "log"}, {"nice", false}}}};
  Json spec = base_spec(title);
  spec["height"] = 260;
  Json layers = Json::array();
  const double lo = c.pool_prices.front();
  const double hi = c.pool_prices.back();
  if (lp.kind == AmmKind::kConcentrated) {
    const double a = std::max(lp.price_lower, lo);
    const double b = std::min(lp.price_upper, hi);
    if (a < b) {
      layers.push_back(
          {{"data",
            {{"values", Json::array({{{"lower", number(a)},
                                      {"upper", number(b)},
                                      {"range", format_sig(lp.price_lower) + " – " +
                                                    format_sig(lp.price_upper)}}})}}},
           {"mark", {{"type", "rect"}, {"color", kBlue}, {"opacity", 0.08}, {"tooltip", true}}},
           {"encoding",
            {{"x", {{"field", "lower"}, {"type", "quantitative"}}},
             {"x2", {{"field", "upper"}}},
             {"tooltip",
              Json::array({{{"field", "range"}, {"type", "nominal"}, {"title", "range"}}})}}}});
    }
  }
  layers.push_back(
      {{"data", {{"values", rows}}},
       {"mark", {{"type", "line"}, {"strokeWidth", 2}}},
       {"encoding",
        {{"x", x},
         {"y",
          {{"field", "value"},
           {"type", "quantitative"},
           {"title", "Value (" + quote + ")"},
           {"scale", {{"zero", false}}},
           {"axis", {{"format", "~s"}, {"labelExpr", kZeroLabel}}}}},
         {"color",
          {{"field", "series"},
           {"type", "nominal"},
           {"title", nullptr},
           {"scale",
            {{"domain", {"LP position", "hold the tokens"}}, {"range", {kBlue, kAmber}}}}}},
         {"strokeDash",
          {{"field", "series"},
           {"type", "nominal"},
           {"legend", nullptr},
           {"scale",
            {{"domain", {"LP position", "hold the tokens"}},
             {"range", Json::array({Json::array(), {6, 3}})}}}}},
         {"tooltip",
          Json::array({{{"field", "pool_price"},
                        {"type", "quantitative"},
                        {"title", "pool price"},
                        {"format", ".4~g"}},
                       {{"field", "series"}, {"type", "nominal"}},
                       {{"field", "value"}, {"type", "quantitative"}, {"format", ",.2f"}}})}}}});
  layers.push_back(
      {{"data",
        {{"values", Json::array({{{"pool_price", number(c.current_pool_price)},
                                  {"label", "now " + format_sig(c.current_pool_price)}}})}}},
       {"layer",
        Json::array({{{"mark", {{"type", "rule"}, {"color", kGrey}, {"strokeDash", {4, 4}}}},
                      {"encoding", {{"x", {{"field", "pool_price"}, {"type", "quantitative"}}}}}},
                     {{"mark",
                       {{"type", "text"},
                        {"align", "left"},
                        {"dx", 4},
                        {"dy", 8},
                        {"color", kGrey},
                        {"fontSize", 11}}},
                      {"encoding",
                       {{"x", {{"field", "pool_price"}, {"type", "quantitative"}}},
                        {"y", {{"value", 0}}},
                        {"text", {{"field", "label"}}}}}}})}});
  spec["layer"] = layers;
  return spec;
}

// Histograms of one or two P&L vectors on shared bins, with loss marks (P&L = −loss).
struct PnlSeries {
  std::string name;
  const Eigen::VectorXd* pnl;
};
struct PnlMark {
  std::string label;
  double pnl;
};

Result<Json> pnl_histogram(const std::vector<PnlSeries>& series, const std::vector<PnlMark>& marks,
                           const std::string& quote, const std::string& title,
                           std::string* clipped = nullptr) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (const auto& s : series) {
    if (s.pnl->size() == 0 || !s.pnl->allFinite()) {
      return Status::invalid("P&L histogram: the " + s.name + " P&L is empty or not finite");
    }
    lo = std::min(lo, s.pnl->minCoeff());
    // The bins reach the largest gain unless a few far gains would squash the distribution: then
    // they end at the 99th percentile and the gains beyond it are counted in the last bin.
    std::vector<double> sorted(s.pnl->data(), s.pnl->data() + s.pnl->size());
    std::sort(sorted.begin(), sorted.end());
    const double q99 =
        sorted[static_cast<std::size_t>(0.99 * static_cast<double>(sorted.size() - 1))];
    const double top = sorted.back();
    const double low = sorted.front();
    hi = std::max(hi, (top - low) > 2.0 * (q99 - low) && q99 > low ? q99 : top);
  }
  for (const auto& m : marks) {
    if (std::isfinite(m.pnl)) lo = std::min(lo, m.pnl);
  }
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const double width = (hi - lo) / kPnlBins;
  if (clipped != nullptr) {
    clipped->clear();
    for (const auto& s : series) {
      const auto beyond = (s.pnl->array() > hi).count();
      if (beyond > 0) {
        *clipped += (clipped->empty() ? "" : " ") + std::to_string(beyond) + " " + s.name +
                    " scenario(s) with gains above " + format_money(hi, quote, 0) + " (up to " +
                    format_money(s.pnl->maxCoeff(), quote, 0) + ") are counted in the last bin.";
      }
    }
  }
  Json rows = Json::array();
  for (const auto& s : series) {
    std::vector<int> counts(kPnlBins, 0);
    for (Eigen::Index i = 0; i < s.pnl->size(); ++i) {
      const int b =
          std::clamp(static_cast<int>(std::floor(((*s.pnl)(i)-lo) / width)), 0, kPnlBins - 1);
      ++counts[static_cast<std::size_t>(b)];
    }
    for (int b = 0; b < kPnlBins; ++b) {
      if (counts[static_cast<std::size_t>(b)] == 0) continue;
      rows.push_back({{"series", s.name},
                      {"bin_start", number(lo + b * width)},
                      {"bin_end", number(lo + (b + 1) * width)},
                      {"scenarios", counts[static_cast<std::size_t>(b)]}});
    }
  }
  std::vector<std::string> names;
  for (const auto& s : series) names.push_back(s.name);
  Json mark_rows = Json::array();
  std::vector<std::string> mark_labels;
  for (const auto& m : marks) {
    mark_rows.push_back({{"mark", m.label}, {"pnl", json_number(m.pnl)}});
    mark_labels.push_back(m.label);
  }
  const bool two = series.size() > 1;
  Json spec = base_spec(title);
  spec["height"] = 260;
  Json bars = {{"data", {{"values", rows}}},
               {"mark", {{"type", "bar"}, {"opacity", two ? 0.55 : 0.85}, {"binSpacing", 0}}},
               {"encoding",
                {{"x",
                  {{"field", "bin_start"},
                   {"type", "quantitative"},
                   {"title", "Scenario P&L (" + quote + "; losses to the left)"},
                   {"axis",
                    {{"format", "~s"},
                     {"labelExpr", kZeroLabel},
                     {"tickCount", 8},
                     {"labelOverlap", "greedy"}}}}},
                 {"x2", {{"field", "bin_end"}}},
                 {"y",
                  {{"field", "scenarios"},
                   {"type", "quantitative"},
                   {"title", "Scenarios"},
                   {"stack", nullptr}}},
                 {"y2", {{"datum", 0}}},
                 {"color",
                  {{"field", "series"},
                   {"type", "nominal"},
                   {"title", nullptr},
                   {"scale", {{"domain", names}, {"range", {kBlue, "#16a34a"}}}}}},
                 {"tooltip", Json::array({{{"field", "series"}, {"type", "nominal"}},
                                          {{"field", "bin_start"},
                                           {"type", "quantitative"},
                                           {"title", "P&L from"},
                                           {"format", ",.0f"}},
                                          {{"field", "bin_end"},
                                           {"type", "quantitative"},
                                           {"title", "P&L to"},
                                           {"format", ",.0f"}},
                                          {{"field", "scenarios"}, {"type", "quantitative"}}})}}}};
  Json rules = {{"data", {{"values", mark_rows}}},
                {"mark", {{"type", "rule"}, {"strokeWidth", 2}, {"strokeDash", {5, 3}}}},
                {"encoding",
                 {{"x", {{"field", "pnl"}, {"type", "quantitative"}}},
                  {"color",
                   {{"field", "mark"},
                    {"type", "nominal"},
                    {"title", nullptr},
                    {"scale",
                     {{"domain", mark_labels},
                      {"range", two ? Json{kBlue, "#16a34a"} : Json{kAmber, kRed}}}}}},
                  {"tooltip", Json::array({{{"field", "mark"}, {"type", "nominal"}},
                                           {{"field", "pnl"},
                                            {"type", "quantitative"},
                                            {"title", "P&L"},
                                            {"format", ",.2f"}}})}}}};
  spec["layer"] = Json::array({bars, rules});
  spec["resolve"] = {{"scale", {{"color", "independent"}}}};
  return spec;
}

// Each perpetual's current price and liquidation price (finite, positive ones).
Json liquidation_chart(const std::vector<Json>& rows, const std::string& quote,
                       const std::string& title) {
  Json values = Json::array();
  for (const auto& r : rows) values.push_back(r);
  Json spec = base_spec(title);
  spec["data"] = {{"values", values}};
  spec["height"] = 40 * static_cast<int>(rows.size()) + 8;
  Json y = {{"field", "position"}, {"type", "nominal"}, {"title", nullptr}};
  spec["layer"] = Json::array(
      {{{"mark", {{"type", "rule"}, {"color", kGrey}, {"strokeWidth", 2}}},
        {"encoding",
         {{"y", y},
          {"x",
           {{"field", "current"},
            {"type", "quantitative"},
            {"title", "Price (" + quote + " per coin)"},
            {"scale", {{"zero", false}}},
            {"axis",
             {{"format", "~s"},
              {"labelExpr", kZeroLabel},
              {"tickCount", 5},
              {"labelOverlap", "greedy"}}}}},
          {"x2", {{"field", "liquidation"}}}}}},
       {{"transform",
         Json::array({{{"fold", {"current", "liquidation"}}, {"as", {"price_of", "price"}}}})},
        {"mark", {{"type", "point"}, {"filled", true}, {"size", 120}}},
        {"encoding",
         {{"y", y},
          {"x", {{"field", "price"}, {"type", "quantitative"}}},
          {"color",
           {{"field", "price_of"},
            {"type", "nominal"},
            {"title", nullptr},
            {"scale", {{"domain", {"current", "liquidation"}}, {"range", {kBlue, kRed}}}}}},
          {"shape",
           {{"field", "price_of"},
            {"type", "nominal"},
            {"title", nullptr},
            {"scale", {{"domain", {"current", "liquidation"}}, {"range", {"circle", "cross"}}}}}},
          {"tooltip", Json::array({{{"field", "position"}, {"type", "nominal"}},
                                   {{"field", "price_of"}, {"type", "nominal"}, {"title", "price"}},
                                   {{"field", "price"},
                                    {"type", "quantitative"},
                                    {"title", "value"},
                                    {"format", ",.2f"}},
                                   {{"field", "distance"},
                                    {"type", "quantitative"},
                                    {"title", "move to liquidation"},
                                    {"format", ".1%"}}})}}}}});
  return spec;
}

// ---- Sections

std::string kind_name(const PositionSpec& spec) {
  switch (kind_of(spec)) {
    case PositionKind::kSpot:
      return "spot";
    case PositionKind::kAmmLp: {
      switch (std::get<AmmLpPosition>(spec).kind) {
        case AmmKind::kConstantProduct:
          return "LP (constant product)";
        case AmmKind::kConcentrated:
          return "LP (concentrated)";
        case AmmKind::kStableswap:
          return "LP (stableswap)";
      }
      return "LP";
    }
    case PositionKind::kPerp:
      return std::get<PerpPosition>(spec).settlement == Settlement::kInverse ? "perp (inverse)"
                                                                             : "perp (linear)";
    case PositionKind::kOption: {
      const auto& o = std::get<OptionPosition>(spec);
      return std::string(o.type == OptionType::kCall ? "call" : "put") +
             (o.settlement == Settlement::kInverse ? " (inverse)" : "");
    }
    case PositionKind::kLoan:
      return "loan (" + std::get<LoanPosition>(spec).protocol + ")";
  }
  return "?";
}

Result<Section> positions_section(const PositionsReportInput& in) {
  const Book& book = *in.book;
  const PositionsAnalysis& a = *in.analysis;
  const std::string& q = book.quote_currency;
  Section s{.title = "Positions",
            .text = "Every position valued at the prices of " + format_timestamp(a.as_of) + " (" +
                    q +
                    "). Delta is the change of value per unit of the underlying's price, in "
                    "coins; its value is delta × price. The ES contribution is the position's "
                    "share of the book's expected shortfall (they add up to the ES)."};
  Table t{.title = "Positions",
          .columns = {"position", "kind", "value (" + q + ")", "delta per underlying",
                      "vega per vol point", "theta per day", "ES contribution"},
          .wide = true};
  for (std::size_t p = 0; p < book.positions.size(); ++p) {
    const PositionValue& v = a.valuation.positions[p];
    std::string deltas;
    for (const UnderlyingExposure& e : v.exposures) {
      deltas += (deltas.empty() ? "" : ", ") + e.underlying + " " + format_sig(e.delta);
    }
    t.rows.push_back({book.positions[p].name, kind_name(book.positions[p].spec),
                      format_money(v.value, "", 2), deltas, format_money(v.vega / 100.0, "", 2),
                      format_money(v.theta / 365.0, "", 2),
                      format_money(a.risk.es_contributions[p], "", 2)});
  }
  t.note = "Cash " + format_money(a.valuation.cash, q, 2) + "; total value " +
           format_money(a.valuation.total_value, q, 2) + "; vega " +
           format_money(a.valuation.vega / 100.0, q, 2) + " per vol point, theta " +
           format_money(a.valuation.theta / 365.0, q, 2) + " per day.";
  s.tables.push_back(std::move(t));

  Table net{.title = "Net exposure by underlying",
            .columns = {"underlying", "price", "delta (coins)", "delta value", "gamma"}};
  for (std::size_t j = 0; j < a.valuation.net_exposures.size(); ++j) {
    const UnderlyingExposure& e = a.valuation.net_exposures[j];
    const double price = price_of(a, e.underlying, book);
    net.rows.push_back({e.underlying, format_sig(price, 6), format_sig(e.delta),
                        format_money(e.delta * price, q, 0), format_sig(e.gamma, 3)});
  }
  net.note = "Gamma: change of delta per unit of price (coins per " + q + ").";
  const std::string title = "Net delta value by underlying, by position";
  auto spec = delta_value_chart(book, a, title);
  if (spec) {
    KEEL_REPORT_ADD_CHART(
        s, internal::make_chart(std::move(spec), title,
                                "Each bar is an underlying's exposure (delta × price); its "
                                "segments are the positions that carry it, long to the right, "
                                "short to the left.",
                                false, "delta chart"));
  }
  s.tables.push_back(std::move(net));
  return s;
}

Result<std::optional<Section>> lp_section(const PositionsReportInput& in) {
  const Book& book = *in.book;
  const PositionsAnalysis& a = *in.analysis;
  Section s{.title = "Liquidity positions",
            .text =
                "Each LP position's value against the value of simply holding the tokens "
                "it holds now, across pool prices (token1's price held at today's). Inside "
                "its range the position sells the rising token and buys the falling one, so "
                "it is worth less than holding (divergence loss); outside it holds one token "
                "only. Fees are not included."};
  Table t{.title = "LP positions",
          .columns = {"position", "tokens held", "pool price", "range", "LVR per year",
                      "P(leave range)"},
          .wide = true};
  for (std::size_t p = 0; p < book.positions.size(); ++p) {
    if (!a.lps[p]) continue;
    const auto& lp = std::get<AmmLpPosition>(book.positions[p].spec);
    const LpDetails& d = *a.lps[p];
    std::vector<double> prices;
    for (const auto& token : lp.tokens) prices.push_back(price_of(a, token, book));
    std::string held;
    for (std::size_t i = 0; i < d.token_amounts.size() && i < lp.tokens.size(); ++i) {
      held += (held.empty() ? "" : ", ") + format_sig(d.token_amounts[i], 6) + " " + lp.tokens[i];
    }
    const double pool_price = prices.size() >= 2 ? prices[0] / prices[1] : 0.0;
    t.rows.push_back({book.positions[p].name, held, format_sig(pool_price, 6),
                      lp.kind == AmmKind::kConcentrated
                          ? format_sig(lp.price_lower) + " – " + format_sig(lp.price_upper)
                          : std::string("full"),
                      format_money(d.lvr_rate, book.quote_currency, 2),
                      std::isfinite(d.range_exit_probability)
                          ? format_percent(d.range_exit_probability)
                          : std::string("-")});
    auto curve = lp_value_curve(lp, prices, d.token_amounts, in.lp_curve);
    if (!curve) continue;  // e.g. a stableswap pool of three coins: the table only
    const std::string title = book.positions[p].name + ": LP value vs holding the tokens";
    s.charts.push_back({.title = title,
                        .spec = lp_chart(title, lp, *curve, book.quote_currency),
                        .caption = lp.kind == AmmKind::kConcentrated
                                       ? "Shaded: the range [" + format_sig(lp.price_lower) + ", " +
                                             format_sig(lp.price_upper) +
                                             "]; dashed rule: the current pool price."
                                       : "Dashed rule: the current pool price."});
  }
  if (t.rows.empty()) return std::optional<Section>{};
  t.note =
      "P(leave range) is over the risk horizon; LVR (loss-versus-rebalancing) at the pool "
      "price's volatility.";
  s.tables.push_back(std::move(t));
  return std::optional<Section>{std::move(s)};
}

Result<std::optional<Section>> derivatives_section(const PositionsReportInput& in) {
  const Book& book = *in.book;
  const PositionsAnalysis& a = *in.analysis;
  const std::string& q = book.quote_currency;
  Section s{.title = "Perpetuals and options"};
  Table perps{.title = "Perpetuals",
              .columns = {"position", "current price", "liquidation price", "move to liquidation",
                          "margin ratio", "funding per day"},
              .wide = true};
  std::vector<Json> rows;
  Table options{.title = "Options",
                .columns = {"position", "type", "strike", "expiry", "implied vol", "value", "delta",
                            "gamma", "vega per vol point", "theta per day"},
                .wide = true};
  for (std::size_t p = 0; p < book.positions.size(); ++p) {
    const auto& spec = book.positions[p].spec;
    const std::string& name = book.positions[p].name;
    if (a.perps[p]) {
      const auto& perp = std::get<PerpPosition>(spec);
      const PerpDetails& d = *a.perps[p];
      const double price = price_of(a, perp.underlying, book);
      const double liq = d.liquidation_price;
      const bool drawn = std::isfinite(liq) && liq > 0.0 && std::isfinite(price);
      const double distance = drawn ? liq / price - 1.0 : std::numeric_limits<double>::quiet_NaN();
      perps.rows.push_back(
          {name, format_money(price, "", 2), drawn ? format_money(liq, "", 2) : std::string("none"),
           drawn ? format_percent(distance, 1) : std::string("-"), format_percent(d.margin_ratio),
           format_money(d.funding_per_day_quote, q, 2)});
      if (drawn) {
        rows.push_back({{"position", name},
                        {"current", number(price)},
                        {"liquidation", number(liq)},
                        {"distance", number(distance)}});
      }
    }
    if (kind_of(spec) == PositionKind::kOption) {
      const auto& o = std::get<OptionPosition>(spec);
      const PositionValue& v = a.valuation.positions[p];
      const UnderlyingExposure e = v.exposures.empty() ? UnderlyingExposure{} : v.exposures[0];
      options.rows.push_back({name, kind_name(spec), format_money(o.strike, "", 2),
                              format_timestamp(o.expiry), format_percent(o.implied_volatility, 1),
                              format_money(v.value, "", 2), format_sig(e.delta),
                              format_sig(e.gamma, 3), format_money(v.vega / 100.0, "", 2),
                              format_money(v.theta / 365.0, "", 2)});
    }
  }
  if (perps.rows.empty() && options.rows.empty()) return std::optional<Section>{};
  if (!rows.empty()) {
    const std::string title = "Perpetuals: current and liquidation price";
    s.charts.push_back({.title = title,
                        .spec = liquidation_chart(rows, q, title),
                        .caption = "The line is the move the price must make to liquidate the "
                                   "position (margin ratio 100%)."});
  }
  if (!perps.rows.empty()) {
    perps.note =
        "Liquidation price \"none\": no positive price liquidates the position. Margin "
        "ratio = maintenance margin / equity; funding + = paid.";
    s.tables.push_back(std::move(perps));
  }
  if (!options.rows.empty()) {
    options.note =
        "Values, vega and theta in " + q + "; delta in coins, gamma in coins per " + q + ".";
    s.tables.push_back(std::move(options));
  }
  s.text =
      "Perpetual futures: how far the price is from liquidation. Options: their greeks "
      "(Black-Scholes at their implied volatility).";
  return std::optional<Section>{std::move(s)};
}

std::string scenario_text(const PositionsAnalysis& a) {
  return std::to_string(a.risk.scenarios) + " " + std::string(to_string(a.scenario_method)) +
         " scenarios over " + std::to_string(a.horizon) + " period(s) (" +
         format_fixed(a.horizon_years * 365.0, 2) + " days), " +
         (a.revaluation.delta_gamma ? "DELTA-GAMMA APPROXIMATION"
                                    : "every position fully revalued");
}

Result<Section> risk_section(const PositionsReportInput& in) {
  const PositionsAnalysis& a = *in.analysis;
  const std::string& q = in.book->quote_currency;
  const std::string level = format_percent(a.risk.confidence, 1);
  Section s{.title = "Scenario risk",
            .text = "The book's P&L over " + scenario_text(a) +
                    ". VaR is the loss exceeded with probability " +
                    format_percent(1.0 - a.risk.confidence, 1) +
                    "; ES (expected shortfall) the average loss beyond it."};
  const std::string title = "Book P&L over the scenarios";
  std::string clipped;
  auto spec = pnl_histogram({{"book", &a.revaluation.pnl}},
                            {{"VaR " + level, -a.risk.var}, {"ES " + level, -a.risk.es}}, q, title,
                            &clipped);
  KEEL_REPORT_ADD_CHART(
      s, internal::make_chart(std::move(spec), title,
                              "Scenarios per P&L bin; the dashed rules are −VaR and −ES (losses "
                              "are to the left). " +
                                  clipped,
                              false, "P&L histogram"));
  Table t{.title = "Risk", .columns = {"quantity", "value"}};
  t.rows.push_back({"VaR " + level, format_money(a.risk.var, q, 2)});
  t.rows.push_back({"ES " + level, format_money(a.risk.es, q, 2)});
  t.rows.push_back({"mean P&L", format_money(a.risk.mean_pnl, q, 2)});
  t.rows.push_back({"worst P&L", format_money(a.risk.worst_pnl, q, 2)});
  t.rows.push_back({"scenarios", std::to_string(a.risk.scenarios)});
  t.note = "VaR and ES are losses (positive); P&L is gains positive.";
  s.tables.push_back(std::move(t));
  Table c{.title = "ES by position",
          .columns = {"position", "ES contribution", "share", "standalone ES"}};
  for (std::size_t p = 0; p < in.book->positions.size(); ++p) {
    c.rows.push_back({in.book->positions[p].name, format_money(a.risk.es_contributions[p], q, 2),
                      a.risk.es != 0.0 ? format_percent(a.risk.es_contributions[p] / a.risk.es, 1)
                                       : std::string("-"),
                      p < a.risk.standalone_es.size() ? format_money(a.risk.standalone_es[p], q, 2)
                                                      : std::string("-")});
  }
  c.note =
      "Euler contributions: each position's mean loss in the tail scenarios; they add up to "
      "the ES. Standalone: the position's own ES.";
  s.tables.push_back(std::move(c));
  return s;
}

Result<Report> book_report(const PositionsReportInput& in, Report report) {
  auto positions = positions_section(in);
  if (!positions) return positions.status().with_context("positions report");
  report.sections.push_back(std::move(*positions));
  auto lps = lp_section(in);
  if (!lps) return lps.status().with_context("positions report");
  if (*lps) report.sections.push_back(std::move(**lps));
  auto derivatives = derivatives_section(in);
  if (!derivatives) return derivatives.status().with_context("positions report");
  if (*derivatives) report.sections.push_back(std::move(**derivatives));
  return report;
}

}  // namespace

Status LpCurveOptions::validate() const {
  if (!(low > 0.0 && low < 1.0)) {
    return Status::invalid("lp curve: low must be in (0, 1) (a fraction of the current price)");
  }
  if (!(high > 1.0 && std::isfinite(high))) {
    return Status::invalid("lp curve: high must be > 1 (a multiple of the current price)");
  }
  if (points < 3) return Status::invalid("lp curve: points must be at least 3");
  return Status::ok();
}

Result<LpValueCurve> lp_value_curve(const AmmLpPosition& position,
                                    const std::vector<double>& token_prices,
                                    const std::vector<double>& held_amounts,
                                    const LpCurveOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  if (position.tokens.size() != 2 || token_prices.size() != 2 || held_amounts.size() != 2) {
    return Status::invalid(
        "lp curve: needs a position of two tokens, with a price and an amount "
        "of each");
  }
  const double p0 = token_prices[0];
  const double p1 = token_prices[1];
  if (!(p0 > 0.0 && p1 > 0.0 && std::isfinite(p0) && std::isfinite(p1))) {
    return Status::invalid("lp curve: token prices must be positive and finite");
  }
  LpValueCurve c;
  c.current_pool_price = p0 / p1;
  double lo = options.low * c.current_pool_price;
  double hi = options.high * c.current_pool_price;
  if (position.kind == AmmKind::kConcentrated) {
    // Show the whole range with a margin, within 0.1× .. 10× the current price.
    if (position.price_lower > 0.0) lo = std::min(lo, 0.8 * position.price_lower);
    if (std::isfinite(position.price_upper)) hi = std::max(hi, 1.25 * position.price_upper);
    lo = std::max(lo, 0.1 * c.current_pool_price);
    hi = std::min(hi, 10.0 * c.current_pool_price);
  }
  const double step = std::log(hi / lo) / (options.points - 1);
  for (int i = 0; i < options.points; ++i) {
    const double pool = lo * std::exp(step * i);
    const double prices[2] = {pool * p1, p1};
    auto v = value_lp(position, prices);
    if (!v) return v.status().with_context("lp curve at pool price " + format_sig(pool));
    c.pool_prices.push_back(pool);
    c.lp_values.push_back(v->value);
    c.held_values.push_back(held_amounts[0] * pool * p1 + held_amounts[1] * p1);
  }
  return c;
}

Result<Report> positions_report(const PositionsReportInput& input) {
  KEEL_RETURN_IF_ERROR(check_input(input));
  Report report;
  report.title =
      "keel positions: " + (input.book_source.empty() ? std::string("book") : input.book_source) +
      ", " + std::to_string(input.book->positions.size()) +
      (input.book->positions.size() == 1 ? " position" : " positions");
  report.meta = input.meta;
  report.meta.push_back("Valued at " + format_timestamp(input.analysis->as_of) + "; " +
                        scenario_text(*input.analysis) + "; amounts in " +
                        input.book->quote_currency + ".");
  auto r = book_report(input, std::move(report));
  if (!r) return r.status();
  auto risk = risk_section(input);
  if (!risk) return risk.status().with_context("positions report");
  r->sections.insert(r->sections.begin() + 1, std::move(*risk));
  return r;
}

Result<Report> hedge_report(const HedgeReportInput& input) {
  const PositionsReportInput& in = input.positions;
  KEEL_RETURN_IF_ERROR(check_input(in));
  if (input.candidates == nullptr || input.hedge == nullptr || input.options == nullptr) {
    return Status::invalid("hedge report: the candidates, options and hedge are required");
  }
  const BookHedge& h = *input.hedge;
  const PositionsAnalysis& a = *in.analysis;
  const std::string& q = in.book->quote_currency;
  const auto m = static_cast<Eigen::Index>(input.candidates->size());
  if (h.result.quantities.size() != m || h.candidates.size() != input.candidates->size()) {
    return Status::invalid("hedge report: the hedge has " +
                           std::to_string(h.result.quantities.size()) + " quantities for " +
                           std::to_string(m) + " candidates");
  }
  const bool solved = h.result.hedged_pnl.size() == a.revaluation.pnl.size();
  Report report;
  report.title = "keel hedge: " + (in.book_source.empty() ? std::string("book") : in.book_source) +
                 (input.hedges_source.empty() ? "" : " with " + input.hedges_source);
  report.meta = in.meta;
  const bool cvar = input.options->solver.objective == HedgeObjective::kCvar;
  report.meta.push_back(std::string("Status ") + std::string(to_string(h.result.status)) +
                        ", minimising " +
                        (cvar ? "CVaR " + format_percent(input.options->solver.confidence, 1)
                              : std::string("variance")) +
                        " over " + scenario_text(a) + "; amounts in " + q + ".");
  if (!h.result.message.empty()) report.meta.push_back(h.result.message);

  Section s{.title = "Hedge",
            .text =
                "The quantities of the candidate instruments chosen (one unit: one perpetual "
                "contract or an option on one coin), their costs, and the book's risk before "
                "and after, over the same scenarios."};
  const std::string level = format_percent(h.unhedged.confidence, 1);
  if (solved) {
    const std::string title = "Book P&L: unhedged vs hedged";
    std::string clipped;
    auto spec = pnl_histogram(
        {{"unhedged", &a.revaluation.pnl}, {"hedged", &h.result.hedged_pnl}},
        {{"ES " + level + " unhedged", -h.unhedged.es}, {"ES " + level + " hedged", -h.hedged.es}},
        q, title, &clipped);
    KEEL_REPORT_ADD_CHART(
        s, internal::make_chart(
               std::move(spec), title,
               "Both distributions on the same bins; the dashed rules are −ES of each (losses to "
               "the left). The hedged P&L is after the hedge's trading costs. " +
                   clipped,
               true, "hedge P&L histogram"));
  }
  Table t{.title = "Hedge instruments",
          .columns = {"instrument", "quantity", "unit premium", "unit cost", "unit margin"}};
  for (Eigen::Index j = 0; j < m; ++j) {
    const auto& f = h.candidates[static_cast<std::size_t>(j)];
    t.rows.push_back({(*input.candidates)[static_cast<std::size_t>(j)].name,
                      format_sig(h.result.quantities(j), 6), format_money(f.unit_value, "", 2),
                      format_money(f.unit_cost, "", 4), format_money(f.unit_margin, "", 2)});
  }
  t.note = "Cost " + format_money(h.result.cost, q, 2) + ", premium " +
           format_money(h.result.premium, q, 2) + ", margin " +
           format_money(h.result.margin, q, 2) + ".";
  s.tables.push_back(std::move(t));
  Table r{.title = "Risk before and after",
          .columns = {"", "VaR " + level, "ES " + level, "mean P&L", "worst P&L"}};
  for (const auto& [label, risk] :
       {std::pair{"unhedged", &h.unhedged}, std::pair{"hedged", &h.hedged}}) {
    r.rows.push_back({label, format_money(risk->var, q, 2), format_money(risk->es, q, 2),
                      format_money(risk->mean_pnl, q, 2), format_money(risk->worst_pnl, q, 2)});
  }
  s.tables.push_back(std::move(r));
  Table d{.title = "Net delta before and after", .columns = {"underlying", "before", "after"}};
  for (std::size_t k = 0; k < h.hedged_exposures.size() && k < a.valuation.net_exposures.size();
       ++k) {
    d.rows.push_back({h.hedged_exposures[k].underlying,
                      format_sig(a.valuation.net_exposures[k].delta),
                      format_sig(h.hedged_exposures[k].delta)});
  }
  d.rows.push_back({"vega per vol point", format_money(a.valuation.vega / 100.0, "", 2),
                    format_money(h.hedged_vega / 100.0, "", 2)});
  d.note = "Delta in coins of each underlying.";
  s.tables.push_back(std::move(d));
  report.sections.push_back(std::move(s));
  return book_report(in, std::move(report));
}

}  // namespace keel::report
