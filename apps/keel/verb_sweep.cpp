// keel sweep: one walk-forward backtest per point of a grid of strategies (issue #23). The grid,
// the runs in threads and the deflated Sharpe ratio are the library's (keel/backtest/sweep.hpp);
// this file reads the sweep file, keeps the checkpoint and writes the result files.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "common.hpp"
#include "config.hpp"
#include "constraints_config.hpp"
#include "estimation.hpp"
#include "keel/backtest/sweep.hpp"
#include "keel/core/table.hpp"
#include "strategy_config.hpp"
#include "verb.hpp"

namespace keel::cli {

namespace {

struct SweepArgs {
  PriceInputOptions prices;
  std::string sweep;
  std::string output;
  std::string metadata;
  double risk_free = 0.0;
  int threads = 0;
  std::uint64_t max_points = 1000;
  bool yes = false;
  bool resume = false;
  bool quiet = false;
};

// Keys of a point that set the run's options rather than the strategy's.
const std::vector<std::string> kRunKeys = {"window", "expanding", "min_history", "lag",
                                           "initial_value"};

bool is_run_key(const std::string& key) {
  return std::find(kRunKeys.begin(), kRunKeys.end(), key) != kRunKeys.end();
}

bool is_point_key(const std::string& key) {
  if (key == "name") return false;  // points are named point-<index>
  return is_run_key(key) ||
         std::find(kStrategyKeys.begin(), kStrategyKeys.end(), key) != kStrategyKeys.end() ||
         std::find(kConstraintSections.begin(), kConstraintSections.end(), key) !=
             kConstraintSections.end();
}

Status unknown_key(const std::string& at, const std::string& key, const std::string& table) {
  return Status::invalid(at + ": unknown key '" + key + "' in " + table +
                         "; a point may set the keys of a [[strategy]] of `keel backtest` "
                         "(model, cov, mu, rebalance, max_weight, ...) or window, expanding, "
                         "min_history, lag, initial_value");
}

Result<SweepValue> scalar(const toml::node& node, const std::string& at, const std::string& key) {
  if (auto b = node.value_exact<bool>()) return SweepValue(*b);
  if (auto i = node.value_exact<std::int64_t>()) return SweepValue(*i);
  if (auto d = node.value_exact<double>()) return SweepValue(*d);
  if (auto s = node.value_exact<std::string>()) return SweepValue(*s);
  return Status::invalid(at + ": '" + key +
                         "' must be a number, string or true/false here (tables such as "
                         "constraints go in [base])");
}

void set_value(toml::table& table, const std::string& key, const SweepValue& value) {
  std::visit([&](const auto& v) { table.insert_or_assign(key, v); }, value);
}

// 64-bit FNV-1a of the sweep file's bytes, as 16 hex digits.
std::string file_hash(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::uint64_t h = 14695981039346656037ULL;
  char c;
  while (in.get(c)) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(h));
  return buffer;
}

// The entries of a TOML table in the order written (toml++ keeps tables sorted by key).
std::vector<std::pair<std::string, const toml::node*>> in_file_order(const toml::table& table) {
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (auto&& [key, node] : table) entries.emplace_back(std::string(key.str()), &node);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const auto& x = a.second->source().begin;
    const auto& y = b.second->source().begin;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  return entries;
}

struct SweepFile {
  SweepSpec spec;
  toml::table base;
  CostModel costs;
  std::string mode;
};

Result<SweepFile> read_sweep_file(const std::string& path) {
  auto parsed = read_toml_file(path, "sweep file");
  if (!parsed) return parsed.status();
  const toml::table& config = *parsed;
  SweepFile out;
  for (const auto& [key, node_pointer] : in_file_order(config)) {
    const toml::node& node = *node_pointer;
    if (key != "sweep" && key != "trading" && key != "base" && key != "axes" && key != "point") {
      return Status::invalid(toml_where(path, node) + ": unknown key '" + key +
                             "'; a sweep file has [sweep], [trading], [base], [axes] and "
                             "[[point]]");
    }
  }
  std::string mode = config.contains("point") ? "list" : "grid";
  if (const toml::table* s = config["sweep"].as_table()) {
    for (auto&& [key_view, node] : *s) {
      const std::string key(key_view.str());
      if (key == "mode") {
        auto m = node.value<std::string>();
        if (!m || (*m != "grid" && *m != "list" && *m != "sample")) {
          return Status::invalid(toml_where(path, node) +
                                 ": sweep.mode must be \"grid\", \"list\" or \"sample\"");
        }
        mode = *m;
      } else if (key == "sample" || key == "seed") {
        auto v = node.value_exact<std::int64_t>();
        if (!v || *v < 0) {
          return Status::invalid(toml_where(path, node) + ": sweep." + key +
                                 " must be a whole number >= 0");
        }
        (key == "sample" ? out.spec.sample : out.spec.seed) = static_cast<std::uint64_t>(*v);
        if (key == "sample" && !s->contains("mode")) mode = "sample";
      } else {
        return Status::invalid(toml_where(path, node) + ": unknown key 'sweep." + key +
                               "'; [sweep] has mode, sample, seed");
      }
    }
  } else if (config.contains("sweep")) {
    return Status::invalid(path + ": 'sweep' must be a table [sweep]");
  }
  out.mode = mode;
  out.spec.mode = mode == "list"     ? SweepMode::kList
                  : mode == "sample" ? SweepMode::kSample
                                     : SweepMode::kGrid;
  if (const toml::node* base = config.get("base")) {
    const toml::table* t = base->as_table();
    if (t == nullptr) return Status::invalid(toml_where(path, *base) + ": 'base' must be a table");
    for (auto&& [key_view, node] : *t) {
      const std::string key(key_view.str());
      if (!is_point_key(key)) return unknown_key(toml_where(path, node), key, "[base]");
    }
    out.base = *t;
  }
  if (out.spec.mode != SweepMode::kList) {
    const toml::table* axes = config["axes"].as_table();
    if (axes == nullptr || axes->empty()) {
      return Status::invalid(path + ": a " + mode + " sweep needs [axes] with key = [values]");
    }
    if (config.contains("point")) {
      return Status::invalid(path + ": [[point]] entries need mode = \"list\" (this sweep is a " +
                             mode + ")");
    }
    for (const auto& [key, node_pointer] : in_file_order(*axes)) {
      const toml::node& node = *node_pointer;
      const std::string at = toml_where(path, node);
      if (!is_point_key(key)) return unknown_key(at, key, "[axes]");
      const toml::array* values = node.as_array();
      if (values == nullptr) {
        return Status::invalid(at + ": axes." + key + " must be a list of values, e.g. [1, 2]");
      }
      if (values->empty()) {
        return Status::invalid(at + ": axis '" + key + "' has no values; give at least one");
      }
      SweepAxis axis{key, {}};
      for (const auto& v : *values) {
        auto value = scalar(v, at, "axes." + key);
        if (!value) return value.status();
        axis.values.push_back(*value);
      }
      out.spec.axes.push_back(std::move(axis));
    }
  } else {
    if (config.contains("axes")) {
      return Status::invalid(path + ": a list sweep takes [[point]] entries, not [axes]");
    }
    const toml::array* points = config["point"].as_array();
    if (points == nullptr || points->empty()) {
      return Status::invalid(path + ": a list sweep needs [[point]] entries");
    }
    for (const auto& item : *points) {
      const toml::table* t = item.as_table();
      if (t == nullptr) {
        return Status::invalid(toml_where(path, item) + ": [[point]] entries are tables");
      }
      std::vector<std::pair<std::string, SweepValue>> values;
      for (const auto& [key, node_pointer] : in_file_order(*t)) {
        const toml::node& node = *node_pointer;
        if (!is_point_key(key)) return unknown_key(toml_where(path, node), key, "[[point]]");
        auto value = scalar(node, toml_where(path, node), key);
        if (!value) return value.status();
        values.emplace_back(key, *value);
      }
      out.spec.points.push_back(std::move(values));
    }
  }
  auto costs = read_trading(config, path);
  if (!costs) return costs.status();
  out.costs = *costs;
  KEEL_RETURN_IF_ERROR(out.spec.validate().with_context(path));
  return out;
}

// The strategy and run options of one point: [base] with the point's values on top.
Result<SweepJob> make_job(const SweepFile& file, const SweepPoint& point, const std::string& path,
                          const SweepArgs& args, const std::vector<std::string>& assets,
                          double periods_per_year) {
  toml::table table = file.base;
  for (const auto& [key, value] : point.values) set_value(table, key, value);
  SweepJob job;
  BacktestOptions& o = job.options;
  o.periods_per_year = periods_per_year;
  o.risk_free_rate = args.risk_free;
  o.costs = file.costs;
  const std::string at = path + " (point " + std::to_string(point.index) + ")";
  for (const std::string& key : kRunKeys) {
    const toml::node* node = table.get(key);
    if (node == nullptr) continue;
    if (key == "expanding") {
      auto b = node->value_exact<bool>();
      if (!b) return Status::invalid(at + ": expanding must be true or false");
      o.expanding = *b;
    } else if (key == "initial_value") {
      auto v = node->value<double>();
      if (!v) return Status::invalid(at + ": initial_value must be a number");
      o.initial_value = *v;
    } else {
      auto v = node->value_exact<std::int64_t>();
      if (!v) return Status::invalid(at + ": " + key + " must be a whole number");
      (key == "window" ? o.window : key == "lag" ? o.lag : o.min_history) = static_cast<int>(*v);
    }
    table.erase(key);
  }
  table.insert_or_assign("name", "point-" + std::to_string(point.index));
  StrategyDefaults defaults;
  defaults.risk_free = args.risk_free;
  defaults.metadata = args.metadata;
  auto strategy = read_strategy(table, table, path, defaults, assets, /*benchmark=*/false);
  if (!strategy) return strategy.status().with_context("point " + std::to_string(point.index));
  job.strategy = std::move(*strategy);
  KEEL_RETURN_IF_ERROR(job.options.validate().with_context(at));
  return job;
}

// Every number of a point's result, by name, for the CSV, the JSON and the checkpoint.
struct DoubleField {
  const char* name;
  double BacktestMetrics::*field;
};
const DoubleField kDoubleMetrics[] = {
    {"total_return", &BacktestMetrics::total_return},
    {"cagr", &BacktestMetrics::cagr},
    {"volatility", &BacktestMetrics::volatility},
    {"sharpe", &BacktestMetrics::sharpe},
    {"sortino", &BacktestMetrics::sortino},
    {"calmar", &BacktestMetrics::calmar},
    {"max_drawdown", &BacktestMetrics::max_drawdown},
    {"max_drawdown_duration_days", &BacktestMetrics::max_drawdown_duration_days},
    {"cvar_95", &BacktestMetrics::cvar_95},
    {"turnover_annual", &BacktestMetrics::turnover_annual},
    {"total_turnover", &BacktestMetrics::total_turnover},
    {"cost_bps_per_year", &BacktestMetrics::cost_bps_per_year},
    {"costs_total_value", &BacktestMetrics::costs_total_value},
    {"costs_fraction", &BacktestMetrics::costs_fraction},
    {"average_holdings", &BacktestMetrics::average_holdings},
};
struct IntField {
  const char* name;
  int BacktestMetrics::*field;
};
const IntField kIntMetrics[] = {
    {"max_drawdown_duration", &BacktestMetrics::max_drawdown_duration},
    {"rebalances", &BacktestMetrics::rebalances},
    {"fallbacks", &BacktestMetrics::fallbacks},
};

double number_of(const Json& j) {
  return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

// One checkpoint line: the point's result, doubles written so that they read back bit for bit.
Json point_json(const SweepPointResult& r) {
  Json metrics = Json::object();
  for (const auto& f : kDoubleMetrics) metrics[f.name] = json_number(r.metrics.*f.field);
  for (const auto& f : kIntMetrics) metrics[f.name] = r.metrics.*f.field;
  return {{"point", r.index},
          {"status", r.status ? std::string("ok") : r.status.message()},
          {"metrics", metrics},
          {"sharpe_per_period", json_number(r.sharpe_per_period)},
          {"skewness", json_number(r.skewness)},
          {"kurtosis", json_number(r.kurtosis)},
          {"observations", r.observations},
          {"elapsed_ms", json_number(r.elapsed_ms)}};
}

SweepPointResult point_from_json(const Json& j) {
  SweepPointResult r;
  r.index = j.at("point").get<std::size_t>();
  const std::string status = j.at("status").get<std::string>();
  if (status != "ok") r.status = Status::invalid(status);
  const Json& m = j.at("metrics");
  for (const auto& f : kDoubleMetrics) r.metrics.*f.field = number_of(m.at(f.name));
  for (const auto& f : kIntMetrics) r.metrics.*f.field = m.at(f.name).get<int>();
  r.sharpe_per_period = number_of(j.at("sharpe_per_period"));
  r.skewness = number_of(j.at("skewness"));
  r.kurtosis = number_of(j.at("kurtosis"));
  r.observations = j.at("observations").get<int>();
  return r;
}

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string number_text(double v) { return std::isfinite(v) ? sweep_value_text(v) : ""; }

int run_sweep_verb(SweepArgs& args) {
  namespace fs = std::filesystem;
  // Under mpirun/srun a build without MPI runs threaded on the first rank only.
  for (const char* var : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "SLURM_PROCID"}) {
    if (const char* rank = std::getenv(var)) {
      if (std::atoi(rank) != 0) return 0;
      std::cerr << "keel sweep: this build has no MPI (" << var
                << " is set); the sweep runs in threads on this process only\n";
      break;
    }
  }
  auto file = read_sweep_file(args.sweep);
  if (!file) return report_error(file.status());
  auto size = sweep_size(file->spec);
  if (!size) return report_error(size.status().with_context(args.sweep));
  if (*size > args.max_points && !args.yes) {
    return report_error(Status::invalid(args.sweep + ": the sweep has " + std::to_string(*size) +
                                        " points, more than --max-points " +
                                        std::to_string(args.max_points) +
                                        "; pass --yes to run it or raise --max-points"));
  }
  auto points = expand_sweep(file->spec);
  if (!points) return report_error(points.status().with_context(args.sweep));
  auto market = load_market(args.prices);
  if (!market) return report_error(market.status());
  const PricePanel& panel = market->panel;
  std::vector<SweepJob> jobs;
  jobs.reserve(points->size());
  for (const auto& point : *points) {
    auto job =
        make_job(*file, point, args.sweep, args, panel.assets, market->frequency.periods_per_year);
    if (!job) return report_error(job.status());
    jobs.push_back(std::move(*job));
  }

  // The checkpoint: a header line with the sweep file's hash, then one line per finished point.
  const std::string hash = file_hash(args.sweep);
  const fs::path dir(args.output);
  const fs::path checkpoint = dir / "points.jsonl";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return report_error(Status::invalid(args.output + ": cannot create the directory"));
  std::vector<SweepPointResult> done(jobs.size());
  std::vector<bool> skip(jobs.size(), false);
  std::size_t resumed = 0;
  if (fs::exists(checkpoint)) {
    if (!args.resume) {
      return report_error(
          Status::invalid(args.output +
                          " already holds a sweep (points.jsonl); pass --resume to continue it or "
                          "choose another -o directory"));
    }
    std::ifstream in(checkpoint);
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
      Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded()) continue;  // a line cut by a kill
      if (header) {
        header = false;
        const std::string old = j.value("sweep_file_hash", std::string());
        if (old != hash) {
          return report_error(Status::invalid(args.output +
                                              " was written by a different sweep file (hash " +
                                              old + ", " + args.sweep + " has " + hash +
                                              "); resume with the original file or use another -o "
                                              "directory"));
        }
        continue;
      }
      try {
        SweepPointResult r = point_from_json(j);
        if (r.index < jobs.size() && !skip[r.index]) {
          skip[r.index] = true;
          done[r.index] = r;
          ++resumed;
        }
      } catch (const Json::exception&) {
        continue;  // not a complete point
      }
    }
  }
  std::ofstream log(checkpoint,
                    resumed > 0 || fs::exists(checkpoint) ? std::ios::app : std::ios::trunc);
  if (!log) return report_error(Status::invalid(checkpoint.string() + ": cannot write"));
  if (fs::file_size(checkpoint, ec) == 0) {
    log << Json({{"sweep_file_hash", hash}, {"points", jobs.size()}}).dump() << "\n" << std::flush;
  }

  Context context;
  context.set_threads(args.threads);
  const auto start = std::chrono::steady_clock::now();
  const std::size_t todo = jobs.size() - resumed;
  std::size_t finished = 0;
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (!args.quiet && resumed > 0) {
    std::cerr << "keel sweep: resuming, " << resumed << " of " << jobs.size()
              << " points already done\n";
  }
  auto fresh = run_sweep(panel, jobs, skip, context, [&](const SweepPointResult& r) {
    log << point_json(r).dump() << "\n" << std::flush;
    ++finished;
    if (args.quiet) return;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = finished / std::max(seconds, 1e-9);
    const double eta = static_cast<double>(todo - finished) / rate;
    if (tty || finished == todo || finished % std::max<std::size_t>(1, todo / 10) == 0) {
      std::fprintf(stderr, "%ssweep: %zu/%zu points, %.2f points/s, ETA %.0f s%s", tty ? "\r" : "",
                   finished + resumed, jobs.size(), rate, eta, tty ? "" : "\n");
      std::fflush(stderr);
    }
  });
  if (tty && !args.quiet) std::fprintf(stderr, "\n");
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (!skip[i]) {
      // What the files hold is what a resumed run reads back from the checkpoint.
      done[i] = point_from_json(Json::parse(point_json(fresh[i]).dump()));
    }
  }

  // Parameter columns: every key any point sets, in order of first appearance.
  std::vector<std::string> names;
  for (const auto& p : *points) {
    for (const auto& [key, value] : p.values) {
      if (std::find(names.begin(), names.end(), key) == names.end()) names.push_back(key);
    }
  }
  auto dsr = deflated_sharpe(done);

  std::ofstream csv(dir / "sweep.csv");
  csv << "point";
  for (const auto& n : names) csv << "," << csv_cell(n);
  csv << ",status";
  for (const auto& f : kDoubleMetrics) csv << "," << f.name;
  for (const auto& f : kIntMetrics) csv << "," << f.name;
  csv << ",sharpe_per_period,skewness,kurtosis,observations,psr\n";
  Json rows = Json::array();
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const SweepPointResult& r = done[i];
    const SweepPoint& p = (*points)[i];
    Json parameters = Json::object();
    csv << i;
    for (const auto& n : names) {
      auto at = std::find_if(p.values.begin(), p.values.end(),
                             [&](const auto& kv) { return kv.first == n; });
      csv << ",";
      if (at != p.values.end()) {
        csv << csv_cell(sweep_value_text(at->second));
        parameters[n] = sweep_value_json(at->second);
      }
    }
    const double psr = probabilistic_sharpe_ratio(r.sharpe_per_period, 0.0, r.observations,
                                                  r.skewness, r.kurtosis);
    csv << "," << csv_cell(r.status ? "ok" : r.status.message());
    for (const auto& f : kDoubleMetrics) csv << "," << number_text(r.metrics.*f.field);
    for (const auto& f : kIntMetrics) csv << "," << r.metrics.*f.field;
    csv << "," << number_text(r.sharpe_per_period) << "," << number_text(r.skewness) << ","
        << number_text(r.kurtosis) << "," << r.observations << "," << number_text(psr) << "\n";
    Json row = point_json(r);
    row.erase("elapsed_ms");
    row["parameters"] = parameters;
    row["psr"] = json_number(psr);
    rows.push_back(row);
  }
  csv.close();
  Json doc = {{"sweep_file", args.sweep}, {"sweep_file_hash", hash}, {"mode", file->mode},
              {"points", jobs.size()},    {"parameters", names},     {"results", rows}};
  if (dsr) {
    doc["deflated_sharpe"] = dsr->to_json();
  } else {
    doc["deflated_sharpe"] = nullptr;
  }
  if (const Status s = write_json_file(doc, (dir / "sweep.json").string()); !s) {
    return report_error(s);
  }
  if (!csv) return report_error(Status::invalid((dir / "sweep.csv").string() + ": cannot write"));

  // The summary: the five best points by Sharpe and the best one's haircut.
  std::vector<std::size_t> order;
  std::size_t failed = 0;
  for (std::size_t i = 0; i < done.size(); ++i) {
    if (done[i].status) {
      order.push_back(i);
    } else {
      ++failed;
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return done[a].metrics.sharpe > done[b].metrics.sharpe;
  });
  std::cout << "sweep " << jobs.size() << " points (" << file->mode << "), " << failed
            << " failed; results in " << args.output << "/sweep.csv and sweep.json\n\n";
  Table table;
  table.add_column("point");
  for (const auto& n : names) table.add_column(n, Align::kLeft);
  for (const char* c : {"Sharpe", "CAGR", "vol", "max DD", "PSR"}) table.add_column(c);
  for (std::size_t k = 0; k < order.size() && k < 5; ++k) {
    const auto& r = done[order[k]];
    std::vector<std::string> cells = {std::to_string(order[k])};
    for (const auto& n : names) {
      const auto& values = (*points)[order[k]].values;
      auto at =
          std::find_if(values.begin(), values.end(), [&](const auto& kv) { return kv.first == n; });
      cells.push_back(at != values.end() ? sweep_value_text(at->second) : "");
    }
    cells.push_back(format_fixed(r.metrics.sharpe, 2));
    cells.push_back(format_percent(r.metrics.cagr));
    cells.push_back(format_percent(r.metrics.volatility));
    cells.push_back(format_percent(r.metrics.max_drawdown));
    cells.push_back(format_fixed(probabilistic_sharpe_ratio(r.sharpe_per_period, 0.0,
                                                            r.observations, r.skewness, r.kurtosis),
                                 3));
    table.add_row(cells);
  }
  table.render(std::cout);
  if (dsr) {
    std::cout << "\nbest point " << dsr->best << ": Sharpe " << format_fixed(dsr->sharpe, 2)
              << ", probabilistic Sharpe ratio " << format_fixed(dsr->psr, 3)
              << ", deflated Sharpe ratio " << format_fixed(dsr->dsr, 3) << " over " << dsr->trials
              << " trials (Bailey & Lopez de Prado 2014)\n";
  }
  return failed == jobs.size() ? 3 : 0;
}

}  // namespace

