#include "keel/defi/book.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "keel/defi/amm_position.hpp"
#include "keel/defi/lending.hpp"
#include "keel/defi/option.hpp"
#include "keel/defi/perpetual.hpp"

namespace keel {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string where(const Book& book, const BookPosition& p) {
  std::string out = fmt::format("position '{}'", p.name);
  if (p.line > 0) {
    out += fmt::format(" ({} line {})", book.source.empty() ? "book" : book.source, p.line);
  }
  return out;
}

Status field_error(const Book& book, const BookPosition& p, const std::string& field,
                   const std::string& problem) {
  return Status::invalid(fmt::format("{}: {} {}", where(book, p), field, problem));
}

bool finite(double x) { return std::isfinite(x); }

Status validate_spec(const Book& book, const BookPosition& p, const SpotPosition& s) {
  if (s.asset.empty())
    return field_error(book, p, "asset", "is empty; name a column of the prices");
  if (!finite(s.quantity)) return field_error(book, p, "quantity", "must be a finite number");
  return Status::ok();
}

// The kinds with pricers of their own are checked by them (amm_position.hpp, perpetual.hpp); the
// book adds where the position is.
Status validate_spec(const Book& book, const BookPosition& p, const AmmLpPosition& lp) {
  const Status status = validate_position(lp);
  return status.is_ok() ? status : status.with_context(where(book, p));
}

// An LP whose liquidity its deposit will set: every other field checked, with a stand-in
// liquidity.
Status validate_unresolved_lp(const Book& book, const BookPosition& p) {
  AmmLpPosition lp = std::get<AmmLpPosition>(p.spec);
  lp.liquidity = 1.0;
  return validate_spec(book, p, lp);
}

Status validate_inputs(const Book& book) {
  std::set<std::size_t> with_deposit;
  for (const LpDeposit& d : book.deposits) {
    if (d.position >= book.positions.size()) {
      return Status::invalid(fmt::format("book: a deposit refers to position {} of {}", d.position,
                                         book.positions.size()));
    }
    const BookPosition& p = book.positions[d.position];
    if (kind_of(p.spec) != PositionKind::kAmmLp) {
      return field_error(book, p, "deposit", "is for amm_lp positions only");
    }
    if (!with_deposit.insert(d.position).second) {
      return field_error(book, p, "deposit", "is given twice");
    }
    const auto& amounts = d.amounts;
    if (!(amounts[0] >= 0.0) || !(amounts[1] >= 0.0) || !finite(amounts[0]) ||
        !finite(amounts[1]) || (amounts[0] == 0.0 && amounts[1] == 0.0)) {
      return field_error(
          book, p, "deposit",
          fmt::format("[{}, {}] must be two finite amounts ≥ 0, not both 0 (token0, token1)",
                      amounts[0], amounts[1]));
    }
  }
  std::set<std::size_t> with_series;
  for (const FundingSeriesSource& f : book.funding_series) {
    if (f.position >= book.positions.size()) {
      return Status::invalid(fmt::format("book: a funding series refers to position {} of {}",
                                         f.position, book.positions.size()));
    }
    const BookPosition& p = book.positions[f.position];
    const auto* perp = std::get_if<PerpPosition>(&p.spec);
    if (perp == nullptr) {
      return field_error(book, p, "funding_series", "is for perp positions only");
    }
    if (!with_series.insert(f.position).second) {
      return field_error(book, p, "funding_series", "is given twice");
    }
    if (f.path.empty()) return field_error(book, p, "funding_series", "is an empty path");
    if (!f.resolved && perp->funding_rate != 0.0) {
      return field_error(book, p, "funding_series",
                         "and funding_rate are both given; give one (the series sets the rate)");
    }
  }
  return Status::ok();
}

Status validate_spec(const Book& book, const BookPosition& p, const PerpPosition& perp) {
  if (perp.underlying.empty()) return field_error(book, p, "underlying", "is empty");
  const Status status = validate_perp_position(perp);
  return status.is_ok() ? status : status.with_context(where(book, p));
}

Status validate_spec(const Book& book, const BookPosition& p, const OptionPosition& o) {
  if (o.underlying.empty()) return field_error(book, p, "underlying", "is empty");
  const Status status = validate_option_position(o);
  return status.is_ok() ? status : status.with_context(where(book, p));
}

Status validate_spec(const Book& book, const BookPosition& p, const LoanPosition& loan) {
  const Status status = validate_loan(loan);
  return status.is_ok() ? status : status.with_context(where(book, p));
}

std::vector<std::string> loan_assets(const LoanPosition& loan) {
  std::vector<std::string> out;
  for (const LoanCollateral& c : loan.collateral) out.push_back(c.asset);
  for (const LoanDebt& d : loan.debt) out.push_back(d.asset);
  return out;
}

// The book-file key of the k-th asset of a position (bind_book's errors).
std::string asset_field(const PositionSpec& spec, std::size_t k, const std::string& asset) {
  switch (kind_of(spec)) {
    case PositionKind::kSpot:
      return fmt::format("asset '{}'", asset);
    case PositionKind::kAmmLp:
      return fmt::format("token{} '{}'", k, asset);
    case PositionKind::kLoan: {
      const auto& loan = std::get<LoanPosition>(spec);
      return k < loan.collateral.size()
                 ? fmt::format("collateral[{}].asset '{}'", k, asset)
                 : fmt::format("debt[{}].asset '{}'", k - loan.collateral.size(), asset);
    }
    default:
      return fmt::format("underlying '{}'", asset);
  }
}

std::vector<std::string> assets_of(const PositionSpec& spec) {
  return std::visit(
      Overloaded{
          [](const SpotPosition& s) { return std::vector<std::string>{s.asset}; },
          [](const AmmLpPosition& lp) { return lp.tokens; },
          [](const PerpPosition& perp) { return std::vector<std::string>{perp.underlying}; },
          [](const OptionPosition& o) { return std::vector<std::string>{o.underlying}; },
          [](const LoanPosition& loan) { return loan_assets(loan); },
      },
      spec);
}

}  // namespace

