// End-to-end tests of `keel sweep` (issue #23): the grid's rows in point order, the same files
// whatever --threads, a killed-and-resumed sweep giving the same files, bad sweep files and
// resume directories refused with exit 2 naming the key or file, and a point's metrics equal to
// the same strategy run by `keel backtest`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

const char* kGrid = R"([sweep]
mode = "grid"
[trading]
fee_bps = 10
[base]
model = "min-variance"
cov = "sample"
rebalance = "every:20"
window = 60
[axes]
model = ["min-variance", "max-sharpe", "equal-weight"]
max_weight = [0.3, 0.6]
window = [60, 90]
)";

class CliSweep : public ::testing::Test {
 protected:
  void SetUp() override {
    prices_ = dir_.file("prices.csv");
    const auto sim = run_keel("simulate --assets 6 --days 400 --seed 3 -o '" + prices_ + "'", dir_);
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.file(name)) << text;
  }
  CommandResult sweep(const std::string& file, const std::string& out,
                      const std::string& extra = "") const {
    return run_keel("sweep --prices '" + prices_ + "' --sweep '" + dir_.file(file) + "' -o '" +
                        dir_.file(out) + "' " + extra,
                    dir_);
  }
  std::string text(const std::string& name) const { return read_text(dir_.file(name)); }
  TempDir dir_;
  std::string prices_;
};

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST_F(CliSweep, GridRowsInPointOrderWithTheDeflatedSharpe) {
  write("grid.toml", kGrid);
  const auto r = sweep("grid.toml", "res", "--threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("deflated Sharpe ratio"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("12/12 points"), std::string::npos) << r.err;
  const auto csv = lines(text("res/sweep.csv"));
  ASSERT_EQ(csv.size(), 13u);
  EXPECT_EQ(csv[0].rfind("point,model,max_weight,window,status,total_return,cagr", 0), 0u)
      << csv[0];
  // Nested loops, first axis slowest.
  std::size_t k = 1;
  for (const char* model : {"min-variance", "max-sharpe", "equal-weight"}) {
    for (const char* w : {"0.3", "0.6"}) {
      for (const char* window : {"60", "90"}) {
        EXPECT_EQ(
            csv[k].rfind(std::to_string(k - 1) + "," + model + "," + w + "," + window + ",ok,", 0),
            0u)
            << csv[k];
        ++k;
      }
    }
  }
  const auto doc = nlohmann::json::parse(text("res/sweep.json"));
  ASSERT_EQ(doc["results"].size(), 12u);
  EXPECT_EQ(doc["results"][3]["parameters"]["model"], "min-variance");
  EXPECT_EQ(doc["results"][3]["parameters"]["window"], 90);
  const auto& dsr = doc["deflated_sharpe"];
  EXPECT_EQ(dsr["trials"], 12);
  // The best point is the highest Sharpe of the rows.
  double best = -1e300;
  for (const auto& row : doc["results"])
    best = std::max(best, row["metrics"]["sharpe"].get<double>());
  EXPECT_EQ(dsr["sharpe"].get<double>(), best);
  EXPECT_LE(dsr["deflated_sharpe_ratio"].get<double>(),
            dsr["probabilistic_sharpe_ratio"].get<double>());
}

TEST_F(CliSweep, SameFilesWhateverTheThreadCount) {
  write("grid.toml", kGrid);
  ASSERT_EQ(sweep("grid.toml", "one", "--threads 1 --quiet").exit_code, 0);
  ASSERT_EQ(sweep("grid.toml", "two", "--threads 2 --quiet").exit_code, 0);
  EXPECT_EQ(text("one/sweep.csv"), text("two/sweep.csv"));
  EXPECT_EQ(text("one/sweep.json"), text("two/sweep.json"));
}

TEST_F(CliSweep, AKilledSweepResumesToTheSameFiles) {
  write("grid.toml", kGrid);
  ASSERT_EQ(sweep("grid.toml", "full", "--quiet").exit_code, 0);
  ASSERT_EQ(sweep("grid.toml", "cut", "--quiet --threads 2").exit_code, 0);
  // As if killed after five points, one of them half written.
  auto checkpoint = lines(text("cut/points.jsonl"));
  ASSERT_EQ(checkpoint.size(), 13u);
  {
    std::ofstream out(dir_.file("cut/points.jsonl"));
    for (std::size_t i = 0; i < 6; ++i) out << checkpoint[i] << "\n";
    out << checkpoint[6].substr(0, checkpoint[6].size() / 2);
  }
  std::filesystem::remove(dir_.file("cut/sweep.csv"));
  std::filesystem::remove(dir_.file("cut/sweep.json"));
  const auto again = sweep("grid.toml", "cut", "--threads 2");
  EXPECT_EQ(again.exit_code, 2) << "without --resume an existing sweep is refused";
  EXPECT_NE(again.err.find("--resume"), std::string::npos) << again.err;
  const auto resumed = sweep("grid.toml", "cut", "--resume --threads 2");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("5 of 12 points already done"), std::string::npos) << resumed.err;
  EXPECT_EQ(text("full/sweep.csv"), text("cut/sweep.csv"));
  EXPECT_EQ(text("full/sweep.json"), text("cut/sweep.json"));
  // A different sweep file is refused, naming the directory.
  write("other.toml", std::string(kGrid) + "# changed\n");
  const auto other = sweep("other.toml", "cut", "--resume");
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("different sweep file"), std::string::npos) << other.err;
}

