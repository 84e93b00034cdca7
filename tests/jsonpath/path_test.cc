#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/jsonpath/path.h>

#include <map>
#include <string>

namespace stepsim::jsonpath {
namespace {

using ::testing::HasSubstr;

// Jayway's reference document.
const Json& Store() {
  static const Json kStore = Json::parse(R"({
    "store": {
      "book": [
        {"category": "reference", "author": "Nigel Rees",
         "title": "Sayings of the Century", "price": 8.95},
        {"category": "fiction", "author": "Evelyn Waugh",
         "title": "Sword of Honour", "price": 12.99},
        {"category": "fiction", "author": "Herman Melville",
         "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
        {"category": "fiction", "author": "J. R. R. Tolkien",
         "title": "The Lord of the Rings", "isbn": "0-395-19395-8",
         "price": 22.99}
      ],
      "bicycle": {"color": "red", "price": 19.95}
    },
    "expensive": 10
  })");
  return kStore;
}

Json Select(std::string_view path, const Json& root = Store()) {
  auto result = Path::Parse(path).SelectFrom(root);
  return result ? *result : Json("<nullopt>");
}

using MapVariables = ObjectVariables;

// ---------------------------------------------------------------- PATH-01

TEST(JsonPathTest, RootSelectsWholeDocument) {
  // ASL: PATH-01
  EXPECT_EQ(Select("$"), Store());
}

TEST(JsonPathTest, DotAndBracketNotationSelectTheSameNode) {
  // ASL: PATH-01, PATH-02
  EXPECT_EQ(Select("$.store.bicycle.color"), "red");
  EXPECT_EQ(Select("$['store']['bicycle']['color']"), "red");
  EXPECT_EQ(Select("$[\"store\"][\"bicycle\"].color"), "red");
  EXPECT_EQ(Select("$.store.book[0].price"), 8.95);
}

TEST(JsonPathTest, NegativeIndexCountsFromTheEnd) {
  // ASL: PATH-01
  EXPECT_EQ(Select("$.store.book[-1].title"), "The Lord of the Rings");
  EXPECT_EQ(Select("$.store.book[-4].title"), "Sayings of the Century");
  EXPECT_EQ(Select("$.store.book[-5]"), "<nullopt>");
}

TEST(JsonPathTest, WildcardSelectsEveryArrayElement) {
  // ASL: PATH-01
  EXPECT_EQ(Select("$.store.book[*].author"),
            Json::parse(R"(["Nigel Rees","Evelyn Waugh","Herman Melville",
                            "J. R. R. Tolkien"])"));
  EXPECT_EQ(Select("$.store.book.*.price"), Json::parse("[8.95,12.99,8.99,22.99]"));
}

TEST(JsonPathTest, WildcardOnObjectSelectsEveryMemberValue) {
  // ASL: PATH-01
  EXPECT_EQ(Select("$.store.bicycle.*"), Json::parse(R"(["red",19.95])"));
  EXPECT_EQ(Select("$.store.bicycle[*]"), Json::parse(R"(["red",19.95])"));
}

TEST(JsonPathTest, DeepScanFindsNamesAtEveryDepth) {
  // ASL: PATH-01
  EXPECT_EQ(Select("$..author"), Json::parse(R"(["Nigel Rees","Evelyn Waugh","Herman Melville",
                            "J. R. R. Tolkien"])"));
  EXPECT_EQ(Select("$.store..price"), Json::parse("[19.95,8.95,12.99,8.99,22.99]"));
  EXPECT_EQ(Select("$..book[2].title"), Json::parse(R"(["Moby Dick"])"));
  EXPECT_EQ(Select("$..nothing"), Json::array());
}

TEST(JsonPathTest, DeepScanWildcardYieldsChildrenBeforeGrandchildren) {
  // ASL: PATH-01
  const Json doc = Json::parse(R"({"a":{"b":1},"c":[2,{"d":3}]})");
  EXPECT_EQ(Select("$..*", doc), Json::parse(R"([{"b":1},[2,{"d":3}],1,2,{"d":3},3])"));
}

TEST(JsonPathTest, DeepScanIndexAppliesToEveryArray) {
  // ASL: PATH-01
  const Json doc = Json::parse(R"({"a":[1,2],"b":{"c":[3,4]}})");
  EXPECT_EQ(Select("$..[0]", doc), Json::parse("[1,3]"));
}

TEST(JsonPathTest, IndexUnionSelectsInListedOrder) {
  // ASL: PATH-01
  EXPECT_EQ(Select("$.store.book[2,0].price"), Json::parse("[8.99,8.95]"));
  EXPECT_EQ(Select("$.store.book[0, 9].price"), Json::parse("[8.95]"));
}

TEST(JsonPathTest, SlicesFollowJaywayBounds) {
  // ASL: PATH-01
  const Json doc = Json::parse("[0,1,2,3,4,5]");
  EXPECT_EQ(Select("$[1:3]", doc), Json::parse("[1,2]"));
  EXPECT_EQ(Select("$[-3:]", doc), Json::parse("[3,4,5]"));
  EXPECT_EQ(Select("$[:2]", doc), Json::parse("[0,1]"));
  EXPECT_EQ(Select("$[::2]", doc), Json::parse("[0,2,4]"));
  EXPECT_EQ(Select("$[4:100]", doc), Json::parse("[4,5]"));
  EXPECT_EQ(Select("$[:-4]", doc), Json::parse("[0,1]"));
  EXPECT_EQ(Select("$[5:1]", doc), Json::array());
  EXPECT_EQ(Select("$[::-2]", doc), Json::parse("[5,3,1]"));
}

TEST(JsonPathTest, FinalNameUnionMergesIntoOneObject) {
  // ASL: PATH-01 (Jayway merges a trailing ['a','b'] into an object)
  const auto path = Path::Parse("$.store.bicycle['color','price','none']");
  EXPECT_TRUE(path.is_definite());
  EXPECT_FALSE(path.is_reference());
  EXPECT_EQ(*path.SelectFrom(Store()), Json::parse(R"({"color":"red","price":19.95})"));
}

TEST(JsonPathTest, InnerNameUnionIteratesTheNames) {
  // ASL: PATH-01
  const Json doc = Json::parse(R"({"a":{"x":1},"b":{"x":2}})");
  EXPECT_EQ(Select("$['b','a'].x", doc), Json::parse("[2,1]"));
}

TEST(JsonPathTest, FilterComparesNumbers) {
  // ASL: PATH-01
  EXPECT_EQ(Select("$.store.book[?(@.price < 10)].title"),
            Json::parse(R"(["Sayings of the Century","Moby Dick"])"));
  EXPECT_EQ(Select("$.store.book[?(@.price >= 12.99)].price"), Json::parse("[12.99,22.99]"));
  EXPECT_EQ(Select("$.store.book[?(@.price>22.99)]"), Json::array());
  EXPECT_EQ(Select("$.store.book[?(@.price <= 8.95)].price"), Json::parse("[8.95]"));
}

TEST(JsonPathTest, FilterComparesStringsAndBooleans) {
  // ASL: PATH-01
  EXPECT_EQ(Select("$.store.book[?(@.category == 'reference')].author"),
            Json::parse(R"(["Nigel Rees"])"));
  EXPECT_EQ(Select("$.store.book[?(@.category != \"fiction\")].author"),
            Json::parse(R"(["Nigel Rees"])"));
  const Json doc =
      Json::parse(R"([{"ok":true,"n":1},{"ok":false,"n":2},{"ok":null,"n":3},{"n":4}])");
  EXPECT_EQ(Select("$[?(@.ok == true)].n", doc), Json::parse("[1]"));
  EXPECT_EQ(Select("$[?(@.ok == null)].n", doc), Json::parse("[3]"));
  // Jayway: a missing operand is unequal to anything.
  EXPECT_EQ(Select("$[?(@.ok != true)].n", doc), Json::parse("[2,3,4]"));
}

TEST(JsonPathTest, FilterIntegerEqualsFloat) {
  // ASL: PATH-01
  const Json doc = Json::parse(R"([{"n":1},{"n":1.0},{"n":1.5},{"n":"1"}])");
  EXPECT_EQ(Select("$[?(@.n == 1)].n", doc), Json::parse("[1,1.0]"));
}

TEST(JsonPathTest, FilterExistenceAndNegation) {
  // ASL: PATH-01
  EXPECT_EQ(Select("$.store.book[?(@.isbn)].title"),
            Json::parse(R"(["Moby Dick","The Lord of the Rings"])"));
  EXPECT_EQ(Select("$.store.book[?(!@.isbn)].title"),
            Json::parse(R"(["Sayings of the Century","Sword of Honour"])"));
}

TEST(JsonPathTest, FilterLogicalOperatorsAndParentheses) {
  // ASL: PATH-01
  EXPECT_EQ(Select("$.store.book[?(@.price < 10 && @.category == 'fiction')].title"),
            Json::parse(R"(["Moby Dick"])"));
  EXPECT_EQ(Select("$.store.book[?(@.price > 20 || @.category == "
                   "'reference')].title"),
            Json::parse(R"(["Sayings of the Century","The Lord of the Rings"])"));
  EXPECT_EQ(Select("$.store.book[?(!(@.price < 10 || @.price > 20))].title"),
            Json::parse(R"(["Sword of Honour"])"));
}

TEST(JsonPathTest, FilterRootReference) {
  // ASL: PATH-01
  EXPECT_EQ(Select("$.store.book[?(@.price > $.expensive)].price"), Json::parse("[12.99,22.99]"));
}

TEST(JsonPathTest, FilterRegexMatchesWholeStringWithFlags) {
  // ASL: PATH-01
  EXPECT_EQ(Select("$.store.book[?(@.author =~ /.*REES/i)].author"),
            Json::parse(R"(["Nigel Rees"])"));
  EXPECT_EQ(Select("$.store.book[?(@.author =~ /Rees/)].author"), Json::array());
}

TEST(JsonPathTest, FilterSetOperators) {
  // ASL: PATH-01
  const Json doc = Json::parse(R"([
    {"id":1,"tags":["a","b"],"s":"xy"},
    {"id":2,"tags":["c"],"s":""},
    {"id":3,"tags":[],"s":"abc"}])");
  EXPECT_EQ(Select("$[?(@.id in [1,3])].id", doc), Json::parse("[1,3]"));
  EXPECT_EQ(Select("$[?(@.id nin [1,3])].id", doc), Json::parse("[2]"));
  EXPECT_EQ(Select("$[?(@.tags subsetof ['a','b','c'])].id", doc), Json::parse("[1,2,3]"));
  EXPECT_EQ(Select("$[?(@.tags anyof ['b','c'])].id", doc), Json::parse("[1,2]"));
  EXPECT_EQ(Select("$[?(@.tags noneof ['b','c'])].id", doc), Json::parse("[3]"));
  EXPECT_EQ(Select("$[?(@.tags size 1)].id", doc), Json::parse("[2]"));
  EXPECT_EQ(Select("$[?(@.s size 3)].id", doc), Json::parse("[3]"));
  EXPECT_EQ(Select("$[?(@.tags empty true)].id", doc), Json::parse("[3]"));
  EXPECT_EQ(Select("$[?(@.s empty false)].id", doc), Json::parse("[1,3]"));
}

TEST(JsonPathTest, FilterOnObjectTestsTheObjectItself) {
  // ASL: PATH-01 (Jayway applies a filter on an object to that object)
  const Json doc = Json::parse(R"({"a":{"x":1}})");
  EXPECT_EQ(Select("$.a[?(@.x == 1)]", doc), Json::parse(R"([{"x":1}])"));
  EXPECT_EQ(Select("$.a[?(@.x == 2)]", doc), Json::array());
}

TEST(JsonPathTest, DeepScanFilterTestsEveryObjectOnce) {
  // ASL: PATH-01
  const Json doc = Json::parse(R"({"items":[{"k":1},{"k":2,"sub":{"k":1}}]})");
  EXPECT_EQ(Select("$..[?(@.k == 1)]", doc), Json::parse(R"([{"k":1},{"k":1}])"));
}

TEST(JsonPathTest, FilterNestedPathAndWildcardOperand) {
  // ASL: PATH-01
  const Json doc = Json::parse(R"([{"a":{"b":[1,2]}},{"a":{"b":[]}},{"a":{"c":1}}])");
  EXPECT_EQ(Select("$[?(@.a.b[0] == 1)].a", doc), Json::parse(R"([{"b":[1,2]}])"));
  EXPECT_EQ(Select("$[?(@.a.b[*])].a", doc), Json::parse(R"([{"b":[1,2]}])"));
}

TEST(JsonPathTest, FilterOnPrimitiveElementsUsesCurrentNode) {
  // ASL: PATH-01
  const Json doc = Json::parse(R"({"n":[1,5,2,8],"s":["ab","b","abc"]})");
  EXPECT_EQ(Select("$.n[?(@ > 2)]", doc), Json::parse("[5,8]"));
  EXPECT_EQ(Select("$.s[?(@ =~ /ab.*/)]", doc), Json::parse(R"(["ab","abc"])"));
  EXPECT_EQ(Select("$.s[?(@ in ['b','zz'])]", doc), Json::parse(R"(["b"])"));
}

TEST(JsonPathTest, FilterExistenceCountsNullAndFalseAsPresent) {
  // ASL: PATH-01
  const Json doc = Json::parse(R"([{"id":1,"a":null},{"id":2,"a":false},{"id":3}])");
  EXPECT_EQ(Select("$[?(@.a)].id", doc), Json::parse("[1,2]"));
}

TEST(JsonPathTest, NestedFilterInsideFilter) {
  // ASL: PATH-01
  const Json doc = Json::parse(R"([{"id":1,"l":[{"k":1},{"k":2}]},{"id":2,"l":[{"k":3}]}])");
  EXPECT_EQ(Select("$[?(@.l[?(@.k == 2)])].id", doc), Json::parse("[1]"));
}

TEST(JsonPathTest, WildcardThenNameSkipsElementsWithoutIt) {
  // ASL: PATH-01
  const Json doc = Json::parse(R"({"a":{"x":{"b":1},"y":2,"z":{"b":3}}})");
  EXPECT_EQ(Select("$.a.*.b", doc), Json::parse("[1,3]"));
  EXPECT_EQ(Select("$..x.b", doc), Json::parse("[1]"));
  EXPECT_EQ(Select("$[*]", Json::parse("[[1],[2]]")), Json::parse("[[1],[2]]"));
  EXPECT_EQ(Select("$[1][0]", Json::parse("[[1],[2]]")), 2);
}

TEST(JsonPathTest, FilterOnContextAndVariableRoots) {
  // ASL: PATH-03, PATH-04
  const Json context = Json::parse(R"({"Map":{"Item":{"Value":[1,2,3]}}})");
  const MapVariables variables(Json::object({{"limits", Json::parse(R"([{"v":1},{"v":9}])")}}));
  Env env;
  env.context = &context;
  env.variables = &variables;
  EXPECT_EQ(*Path::Parse("$$.Map.Item.Value[?(@ >= 2)]").Select(env), Json::parse("[2,3]"));
  EXPECT_EQ(*Path::Parse("$limits[?(@.v > 5)].v").Select(env), Json::parse("[9]"));
}

// ---------------------------------------------------------------- PATH-02

TEST(JsonPathTest, ReferencePathsAreDefinite) {
  // ASL: PATH-02
  for (const char* text : {"$", "$.store.book", "$['store']['book']", "$.ledgers[0][22][315].foo",
                           "$.store\\.book", "$.a[-1]"}) {
    const auto path = Path::Parse(text);
    EXPECT_TRUE(path.is_reference()) << text;
    EXPECT_TRUE(path.is_definite()) << text;
  }
  for (const char* text :
       {"$..a", "$.a[*]", "$.a.*", "$.a[0,1]", "$.a[1:2]", "$.a[?(@.b)]", "$['a','b']"}) {
    EXPECT_FALSE(Path::Parse(text).is_reference()) << text;
  }
}

TEST(JsonPathTest, EscapedDotIsPartOfTheName) {
  // ASL: PATH-02
  const Json doc = Json::parse(R"({"store.book":1,"store":{"book":2}})");
  EXPECT_EQ(Select("$.store\\.book", doc), 1);
  EXPECT_EQ(Select("$.store.book", doc), 2);
  EXPECT_EQ(Select("$['store.book']", doc), 1);
}

TEST(JsonPathTest, BracketNamesMayHoldAnyCharacter) {
  // ASL: PATH-02
  const Json doc = Json::parse(R"({"a b":{"c]d":{"it's":1}}})");
  EXPECT_EQ(Select("$['a b']['c]d']['it\\'s']", doc), 1);
  EXPECT_EQ(Path::Parse("$['a b'][0]").normalized(), "$['a b'][0]");
}

TEST(JsonPathTest, NormalizedFormIsJaywayBracketNotation) {
  // ASL: IO-08 (AWS quotes the normalised path in causes)
  EXPECT_EQ(Path::Parse("$.a.b[0]").normalized(), "$['a']['b'][0]");
  EXPECT_EQ(Path::Parse("$..a[*][1:2][?(@.x)]").normalized(), "$..['a'][*][1:2][?]");
  EXPECT_EQ(Path::Parse("$$.Execution.Id").normalized(), "$['Execution']['Id']");
}

TEST(JsonPathTest, DefiniteMissIsNulloptIndefiniteMissIsEmptyArray) {
  // ASL: PATH-01, IO-05
  EXPECT_EQ(Select("$.store.nothing"), "<nullopt>");
  EXPECT_EQ(Select("$.store.book[10]"), "<nullopt>");
  EXPECT_EQ(Select("$.store.bicycle.color.x"), "<nullopt>");
  EXPECT_EQ(Select("$.store.book[*].nothing"), Json::array());
}

TEST(JsonPathTest, IndefinitePathNeverFails) {
  // ASL: IO-05, PT-02 (recorded: wildcard_or_slice_with_no_input cases give
  // [] for "$.item.items[1:5]", "$.items[*].itemValue", "$[*]" on {})
  const Json empty = Json::object();
  EXPECT_EQ(Select("$.item.items[1:5]", empty), Json::array());
  EXPECT_EQ(Select("$.items[*].itemValue", empty), Json::array());
  EXPECT_EQ(Select("$.items[:1].itemValue", empty), Json::array());
  EXPECT_EQ(Select("$[*]", empty), Json::array());
  EXPECT_EQ(Select("$.store.bicycle.color[1:]"), Json::array());
  EXPECT_EQ(Select("$.store.bicycle.color[?(@.a)]"), Json::array());
  EXPECT_EQ(Select("$.a[*]", Json()), Json::array());
}

TEST(JsonPathTest, NullValuesAreSelected) {
  // ASL: PATH-01
  const Json doc = Json::parse(R"({"a":null,"b":[null]})");
  EXPECT_EQ(Select("$.a", doc), nullptr);
  EXPECT_EQ(Select("$.b[0]", doc), nullptr);
}

TEST(JsonPathTest, FindReturnsTheNodeWithoutCopying) {
  // ASL: PATH-02
  const Json& doc = Store();
  EXPECT_EQ(Path::Parse("$.store.bicycle").Find(doc), &doc["store"]["bicycle"]);
  EXPECT_EQ(Path::Parse("$.store.nothing").Find(doc), nullptr);
  EXPECT_THROW(Path::Parse("$..a").Find(doc), UsageError);
}

// ---------------------------------------------------------------- PATH-03/04

TEST(JsonPathTest, DoubleDollarSelectsFromTheContextObject) {
  // ASL: PATH-03
  const Json input = Json::parse(R"({"Execution":{"Id":"from-input"}})");
  const Json context = Json::parse(R"({"Execution":{"Id":"arn:x"}})");
  Env env;
  env.input = &input;
  env.context = &context;
  const auto path = Path::Parse("$$.Execution.Id");
  EXPECT_EQ(path.root(), Path::Root::kContext);
  EXPECT_EQ(*path.Select(env), "arn:x");
  EXPECT_EQ(*Path::Parse("$$").Select(env), context);
  env.context = nullptr;
  EXPECT_FALSE(path.Select(env).has_value());
}

TEST(JsonPathTest, DollarNameReadsAVariable) {
  // ASL: PATH-04, VAR-05
  const MapVariables variables(Json::object(
      {{"customer", Json::parse(R"({"address":{"city":"Oslo"},"tags":[1,2]})")}, {"n", 5}}));
  const Json input = Json::parse(R"({"customer":"input"})");
  Env env;
  env.input = &input;
  env.variables = &variables;
  const auto city = Path::Parse("$customer.address.city");
  EXPECT_EQ(city.root(), Path::Root::kVariable);
  EXPECT_EQ(city.variable(), "customer");
  EXPECT_EQ(*city.Select(env), "Oslo");
  EXPECT_EQ(*Path::Parse("$customer.tags[1]").Select(env), 2);
  EXPECT_EQ(*Path::Parse("$customer['tags'][*]").Select(env), Json::parse("[1,2]"));
  EXPECT_EQ(*Path::Parse("$n").Select(env), 5);
  EXPECT_EQ(*Path::Parse("$.customer").Select(env), "input");
}

TEST(JsonPathTest, VariableNamesAcceptUnicodeAndUnderscore) {
  // ASL: PATH-04, VAR-01
  const auto path = Path::Parse("$_prix_\xC3\xA9t\xC3\xA9.x");
  EXPECT_EQ(path.variable(), "_prix_\xC3\xA9t\xC3\xA9");
}

TEST(JsonPathTest, UnsetVariableSelectsNothing) {
  // ASL: VAR-07
  const MapVariables variables(Json::object());
  const Json input = Json::object();
  Env env;
  env.input = &input;
  env.variables = &variables;
  const auto path = Path::Parse("$missing.a");
  EXPECT_FALSE(path.Select(env).has_value());
  const auto result = path.SelectOrInvalidPath(env);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().error, "States.Runtime");
  EXPECT_EQ(result.error().cause,
            "Invalid path '$missing.a' : The variable 'missing' is not "
            "defined");
  const auto field = path.SelectForField(env, "x.$");
  ASSERT_FALSE(field.ok());
  EXPECT_EQ(field.error().cause,
            "The JSONPath '$missing.a' specified for the field 'x.$' could "
            "not be found in the input '{}'");
}

