// The exit-code audit of issue #24 item 6: every row of the table in docs/exit-codes.md is run
// here, read from the page itself so that the page and the test cannot drift apart. A row's
// command runs in a scratch folder holding the files its placeholders name; the exit code must
// be the row's, and stdout and stderr together must contain the row's text.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

struct ExitRow {
  int line = 0;
  std::string verb;
  std::string condition;
  std::string command;  // without backticks; "—" = documented, not run
  int code = -1;
  std::string contains;
};

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {  // skip the leading '|'
    if (line[i] == '|') {
      out.push_back(trim(cell));
      cell.clear();
    } else {
      cell.push_back(line[i]);
    }
  }
  return out;
}

const char* const kPage = KEEL_SOURCE_DIR "/docs/exit-codes.md";

// The rows of the table whose header is "| verb | condition | command | code | output contains |".
std::vector<ExitRow> read_rows() {
  std::ifstream in(kPage);
  std::vector<ExitRow> rows;
  std::string line;
  bool in_table = false;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.rfind("| verb | condition | command | code | output contains |", 0) == 0) {
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    if (line.rfind("|", 0) != 0) break;
    if (line.rfind("| ---", 0) == 0) continue;
    const auto c = cells(line);
    ExitRow row;
    row.line = number;
    if (c.size() == 5) {
      row.verb = c[0];
      row.condition = c[1];
      row.command = c[2];
      if (row.command.size() >= 2 && row.command.front() == '`' && row.command.back() == '`') {
        row.command = row.command.substr(1, row.command.size() - 2);
      }
      try {
        row.code = std::stoi(c[3]);
      } catch (...) {
        row.code = -1;
      }
      row.contains = c[4];
    }
    rows.push_back(row);
  }
  return rows;
}

std::string row_name(const ::testing::TestParamInfo<ExitRow>& info) {
  std::string name = "line" + std::to_string(info.param.line) + "_" + info.param.verb;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// The files of the page's placeholder table, written once for the whole suite.
class ExitCodes : public ::testing::TestWithParam<ExitRow> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto sim = run_keel(
        "simulate --assets 6 --days 730 --seed 7 -o '" + dir_->file("prices.csv") + "'", *dir_);
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
    write(dir_->file("weights.csv"), "asset,weight\nKBT,0.5\nETR,0.3\nKUSD,0.2\n");
    write(dir_->file("bad-prices.csv"), "date,A,B\n2020-01-01,1,2\n2020-01-02,-1,2\n");
    write(dir_->file("book.toml"),
          "quote = \"USD\"\ncash = 1000\n[[position]]\nname = \"kbt\"\nkind = \"spot\"\n"
          "asset = \"KBT\"\nquantity = 0.5\n");
    const std::string hedges =
        "objective = \"cvar\"\nalpha = 0.95\n[[candidate]]\nname = \"KBT-PERP\"\nkind = "
        "\"perp\"\nunderlying = \"KBT\"\ncontract_size = 0.001\nmin = -2000\nmax = 2000\n";
    write(dir_->file("hedges.toml"), hedges);
    write(dir_->file("hedges-infeasible.toml"), hedges + "\n[delta]\nKBT = [5, 6]\n");
    write(dir_->file("strategies.toml"),
          "window = 180\nrebalance = \"monthly\"\n[[strategy]]\nname = \"mv\"\nmodel = "
          "\"min-variance\"\n");
    write(dir_->file("sweep.toml"),
          "[base]\nwindow = 180\nrebalance = \"monthly\"\n[axes]\nmodel = [\"min-variance\", "
          "\"equal-weight\"]\n");
    write(dir_->file("shocks.toml"),
          "[[scenario]]\nname = \"KBT -50%\"\n[[scenario.shock]]\nassets = [\"KBT\"]\n"
          "return = -0.5\n");
    write(dir_->file("pool.csv"),
          "timestamp,netAmount0,netAmount1,closeTick,openTick,lowestTick,highestTick,inAmount0,"
          "inAmount1,currentLiquidity\n"
          "2023-08-13 00:00:00,0,0,0,0,0,0,0,0,0\n"
          "2023-08-13 00:01:00,0,0,10,0,0,10,1000,0,0\n"
          "2023-08-13 00:02:00,0,0,-20,10,-20,10,0,500,0\n"
          "2023-08-13 00:03:00,0,0,150,-20,-20,150,7000,0,0\n");
    write(dir_->file("quotes-bad.csv"), "symbol,price\nKBT,40000\nETR,2\n");
    write(dir_->file("factors-2000.csv"), "date,MKT\n2000-01-01,0.01\n2000-01-02,-0.02\n");
    write(dir_->file("metadata.csv"),
          "symbol,sector\nKBT,l1\nETR,l1\nKUSD,stable\nSOLR,l1\nDXP,defi\nPLX,defi\n");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static std::string expand(std::string command) {
    const std::vector<std::pair<std::string, std::string>> files = {
        {"{prices}", "prices.csv"},
        {"{weights}", "weights.csv"},
        {"{bad-prices}", "bad-prices.csv"},
        {"{book}", "book.toml"},
        {"{hedges}", "hedges.toml"},
        {"{hedges-infeasible}", "hedges-infeasible.toml"},
        {"{strategies}", "strategies.toml"},
        {"{shocks}", "shocks.toml"},
        {"{sweep}", "sweep.toml"},
        {"{pool}", "pool.csv"},
        {"{quotes-bad}", "quotes-bad.csv"},
        {"{factors-2000}", "factors-2000.csv"},
        {"{metadata}", "metadata.csv"},
        {"{missing}", "no-such-file.csv"},
    };
    for (const auto& [placeholder, name] : files) {
      for (auto at = command.find(placeholder); at != std::string::npos;
           at = command.find(placeholder)) {
        command.replace(at, placeholder.size(), "'" + dir_->file(name) + "'");
      }
    }
    const std::string folder = "{dir}";
    for (auto at = command.find(folder); at != std::string::npos; at = command.find(folder)) {
      command.replace(at, folder.size(), dir_->path().string());
    }
    return command;
  }

  static TempDir* dir_;
};

