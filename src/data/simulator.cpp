#include "keel/data/simulator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <optional>
#include <string>
#include <utility>

#include "data/simulator_calibration.hpp"
#include "data/simulator_variates.hpp"
#include "keel/core/random.hpp"

namespace keel {
namespace {

namespace cal = simulator_calibration;
using simulator_detail::standardized_t;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Share of an alt's non-market variance carried by its sector factor. Not calibrated (the data has
// no sector labels); 0.2 gives within-sector residual correlations near 0.4, against about 0.2
// across sectors.
constexpr double kSectorShare = 0.2;
// The altcoin factor carries the rest of the measured average residual correlation: with seven
// non-stable sectors about 1/7 of alt pairs share a sector.
constexpr double kAltShare = cal::kResidualAverageCorrelation - kSectorShare / 7.0;
// Asset 0 is the market factor plus a small idiosyncratic term (BTC against a broad index).
constexpr double kLeaderIdioVolPerDay = 0.01;
// Meme tokens: more idiosyncratic risk and a higher beta (a choice, not calibrated).
constexpr double kMemeIdioMultiplier = 1.5;
constexpr double kMemeBetaMultiplier = 1.2;
// After its fall the collapsed token trades with little market exposure and wild noise.
constexpr double kCollapsedBetaMultiplier = 0.3;
constexpr double kCollapsedIdioMultiplier = 3.0;
constexpr double kCollapseDays = cal::kCollapseDays;
// De-peg shape: a fall to depeg_low over two days, then exponential recovery with a two-day time
// constant; the episode ends when the deviation is below 0.2%.
constexpr double kDepegFallDays = 2.0;
constexpr double kDepegRecoveryDays = 2.0;
constexpr double kDepegEndDeviation = 0.002;
// Events need room: both happen only when the run covers at least this many days.
constexpr double kMinEventDays = 60.0;
// Spread floor: one tick of 1e-5 at a price of 1.
constexpr double kMinSpread = 1e-5;
// Binance spot minimum order (USDT).
constexpr double kMinNotional = 5.0;
// Volume reaction to |r| is capped at this many typical absolute returns.
constexpr double kMaxAbsReturnRatio = 10.0;
// Standardised innovations are clamped at BTC's largest daily move in conditional sds (2020-03-12,
// 13.6): Student-t draws with 3.1 dof reach 50+ sds in a long panel, and through GARCH such a
// draw would blow one token's volatility up for months, which real data does not show.
constexpr double kMaxInnovation = cal::kMaxStandardizedResidual;

// The public option defaults repeat calibrated figures (a public header cannot include this
// private one); rerunning scripts/calibrate_simulator.py with new data must update them too.
static_assert(SimulatorOptions{}.student_dof == cal::kStudentDof);
static_assert(SimulatorOptions{}.idiosyncratic_student_dof == cal::kIdioStudentDof);
static_assert(SimulatorOptions{}.garch_alpha == cal::kGarchAlpha);
static_assert(SimulatorOptions{}.idiosyncratic_garch_alpha == cal::kIdioGarchAlpha);
static_assert(SimulatorOptions{}.collapse_drawdown == 0.999999 &&
              cal::kCollapseDrawdown < -0.999998 && cal::kCollapseDrawdown > -0.9999995);

enum class Sector { kL1, kL2, kDefi, kExchange, kMeme, kOracle, kGaming, kStablecoin };
constexpr int kFactorSectors = 7;  // every sector but kStablecoin has a factor

const char* sector_name(Sector sector) {
  switch (sector) {
    case Sector::kL1:
      return "L1";
    case Sector::kL2:
      return "L2";
    case Sector::kDefi:
      return "DeFi";
    case Sector::kExchange:
      return "Exchange";
    case Sector::kMeme:
      return "Meme";
    case Sector::kOracle:
      return "Oracle";
    case Sector::kGaming:
      return "Gaming";
    case Sector::kStablecoin:
      return "Stablecoin";
  }
  return "";
}

// Sectors of the non-stable tokens after the two leaders, cycled in this order.
constexpr std::array<Sector, 12> kSectorCycle = {
    Sector::kL1,     Sector::kDefi,   Sector::kL2, Sector::kExchange, Sector::kMeme, Sector::kDefi,
    Sector::kOracle, Sector::kGaming, Sector::kL1, Sector::kDefi,     Sector::kL2,   Sector::kMeme};

// Fictional tickers and project names by sector, so that a name never contradicts its sector tag
// (any likeness to a listed token is accidental). A sector that runs out of names numbers its
// tokens ("SIM012").
using TokenName = std::pair<const char*, const char*>;
constexpr std::array<TokenName, 10> kL1Names = {{{"KBT", "Keelcoin"},
                                                 {"ETR", "Etheron"},
                                                 {"SOLR", "Solaris"},
                                                 {"AVN", "Avenir"},
                                                 {"TRN", "Tronix"},
                                                 {"AQL", "Aquila"},
                                                 {"CRN", "Corona Chain"},
                                                 {"ALP", "Alpine Chain"},
                                                 {"NVA", "Nova Chain"},
                                                 {"ORX", "Orexa"}}};
constexpr std::array<TokenName, 5> kL2Names = {{{"PLX", "Polyx Rollup"},
                                                {"ZKR", "Zkroll"},
                                                {"OPT", "Optimus L2"},
                                                {"RLY", "Rollyp"},
                                                {"ARC", "Arcrollup"}}};
constexpr std::array<TokenName, 9> kDefiNames = {{{"DXP", "Dexpool"},
                                                  {"LMN", "Lumen Lend"},
                                                  {"FRX", "Forex Swap"},
                                                  {"VLT", "Vaultix"},
                                                  {"MRG", "Margin Lend"},
                                                  {"YLD", "Yieldia"},
                                                  {"SWP", "Swapio"},
                                                  {"LQD", "Liquida"},
                                                  {"BRG", "Bridgeon"}}};
constexpr std::array<TokenName, 4> kExchangeNames = {
    {{"BNX", "Binexa"}, {"KXC", "Kexchange"}, {"HUB", "Hubex"}, {"TDX", "Tradex"}}};
constexpr std::array<TokenName, 5> kMemeNames = {{{"WOOF", "Woofcoin"},
                                                  {"PEPR", "Pepper"},
                                                  {"FLOK", "Flokio"},
                                                  {"BONKR", "Bonker"},
                                                  {"CHP", "Chipmunk"}}};
constexpr std::array<TokenName, 3> kOracleNames = {
    {{"NDL", "Needle Oracle"}, {"SGN", "Signal Oracle"}, {"FED", "Feedly Oracle"}}};
constexpr std::array<TokenName, 4> kGamingNames = {
    {{"GMR", "Gamerra"}, {"QST", "Questland"}, {"PXL", "Pixeland"}, {"MTV", "Metaverso"}}};

// The name of the `ordinal`-th token of `sector` (0-based), or nullopt when the list is used up.
std::optional<TokenName> sector_token_name(Sector sector, int ordinal) {
  auto from = [ordinal](const auto& names) -> std::optional<TokenName> {
    if (ordinal < 0 || static_cast<std::size_t>(ordinal) >= names.size()) return std::nullopt;
    return names[static_cast<std::size_t>(ordinal)];
  };
  switch (sector) {
    case Sector::kL1:
      return from(kL1Names);
    case Sector::kL2:
      return from(kL2Names);
    case Sector::kDefi:
      return from(kDefiNames);
    case Sector::kExchange:
      return from(kExchangeNames);
    case Sector::kMeme:
      return from(kMemeNames);
    case Sector::kOracle:
      return from(kOracleNames);
    case Sector::kGaming:
      return from(kGamingNames);
    case Sector::kStablecoin:
      return std::nullopt;
  }
  return std::nullopt;
}
constexpr std::array<std::pair<const char*, const char*>, 8> kStableNames = {{
    {"KUSD", "Keel Dollar"},
    {"VUSD", "Vault Dollar"},
    {"NUSD", "Nova Dollar"},
    {"ZUSD", "Zenith Dollar"},
    {"QUSD", "Quanta Dollar"},
    {"WUSD", "Wave Dollar"},
    {"RUSD", "Reserve Dollar"},
    {"MUSD", "Mint Dollar"},
}};

std::string chain_for(Sector sector, int ordinal) {
  switch (sector) {
    case Sector::kL1:
      return "Own chain";
    case Sector::kL2:
    case Sector::kOracle:
      return "Ethereum";
    case Sector::kDefi: {
      static constexpr std::array<const char*, 3> kChains = {"Ethereum", "Solana", "BNB Chain"};
      return kChains[static_cast<std::size_t>(ordinal) % kChains.size()];
    }
    case Sector::kExchange: {
      static constexpr std::array<const char*, 3> kChains = {"BNB Chain", "Own chain", "Ethereum"};
      return kChains[static_cast<std::size_t>(ordinal) % kChains.size()];
    }
    case Sector::kMeme:
    case Sector::kGaming:
      return ordinal % 2 == 0 ? "Ethereum" : "Solana";
    case Sector::kStablecoin:
      return ordinal % 2 == 0 ? "Ethereum" : "BNB Chain";
  }
  return "";
}

// Daily parameters rescaled to the period length (header: "Hourly frequency rescales ...").
struct PeriodParameters {
  double per_day = 1.0;                // periods per day
  double market_mean[2] = {0.0, 0.0};  // [calm, crash]
  double market_vol[2] = {0.0, 0.0};
  double non_market_multiplier[2] = {1.0, 1.0};
  double enter_crash = 0.0;
  double exit_crash = 0.0;
  double garch_alpha[2] = {0.0, 0.0};  // [market factor, non-market terms]
  double garch_beta[2] = {0.0, 0.0};
  double jump_probability = 0.0;
  double stable_ar = 0.0;
  double stable_innovation = 0.0;
  double volume_ar = 0.0;
  double volume_innovation = 0.0;
};

// How much the non-market terms scale up in a crash. Chosen so that the model's average pairwise
// correlation of two median alts in different sectors, (b^2 s_m^2 + A m^2 v^2) / (b^2 s_m^2 +
// m^2 v^2), equals the one measured on crash days (0.67). The measured median ratio of residual
// vols (kCrashIdioVolMultiplier, 1.37) would give only 0.57: per-asset vol ratios are noisy and
// right-skewed, while the correlation is the fact that matters to a portfolio.
double crash_non_market_multiplier() {
  const double systematic =
      cal::kBetaMedian * cal::kBetaMedian * cal::kCrashMarketVolPerDay * cal::kCrashMarketVolPerDay;
  const double rho = cal::kCrashAverageCorrelation;
  const double non_market = cal::kIdioVolPerDay * cal::kIdioVolPerDay;
  return std::sqrt(systematic * (1.0 - rho) / (non_market * (rho - kAltShare)));
}
static_assert(cal::kCrashAverageCorrelation > kAltShare);

double per_period_probability(double daily, double per_day) {
  return 1.0 - std::pow(1.0 - daily, 1.0 / per_day);
}

PeriodParameters make_parameters(const SimulatorOptions& options) {
  PeriodParameters p;
  p.per_day = options.frequency == SimulatedFrequency::kHourly ? 24.0 : 1.0;
  const double k = p.per_day;
  const double sqrt_k = std::sqrt(k);
  p.market_mean[0] = cal::kMarketMeanPerDay / k;
  p.market_mean[1] = cal::kCrashMarketMeanPerDay / k;
  p.market_vol[0] = cal::kMarketVolPerDay / sqrt_k;
  p.market_vol[1] = cal::kCrashMarketVolPerDay / sqrt_k;
  p.non_market_multiplier[1] = crash_non_market_multiplier();
  if (options.crashes) {
    p.enter_crash = per_period_probability(cal::kCrashEnterProbPerDay, k);
    p.exit_crash = per_period_probability(cal::kCrashExitProbPerDay, k);
  }
  const double persistence = std::pow(options.volatility_persistence, 1.0 / k);
  const double alphas[2] = {options.garch_alpha, options.idiosyncratic_garch_alpha};
  for (int kind = 0; kind < 2; ++kind) {
    p.garch_alpha[kind] = std::min(alphas[kind] / sqrt_k, persistence);
    p.garch_beta[kind] = persistence - p.garch_alpha[kind];
  }
  p.jump_probability = options.jumps ? per_period_probability(cal::kJumpProbPerDay, k) : 0.0;
  p.stable_ar = std::pow(cal::kStableDeviationAr1, 1.0 / k);
  p.stable_innovation = cal::kStableDeviationSd * std::sqrt(1.0 - p.stable_ar * p.stable_ar);
  p.volume_ar = std::pow(cal::kVolumeAr1, 1.0 / k);
  const double volume_stationary_sd =
      cal::kVolumeInnovationSd / std::sqrt(1.0 - cal::kVolumeAr1 * cal::kVolumeAr1);
  p.volume_innovation = volume_stationary_sd * std::sqrt(1.0 - p.volume_ar * p.volume_ar);
  return p;
}

// A unit-variance GARCH(1,1) process: h is the conditional variance, with long-run mean 1.
struct Garch {
  double h = 1.0;
  // Returns sqrt(h) * z and moves h to the next period.
  double step(double z, double alpha, double beta) {
    const double shock = std::sqrt(h) * z;
    h = (1.0 - alpha - beta) + alpha * shock * shock + beta * h;
    return shock;
  }
};

struct AssetSpec {
  Sector sector = Sector::kL1;
  bool stable = false;
  double beta = 0.0;
  double alpha = 0.0;           // drift per period beyond the market
  double non_market_vol = 0.0;  // per period, calm
  double alt_loading = 0.0;     // sqrt(A) (0 for asset 0)
  double sector_loading = 0.0;  // sqrt(C)
  double idio_loading = 1.0;    // sqrt(1 - A - C)
  double initial_cap = 0.0;
  double initial_price = 0.0;
  double volume_level = 0.0;  // per-asset residual of the volume-cap fit (log)
};

int automatic_stablecoins(int assets) { return assets < 5 ? 0 : std::max(1, assets / 15); }

std::string numbered(const char* prefix, int index) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%s%03d", prefix, index);
  return buffer;
}

}  // namespace