// ---------------------------------------------------------------- IO-08

Env InputEnv(const Json& input) {
  Env env;
  env.input = &input;
  return env;
}

TEST(JsonPathTest, MissingLeafGivesNoResultsCause) {
  // ASL: IO-08 (recorded: INVALID_JSONPATH_IN_OUTPUTPATH)
  const Json input = Json::parse(R"({"int-literal":0})");
  const auto result = Path::Parse("$.NoSuchOutputPath").SelectOrInvalidPath(InputEnv(input));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().error, "States.Runtime");
  EXPECT_EQ(result.error().cause,
            "Invalid path '$.NoSuchOutputPath' : No results for path: "
            "$['NoSuchOutputPath']");
}

TEST(JsonPathTest, MissingInnerNameGivesMissingPropertyCause) {
  // ASL: IO-08 (recorded: CATCH_STATE_RUNTIME)
  const Json input = Json::object();
  const auto result = Path::Parse("$.no.such.result.path").SelectOrInvalidPath(InputEnv(input));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().cause,
            "Invalid path '$.no.such.result.path' : Missing property in path "
            "$['no']");
}

TEST(JsonPathTest, MissMessagesFollowJayway) {
  // ASL: IO-08
  const Json doc = Json::parse(R"({"a":{"b":[1,2]},"s":"text","n":null})");
  EXPECT_EQ(Path::Parse("$.a.c").MissMessage(doc), "No results for path: $['a']['c']");
  EXPECT_EQ(Path::Parse("$.a.c.d").MissMessage(doc), "Missing property in path $['a']['c']");
  EXPECT_EQ(Path::Parse("$.a.b[5]").MissMessage(doc), "No results for path: $['a']['b'][5]");
  EXPECT_EQ(Path::Parse("$.a.b[5].x").MissMessage(doc), "No results for path: $['a']['b'][5]['x']");
  EXPECT_EQ(Path::Parse("$.n[0]").MissMessage(doc), "The path $['n'] is null");
  EXPECT_EQ(Path::Parse("$.a[0]").MissMessage(doc),
            "Filter: [0] can only be applied to arrays. Current context is: "
            "{b=[1, 2]}");
  EXPECT_EQ(Path::Parse("$.s.x").MissMessage(doc),
            "Expected to find an object with property ['x'] in path $['s'] "
            "but found 'java.lang.String'. This is not a json object "
            "according to the JsonProvider: "
            "'com.jayway.jsonpath.spi.json.JacksonJsonProvider'.");
  EXPECT_EQ(Path::Parse("$.missing[*]").MissMessage(doc), "");
  EXPECT_EQ(Path::Parse("$.missing['a','b']").MissMessage(doc),
            "Missing property in path $['missing']");
  EXPECT_EQ(Path::Parse("$.a.b").MissMessage(doc), "");
}