TEST_F(CliSweep, SampleIsSeededAndListRunsItsPoints) {
  write("sample.toml", std::string(kGrid) + "");
  std::string sampled = kGrid;
  sampled.replace(sampled.find("mode = \"grid\""), 13, "mode = \"sample\"\nsample = 4\nseed = 9");
  write("sample.toml", sampled);
  ASSERT_EQ(sweep("sample.toml", "s1", "--quiet").exit_code, 0);
  ASSERT_EQ(sweep("sample.toml", "s2", "--quiet --threads 2").exit_code, 0);
  EXPECT_EQ(lines(text("s1/sweep.csv")).size(), 5u);
  EXPECT_EQ(text("s1/sweep.csv"), text("s2/sweep.csv"));
  write("list.toml", R"([sweep]
mode = "list"
[base]
rebalance = "every:20"
window = 60
[[point]]
model = "hrp"
[[point]]
model = "min-variance"
max_weight = 0.5
)");
  const auto r = sweep("list.toml", "l", "--quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto csv = lines(text("l/sweep.csv"));
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv[1].rfind("0,hrp,,ok", 0), 0u) << csv[1];
  EXPECT_EQ(csv[2].rfind("1,min-variance,0.5,ok", 0), 0u) << csv[2];
}

TEST_F(CliSweep, BadSweepFilesExit2NamingTheKey) {
  struct Case {
    std::string file;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"[axes]\nmodel = [\"hrp\"]\nfoo = [1, 2]\n", "unknown key 'foo' in [axes]"},
      {"[axes]\nmodel = []\n", "axis 'model' has no values"},
      {"[base]\nmodle = \"hrp\"\n[axes]\nwindow = [60]\n", "unknown key 'modle' in [base]"},
      {"[grid]\nmodel = [\"hrp\"]\n", "unknown key 'grid'"},
      {"[sweep]\nmode = \"random\"\n[axes]\nwindow = [60]\n", "sweep.mode must be"},
      {"[sweep]\nsample = 5\nseed = 1\n[axes]\nwindow = [60, 90]\n", "more than the grid's 2"},
      {"[axes]\nmodel = [\"no-such-model\"]\nwindow = [60]\n", "point 0"},
  };
  for (const auto& c : cases) {
    write("bad.toml", c.file);
    const auto r = sweep("bad.toml", "bad-out", "--quiet");
    EXPECT_EQ(r.exit_code, 2) << c.file << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.file << "\n" << r.err;
    EXPECT_NE(r.err.find("bad.toml"), std::string::npos) << r.err;
  }
  write("grid.toml", kGrid);
  const auto capped = sweep("grid.toml", "capped", "--max-points 5");
  EXPECT_EQ(capped.exit_code, 2);
  EXPECT_NE(capped.err.find("12 points, more than --max-points 5; pass --yes"), std::string::npos)
      << capped.err;
}

TEST_F(CliSweep, APointEqualsTheSameStrategyRunByBacktest) {
  write("grid.toml", kGrid);
  ASSERT_EQ(sweep("grid.toml", "res", "--quiet").exit_code, 0);
  const auto doc = nlohmann::json::parse(text("res/sweep.json"));
  // Point 5: max-sharpe, max_weight 0.3, window 90.
  const auto& row = doc["results"][5];
  ASSERT_EQ(row["parameters"]["model"], "max-sharpe");
  ASSERT_EQ(row["parameters"]["window"], 90);
  write("bt.toml", R"(window = 90
[trading]
fee_bps = 10
[[strategy]]
name = "same"
model = "max-sharpe"
cov = "sample"
rebalance = "every:20"
max_weight = 0.3
)");
  const auto bt = run_keel("backtest --quiet --prices '" + prices_ + "' --config '" +
                               dir_.file("bt.toml") + "' -o '" + dir_.file("bt.json") + "'",
                           dir_);
  ASSERT_EQ(bt.exit_code, 0) << bt.err;
  const auto b = nlohmann::json::parse(text("bt.json"));
  const auto& m = b["strategies"][0]["metrics"];
  for (const char* key :
       {"total_return", "cagr", "volatility", "sharpe", "sortino", "max_drawdown", "cvar_95",
        "turnover_annual", "cost_bps_per_year", "average_holdings", "rebalances", "fallbacks"}) {
    EXPECT_EQ(row["metrics"][key], m[key]) << key;
  }
}

}  // namespace
}  // namespace keel::testing
