#pragma once
// The minified Vega, Vega-Lite and vega-embed bundles that cmake/KeelReport.cmake assembled into
// keel_report (see cmake/keel_report_bundles.S.in). Empty views when the build has none.

#include <string_view>

namespace keel::report::internal {

struct VegaBundles {
  std::string_view vega;
  std::string_view vega_lite;
  std::string_view vega_embed;
  bool empty() const { return vega.empty() || vega_lite.empty() || vega_embed.empty(); }
};

VegaBundles vega_bundles();
std::string_view vega_versions();

}  // namespace keel::report::internal