double simulated_periods_per_year(SimulatedFrequency frequency) {
  return frequency == SimulatedFrequency::kHourly ? 8760.0 : 365.0;
}

Status SimulatorOptions::validate() const {
  if (assets < 2 || assets > 100000) {
    return Status::invalid("simulator option assets = " + std::to_string(assets) +
                           " is out of range; use 2 to 100000 tokens");
  }
  if (periods < 2 || periods > 10000000) {
    return Status::invalid("simulator option periods = " + std::to_string(periods) +
                           " is out of range; use 2 to 10000000 rows");
  }
  if (stablecoins < -1 || stablecoins > assets - 2) {
    return Status::invalid("simulator option stablecoins = " + std::to_string(stablecoins) +
                           " is out of range; use -1 (automatic) or 0 to assets - 2 = " +
                           std::to_string(assets - 2) + " (two tokens must be non-stable)");
  }
  if (!(late_listing_fraction >= 0.0 && late_listing_fraction <= 1.0)) {
    return Status::invalid("simulator option late_listing_fraction = " +
                           std::to_string(late_listing_fraction) + " must lie in [0, 1]");
  }
  for (const auto& [name, value] :
       {std::pair{"student_dof", student_dof},
        std::pair{"idiosyncratic_student_dof", idiosyncratic_student_dof}}) {
    if (!(value > 2.0)) {
      return Status::invalid(std::string("simulator option ") + name + " = " +
                             std::to_string(value) +
                             " must exceed 2 (unit-variance Student-t); use +infinity for normal "
                             "innovations");
    }
  }
  if (!(volatility_persistence >= 0.0 && volatility_persistence <= 0.999)) {
    return Status::invalid(
        "simulator option volatility_persistence = " + std::to_string(volatility_persistence) +
        " must lie in [0, 0.999] (1 would make volatility a random walk)");
  }
  for (const auto& [name, value] :
       {std::pair{"garch_alpha", garch_alpha},
        std::pair{"idiosyncratic_garch_alpha", idiosyncratic_garch_alpha}}) {
    if (!(value >= 0.0 && value <= volatility_persistence)) {
      return Status::invalid(std::string("simulator option ") + name + " = " +
                             std::to_string(value) + " must lie in [0, volatility_persistence = " +
                             std::to_string(volatility_persistence) + "]");
    }
  }
  if (!(depeg_low >= 0.5 && depeg_low <= 0.99)) {
    return Status::invalid("simulator option depeg_low = " + std::to_string(depeg_low) +
                           " must lie in [0.5, 0.99] (a de-peg that recovers; deeper falls are "
                           "collapses)");
  }
  if (!(collapse_drawdown >= 0.5 && collapse_drawdown < 1.0)) {
    return Status::invalid(
        "simulator option collapse_drawdown = " + std::to_string(collapse_drawdown) +
        " must lie in [0.5, 1) (1 would make the price zero)");
  }
  return Status::ok();
}

