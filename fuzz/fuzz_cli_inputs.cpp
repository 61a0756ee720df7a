// Fuzz target: the command line's own readers (apps/keel), driven in process through
// keel::cli::run_cli exactly as a user's files reach them: every TOML reader (the book file of
// optimize/frontier with groups, bounds, holdings and costs; backtest strategies; Black–Litterman
// views; stress shocks, as a --shocks file and inside --config), the weights and holdings
// readers (CSV and the JSON weights document), and the positions book and hedges readers of
// `keel positions --book` and `keel hedge --hedges` (apps/keel/positions_config.cpp). Byte 0
// picks the scenario (modulo 12; the table in LLVMFuzzerTestOneInput), the rest is the file.
//
// The prices and metadata are a small simulated market written once (keel simulate, 4 assets,
// 160 days, seed 3: KBT, ETR and two others), with a fixed positions book for `keel hedge`.
// Contract: no crash, no sanitizer report, and no exit code 1 (keel's "internal error": an
// exception that escaped a reader); 0, 2, 3 and 4 are all answers.
//
// Inputs containing '/' are skipped: every path a fuzzed file could name (an `output` or
// `report` key) then stays inside this process's scratch folder, the current directory.
#include <unistd.h>

#include <iostream>
#include <sstream>
#include <vector>

#include "fuzz_support.hpp"
#include "verb.hpp"

namespace {

int run(std::vector<std::string> args) {
  args.insert(args.begin(), "keel");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The verbs print to std::cout / std::cerr; keep libFuzzer's own output readable.
  std::ostringstream sink;
  auto* out = std::cout.rdbuf(sink.rdbuf());
  auto* err = std::cerr.rdbuf(sink.rdbuf());
  const int code = keel::cli::run_cli(static_cast<int>(args.size()), argv.data());
  std::cout.rdbuf(out);
  std::cerr.rdbuf(err);
  return code;
}

struct Market {
  std::string prices, metadata, weights, book;
};

// The book `keel hedge --hedges <fuzzed file>` hedges: spot KBT and a linear ETR perpetual.
constexpr const char* kHedgedBook = R"(quote = "USD"
cash = 1000
[[position]]
name = "kbt"
kind = "spot"
asset = "KBT"
quantity = 0.5
[[position]]
name = "etr-perp"
kind = "perp"
underlying = "ETR"
contracts = 10
entry_price = 100
margin = 500
)";

const Market& market() {
  static const Market m = [] {
    const auto dir = keel::fuzz::scratch_dir();
    std::filesystem::current_path(dir);
    Market mk{(dir / "prices.csv").string(), (dir / "prices_metadata.csv").string(),
              (dir / "weights.csv").string(), (dir / "hedged_book.toml").string()};
    const int code =
        run({"simulate", "--assets", "4", "--days", "160", "--seed", "3", "-o", mk.prices});
    keel::fuzz::check(code == 0, "keel simulate failed in the fuzz set-up");
    // Equal weights over the simulated assets (their names from the metadata file).
    std::ifstream meta(mk.metadata);
    std::string line;
    std::getline(meta, line);
    std::ostringstream w;
    w << "asset,weight\n";
    while (std::getline(meta, line)) w << line.substr(0, line.find(',')) << ",0.25\n";
    keel::fuzz::write_input("weights.csv", w.str());
    keel::fuzz::write_input("hedged_book.toml", kHedgedBook);
    return mk;
  }();
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  if (body.find('/') != std::string_view::npos) return 0;
  const Market& m = market();
  const int scenario = data[0] % 12;
  std::vector<std::string> args;
  const char* names[] = {"book.toml",    "book.toml",    "strategies.toml", "views.toml",
                         "shocks.toml",  "stress.toml",  "w.csv",           "w.json",
                         "holdings.csv", "holdings.csv", "positions.toml",  "hedges.toml"};
  const std::string file = keel::fuzz::write_input(names[scenario], body);
  switch (scenario) {
    case 0:
      args = {"optimize", "--prices", m.prices, "--metadata", m.metadata, "--config", file};
      break;
    case 1:
      args = {"frontier", "--prices", m.prices,   "--metadata", m.metadata,
              "--points", "3",        "--config", file};
      break;
    case 2:
      args = {"backtest",  "--prices", m.prices,  "--metadata", m.metadata,
              "--threads", "1",        "--quiet", "--config",   file};
      break;
    case 3:
      args = {"optimize", "--prices", m.prices, "--model", "black-litterman", "--views", file};
      break;
    case 4:
      args = {"stress",    "--prices", m.prices,   "--metadata", m.metadata,
              "--weights", m.weights,  "--shocks", file};
      break;
    case 5:
      args = {"stress",    "--prices", m.prices,   "--metadata", m.metadata,
              "--weights", m.weights,  "--config", file};
      break;
    case 6:
    case 7:
      args = {"risk", "--prices", m.prices, "--weights", file};
      break;
    case 8:
      args = {"risk", "--prices", m.prices, "--holdings", file};
      break;
    case 10:
      args = {"positions", "--prices", m.prices, "--book", file};
      break;
    case 11:
      args = {"hedge", "--prices", m.prices, "--book", m.book, "--hedges", file};
      break;
    default:
      args = {"allocate", "--prices",   m.prices, "--metadata", m.metadata, "--weights",
              m.weights,  "--holdings", file,     "--cash",     "1000"};
      break;
  }
  const int code = run(args);
  keel::fuzz::check(code != 1, "keel exited 1 (internal error) on scenario",
                    std::to_string(scenario));
  return 0;
}