TEST(JsonPathTest, PathOnNullPayloadFails) {
  // ASL: IO-08
  const Json input;
  const auto result = Path::Parse("$.a").SelectOrInvalidPath(InputEnv(input));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().cause, HasSubstr("but found 'null'"));
  EXPECT_TRUE(Path::Parse("$").SelectOrInvalidPath(InputEnv(input)).ok());
}

TEST(JsonPathTest, IndefinitePathWithNoMatchIsNotAnError) {
  // ASL: IO-05
  const Json input = Json::parse(R"({"items":[{"a":1},{"b":2}]})");
  const auto result = Path::Parse("$.items[*].c").SelectOrInvalidPath(InputEnv(input));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value(), Json::array());
  EXPECT_EQ(Path::Parse("$.items[*].a").SelectOrInvalidPath(InputEnv(input)).value(),
            Json::parse("[1]"));
}

TEST(JsonPathTest, FieldCauseQuotesTheInputAsAwsJson) {
  // ASL: PT-06 (recorded: INVALID_JSONPATH_IN_ERRORPATH)
  const Json input = Json::parse(R"({"Error":"error-value","n":1.0})");
  const auto result = Path::Parse("$.ErrorX").SelectForField(InputEnv(input), "ErrorPath");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().error, "States.Runtime");
  EXPECT_EQ(result.error().cause,
            "The JSONPath '$.ErrorX' specified for the field 'ErrorPath' "
            "could not be found in the input "
            "'{\"Error\":\"error-value\",\"n\":1.0}'");
}

