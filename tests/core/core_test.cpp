#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "keel/core/json.hpp"
#include "keel/core/result.hpp"
#include "keel/core/solve_status.hpp"
#include "keel/core/table.hpp"
#include "keel/core/time.hpp"

namespace keel {
namespace {

TEST(Status, ExitCodesFollowDesign) {
  EXPECT_EQ(exit_code(StatusCode::kOk), 0);
  EXPECT_EQ(exit_code(StatusCode::kInvalidInput), 2);
  EXPECT_EQ(exit_code(StatusCode::kNoSolution), 3);
  EXPECT_EQ(exit_code(StatusCode::kNumerical), 4);
  EXPECT_EQ(exit_code(StatusCode::kInternal), 1);
  EXPECT_EQ(exit_code(SolveStatus::kOptimal), 0);
  EXPECT_EQ(exit_code(SolveStatus::kOptimalInaccurate), 0);
  EXPECT_EQ(exit_code(SolveStatus::kInfeasible), 3);
  EXPECT_EQ(exit_code(SolveStatus::kIterationLimit), 3);
  EXPECT_EQ(exit_code(SolveStatus::kNumericalError), 4);
}

TEST(Status, ContextIsPrepended) {
  const Status s = Status::invalid("bad cell").with_context("prices.csv:3");
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(s.message(), "prices.csv:3: bad cell");
  EXPECT_TRUE(Status::ok().with_context("x").is_ok());
}

TEST(Result, HoldsValueOrStatus) {
  Result<int> good = 7;
  ASSERT_TRUE(good.is_ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad = Status::invalid("nope");
  EXPECT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().message(), "nope");
}

TEST(SolveStatus, NamesAreKebabCase) {
  EXPECT_EQ(to_string(SolveStatus::kOptimalInaccurate), "optimal-inaccurate");
  EXPECT_EQ(to_string(SolveStatus::kIterationLimit), "iteration-limit");
  EXPECT_TRUE(is_usable(SolveStatus::kOptimalInaccurate));
  EXPECT_FALSE(is_usable(SolveStatus::kInfeasible));
}

TEST(Time, CivilRoundTripOverFourCenturies) {
  for (std::int64_t d = -146097; d <= 146097; d += 13) {
    const CivilDate c = civil_from_days(d);
    ASSERT_TRUE(is_valid_civil(c));
    ASSERT_EQ(days_from_civil(c), d);
  }
  EXPECT_EQ(days_from_civil({2000, 3, 1}), 11017);
  EXPECT_FALSE(is_valid_civil({2023, 2, 29}));
  EXPECT_TRUE(is_valid_civil({2024, 2, 29}));
}

TEST(Time, FormatsDatesAndTimes) {
  const Timestamp t = days_from_civil({2024, 2, 2}) * kSecondsPerDay;
  EXPECT_EQ(format_timestamp(t), "2024-02-02");
  EXPECT_EQ(format_timestamp(t + 13 * 3600 + 5), "2024-02-02T13:00:05Z");
  EXPECT_EQ(weekday(t), 4);  // a Friday
  EXPECT_EQ(format_date(-1), "1969-12-31");
}

TEST(Table, AlignsColumns) {
  Table table;
  table.add_column("asset", Align::kLeft);
  table.add_column("weight");
  table.add_row({"BTC", format_percent(0.5)});
  table.add_row({"DOGE", format_percent(0.125, 1)});
  std::ostringstream out;
  table.render(out);
  EXPECT_EQ(out.str(),
            "asset  weight\n"
            "-----  ------\n"
            "BTC    50.00%\n"
            "DOGE    12.5%\n");
}

TEST(Table, NoNegativeZero) {
  EXPECT_EQ(format_percent(-0.0), "0.00%");
  EXPECT_EQ(format_percent(-1e-7), "0.00%");
  EXPECT_EQ(format_percent(-0.00004, 2), "0.00%");
  EXPECT_EQ(format_percent(-0.00005001, 2), "-0.01%");
  EXPECT_EQ(format_fixed(-0.0004, 3), "0.000");
  EXPECT_EQ(format_fixed(-0.4, 0), "0");
  EXPECT_EQ(format_fixed(-0.6, 0), "-1");
  EXPECT_EQ(format_fixed(-12.5, 1), "-12.5");
  EXPECT_EQ(format_money(-0.3, "USD"), "0 USD");
  EXPECT_EQ(format_fixed(std::nan(""), 2), "-");
  EXPECT_EQ(format_percent(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(Table, MoneyHasThousandsSeparatorsAndCurrency) {
  EXPECT_EQ(format_money(-3726441.4, "USD"), "-3,726,441 USD");
  EXPECT_EQ(format_money(1234.5, "", 2), "1,234.50");
  EXPECT_EQ(format_money(999.0, "USDT"), "999 USDT");
  EXPECT_EQ(format_money(1000.0, "USD"), "1,000 USD");
  EXPECT_EQ(format_money(-100000.0, "EUR"), "-100,000 EUR");
  EXPECT_EQ(format_money(12345678901.0, "USD"), "12,345,678,901 USD");
  EXPECT_EQ(format_money(0.0, "USD"), "0 USD");
  EXPECT_EQ(format_money(std::nan(""), "USD"), "-");
}

TEST(Json, NonFiniteBecomesNull) {
  Json doc;
  doc["a"] = json_number(1.5);
  doc["b"] = json_number(std::nan(""));
  EXPECT_EQ(dump_json(doc), "{\n  \"a\": 1.5,\n  \"b\": null\n}\n");
}

}  // namespace
}  // namespace keel