std::string_view to_string(PositionKind kind) {
  switch (kind) {
    case PositionKind::kSpot:
      return "spot";
    case PositionKind::kAmmLp:
      return "amm_lp";
    case PositionKind::kPerp:
      return "perp";
    case PositionKind::kOption:
      return "option";
    case PositionKind::kLoan:
      return "loan";
  }
  return "?";
}

PositionKind kind_of(const PositionSpec& spec) { return static_cast<PositionKind>(spec.index()); }

Status Book::validate() const {
  if (!finite(cash)) return Status::invalid("book: cash must be a finite number");
  std::set<std::string> names;
  for (const BookPosition& p : positions) {
    if (p.name.empty()) {
      return Status::invalid(fmt::format(
          "{}: a position has no name; give each a unique name",
          p.line > 0 ? fmt::format("{} line {}", source, p.line) : std::string("book")));
    }
    if (!names.insert(p.name).second) {
      return Status::invalid(
          fmt::format("{}: the name is used twice; names must be unique", where(*this, p)));
    }
    const bool unresolved_deposit =
        std::any_of(deposits.begin(), deposits.end(), [&](const LpDeposit& d) {
          return !d.resolved && d.position < positions.size() && &positions[d.position] == &p &&
                 kind_of(p.spec) == PositionKind::kAmmLp;
        });
    KEEL_RETURN_IF_ERROR(
        unresolved_deposit
            ? validate_unresolved_lp(*this, p)
            : std::visit([&](const auto& spec) { return validate_spec(*this, p, spec); }, p.spec));
  }
  return validate_inputs(*this);
}

Status Book::check_resolved() const {
  for (const LpDeposit& d : deposits) {
    if (!d.resolved) {
      return field_error(*this, positions.at(d.position), "deposit",
                         "is not yet turned into liquidity: resolve the book against the market "
                         "first (keel::resolve_book)");
    }
  }
  for (const FundingSeriesSource& f : funding_series) {
    if (!f.resolved) {
      return field_error(*this, positions.at(f.position), "funding_series",
                         "is not yet read: resolve the book against the market first "
                         "(keel::resolve_book)");
    }
  }
  return Status::ok();
}

std::vector<std::string> Book::underlyings() const {
  std::vector<std::string> out;
  for (const BookPosition& p : positions) {
    for (const std::string& a : assets_of(p.spec)) {
      if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    }
  }
  return out;
}