// ---------------------------------------------------------------- IO-06/07

TEST(JsonPathTest, AssignCreatesIntermediateObjects) {
  // ASL: IO-06
  Json target = Json::object();
  EXPECT_TRUE(Path::Parse("$.a.b.c").Assign(target, "R"));
  EXPECT_EQ(target, Json::parse(R"({"a":{"b":{"c":"R"}}})"));
}

TEST(JsonPathTest, AssignReplacesExistingNodeAndKeepsSiblings) {
  // ASL: IO-06
  Json target = Json::parse(R"({"a":{"b":1,"keep":true},"x":[1,2,3]})");
  EXPECT_TRUE(Path::Parse("$.a.b").Assign(target, Json::parse("[9]")));
  EXPECT_TRUE(Path::Parse("$.x[-1]").Assign(target, "last"));
  EXPECT_TRUE(Path::Parse("$['x'][0]").Assign(target, nullptr));
  EXPECT_EQ(target, Json::parse(R"({"a":{"b":[9],"keep":true},"x":[null,2,"last"]})"));
}

TEST(JsonPathTest, AssignAtRootReplacesEverything) {
  // ASL: IO-06
  Json target = "foo";
  EXPECT_TRUE(Path::Parse("$").Assign(target, Json::parse(R"({"r":1})")));
  EXPECT_EQ(target, Json::parse(R"({"r":1})"));
}

