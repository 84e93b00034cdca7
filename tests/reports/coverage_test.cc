#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/report/coverage.h>

#include <algorithm>
#include <string>
#include <vector>

#include "report_test_util.h"

namespace stepsim::report {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testutil::CollectOrder;
using testutil::OrderCases;

const ObligationCoverage& Get(const DefinitionCoverage& d, const std::string& id) {
  for (const ObligationCoverage& o : d.obligations) {
    if (o.id == id) return o;
  }
  ADD_FAILURE() << "no obligation " << id;
  static const ObligationCoverage kNone;
  return kNone;
}

TEST(CoverageCollectorTest, CountsTheHappyPathAndAttributesItToItsTest) {
  const CoverageData data = CollectOrder({"HappyPath"});
  ASSERT_EQ(data.definitions.size(), 1U);
  const DefinitionCoverage& d = data.definitions[0];
  EXPECT_EQ(d.file, testutil::kOrderFile);
  EXPECT_EQ(d.digest, Sha256Digest(testutil::ReadText(testutil::SourcePath(testutil::kOrderFile))));
  EXPECT_EQ(d.executions, 1);
  EXPECT_THAT(d.tests, ElementsAre("OrderMocks.HappyPath"));

  const ObligationCoverage& entered = Get(d, "state:CheckInventory");
  EXPECT_EQ(entered.hits, 1);
  EXPECT_THAT(entered.tests, ElementsAre("OrderMocks.HappyPath"));
  EXPECT_EQ(entered.kind, analysis::ObligationKind::kState);
  EXPECT_EQ(entered.pointer, "/States/CheckInventory");
  EXPECT_EQ(entered.line, 5);
  EXPECT_EQ(entered.column, 23);
  EXPECT_EQ(Get(d, "choice:IsInventoryAvailable#0").hits, 1);
  EXPECT_EQ(Get(d, "transition:CreateShippingLabel->(end)").hits, 1);
  const ObligationCoverage& missed = Get(d, "choice:IsInventoryAvailable#default");
  EXPECT_EQ(missed.hits, 0);
  EXPECT_THAT(missed.tests, IsEmpty());
  EXPECT_EQ(Get(d, "state:InventoryErrorState").hits, 0);

  // One scope (the root), starting at CheckInventory on line 1.
  ASSERT_EQ(d.scopes.size(), 1U);
  EXPECT_EQ(d.scopes[0].name, "(root)");
  EXPECT_EQ(d.scopes[0].start, "CheckInventory");
  EXPECT_EQ(d.scopes[0].line, 1);
  EXPECT_EQ(d.scopes[0].states.size(), 7U);
}

// ASL: RTY-06 (a retrier exhausted is its own obligation).
TEST(CoverageCollectorTest, CountsRetriesPerAttemptAndExhaustion) {
  const DefinitionCoverage d = CollectOrder({"PaymentRetriedThenSucceeds"}).definitions[0];
  EXPECT_EQ(Get(d, "retry:ProcessPayment#0:retried").hits, 2);
  EXPECT_EQ(Get(d, "retry:ProcessPayment#0:exhausted").hits, 0);
  EXPECT_EQ(Get(d, "state:ProcessPayment").hits, 1);

  const DefinitionCoverage e = CollectOrder({"PaymentRetriesExhausted"}).definitions[0];
  EXPECT_EQ(Get(e, "retry:ProcessPayment#0:retried").hits, 2);
  EXPECT_EQ(Get(e, "retry:ProcessPayment#0:exhausted").hits, 1);
  EXPECT_EQ(Get(e, "uncaught:ProcessPayment").hits, 1);
}

TEST(CoverageCollectorTest, AttributesEveryObligationToTheTestsThatHitIt) {
  const DefinitionCoverage d =
      CollectOrder({"HappyPath", "InventoryUnavailable", "PaymentDeclined"}).definitions[0];
  EXPECT_EQ(d.executions, 3);
  EXPECT_THAT(d.tests, ElementsAre("OrderMocks.HappyPath", "OrderMocks.InventoryUnavailable",
                                   "OrderMocks.PaymentDeclined"));
  EXPECT_THAT(Get(d, "state:CheckInventory").tests,
              ElementsAre("OrderMocks.HappyPath", "OrderMocks.InventoryUnavailable",
                          "OrderMocks.PaymentDeclined"));
  EXPECT_EQ(Get(d, "state:CheckInventory").hits, 3);
  EXPECT_THAT(Get(d, "state:CreateShippingLabel").tests, ElementsAre("OrderMocks.HappyPath"));
  EXPECT_THAT(Get(d, "choice:IsInventoryAvailable#default").tests,
              ElementsAre("OrderMocks.InventoryUnavailable"));
  EXPECT_THAT(Get(d, "uncaught:ProcessPayment").tests, ElementsAre("OrderMocks.PaymentDeclined"));
}

TEST(CoverageCollectorTest, UnattributedRunsCountButNameNoTest) {
  const auto definition = asl::LoadFile(testutil::SourcePath(testutil::kOrderFile));
  CoverageCollector collector(definition, "order.asl.json");
  sim::Options options;
  options.listeners.push_back(&collector);
  const sim::Interpreter interpreter(definition);
  interpreter.Run(nlohmann::json::object(), options);
  const DefinitionCoverage d = collector.Result();
  EXPECT_EQ(d.executions, 1);
  EXPECT_THAT(d.tests, IsEmpty());
  EXPECT_EQ(Get(d, "state:CheckInventory").hits, 1);
  EXPECT_THAT(Get(d, "state:CheckInventory").tests, IsEmpty());
  // Without the text, the digest is of the canonical document.
  EXPECT_EQ(d.digest, Sha256Digest(definition->document().dump()));
}

TEST(CoverageCollectorTest, CountsRunsOfAnotherLoadOfTheSameDefinition) {
  const std::string text = testutil::ReadText(testutil::SourcePath(testutil::kOrderFile));
  const auto mine = asl::Load(text);
  const auto other = asl::Load(text);  // e.g. a second scenario suite's copy
  CoverageCollector collector(mine, "order.asl.json", text);
  const auto mocks = std::make_shared<const sim::MockConfig>(
      sim::MockConfig::LoadFile(testutil::SourcePath("fixtures/order-processing/mocks.json")));
  sim::MockTaskHandler handler(mocks, "order-processing", "InventoryUnavailable");
  sim::Options options;
  options.task_handlers.push_back(&handler);
  options.listeners.push_back(&collector);
  sim::Interpreter(other).Run(nlohmann::json::object(), options);
  const DefinitionCoverage d = collector.Result();
  EXPECT_EQ(d.executions, 1);
  EXPECT_EQ(Get(d, "state:CheckInventory").hits, 1);
  EXPECT_EQ(Get(d, "transition:CheckInventory->IsInventoryAvailable").hits, 1);
  EXPECT_EQ(Get(d, "choice:IsInventoryAvailable#default").hits, 1);
  EXPECT_EQ(Get(d, "state:InventoryUnavailableState").hits, 1);
}

// The example's acceptance: its nine mock test cases cover every obligation.
TEST(CoverageCollectorTest, TheOrderMockCasesCoverEveryCriterion) {
  const CoverageData data = CollectOrder(OrderCases());
  for (const CriterionSummary& s : Summarize(data)) {
    EXPECT_EQ(s.covered, s.total) << analysis::ToString(s.criterion);
  }
  for (const ObligationCoverage& o : data.definitions[0].obligations) {
    EXPECT_GT(o.hits, 0) << o.id;
  }
  testutil::ExpectGolden("order-all.coverage.json", ToCanonicalText(data));
}

TEST(CoverageFileTest, WritesCanonicalTextAndReadsItBack) {
  const CoverageData data = CollectOrder({"HappyPath", "PaymentDeclined"});
  const auto dir = testutil::ScratchDir();
  const std::string path = (dir / "c.json").string();
  WriteCoverageFile(path, data);
  const std::string text = testutil::ReadText(path);
  EXPECT_EQ(text, ToCanonicalText(data));
  EXPECT_THAT(text,
              ::testing::StartsWith("{\n  \"definitions\": [\n    {\n      \"digest\": \"sha256:"));
  EXPECT_EQ(text.back(), '\n');
  const CoverageData back = ReadCoverageFile(path);
  EXPECT_EQ(ToCanonicalText(back), text);
  EXPECT_EQ(nlohmann::json(back), nlohmann::json(data));
}

TEST(CoverageFileTest, DocumentsEveryMemberOfAnObligation) {
  const nlohmann::json j = CollectOrder({"HappyPath"});
  EXPECT_EQ(j["format"], "stepsim-coverage/1");
  const nlohmann::json& o = j["definitions"][0]["obligations"][0];
  EXPECT_EQ(o, nlohmann::json::parse(R"({
      "id": "state:CheckInventory", "kind": "State", "criterion": "states",
      "state": "CheckInventory", "pointer": "/States/CheckInventory", "line": 5, "column": 23,
      "description": "CheckInventory: entered", "hits": 1, "tests": ["OrderMocks.HappyPath"]})"));
}

std::string MergeAll(const std::vector<CoverageData>& parts,
                     const std::vector<std::size_t>& order) {
  CoverageData merged;
  for (std::size_t i : order) MergeInto(merged, parts[i]);
  return ToCanonicalText(merged);
}

TEST(CoverageMergeTest, MergingInAnyOrderGivesTheSameBytes) {
  std::vector<CoverageData> parts;
  for (const std::string& name : OrderCases()) parts.push_back(CollectOrder({name}));
  std::vector<std::size_t> order(parts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const std::string forward = MergeAll(parts, order);

  std::vector<std::size_t> reversed(order.rbegin(), order.rend());
  EXPECT_EQ(MergeAll(parts, reversed), forward);
  for (std::size_t shift = 1; shift < order.size(); shift += 2) {
    std::vector<std::size_t> rotated = order;
    std::rotate(rotated.begin(), rotated.begin() + static_cast<std::ptrdiff_t>(shift),
                rotated.end());
    EXPECT_EQ(MergeAll(parts, rotated), forward) << "rotated by " << shift;
  }
  std::vector<std::size_t> interleaved = {8, 0, 7, 1, 6, 2, 5, 3, 4};
  EXPECT_EQ(MergeAll(parts, interleaved), forward);

  // Tree-shaped merges (CI shards merged, then merged again) agree too.
  CoverageData left;
  CoverageData right;
  for (std::size_t i = 0; i < parts.size(); ++i) MergeInto(i % 2 == 0 ? left : right, parts[i]);
  MergeInto(right, left);
  EXPECT_EQ(ToCanonicalText(right), forward);

  // And merging the per-case files equals collecting all cases in one run.
  EXPECT_EQ(forward, ToCanonicalText(CollectOrder(OrderCases())));
}

TEST(CoverageMergeTest, SumsHitsAndUnitesTests) {
  CoverageData a = CollectOrder({"HappyPath"});
  const CoverageData b = CollectOrder({"HappyPath", "InventoryUnavailable"});
  MergeInto(a, b);
  ASSERT_EQ(a.definitions.size(), 1U);
  const DefinitionCoverage& d = a.definitions[0];
  EXPECT_EQ(d.executions, 3);
  EXPECT_EQ(Get(d, "state:CheckInventory").hits, 3);
  EXPECT_THAT(Get(d, "state:CheckInventory").tests,
              ElementsAre("OrderMocks.HappyPath", "OrderMocks.InventoryUnavailable"));
}

TEST(CoverageMergeTest, MergingDataIntoItselfDoublesIt) {
  CoverageData a = CollectOrder({"HappyPath"});
  MergeInto(a, a);
  ASSERT_EQ(a.definitions.size(), 1U);
  EXPECT_EQ(a.definitions[0].executions, 2);
  EXPECT_EQ(Get(a.definitions[0], "state:CheckInventory").hits, 2);
}

TEST(CoverageMergeTest, KeepsDifferentVersionsOfAFileApart) {
  CoverageData a = CollectOrder({"HappyPath"});
  CoverageData b = a;
  b.definitions[0].digest = Sha256Digest("another version");
  CoverageData c = CollectOrder({"HappyPath"}, "other/definition.asl.json");
  MergeInto(a, b);
  MergeInto(a, c);
  ASSERT_EQ(a.definitions.size(), 3U);
  EXPECT_EQ(a.definitions[0].file, testutil::kOrderFile);
  EXPECT_EQ(a.definitions[1].file, testutil::kOrderFile);
  EXPECT_NE(a.definitions[0].digest, a.definitions[1].digest);
  EXPECT_LT(a.definitions[0].digest, a.definitions[1].digest);
  EXPECT_EQ(a.definitions[2].file, "other/definition.asl.json");
  for (const DefinitionCoverage& d : a.definitions) EXPECT_EQ(d.executions, 1);
}

TEST(CoverageMergeTest, FindsADefinitionByFileAndDigest) {
  CoverageData data = CollectOrder({"HappyPath"});
  CoverageData other = data;
  other.definitions[0].digest = Sha256Digest("v2");
  MergeInto(data, other);
  const std::string digest =
      Sha256Digest(testutil::ReadText(testutil::SourcePath(testutil::kOrderFile)));
  const DefinitionCoverage* found = FindDefinition(data, testutil::kOrderFile, digest);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->digest, digest);
  EXPECT_EQ(FindDefinition(data, testutil::kOrderFile, Sha256Digest("v3")), nullptr);
  EXPECT_EQ(FindDefinition(data, "other.asl.json", digest), nullptr);
}

TEST(CoverageMergeTest, UnitesObligationListsOfDifferentStepsimVersions) {
  CoverageData a = CollectOrder({"HappyPath"});
  CoverageData b = a;
  b.definitions[0].obligations.pop_back();  // an older version knew one less
  ObligationCoverage extra = b.definitions[0].obligations.front();
  extra.id = "state:Imaginary";
  b.definitions[0].obligations.push_back(extra);
  CoverageData ab = a;
  MergeInto(ab, b);
  CoverageData ba = b;
  MergeInto(ba, a);
  EXPECT_EQ(ToCanonicalText(ab), ToCanonicalText(ba));
  EXPECT_EQ(ab.definitions[0].obligations.size(), a.definitions[0].obligations.size() + 1);
}

std::string ParseError(const std::string& text) {
  try {
    ParseCoverageText(text, "cov.json");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CoverageFileTest, NamesTheFileLineAndPointerOfABadMember) {
  EXPECT_EQ(
      ParseError("{\"format\": \"stepsim-coverage/1\",\n \"definitions\": [\n  {\"file\": 7}]}"),
      "cov.json:3:12: error[COVERAGE_FILE_INVALID]: /definitions/0/file: must be a string, "
      "got number");
  EXPECT_EQ(ParseError("{\"format\": \"lcov\", \"definitions\": []}"),
            "cov.json:1:12: error[COVERAGE_FILE_INVALID]: /format: unsupported format \"lcov\" "
            "(expected \"stepsim-coverage/1\")");
  EXPECT_EQ(ParseError("{\"format\": \"stepsim-coverage/1\"}"),
            "cov.json:1:1: error[COVERAGE_FILE_INVALID]: missing member \"definitions\"");
  EXPECT_EQ(ParseError("[1, 2"),
            "cov.json:1:6: error[INVALID_JSON]: not valid JSON: expected ',' or ']' after array "
            "element, got end of input");

  // A negative hit count, deep inside.
  nlohmann::json j = CollectOrder({"HappyPath"});
  j["definitions"][0]["obligations"][2]["hits"] = -1;
  const std::string message = ParseError(j.dump(2));
  EXPECT_THAT(message, ::testing::EndsWith(
                           ": error[COVERAGE_FILE_INVALID]: /definitions/0/obligations/2/hits: "
                           "must be at least 0, got -1"));
  EXPECT_THAT(message, ::testing::StartsWith("cov.json:"));
}

TEST(CoverageFileTest, AnUnreadableFileIsAUsageErrorNamingIt) {
  try {
    ReadCoverageFile("/nonexistent/cov.json");
    FAIL() << "no error";
  } catch (const CoverageFileError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/cov.json: error[FILE_NOT_READABLE]: cannot read the file");
    EXPECT_EQ(e.code(), "FILE_NOT_READABLE");
  }
}

TEST(CoverageSummaryTest, CountsCoveredObligationsPerCriterion) {
  const auto summaries = Summarize(CollectOrder({"HappyPath"}));
  ASSERT_EQ(summaries.size(), 6U);
  EXPECT_EQ(summaries[0].criterion, analysis::Criterion::kStates);
  EXPECT_EQ(summaries[0].covered, 4);
  EXPECT_EQ(summaries[0].total, 7);
  EXPECT_NEAR(summaries[0].percent(), 400.0 / 7.0, 1e-9);
  const CriterionSummary none{analysis::Criterion::kCatches, 0, 0};
  EXPECT_EQ(none.percent(), 100.0);
}

}  // namespace
}  // namespace stepsim::report