TempDir* ExitCodes::dir_ = nullptr;

TEST_P(ExitCodes, RowOfTheTable) {
  const ExitRow& row = GetParam();
  const std::string where = std::string(kPage) + ":" + std::to_string(row.line);
  ASSERT_FALSE(row.verb.empty()) << where << ": a row needs five cells";
  ASSERT_GE(row.code, 0) << where << ": the code cell is not a number";
  if (row.command == "—")
    GTEST_SKIP() << where << ": documented, not runnable (" << row.condition << ")";
  const std::string command = expand(row.command);
  EXPECT_EQ(command.find('{'), std::string::npos)
      << where << ": unknown placeholder in " << command;
  const auto r = run_keel(command, *dir_);
  EXPECT_EQ(r.exit_code, row.code) << where << ": keel " << command << "\n" << r.err << r.out;
  EXPECT_NE((r.out + r.err).find(row.contains), std::string::npos)
      << where << ": keel " << command << " should print '" << row.contains << "'\n"
      << r.err << r.out;
}

INSTANTIATE_TEST_SUITE_P(DocsExitCodes, ExitCodes, ::testing::ValuesIn(read_rows()), row_name);

// The table covers every verb `keel --help` lists, each with its help and a successful run, and
// every code but the internal error is reached by some row.
TEST(ExitCodesTable, CoversEveryVerbAndCode) {
  const auto rows = read_rows();
  ASSERT_GT(rows.size(), 40u) << kPage << ": the table was not found";
  TempDir dir;
  const auto help = run_keel("--help", dir);
  ASSERT_EQ(help.exit_code, 0);
  std::set<std::string> verbs;
  std::istringstream text(help.out);
  std::string line;
  bool in_list = false;
  while (std::getline(text, line)) {
    if (line.rfind("Subcommands:", 0) == 0) {
      in_list = true;
      continue;
    }
    if (in_list) {
      std::istringstream words(line);
      std::string verb;
      if (!(words >> verb)) break;
      verbs.insert(verb);
    }
  }
  ASSERT_GE(verbs.size(), 13u) << help.out;
  std::set<int> codes;
  for (const auto& verb : verbs) {
    bool has_help = false;
    bool has_ok = false;
    bool has_error = false;
    for (const auto& row : rows) {
      if (row.verb != verb) continue;
      has_help |= row.condition == "help" && row.code == 0;
      has_ok |= row.condition == "ok" && row.code == 0;
      has_error |= row.code == 2;
    }
    EXPECT_TRUE(has_help && has_ok && has_error)
        << kPage << ": verb '" << verb << "' needs a help row, an ok row and an exit-2 row";
  }
  for (const auto& row : rows) {
    if (row.command != "—") codes.insert(row.code);
  }
  EXPECT_EQ(codes, (std::set<int>{0, 2, 3})) << "the codes run by the table";
}

}  // namespace
}  // namespace keel::testing