TEST(JsonPathTest, AssignThatCannotApplyLeavesTargetUnchanged) {
  // ASL: IO-07
  Json text = "foo";
  EXPECT_FALSE(Path::Parse("$.x").Assign(text, 1));
  EXPECT_EQ(text, "foo");

  const Json original = Json::parse(R"({"a":{"b":"s"},"l":[1]})");
  Json target = original;
  EXPECT_FALSE(Path::Parse("$.a.b.c").Assign(target, 1));
  EXPECT_FALSE(Path::Parse("$.l[3]").Assign(target, 1));
  EXPECT_FALSE(Path::Parse("$.new[0]").Assign(target, 1));
  EXPECT_FALSE(Path::Parse("$.a[0]").Assign(target, 1));
  EXPECT_FALSE(Path::Parse("$.l.x").Assign(target, 1));
  EXPECT_FALSE(Path::Parse("$..a").Assign(target, 1));
  EXPECT_FALSE(Path::Parse("$$.a").Assign(target, 1));
  EXPECT_FALSE(Path::Parse("$var.a").Assign(target, 1));
  EXPECT_EQ(target, original);
}

TEST(JsonPathTest, ResultPathCauseNamesPathAndInput) {
  // ASL: IO-07
  EXPECT_EQ(ResultPathCause(Path::Parse("$.x"), "foo"),
            "Unable to apply ReferencePath $.x to input '\"foo\"'");
}

