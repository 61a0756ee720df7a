// Access to the bundles embedded by cmake/KeelReport.cmake. The definition
// KEEL_REPORT_HAVE_VEGA_BUNDLES is set on this one file only when the assembler file with the
// .incbin directives is part of the build; otherwise the report writer refuses politely.
#include "report/vega_bundles.hpp"

#if defined(KEEL_REPORT_HAVE_VEGA_BUNDLES)
extern "C" {
extern const char keel_report_vega_js_begin[];
extern const char keel_report_vega_js_end[];
extern const char keel_report_vega_lite_js_begin[];
extern const char keel_report_vega_lite_js_end[];
extern const char keel_report_vega_embed_js_begin[];
extern const char keel_report_vega_embed_js_end[];
}
#endif

namespace keel::report::internal {

VegaBundles vega_bundles() {
#if defined(KEEL_REPORT_HAVE_VEGA_BUNDLES)
  auto view = [](const char* begin, const char* end) {
    return std::string_view(begin, static_cast<std::size_t>(end - begin));
  };
  return {view(keel_report_vega_js_begin, keel_report_vega_js_end),
          view(keel_report_vega_lite_js_begin, keel_report_vega_lite_js_end),
          view(keel_report_vega_embed_js_begin, keel_report_vega_embed_js_end)};
#else
  return {};
#endif
}

std::string_view vega_versions() {
#if defined(KEEL_REPORT_VEGA_VERSIONS)
  return KEEL_REPORT_VEGA_VERSIONS;
#else
  return {};
#endif
}

}  // namespace keel::report::internal