Result<SimulatedMarket> simulate_market(const SimulatorOptions& options) {
  KEEL_RETURN_IF_ERROR(options.validate());
  const PeriodParameters p = make_parameters(options);
  const int n = options.assets;
  const int periods = options.periods;
  Random rng(options.seed);

  SimulatedMarket market;
  market.periods_per_year = simulated_periods_per_year(options.frequency);
  const int stable_count = options.stablecoins < 0 ? automatic_stablecoins(n) : options.stablecoins;

  // --- Universe: stablecoins at ranks 3, 3 + step, ...; others cycle through the sectors.
  std::vector<AssetSpec> spec(static_cast<std::size_t>(n));
  if (stable_count > 0) {
    const int step = std::max(1, (n - 2) / stable_count);
    for (int k = 0; k < stable_count; ++k) {
      const int index = std::min(n - 1, 2 + k * step);
      spec[static_cast<std::size_t>(index)].stable = true;
    }
    // A step of 1 near the end can leave fewer than stable_count flags; fill from the back.
    int flagged = 0;
    for (const auto& s : spec) flagged += s.stable ? 1 : 0;
    for (int i = n - 1; flagged < stable_count && i >= 2; --i) {
      if (!spec[static_cast<std::size_t>(i)].stable) {
        spec[static_cast<std::size_t>(i)].stable = true;
        ++flagged;
      }
    }
  }
  const double alt_loading = std::sqrt(kAltShare);
  const double sector_loading = std::sqrt(kSectorShare);
  const double idio_loading = std::sqrt(1.0 - kAltShare - kSectorShare);
  const double log_cap_intercept = cal::kCapRankIntercept;
  market.metadata.assets.resize(static_cast<std::size_t>(n));
  market.panel.assets.resize(static_cast<std::size_t>(n));
  int token_ordinal = 0;
  int stable_ordinal = 0;
  std::array<int, 8> sector_ordinal{};
  for (int i = 0; i < n; ++i) {
    AssetSpec& s = spec[static_cast<std::size_t>(i)];
    AssetInfo& info = market.metadata.assets[static_cast<std::size_t>(i)];
    const double rank = static_cast<double>(i + 1);
    s.initial_cap = i == 0 ? cal::kCapLargest
                           : std::exp(log_cap_intercept + cal::kCapRankSlope * std::log(rank));
    s.volume_level = cal::kVolumeLevelSd * rng.normal_polar();
    if (s.stable) {
      s.sector = Sector::kStablecoin;
      s.initial_price = 1.0;
      if (static_cast<std::size_t>(stable_ordinal) < kStableNames.size()) {
        info.symbol = kStableNames[static_cast<std::size_t>(stable_ordinal)].first;
        info.protocol = kStableNames[static_cast<std::size_t>(stable_ordinal)].second;
      } else {
        info.symbol = numbered("SUSD", stable_ordinal);
        info.protocol = numbered("Sim Dollar ", stable_ordinal);
      }
      info.chain = chain_for(Sector::kStablecoin, stable_ordinal);
      ++stable_ordinal;
    } else {
      s.sector =
          i < 2 ? Sector::kL1
                : kSectorCycle[static_cast<std::size_t>(token_ordinal - 2) % kSectorCycle.size()];
      auto& ordinal = sector_ordinal[static_cast<std::size_t>(s.sector)];
      if (const auto name = sector_token_name(s.sector, ordinal)) {
        info.symbol = name->first;
        info.protocol = name->second;
      } else {
        info.symbol = numbered("SIM", token_ordinal);
        info.protocol = numbered("Sim Project ", token_ordinal);
      }
      info.chain = chain_for(s.sector, ordinal++);
      ++token_ordinal;
      if (i == 0) {
        s.beta = 1.0;
        s.non_market_vol = kLeaderIdioVolPerDay / std::sqrt(p.per_day);
        s.idio_loading = 1.0;
      } else {
        s.beta = cal::kBetaMedian * std::exp(cal::kBetaLogSd * rng.normal_polar());
        s.alpha =
            (cal::kAltAlphaMedianPerDay + cal::kAltAlphaSdPerDay * rng.normal_polar()) / p.per_day;
        s.non_market_vol = cal::kIdioVolPerDay * std::exp(cal::kIdioVolLogSd * rng.normal_polar()) /
                           std::sqrt(p.per_day);
        if (s.sector == Sector::kMeme) {
          s.beta *= kMemeBetaMultiplier;
          s.non_market_vol *= kMemeIdioMultiplier;
        }
        s.alt_loading = alt_loading;
        s.sector_loading = sector_loading;
        s.idio_loading = idio_loading;
      }
      // Supply: BTC-like for the leader, else log-uniform between 1e7 and 1e11 coins.
      const double supply = i == 0 ? 1.96e7 : std::pow(10.0, 7.0 + 4.0 * rng.uniform_half_open());
      s.initial_price = s.initial_cap / supply;
    }
    info.sector = sector_name(s.sector);
    info.is_stablecoin = s.stable;
    info.lot_size =
        std::clamp(std::pow(10.0, std::floor(std::log10(1.0 / s.initial_price))), 1e-8, 1e4);
    info.min_notional = kMinNotional;
    market.panel.assets[static_cast<std::size_t>(i)] = info.symbol;
  }
  market.market_beta.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    market.market_beta[static_cast<std::size_t>(i)] = spec[static_cast<std::size_t>(i)].beta;
  }

  // --- Events
  const bool room_for_events = periods >= kMinEventDays * p.per_day;
  auto period_in = [&](double from, double to) {
    return static_cast<int>(std::floor((from + (to - from) * rng.uniform_half_open()) * periods));
  };
  if (options.collapse && room_for_events && n >= 4) {
    // The first non-stable token from rank 8 on (LUNA was a top-10 token), else the last one.
    int chosen = -1;
    for (int i = std::min(7, n - 1); i < n && chosen < 0; ++i) {
      if (!spec[static_cast<std::size_t>(i)].stable) chosen = i;
    }
    for (int i = n - 1; i >= 2 && chosen < 0; --i) {
      if (!spec[static_cast<std::size_t>(i)].stable) chosen = i;
    }
    if (chosen >= 0) {
      market.collapsing_asset = chosen;
      market.collapse_period = period_in(0.35, 0.75);
    }
  }
  const int collapse_length = static_cast<int>(std::lround(kCollapseDays * p.per_day));
  const int fall_length = static_cast<int>(std::lround(kDepegFallDays * p.per_day));
  const double recovery_tau = kDepegRecoveryDays * p.per_day;
  if (options.depeg && room_for_events && stable_count > 0) {
    int last_stable = -1;
    for (int i = 0; i < n; ++i) {
      if (spec[static_cast<std::size_t>(i)].stable) last_stable = i;
    }
    market.depegging_asset = last_stable;
    const double recovery = recovery_tau * std::log((1.0 - options.depeg_low) / kDepegEndDeviation);
    const int length = fall_length + static_cast<int>(std::ceil(std::max(recovery, 0.0))) + 1;
    // Keep the episode away from the collapse (the UST de-peg is not the story told here).
    for (int attempt = 0; attempt < 16; ++attempt) {
      market.depeg_start = period_in(0.15, 0.9);
      if (market.collapse_period < 0 ||
          std::abs(market.depeg_start - market.collapse_period) > 4 * length) {
        break;
      }
    }
    market.depeg_end = std::min(periods, market.depeg_start + length);
  }

  // --- Listings
  market.listing_period.assign(static_cast<std::size_t>(n), 0);
  for (int i = 2; i < n; ++i) {
    if (spec[static_cast<std::size_t>(i)].stable || i == market.collapsing_asset) continue;
    if (rng.uniform_half_open() < options.late_listing_fraction) {
      market.listing_period[static_cast<std::size_t>(i)] = std::max(1, period_in(0.05, 0.7));
    }
  }

  // --- Time loop
  PricePanel& panel = market.panel;
  panel.source = "simulator";
  const Timestamp step_s = options.frequency == SimulatedFrequency::kHourly ? 3600 : kSecondsPerDay;
  panel.timestamps.resize(static_cast<std::size_t>(periods));
  for (int t = 0; t < periods; ++t) {
    panel.timestamps[static_cast<std::size_t>(t)] = options.start + step_s * t;
  }
  panel.prices.resize(periods, n);
  panel.volumes.resize(periods, n);
  panel.spreads.resize(periods, n);
  market.crash.assign(static_cast<std::size_t>(periods), false);

  const double market_dof = options.student_dof;
  const double other_dof = options.idiosyncratic_student_dof;
  const double log_periods_per_day = std::log(p.per_day);
  const double sqrt_per_day = std::sqrt(p.per_day);
  const double mean_abs_normal = std::sqrt(2.0 / std::numbers::pi);
  const double log_reference_volume =
      cal::kVolumeCapIntercept + cal::kVolumeCapSlope * std::log(cal::kCapLargest);
  const double log_reference_vol = std::log(cal::kMarketVolPerDay);
  // Liquidity floor (not calibrated; see simulator.hpp): volumes as if the cap were at least the
  // rank-100 cap of the cap-rank law.
  const double log_floor_cap = cal::kCapRankIntercept + cal::kCapRankSlope * std::log(100.0);
  const double collapse_log_step =
      std::log(1.0 - options.collapse_drawdown) / std::max(1, collapse_length);

  auto draw_shock = [&rng](double dof) {
    return std::clamp(standardized_t(rng, dof), -kMaxInnovation, kMaxInnovation);
  };
  const double market_alpha = p.garch_alpha[0];
  const double market_beta_garch = p.garch_beta[0];
  const double other_alpha = p.garch_alpha[1];
  const double other_beta = p.garch_beta[1];
  Garch market_garch;
  Garch alt_garch;
  std::array<Garch, kFactorSectors> sector_garch{};
  std::vector<Garch> idio_garch(static_cast<std::size_t>(n));
  std::vector<double> log_price(static_cast<std::size_t>(n));
  std::vector<double> stable_deviation(static_cast<std::size_t>(n), 0.0);
  std::vector<double> volume_state(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const AssetSpec& s = spec[static_cast<std::size_t>(i)];
    log_price[static_cast<std::size_t>(i)] = std::log(s.initial_price);
    volume_state[static_cast<std::size_t>(i)] =
        p.volume_innovation / std::sqrt(1.0 - p.volume_ar * p.volume_ar) * rng.normal_polar();
    if (s.stable) {
      stable_deviation[static_cast<std::size_t>(i)] = cal::kStableDeviationSd * rng.normal_polar();
    }
  }
  std::array<double, kFactorSectors> sector_shock{};
  std::array<double, kFactorSectors> sector_variance{};
  bool in_crash = false;

  for (int t = 0; t < periods; ++t) {
    double market_return = 0.0;
    double market_variance = 0.0;
    double alt_shock = 0.0;
    double alt_variance = 0.0;
    if (t > 0) {
      if (t == market.collapse_period && options.crashes) {
        in_crash = true;
      } else {
        const double u = rng.uniform_half_open();
        in_crash = in_crash ? u >= p.exit_crash : u < p.enter_crash;
      }
      const int regime = in_crash ? 1 : 0;
      market_variance = p.market_vol[regime] * p.market_vol[regime] * market_garch.h;
      market_return = p.market_mean[regime] +
                      p.market_vol[regime] * market_garch.step(draw_shock(market_dof), market_alpha,
                                                               market_beta_garch);
      alt_variance = alt_garch.h;
      alt_shock = alt_garch.step(draw_shock(other_dof), other_alpha, other_beta);
      for (int k = 0; k < kFactorSectors; ++k) {
        sector_variance[static_cast<std::size_t>(k)] = sector_garch[static_cast<std::size_t>(k)].h;
        sector_shock[static_cast<std::size_t>(k)] = sector_garch[static_cast<std::size_t>(k)].step(
            draw_shock(other_dof), other_alpha, other_beta);
      }
    }
    market.crash[static_cast<std::size_t>(t)] = in_crash;
    const int regime = in_crash ? 1 : 0;

    for (int i = 0; i < n; ++i) {
      const auto ui = static_cast<std::size_t>(i);
      const AssetSpec& s = spec[ui];
      double sigma = 0.0;      // conditional sd of this period's return (for volumes and spreads)
      double abs_ratio = 1.0;  // |r| over its typical size
      double price = 0.0;
      if (s.stable) {
        double& x = stable_deviation[ui];
        const double innovation = p.stable_innovation * rng.normal_polar();
        const double previous = x;
        if (t > 0) x = p.stable_ar * x + innovation;
        double target = 0.0;
        if (i == market.depegging_asset && t >= market.depeg_start && t < market.depeg_end) {
          const int since = t - market.depeg_start;
          target =
              since <= fall_length
                  ? (options.depeg_low - 1.0) * since / std::max(1, fall_length)
                  : (options.depeg_low - 1.0) * std::exp(-(since - fall_length) / recovery_tau);
        }
        price = 1.0 + target + x;
        sigma = p.stable_innovation;
        abs_ratio = t > 0 ? std::abs(x - previous) / (sigma * mean_abs_normal) : 1.0;
      } else {
        double beta = s.beta;
        double non_market = s.non_market_vol * p.non_market_multiplier[regime];
        double drift = s.alpha;
        const bool collapsed = i == market.collapsing_asset && t >= market.collapse_period;
        if (collapsed) {
          beta *= kCollapsedBetaMultiplier;
          non_market *= kCollapsedIdioMultiplier;
          if (t < market.collapse_period + collapse_length) drift += collapse_log_step;
        }
        Garch& g = idio_garch[ui];
        const auto sector = static_cast<std::size_t>(s.sector);  // < kFactorSectors here
        const double common_variance =
            s.alt_loading * s.alt_loading * alt_variance +
            s.sector_loading * s.sector_loading * sector_variance[sector] +
            s.idio_loading * s.idio_loading * g.h;
        sigma =
            std::sqrt(beta * beta * (t > 0 ? market_variance : p.market_vol[0] * p.market_vol[0]) +
                      non_market * non_market * (t > 0 ? common_variance : 1.0));
        if (t > 0) {
          const double idio = g.step(draw_shock(other_dof), other_alpha, other_beta);
          double r = drift + beta * market_return +
                     non_market * (s.alt_loading * alt_shock +
                                   s.sector_loading * sector_shock[sector] + s.idio_loading * idio);
          if (p.jump_probability > 0.0 && rng.uniform_half_open() < p.jump_probability) {
            r += cal::kJumpSizeSd * rng.normal_polar();
          }
          log_price[ui] += r;
          abs_ratio = std::min(kMaxAbsReturnRatio, std::abs(r - drift) / (sigma * mean_abs_normal));
        }
        price = std::exp(log_price[ui]);
      }

      // Volume: level from the current market cap, AR(1) noise, reaction to |r|, crash boost.
      double& v = volume_state[ui];
      if (t > 0) v = p.volume_ar * v + p.volume_innovation * rng.normal_polar();
      const double cap = s.initial_cap * price / s.initial_price;
      const double log_expected_volume = cal::kVolumeCapIntercept +
                                         cal::kVolumeCapSlope * std::max(std::log(cap), log_floor_cap) +
                                         s.volume_level + v +
                                         (in_crash ? cal::kCrashLogVolumeBoost : 0.0);
      const double log_volume = log_expected_volume - log_periods_per_day +
                                cal::kVolumeAbsReturnElasticity * (abs_ratio - 1.0);
      // Spread by microstructure invariance on daily-equivalent volatility and expected volume.
      const double log_spread = std::log(cal::kBtcSpread) +
                                (2.0 / 3.0) * (std::log(sigma * sqrt_per_day) - log_reference_vol) -
                                (1.0 / 3.0) * (log_expected_volume - log_reference_volume) +
                                cal::kSpreadLogNoiseSd * rng.normal_polar();

      const bool listed = t >= market.listing_period[ui];
      panel.prices(t, i) = listed ? price : kNaN;
      panel.volumes(t, i) = listed ? std::exp(log_volume) : kNaN;
      panel.spreads(t, i) = listed ? std::max(kMinSpread, std::exp(log_spread)) : kNaN;
    }
  }

  for (int i = 0; i < n; ++i) {
    const AssetSpec& s = spec[static_cast<std::size_t>(i)];
    const double last = panel.prices(periods - 1, i);
    market.metadata.assets[static_cast<std::size_t>(i)].market_cap =
        s.initial_cap * last / s.initial_price;
  }
  return market;
}

}  // namespace keel