Result<BoundBook> bind_book(const Book& book, std::vector<std::string> assets) {
  KEEL_RETURN_IF_ERROR(book.validate());
  BoundBook bound;
  bound.book = &book;
  bound.columns.reserve(book.positions.size());
  for (const BookPosition& p : book.positions) {
    std::vector<std::size_t> cols;
    std::size_t token = 0;
    for (const std::string& a : assets_of(p.spec)) {
      const auto it = std::find(assets.begin(), assets.end(), a);
      if (it == assets.end()) {
        const std::string field = asset_field(p.spec, token, a);
        std::string list;
        for (std::size_t i = 0; i < assets.size() && i < 20; ++i) {
          list += (i ? ", " : "") + assets[i];
        }
        if (assets.size() > 20) list += fmt::format(", ... ({} in all)", assets.size());
        return Status::invalid(fmt::format(
            "{}: {} is not a column of the prices; columns are {}. Add its prices or fix the "
            "name",
            where(book, p), field, list));
      }
      cols.push_back(static_cast<std::size_t>(it - assets.begin()));
      ++token;
    }
    bound.columns.push_back(std::move(cols));
  }
  bound.assets = std::move(assets);
  return bound;
}

Result<PositionValue> value_position(const PositionSpec& spec, std::span<const double> prices,
                                     std::span<const std::size_t> columns, Timestamp now) {
  return std::visit(Overloaded{
                        [&](const SpotPosition& s) -> Result<PositionValue> {
                          const double price = prices[columns[0]];
                          PositionValue v;
                          v.value = s.quantity * price;
                          v.exposures.push_back({s.asset, s.quantity, 0.0});
                          return v;
                        },
                        [&](const AmmLpPosition& lp) -> Result<PositionValue> {
                          std::vector<double> token_prices(columns.size());
                          for (std::size_t i = 0; i < columns.size(); ++i)
                            token_prices[i] = prices[columns[i]];
                          return value_lp(lp, token_prices);
                        },
                        [&](const PerpPosition& perp) -> Result<PositionValue> {
                          return value_perp(perp, prices[columns[0]]);
                        },
                        [&](const OptionPosition& o) -> Result<PositionValue> {
                          return value_option(o, prices[columns[0]], now);
                        },
                        [&](const LoanPosition& loan) -> Result<PositionValue> {
                          std::vector<double> loan_prices(columns.size());
                          for (std::size_t i = 0; i < columns.size(); ++i)
                            loan_prices[i] = prices[columns[i]];
                          return value_loan(loan, loan_prices);
                        },
                    },
                    spec);
}

Result<BookValuation> value_book(const BoundBook& bound, std::span<const double> prices,
                                 Timestamp now) {
  const Book& book = *bound.book;
  if (prices.size() != bound.assets.size()) {
    return Status::invalid(
        fmt::format("value_book: {} prices for {} assets", prices.size(), bound.assets.size()));
  }
  BookValuation out;
  out.as_of = now;
  out.cash = book.cash;
  out.total_value = book.cash;
  for (const std::string& u : book.underlyings()) out.net_exposures.push_back({u, 0.0, 0.0});
  for (std::size_t p = 0; p < book.positions.size(); ++p) {
    const BookPosition& position = book.positions[p];
    for (std::size_t c : bound.columns[p]) {
      if (!(prices[c] > 0.0) || !std::isfinite(prices[c])) {
        return Status::invalid(
            fmt::format("{}: the price of {} is {}; a position is valued at "
                        "positive prices only",
                        where(book, position), bound.assets[c], prices[c]));
      }
    }
    auto value = value_position(position.spec, prices, bound.columns[p], now);
    if (!value) return value.status().with_context(where(book, position));
    out.total_value += value->value;
    out.vega += value->vega;
    out.theta += value->theta;
    for (const UnderlyingExposure& e : value->exposures) {
      for (UnderlyingExposure& net : out.net_exposures) {
        if (net.underlying == e.underlying) {
          net.delta += e.delta;
          net.gamma += e.gamma;
        }
      }
    }
    out.positions.push_back(std::move(*value));
  }
  return out;
}

}  // namespace keel
