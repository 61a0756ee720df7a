#pragma once
// The one place enum values meet their kebab-case names (STYLE.md: strings only at the edges,
// converted once through one table). Each enum keeps a constexpr table of {value, name} pairs.

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "keel/core/result.hpp"

namespace keel {

template <typename Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, std::string_view>, N>;

// The name of `value`, or "unknown" when the table lacks it.
template <typename Enum, std::size_t N>
constexpr std::string_view name_of(const NameTable<Enum, N>& table, Enum value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

// The value named `name`; the error says what kind of name it was (`what`) and lists the known
// names, e.g. "unknown covariance method 'foo'; expected one of sample, ewma, ...".
template <typename Enum, std::size_t N>
Result<Enum> parse_name(const NameTable<Enum, N>& table, std::string_view name,
                        std::string_view what) {
  std::string known;
  for (const auto& [v, text] : table) {
    if (text == name) return v;
    if (!known.empty()) known += ", ";
    known += text;
  }
  return Status::invalid("unknown " + std::string(what) + " '" + std::string(name) +
                         "'; expected one of " + known);
}

}  // namespace keel
