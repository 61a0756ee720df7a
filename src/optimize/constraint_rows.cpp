#include "optimize/constraint_rows.hpp"

#include <fmt/format.h>

namespace keel::detail {

ConstraintMask full_mask(const PortfolioConstraints& constraints) {
  ConstraintMask mask;
  mask.groups.assign(constraints.groups.size(), true);
  mask.linear.assign(constraints.linear.size(), true);
  return mask;
}

std::vector<std::string> mask_names(const PortfolioConstraints& c, const ConstraintMask& mask) {
  std::vector<std::string> names;
  if (mask.target) names.emplace_back("target-return");
  if (mask.total) names.emplace_back(c.budget ? "budget" : "net-exposure");
  if (mask.bounds) names.emplace_back("bounds");
  if (mask.leverage) names.emplace_back("gross-leverage");
  if (mask.turnover) names.emplace_back("turnover");
  for (std::size_t g = 0; g < mask.groups.size(); ++g) {
    if (mask.groups[g]) {
      names.push_back(c.groups[g].name.empty() ? fmt::format("group[{}]", g)
                                               : fmt::format("group[{}]", c.groups[g].name));
    }
  }
  for (std::size_t k = 0; k < mask.linear.size(); ++k) {
    if (mask.linear[k]) {
      names.push_back(c.linear[k].name.empty() ? fmt::format("linear[{}]", k)
                                               : fmt::format("linear[{}]", c.linear[k].name));
    }
  }
  return names;
}

}  // namespace keel::detail