Verb register_sweep(CLI::App& app) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* cmd =
      app.add_subcommand("sweep", "Walk-forward backtests over a grid of strategies (threads)");
  cmd->footer(R"(Example:
  keel sweep --prices prices.csv --sweep grid.toml -o results/

grid.toml:
  [sweep]
  mode = "grid"                # grid (cartesian product, first axis slowest), list, sample
  # sample = 20                # sample: that many distinct grid points, drawn with seed
  # seed = 1
  [trading]                    # as in `keel backtest`
  fee_bps = 10
  [base]                       # a [[strategy]] of `keel backtest` (no name) plus run options
  model = "min-variance"       #   window, expanding, min_history, lag, initial_value
  window = 180
  rebalance = "monthly"
  [axes]                       # key = [values]: any key of [base]
  model = ["min-variance", "max-sharpe", "hrp"]
  cov = ["sample", "ledoit-wolf"]
  max_weight = [0.2, 0.5]
  # mode = "list" takes [[point]] tables (key = value) instead of [axes]

Writes results/sweep.csv and results/sweep.json (one row per point: parameters and every metric,
in point order whatever --threads), results/points.jsonl (the checkpoint read by --resume), and
prints the best points with the probabilistic and deflated Sharpe ratios.)");
  args->prices.missing = "pairwise";
  add_price_options(*cmd, args->prices, /*prices_required=*/true);
  cmd->add_option("--sweep", args->sweep, "The sweep file (TOML)")->required();
  cmd->add_option("-o,--output", args->output, "Directory for the results")->required();
  cmd->add_option("--threads", args->threads, "Points run at once (0 = all cores)")
      ->capture_default_str();
  cmd->add_option("--max-points", args->max_points, "Refuse larger sweeps unless --yes")
      ->capture_default_str();
  cmd->add_flag("--yes", args->yes, "Run a sweep larger than --max-points");
  cmd->add_flag("--resume", args->resume,
                "Continue the sweep in the -o directory, skipping finished points");
  cmd->add_option("--metadata", args->metadata, "Asset metadata CSV (group constraints)");
  add_risk_free_option(*cmd, args->risk_free);
  cmd->add_flag("--quiet", args->quiet, "No progress on stderr");
  return {cmd, [args] { return run_sweep_verb(*args); }};
}

}  // namespace keel::cli
