// keel allocate from the command line: the trade-list CSV executed against the holdings gives the
// holdings and cash the verb reports; bad input exits 2 naming the file, line and asset; a budget
// below every minimum order exits 3 with the rule named.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli/cli_runner.hpp"

namespace keel::testing {
namespace {

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Three coins with Binance-like rules and quotes.
struct Book {
  TempDir dir;
  Book() {
    write(dir.file("quotes.csv"),
          "symbol,bid,ask\nBTC,43010.5,43012.5\nETH,2301.2,2301.6\nDOGE,0.08011,0.08013\n");
    write(dir.file("meta.csv"),
          "symbol,lot_size,min_notional,min_quantity\nBTC,0.00001,5,0.00001\nETH,0.0001,5,"
          "0.0001\nDOGE,1,5,1\n");
    write(dir.file("w.csv"), "asset,weight\nBTC,0.5\nETH,0.3\nDOGE,0.2\n");
    write(dir.file("holdings.csv"), "asset,quantity\nBTC,0.01\nETH,2.5\nDOGE,100\n");
  }
  std::string f(const std::string& name) const { return "'" + dir.file(name) + "'"; }
};

std::map<std::string, double> read_quantities(const std::string& path) {
  std::map<std::string, double> out;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    out[line.substr(0, comma)] = std::stod(line.substr(comma + 1));
  }
  return out;
}

TEST(CliAllocate, TradeListExecutedGivesTheReportedHoldingsAndCash) {
  Book b;
  const std::string common = "allocate --weights " + b.f("w.csv") + " --quotes " +
                             b.f("quotes.csv") + " --metadata " + b.f("meta.csv") + " --holdings " +
                             b.f("holdings.csv") +
                             " --cash 1500 --cash-reserve 50 --taker-fee-bps 10";
  const auto csv = run_keel(common + " --format csv --write-holdings " + b.f("after.csv"), b.dir);
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const auto json = run_keel(common + " --format json", b.dir);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["status"], "optimal");

  // Execute the pasted trade list: buys at the ask, sells at the bid, 10 bps fee.
  std::map<std::string, double> held = read_quantities(b.dir.file("holdings.csv"));
  const std::map<std::string, std::pair<double, double>> quotes = {
      {"BTC", {43010.5, 43012.5}}, {"ETH", {2301.2, 2301.6}}, {"DOGE", {0.08011, 0.08013}}};
  const std::map<std::string, double> lot = {{"BTC", 0.00001}, {"ETH", 0.0001}, {"DOGE", 1.0}};
  double cash = 1500.0;
  std::istringstream lines(csv.out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "asset,side,quantity,price,notional,fee,spread_cost");
  int orders = 0;
  while (std::getline(lines, line)) {
    std::istringstream cells(line);
    std::string asset, side, quantity;
    std::getline(cells, asset, ',');
    std::getline(cells, side, ',');
    std::getline(cells, quantity, ',');
    const double q = std::stod(quantity);
    // Whole lots, written to the lot's decimals.
    EXPECT_NEAR(q / lot.at(asset), std::round(q / lot.at(asset)), 1e-9) << line;
    const double price = side == "buy" ? quotes.at(asset).second : quotes.at(asset).first;
    EXPECT_GE(q * price, 5.0) << line;
    held[asset] += side == "buy" ? q : -q;
    cash += side == "buy" ? -q * price * 1.001 : q * price * 0.999;
    ++orders;
  }
  EXPECT_EQ(orders, static_cast<int>(doc["orders"].size()));
  EXPECT_GT(orders, 0);
  const auto after = read_quantities(b.dir.file("after.csv"));
  for (const auto& [asset, q] : held) {
    EXPECT_NEAR(after.at(asset), q, 1e-9 * lot.at(asset)) << asset;
    EXPECT_NEAR(doc["holdings"][asset]["quantity"].get<double>(), q, 1e-9 * lot.at(asset));
  }
  EXPECT_NEAR(doc["leftover"].get<double>(), cash, 0.005);
  EXPECT_GE(cash, 50.0);
}

TEST(CliAllocate, TableNamesOrdersAndDistance) {
  Book b;
  const auto r = run_keel("allocate --weights " + b.f("w.csv") + " --quotes " + b.f("quotes.csv") +
                              " --metadata " + b.f("meta.csv") + " --value 10000 --method greedy",
                          b.dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Allocation (greedy, optimal)")) << r.out;
  EXPECT_TRUE(contains(r.out, "weight RMSE")) << r.out;
  EXPECT_TRUE(contains(r.out, "DOGE")) << r.out;
}

TEST(CliAllocate, BudgetBelowEveryMinimumOrderExits3) {
  Book b;
  const auto r = run_keel("allocate --weights " + b.f("w.csv") + " --quotes " + b.f("quotes.csv") +
                              " --metadata " + b.f("meta.csv") + " --value 4 --format json",
                          b.dir);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "conflicting rule: min-notional[")) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["status"], "infeasible");
  EXPECT_TRUE(contains(doc["explanation"].get<std::string>(), "smallest order"));
}

struct BadCase {
  std::string name;
  std::string setup_file;  // file to overwrite
  std::string content;
  std::string extra;  // extra arguments
  std::vector<std::string> message;
};

TEST(CliAllocate, BadInputExits2NamingFileLineAndAsset) {
  const std::vector<BadCase> cases = {
      {"held asset without a price",
       "holdings.csv",
       "asset,quantity\nBTC,0.01\nSOL,3\n",
       "",
       {"holdings.csv:3", "SOL", "no price"}},
      {"negative quantity",
       "holdings.csv",
       "asset,quantity\nBTC,0.01\nETH,-2\n",
       "",
       {"holdings.csv:3", "ETH", ">= 0"}},
      {"non-numeric quantity",
       "holdings.csv",
       "asset,quantity\nBTC,0.01\nETH,two\n",
       "",
       {"holdings.csv:3"}},
      {"negative lot size",
       "meta.csv",
       "symbol,lot_size,min_notional\nBTC,-0.001,5\n",
       "",
       {"meta.csv:2", "lot_size"}},
      {"negative min notional",
       "meta.csv",
       "symbol,lot_size,min_notional\nBTC,0.001,-5\n",
       "",
       {"meta.csv:2", "min_notional"}},
      {"zero default lot size", "", "", " --default-lot-size 0", {"--default-lot-size", "> 0"}},
      {"weight for an asset without a price",
       "w.csv",
       "asset,weight\nBTC,0.5\nETC,0.5\n",
       "",
       {"w.csv:3", "ETC", "not a column"}},
      {"reserve above the value", "", "", " --cash-reserve 1000000", {"--cash-reserve", "below"}},
  };
  for (const auto& c : cases) {
    Book b;
    if (!c.setup_file.empty()) write(b.dir.file(c.setup_file), c.content);
    const auto r = run_keel("allocate --weights " + b.f("w.csv") + " --quotes " +
                                b.f("quotes.csv") + " --metadata " + b.f("meta.csv") +
                                " --holdings " + b.f("holdings.csv") + " --cash 100" + c.extra,
                            b.dir);
    EXPECT_EQ(r.exit_code, 2) << c.name << ": " << r.err;
    for (const auto& part : c.message) {
      EXPECT_TRUE(contains(r.err, part)) << c.name << ": expected '" << part << "' in " << r.err;
    }
  }
}

}  // namespace
}  // namespace keel::testing