// ---------------------------------------------------------------- syntax

TEST(JsonPathTest, SyntaxErrorsCarryOffsetAndMessage) {
  // ASL: PATH-01
  struct Case {
    const char* text;
    std::size_t offset;
    const char* message;
  };
  const Case cases[] = {
      {"", 0, "a path must start with '$'"},
      {"a.b", 0, "a path must start with '$'"},
      {"$.", 2, "path must not end with '.'"},
      {"$..", 3, "path must not end with '..'"},
      {"$.a[", 3, "unterminated brackets"},
      {"$.a[]", 3, "empty brackets"},
      {"$.a['b'", 7, "expected ']' but the path ended"},
      {"$.a['b", 4, "unterminated string"},
      {"$.a[?(@.b <)]", 11, "unexpected ')' in a filter"},
      {"$.a[?(@.b == 1]", 14, "expected ')' but found ']'"},
      {"$.a.length()", 10, "functions are not supported in paths"},
      {"$1abc", 1, "a variable name must not start with a digit"},
      {"$.a b", 3, "unexpected whitespace in a name"},
      {"$[1:2:0]", 7, "slice step must not be 0"},
      {"$.a[?(@.b =~ 'x')]", 16, "expected a /regex/ after '=~'"},
  };
  for (const auto& c : cases) {
    try {
      Path::Parse(c.text);
      ADD_FAILURE() << "no error for " << c.text;
    } catch (const SyntaxError& e) {
      EXPECT_EQ(std::string(e.what()), c.message) << c.text;
      EXPECT_EQ(e.offset(), c.offset) << c.text;
    }
  }
}

TEST(JsonPathTest, SyntaxErrorsNameControlAndNonAsciiCharactersReadably) {
  // ASL: PATH-01 (a "\u0000" in the JSON text reaches the path as a NUL
  // byte, which must never be copied into the message)
  struct Case {
    std::string text;
    std::size_t offset;
    const char* message;
  };
  const Case cases[] = {
      {std::string("$.order[\0]", 10), 8, "unexpected character U+0000 in brackets"},
      {"$.order[\x1F]", 8, "unexpected character U+001F in brackets"},
      {"$\x01", 1, "unexpected character U+0001 after '$'"},
      {"$.order[\xC3\xA9]", 8, "unexpected '\xC3\xA9' in brackets"},
      {std::string("$.order[0\0", 10), 9, "expected ']' but found character U+0000"},
      {"$.order[", 7, "unterminated brackets"},
  };
  for (const auto& c : cases) {
    try {
      Path::Parse(c.text);
      ADD_FAILURE() << "no error for " << c.text;
    } catch (const SyntaxError& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.find('\0'), std::string::npos) << c.text;
      EXPECT_EQ(message, c.message) << c.text;
      EXPECT_EQ(e.offset(), c.offset) << c.text;
    }
  }
}

TEST(JsonPathTest, PathsCompareByText) {
  // ASL: PATH-01
  EXPECT_EQ(Path::Parse("$.a"), Path::Parse("$.a"));
  EXPECT_FALSE(Path::Parse("$.a") == Path::Parse("$['a']"));
  EXPECT_EQ(Path::Parse("$.a").text(), "$.a");
}

}  // namespace
}  // namespace stepsim::jsonpath
