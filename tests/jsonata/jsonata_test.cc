#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stepsim/jsonata/jsonata.h>
#include <stepsim/sim/rng.h>

#include <chrono>
#include <string>
#include <string_view>

namespace stepsim::jsonata {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// The sample document of the JSONata documentation.
const Json& Doc() {
  static const Json doc = Json::parse(R"({
    "FirstName": "Fred", "Surname": "Smith", "Age": 28,
    "Address": {"Street": "Hursley Park", "City": "Winchester", "Postcode": "SO21 2JN"},
    "Phone": [
      {"type": "home", "number": "0203 544 1234"},
      {"type": "office", "number": "01962 001234"},
      {"type": "office", "number": "01962 001235"},
      {"type": "mobile", "number": "077 7700 1234"}
    ],
    "Account": {"Order": [
      {"OrderID": "order103", "Product": [
        {"Name": "Bowler Hat", "Price": 34.45, "Quantity": 2},
        {"Name": "Trilby hat", "Price": 21.67, "Quantity": 1}]},
      {"OrderID": "order104", "Product": [
        {"Name": "Bowler Hat", "Price": 34.45, "Quantity": 4},
        {"Name": "Cloak", "Price": 107.99, "Quantity": 1}]}
    ]}
  })");
  return doc;
}

Bindings NoBindings() { return Bindings{}; }

// Evaluates `text` with `context` as `$` and expects a JSON value.
Json Eval(std::string_view text, const Json& context = Doc(), Bindings b = NoBindings()) {
  Result<Value> r = Expression::Parse(text).Evaluate(context, b);
  if (!r.ok()) {
    ADD_FAILURE() << text << " failed: " << r.error().cause;
    return Json();
  }
  if (r.value().kind != Value::Kind::kJson) {
    ADD_FAILURE() << text << " gave no JSON value";
    return Json();
  }
  return r.value().json;
}

bool IsUndefined(std::string_view text, const Json& context = Doc()) {
  Result<Value> r = Expression::Parse(text).Evaluate(context, NoBindings());
  return r.ok() && r.value().is_undefined();
}

// The cause of a failed evaluation ("T2001: ...").
std::string Failure(std::string_view text, const Json& context = Doc(), Bindings b = NoBindings()) {
  Result<Value> r = Expression::Parse(text).Evaluate(context, b);
  if (r.ok()) {
    ADD_FAILURE() << text << " did not fail";
    return "";
  }
  EXPECT_EQ(r.error().error, "States.QueryEvaluationError");
  return r.error().cause;
}

std::string ParseError(std::string_view text) {
  try {
    Expression::Parse(text);
  } catch (const SyntaxError& e) {
    return e.what();
  }
  ADD_FAILURE() << text << " parsed";
  return "";
}

// ---------------------------------------------------------------- literals

TEST(JsonataTest, LiteralsEvaluateToThemselves) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("'string'"), "string");
  EXPECT_EQ(Eval("\"a\\\"b\\u00e9\""), "a\"b\xC3\xA9");
  EXPECT_EQ(Eval("42"), 42);
  EXPECT_EQ(Eval("1.5e2"), 150);
  EXPECT_EQ(Eval("true"), true);
  EXPECT_EQ(Eval("null"), nullptr);
  EXPECT_EQ(Eval("-3"), -3);
}

TEST(JsonataTest, IntegralNumbersBecomeJsonIntegers) {
  // ASL: JSONATA-02
  const Json sum = Eval("1.5 + 1.5");
  EXPECT_TRUE(sum.is_number_integer());
  EXPECT_EQ(sum, 3);
  EXPECT_EQ(Eval("7 / 2"), 3.5);
  EXPECT_EQ(Eval("10 % 3"), 1);
  EXPECT_EQ(Eval("2 * (3 + 4) - 1"), 13);
  EXPECT_EQ(Eval("-Age"), -28);
}

TEST(JsonataTest, CommentsAreIgnored) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("/* a comment */ 1 + /* another */ 2"), 3);
}

// ------------------------------------------------------------------- paths

TEST(JsonataTest, FieldNavigation) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("Address.City"), "Winchester");
  EXPECT_EQ(Eval("`FirstName`"), "Fred");
  EXPECT_TRUE(IsUndefined("Address.Nothing"));
  EXPECT_TRUE(IsUndefined("Nothing.At.All"));
}

TEST(JsonataTest, PathsMapOverArraysAndFlatten) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("Phone.number"),
            Json::parse(R"(["0203 544 1234","01962 001234","01962 001235","077 7700 1234"])"));
  EXPECT_EQ(Eval("Account.Order.Product.Price"), Json::parse("[34.45,21.67,34.45,107.99]"));
  EXPECT_EQ(Eval("Account.Order[0].OrderID"), "order103");
}

TEST(JsonataTest, ArrayIndexingIncludingNegative) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("Phone[0].number"), "0203 544 1234");
  EXPECT_EQ(Eval("Phone[-1].number"), "077 7700 1234");
  EXPECT_EQ(Eval("Phone[1.7].type"), "office");
  EXPECT_TRUE(IsUndefined("Phone[8]"));
  EXPECT_EQ(Eval("Account.Order.Product[0].Name"), Json::parse(R"(["Bowler Hat","Bowler Hat"])"));
  EXPECT_EQ(Eval("(Account.Order.Product)[0].Name"), "Bowler Hat");
}

TEST(JsonataTest, PredicatesFilter) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("Phone[type='mobile'].number"), "077 7700 1234");
  EXPECT_EQ(Eval("Phone[type='office'].number"), Json::parse(R"(["01962 001234","01962 001235"])"));
  EXPECT_EQ(Eval("Account.Order.Product[Price > 30].Name"),
            Json::parse(R"(["Bowler Hat","Bowler Hat","Cloak"])"));
  EXPECT_EQ(Eval("Phone[[0, 2]].type"), Json::parse(R"(["home","office"])"));
}

TEST(JsonataTest, EmptyBracketsKeepSingletonArrays) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("Phone[type='mobile'].number[]"), Json::parse(R"(["077 7700 1234"])"));
  EXPECT_EQ(Eval("Address.City[]"), Json::parse(R"(["Winchester"])"));
}

TEST(JsonataTest, WildcardAndDescendants) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("Address.*"), Json::parse(R"(["Winchester","SO21 2JN","Hursley Park"])"));
  EXPECT_EQ(Eval("**.Postcode"), "SO21 2JN");
  EXPECT_EQ(Eval("$count(Account.**.Price)"), 4);
}

TEST(JsonataTest, ContextVariableInsidePredicates) {
  // ASL: JSONATA-02, JSONATA-03
  EXPECT_EQ(Eval("$[$ > 2]", Json::parse("[1,2,3,4]")), Json::parse("[3,4]"));
  EXPECT_EQ(Eval("$$.Age"), 28);
  EXPECT_EQ(Eval("Phone[$.type = 'home'].number"), "0203 544 1234");
}

TEST(JsonataTest, ArrayConstructorsFlattenExceptNestedConstructors) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("[1, [2, 3], []]"), Json::parse("[1,[2,3],[]]"));
  EXPECT_EQ(Eval("[Address.City, Phone[0].type]"), Json::parse(R"(["Winchester","home"])"));
  EXPECT_EQ(Eval("[Phone.type]"), Json::parse(R"(["home","office","office","mobile"])"));
  EXPECT_EQ(Eval("[1..4]"), Json::parse("[1,2,3,4]"));
  EXPECT_EQ(Eval("[0, 2..3]"), Json::parse("[0,2,3]"));
  EXPECT_EQ(Eval("[]"), Json::array());
  EXPECT_EQ(Eval("Phone[[0, 1]].[type, number]"),
            Json::parse(R"([["home","0203 544 1234"],["office","01962 001234"]])"));
  EXPECT_EQ(Eval("Phone.[type, number][0]"), Json::parse(R"(["home","office","office","mobile"])"));
  EXPECT_EQ(Eval("(Phone.[type, number])[0]"), Json::parse(R"(["home","0203 544 1234"])"));
}

TEST(JsonataTest, ObjectConstructorsAndGrouping) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("{'a': 1, 'b': [true, null]}"), Json::parse(R"({"a":1,"b":[true,null]})"));
  EXPECT_EQ(
      Eval("Phone{type: number}"),
      Json::parse(
          R"({"home":"0203 544 1234","office":["01962 001234","01962 001235"],"mobile":"077 7700 1234"})"));
  EXPECT_EQ(Eval("Account.Order.Product{Name: $sum(Price)}"),
            Json::parse(R"({"Bowler Hat":68.9,"Trilby hat":21.67,"Cloak":107.99})"));
  EXPECT_EQ(Eval("{'x': Nothing}"), Json::object());
  EXPECT_THAT(Failure("{1: 2}"),
              HasSubstr("T1003: Key in object structure must evaluate to a string"));
}

TEST(JsonataTest, SortOperator) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("Account.Order.Product^(Price).Name"),
            Json::parse(R"(["Trilby hat","Bowler Hat","Bowler Hat","Cloak"])"));
  EXPECT_EQ(Eval("Account.Order.Product^(>Price, Quantity).Quantity"), Json::parse("[1,2,4,1]"));
}

// --------------------------------------------------------------- operators

TEST(JsonataTest, ComparisonAndBooleanOperators) {
  // ASL: JSONATA-02, CHO-13
  EXPECT_EQ(Eval("Age = 28"), true);
  EXPECT_EQ(Eval("Age != 28"), false);
  EXPECT_EQ(Eval("'abc' < 'abd'"), true);
  EXPECT_EQ(Eval("Age >= 28 and Age < 30"), true);
  EXPECT_EQ(Eval("Age > 100 or FirstName = 'Fred'"), true);
  EXPECT_EQ(Eval("Nothing = Nothing"), false);
  EXPECT_TRUE(IsUndefined("Nothing < 3"));  // as jsonata-js 2.0.6: comparison-operators/case027
  EXPECT_EQ(Eval("'office' in Phone.type"), true);
  EXPECT_EQ(Eval("3 in [1,2]"), false);
  EXPECT_EQ(Eval("{'a':[1,{'b':2}]} = {'a':[1,{'b':2.0}]}"), true);
}

TEST(JsonataTest, StringConcatenation) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("FirstName & ' ' & Surname"), "Fred Smith");
  EXPECT_EQ(Eval("'n=' & 1.50 & Nothing & true & null & [1,2] & {'a':1}"),
            "n=1.5truenull[1,2]{\"a\":1}");
}

TEST(JsonataTest, Conditionals) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("Age > 18 ? 'adult' : 'minor'"), "adult");
  EXPECT_TRUE(IsUndefined("Age > 100 ? 'old'"));
  EXPECT_EQ(Eval("Age > 100 ? 'old' : Age > 20 ? 'mid' : 'young'"), "mid");
}

TEST(JsonataTest, ElvisAndCoalescingAreNotInJsonata206) {
  // ASL: JSONATA-02 (`?:` and `??` arrived in JSONata 2.1; AWS runs 2.0.6)
  EXPECT_EQ(ParseError("Nothing ?: 'default'"),
            "S0211: The symbol \":\" cannot be used as a unary operator");
  EXPECT_EQ(ParseError("Nothing ?? 'default'"),
            "S0211: The symbol \"?\" cannot be used as a unary operator");
}

TEST(JsonataTest, OperatorTypeErrorsCarryJsonataCodes) {
  // ASL: JSONATA-05
  EXPECT_EQ(Failure("FirstName + 1"),
            "T2001: The left side of the \"+\" operator must evaluate to a number");
  EXPECT_EQ(Failure("1 * 'x'"),
            "T2002: The right side of the \"*\" operator must evaluate to a number");
  EXPECT_EQ(
      Failure("1 < 'x'"),
      "T2009: The values 1 and \"x\" either side of operator \"<\" must be of the same data type");
  EXPECT_EQ(Failure("Address > 1"),
            "T2010: The expressions either side of operator \">\" must evaluate to numeric or "
            "string values");
  EXPECT_EQ(Failure("1 / 0"), "D1001: Number out of range: Infinity");
  EXPECT_EQ(Failure("[1..'a']"),
            "T2004: The right side of the range operator (..) must evaluate to an integer");
  EXPECT_TRUE(IsUndefined("Nothing + 1"));
}

// ------------------------------------------------ variables and functions

TEST(JsonataTest, BindingsAndBlocks) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("($x := 3; $y := $x * 2; $x + $y)"), 9);
  EXPECT_EQ(Eval("($x := 1; ($x := 2); $x)"), 1);
  EXPECT_TRUE(IsUndefined("$undefinedVariable"));
}

TEST(JsonataTest, LambdasClosuresAndRecursion) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("($f := function($x){ $x * $x }; $f(5))"), 25);
  EXPECT_EQ(Eval("($fact := function($n){ $n <= 1 ? 1 : $n * $fact($n - 1) }; $fact(10))"),
            3628800);
  EXPECT_EQ(Eval("($add := function($a){ function($b){ $a + $b } }; $add(2)(3))"), 5);
  EXPECT_EQ(Eval("($f := function($x)<n:n>{ $x + 1 }; $f(1))"), 2);
  EXPECT_EQ(Eval("(\xCE\xBB($x){$x & '!'})('hi')"), "hi!");
}

TEST(JsonataTest, PartialApplicationAndChaining) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("($first5 := $substring(?, 0, 5); $first5('Hello World'))"), "Hello");
  EXPECT_EQ(Eval("'  hello  ' ~> $trim() ~> $uppercase()"), "HELLO");
  EXPECT_EQ(Eval("Phone.type ~> $distinct() ~> $count()"), 3);
  EXPECT_EQ(Eval("($inc := function($x){$x+1}; 1 ~> $inc)"), 2);
}

TEST(JsonataTest, FunctionsUseTheContextWhenTheFirstArgumentIsMissing) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("Phone.type.$uppercase()"), Json::parse(R"(["HOME","OFFICE","OFFICE","MOBILE"])"));
  EXPECT_EQ(Eval("Address.City.$substring(0, 3)"), "Win");
}

TEST(JsonataTest, InvokingANonFunctionFails) {
  // ASL: JSONATA-05
  EXPECT_EQ(Failure("$randomSeeded(1)"), "T1006: Attempted to invoke a non-function");
  EXPECT_EQ(Failure("$uppercase(1)"),
            "T0410: Argument 1 of function \"uppercase\" does not match function signature");
  EXPECT_EQ(
      Failure("$substring(1, 2)"),
      "T0411: Context value is not a compatible type with argument 1 of function \"substring\"");
}

TEST(JsonataTest, ExpressionMayEvaluateToAFunction) {
  // ASL: JSONATA-05
  Result<Value> r = Expression::Parse("$fn := function($x){$x}").Evaluate(NoBindings());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().kind, Value::Kind::kFunction);
}

// ---------------------------------------------------------------- built-ins

TEST(JsonataTest, StringFunctions) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("$string(12.50)"), "12.5");
  EXPECT_EQ(Eval("$string({'b':[1,2],'a':'x'})"), "{\"a\":\"x\",\"b\":[1,2]}");
  EXPECT_EQ(Eval("$string({'a':[1]}, true)"), "{\n  \"a\": [\n    1\n  ]\n}");
  EXPECT_EQ(Eval("$string(0.1 + 0.2)"), "0.3");
  EXPECT_EQ(Eval("$string(1e21)"), "1e+21");
  EXPECT_EQ(Eval("$string(0.0000001)"), "1e-7");
  EXPECT_EQ(Eval("$length('h\xC3\xA9llo')"), 5);
  EXPECT_EQ(Eval("$substring('Hello World', 3)"), "lo World");
  EXPECT_EQ(Eval("$substring('Hello World', 3, 5)"), "lo Wo");
  EXPECT_EQ(Eval("$substring('Hello World', -4)"), "orld");
  EXPECT_EQ(Eval("$substring('Hello World', -4, 2)"), "or");
  EXPECT_EQ(Eval("$substringBefore('Hello World', ' ')"), "Hello");
  EXPECT_EQ(Eval("$substringAfter('Hello World', ' ')"), "World");
  EXPECT_EQ(Eval("$substringAfter('Hello', 'x')"), "Hello");
  EXPECT_EQ(Eval("$uppercase('Hello')"), "HELLO");
  EXPECT_EQ(Eval("$lowercase('Hello')"), "hello");
  EXPECT_EQ(Eval("$trim('  a \n  b  ')"), "a b");
  EXPECT_EQ(Eval("$pad('foo', 5)"), "foo  ");
  EXPECT_EQ(Eval("$pad('foo', -5, '#')"), "##foo");
  EXPECT_EQ(Eval("$contains('abracadabra', 'bra')"), true);
  EXPECT_EQ(Eval("$split('a,b,c', ',')"), Json::parse(R"(["a","b","c"])"));
  EXPECT_EQ(Eval("$split('a,b,c', ',', 2)"), Json::parse(R"(["a","b"])"));
  EXPECT_EQ(Eval("$split('abc', '')"), Json::parse(R"(["a","b","c"])"));
  EXPECT_EQ(Eval("$join(['a','b','c'], '-')"), "a-b-c");
  EXPECT_EQ(Eval("$join(Phone.type)"), "homeofficeofficemobile");
  EXPECT_EQ(Eval("$replace('John Smith and John Jones', 'John', 'Mr')"), "Mr Smith and Mr Jones");
  EXPECT_EQ(Eval("$replace('aaa', 'a', 'b', 2)"), "bba");
  EXPECT_EQ(Eval("$base64encode('myuser:mypass')"), "bXl1c2VyOm15cGFzcw==");
  EXPECT_EQ(Eval("$base64decode('bXl1c2VyOm15cGFzcw==')"), "myuser:mypass");
  EXPECT_EQ(Eval("$encodeUrlComponent('?x=test')"), "%3Fx%3Dtest");
  EXPECT_EQ(Eval("$encodeUrl('https://mozilla.org/?x=шеллы')"),
            "https://mozilla.org/?x=%D1%88%D0%B5%D0%BB%D0%BB%D1%8B");
  EXPECT_EQ(Eval("$decodeUrlComponent('%3Fx%3Dtest')"), "?x=test");
  EXPECT_TRUE(IsUndefined("$uppercase(Nothing)"));
}

TEST(JsonataTest, RegularExpressions) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("$contains('hello$world', /^hello\\$/)"), true);
  EXPECT_EQ(Eval("$contains('hello$world', /^hello\\ /)"), false);
  EXPECT_EQ(Eval("$contains('HELLO', /hel/i)"), true);
  EXPECT_EQ(Eval("$split('a1b22c', /[0-9]+/)"), Json::parse(R"(["a","b","c"])"));
  EXPECT_EQ(Eval("$replace('abc123', /([a-z]+)([0-9]+)/, '$2-$1')"), "123-abc");
  EXPECT_EQ(Eval("$replace('a-b', /-/, function($m){ '+' & $m.match & '+' })"), "a+-+b");
  EXPECT_EQ(
      Eval("$match('ababbabbcc', /a(b+)/)"),
      Json::parse(
          R"([{"match":"ab","index":0,"groups":["b"]},{"match":"abb","index":2,"groups":["bb"]},{"match":"abb","index":5,"groups":["bb"]}])"));
  EXPECT_EQ(Eval("Phone[$contains(number, /^077/)].type"), "mobile");
  EXPECT_EQ(Eval("7 / 7"), 1);  // a division is not a regex
}

TEST(JsonataTest, NumericFunctions) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("$number('42')"), 42);
  EXPECT_EQ(Eval("$number('-1.5e1')"), -15);
  EXPECT_EQ(Eval("$number('0x1F')"), 31);
  EXPECT_EQ(Eval("$number(true)"), 1);
  EXPECT_EQ(Failure("$number('12a')"), "D3030: Unable to cast value to a number: \"12a\"");
  EXPECT_EQ(Eval("$abs(-5)"), 5);
  EXPECT_EQ(Eval("$floor(5.7)"), 5);
  EXPECT_EQ(Eval("$ceil(5.2)"), 6);
  EXPECT_EQ(Eval("$round(2.5)"), 2);
  EXPECT_EQ(Eval("$round(3.5)"), 4);
  EXPECT_EQ(Eval("$round(-2.5)"), -2);
  EXPECT_EQ(Eval("$round(123.456, 2)"), 123.46);
  EXPECT_EQ(Eval("$round(2.675, 2)"), 2.68);
  EXPECT_EQ(Eval("$round(12345, -2)"), 12300);
  EXPECT_EQ(Eval("$power(2, 10)"), 1024);
  EXPECT_EQ(Eval("$sqrt(16)"), 4);
  EXPECT_EQ(Failure("$sqrt(-1)"),
            "D3060: The sqrt function cannot be applied to a negative number: -1");
  EXPECT_EQ(Eval("$formatNumber(1234.5, '#,##0.00')"), "1,234.50");
  EXPECT_EQ(Eval("$formatNumber(0.25, '#0%')"), "25%");
  EXPECT_EQ(Eval("$formatNumber(7, '000')"), "007");
  EXPECT_EQ(Eval("$formatBase(255, 16)"), "ff");
}

TEST(JsonataTest, AggregationFunctions) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("$sum(Account.Order.Product.(Price * Quantity))"), 336.36);
  EXPECT_EQ(Eval("$max([1, 5, 3])"), 5);
  EXPECT_EQ(Eval("$min([1, 5, 3])"), 1);
  EXPECT_EQ(Eval("$average([1, 2, 3, 4])"), 2.5);
  EXPECT_EQ(Eval("$count(Phone)"), 4);
  EXPECT_EQ(Eval("$count(Nothing)"), 0);
  EXPECT_EQ(Eval("$sum([])"), 0);
  EXPECT_TRUE(IsUndefined("$max([])"));
  EXPECT_EQ(Failure("$sum(['a'])"),
            "T0412: Argument 1 of function \"sum\" must be an array of \"numbers\"");
}

TEST(JsonataTest, BooleanFunctions) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("$boolean('')"), false);
  EXPECT_EQ(Eval("$boolean([0, 1])"), true);
  EXPECT_EQ(Eval("$boolean({})"), false);
  EXPECT_EQ(Eval("$not(0)"), true);
  EXPECT_EQ(Eval("$exists(Age)"), true);
  EXPECT_EQ(Eval("$exists(Nothing)"), false);
}

TEST(JsonataTest, ArrayFunctions) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("$append([1,2], [3])"), Json::parse("[1,2,3]"));
  EXPECT_EQ(Eval("$append(1, Nothing)"), 1);
  EXPECT_EQ(Eval("$reverse([1,2,3])"), Json::parse("[3,2,1]"));
  EXPECT_EQ(Eval("$sort([3,1,2])"), Json::parse("[1,2,3]"));
  EXPECT_EQ(Eval("$sort(Phone, function($l, $r){ $l.type > $r.type }).type"),
            Json::parse(R"(["home","mobile","office","office"])"));
  EXPECT_EQ(Eval("$distinct([1,2,1,'a','a'])"), Json::parse(R"([1,2,"a"])"));
  EXPECT_EQ(Eval("$zip([1,2,3],[4,5])"), Json::parse("[[1,4],[2,5]]"));
  EXPECT_EQ(Eval("$count($shuffle([1,2,3]))"), 3);
}

TEST(JsonataTest, ObjectFunctions) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("$keys(Address)"), Json::parse(R"(["City","Postcode","Street"])"));
  EXPECT_EQ(Eval("$lookup(Address, 'City')"), "Winchester");
  EXPECT_EQ(Eval("$spread({'a':1,'b':2})"), Json::parse(R"([{"a":1},{"b":2}])"));
  EXPECT_EQ(Eval("$merge([{'a':1},{'b':2},{'a':3}])"), Json::parse(R"({"a":3,"b":2})"));
  EXPECT_EQ(Eval("$each(Address, function($v, $k){ $k & '=' & $v })"),
            Json::parse(R"(["City=Winchester","Postcode=SO21 2JN","Street=Hursley Park"])"));
  EXPECT_EQ(Eval("$sift({'a':1,'b':0}, function($v){ $v > 0 })"), Json::parse(R"({"a":1})"));
  EXPECT_EQ(
      Eval("[$type(1), $type('a'), $type(null), $type([]), $type({}), $type(true), $type($sum)]"),
      Json::parse(R"(["number","string","null","array","object","boolean","function"])"));
  EXPECT_EQ(Failure("$error('boom')"), "D3137: boom");
  EXPECT_EQ(Failure("$assert(1 = 2, 'nope')"), "D3141: nope");
}

TEST(JsonataTest, HigherOrderFunctions) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("$map([1,2,3], function($v){ $v * 2 })"), Json::parse("[2,4,6]"));
  EXPECT_EQ(Eval("$map([1,2,3], function($v, $i){ $i })"), Json::parse("[0,1,2]"));
  EXPECT_EQ(Eval("$map(['1','2'], $number)"), Json::parse("[1,2]"));
  EXPECT_EQ(Eval("$filter([1,2,3,4], function($v){ $v % 2 = 0 })"), Json::parse("[2,4]"));
  EXPECT_EQ(Eval("$reduce([1,2,3,4], function($acc, $v){ $acc + $v })"), 10);
  EXPECT_EQ(Eval("$reduce([1,2,3], function($acc, $v){ $acc + $v }, 10)"), 16);
  EXPECT_EQ(Eval("$single([1,2,3], function($v){ $v = 2 })"), 2);
  EXPECT_THAT(Failure("$single([1,2,3], function($v){ $v > 1 })"), HasSubstr("D3138"));
}

TEST(JsonataTest, DateFunctionsUseTheVirtualClock) {
  // ASL: JSONATA-02
  Bindings b;
  b.now = sim::VirtualTime(sim::Millis(1735689600123));
  EXPECT_EQ(Eval("$now()", Json(), b), "2025-01-01T00:00:00.123Z");
  EXPECT_EQ(Eval("$millis()", Json(), b), 1735689600123);
  EXPECT_EQ(Eval("$toMillis('2025-01-01T00:00:01Z')"), 1735689601000);
  EXPECT_EQ(Eval("$fromMillis(1735689601000)"), "2025-01-01T00:00:01.000Z");
  EXPECT_EQ(Eval("$now('[Y0001]-[M01]-[D01]')", Json(), b), "2025-01-01");
}

TEST(JsonataTest, FromMillisFormatsPictures) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("$fromMillis(1735689600123, '[Y]-[M]-[D] [H]:[m]:[s].[f001]')"),
            "2025-1-1 0:00:00.123");
  EXPECT_EQ(Eval("$fromMillis(1735689600123, '[D1] [MNn] [Y0001], [FNn] [h]:[m01] [P]')"),
            "1 January 2025, Wednesday 12:00 am");
  EXPECT_EQ(Eval("$fromMillis(1735689600123, '[H01]:[m01] [Z]', '+0530')"), "05:30 +05:30");
  EXPECT_EQ(Eval("$fromMillis(1735689600123, undefined, '-0200')"),
            "2024-12-31T22:00:00.123-02:00");
  EXPECT_EQ(Eval("$fromMillis(-86400000, '[Y0001]-[M01]-[D01] [FNn]')"), "1969-12-31 Wednesday");
}

TEST(JsonataTest, FromMillisWeeksOrdinalsAndWords) {
  // ASL: JSONATA-02 (jsonata-js suite: function-fromMillis)
  EXPECT_EQ(Eval("$fromMillis(1521801216617, '[FNn], the [Dwo] of [MNn] [Y] [E]')"),
            "Friday, the twenty-third of March 2018 ISO");
  EXPECT_EQ(Eval("$fromMillis(1521801216617, '[D1o] [MN,*-3] [YI]')"), "23rd MAR MMXVIII");
  EXPECT_EQ(Eval("$fromMillis(1451304000000, 'Week: [W]')"), "Week: 53");
  EXPECT_EQ(Eval("$fromMillis(1483272000000, 'Week: [w] of [xNn]')"), "Week: 5 of December");
  EXPECT_EQ(Eval("$fromMillis(1531310400000, '[H01]:[m] [Z0]', '+0530')"), "17:30 +5:30");
  EXPECT_THAT(Failure("$fromMillis(0, '[YN]')"), HasSubstr("D3133"));
  EXPECT_THAT(Failure("$fromMillis(0, '[Y')"), HasSubstr("D3135"));
}

TEST(JsonataTest, ToMillisParsesWithAPicture) {
  // ASL: JSONATA-02 (jsonata-js suite: function-tomillis)
  EXPECT_EQ(Eval("$toMillis('27th 3 1976', '[D1o] [M#1] [Y0001]')"), 196732800000);
  EXPECT_EQ(Eval("$toMillis('20180205', '[Y0001][M01][D01]')"), 1517788800000);
  EXPECT_EQ(Eval("$toMillis('4/4/2018 12:06 pm', '[D1]/[M1]/[Y0001] [h]:[m] [P]')"), 1522843560000);
  EXPECT_EQ(Eval("$toMillis('2018-094', '[Y0001]-[d001]')"), 1522800000000);
  EXPECT_TRUE(IsUndefined("$toMillis('irrelevant', '[Y]-[M]-[D]')"));
  EXPECT_THAT(Failure("$toMillis('2018-22', '[Y]-[D]')"), HasSubstr("D3136"));
  EXPECT_EQ(Eval("$toMillis('2017-10-30')"), 1509321600000);
  EXPECT_EQ(Eval("$toMillis('2018-02-01T09:42:13.123+0000')"), 1517478133123);
}

TEST(JsonataTest, FormatAndParseInteger) {
  // ASL: JSONATA-02 (jsonata-js suite: function-formatInteger, function-parseInteger)
  EXPECT_EQ(Eval("$formatInteger(1234567890, '##,##,##0')"), "12345,67,890");
  EXPECT_EQ(Eval("$formatInteger(4327732, 'w;o')"),
            "four million, three hundred and twenty-seven thousand, seven hundred and "
            "thirty-second");
  EXPECT_EQ(Eval("$formatInteger(300, 'A')"), "KN");
  EXPECT_EQ(Eval("$parseInteger('three thousand, seven hundred and thirty', 'w')"), 3730);
  EXPECT_EQ(Eval("$parseInteger('MCMLXXXIV', 'I')"), 1984);
  EXPECT_THAT(Failure("$formatInteger(5, '#')"), HasSubstr("D3130"));
}

TEST(JsonataTest, FormatNumberExponentsAndSubPictures) {
  // ASL: JSONATA-02 (jsonata-js suite: function-formatNumber)
  EXPECT_EQ(Eval("$formatNumber(1234.5678, '00.000e0')"), "12.346e2");
  EXPECT_EQ(Eval("$formatNumber(-6, '000;(000)')"), "(006)");
  EXPECT_EQ(Eval("$formatNumber(1234.5678, '#.###,00', {'decimal-separator': ',', "
                 "'grouping-separator': '.'})"),
            "1.234,57");
  EXPECT_THAT(Failure("$formatNumber(1, '#;#;#')"), HasSubstr("D3080"));
  EXPECT_THAT(Failure("$formatNumber(1, '#.0.0')"), HasSubstr("D3081"));
  EXPECT_THAT(Failure("$formatNumber(1, '#0%e0')"), HasSubstr("D3092"));
}

TEST(JsonataTest, FunctionsChainWithTheApplyOperator) {
  // ASL: JSONATA-02 (jsonata-js suite: function-applications)
  EXPECT_EQ(Eval("($f := $trim ~> $uppercase; $f('  a  b '))", Json()), "A B");
  EXPECT_EQ(
      Eval("($d := $substringAfter(?, '@') ~> $substringBefore(?, '.'); $d('j@ex.com'))", Json()),
      "ex");
  EXPECT_EQ(Eval("[1..5] ~> ($map(?, function($x){$x*$x}) ~> $sum)()", Json()), 55);
}

TEST(JsonataTest, FocusAndIndexBindingsMakeTupleStreams) {
  // ASL: JSONATA-02 (jsonata-js suite: joins, sorting)
  EXPECT_EQ(Eval("Account.Order#$o.Product.{'p': Name, 'o': $o}"),
            Json::parse(R"([{"p":"Bowler Hat","o":0},{"p":"Trilby hat","o":0},
                            {"p":"Bowler Hat","o":1},{"p":"Cloak","o":1}])"));
  // `@` binds the item and keeps the context: a join over Account.
  EXPECT_EQ(Eval("Account.Order@$o.($o.Product)[Price > 100].{'order': $o.OrderID, 'name': Name}"),
            Json::parse(R"({"order":"order104","name":"Cloak"})"));
  EXPECT_EQ(Eval("Account.Order.Product^(Price)#$i[$i < 2].Name"),
            Json::parse(R"(["Trilby hat","Bowler Hat"])"));
  EXPECT_THAT(ParseError("Account.Order[0]@$o"), HasSubstr("S0215"));
}

TEST(JsonataTest, ParentOperatorNamesTheEnclosingItem) {
  // ASL: JSONATA-02 (jsonata-js suite: parent-operator)
  EXPECT_EQ(Eval("Account.Order.Product[Price > 100].%.OrderID"), "order104");
  EXPECT_EQ(Eval("Account.Order.Product.{ %.OrderID: Quantity }"),
            Json::parse(R"([{"order103":2},{"order103":1},{"order104":4},{"order104":1}])"));
  EXPECT_THAT(ParseError("%"), HasSubstr("S0217"));
  EXPECT_THAT(ParseError("$.%"), HasSubstr("S0217"));
  EXPECT_THAT(ParseError("Account.Order.%.%.%"), HasSubstr("S0217"));
}

TEST(JsonataTest, NumberAcceptsLeadingZerosAndRejectsFunctions) {
  // ASL: JSONATA-02 (jsonata-js suite: function-number)
  EXPECT_EQ(Eval("$number('0123')"), 123);
  EXPECT_EQ(Eval("$number('-007')"), -7);
  EXPECT_THAT(Failure("$number($number)"), HasSubstr("T0410"));
  EXPECT_THAT(Failure("$number(function(){5})"), HasSubstr("T0410"));
  EXPECT_TRUE(IsUndefined("3 > $x"));
  EXPECT_EQ(Eval("$split('a, b, c, d', ', ', 2.5)"), Json::parse(R"(["a","b"])"));
}

// ---------------------------------------------------- Step Functions extras

TEST(JsonataTest, PartitionSplitsIntoChunks) {
  // ASL: JSONATA-02 (conformance: TestArrayJSONata_test_array_partition_*)
  EXPECT_EQ(Eval("$partition([0], 5)"), Json::parse("[[0]]"));
  EXPECT_EQ(Eval("$partition([0,1], 1)"), Json::parse("[[0],[1]]"));
  EXPECT_EQ(Eval("$partition([0,1,2], 2)"), Json::parse("[[0,1],[2]]"));
  EXPECT_EQ(Eval("$partition([0,1,2,3], 3)"), Json::parse("[[0,1,2],[3]]"));
}

TEST(JsonataTest, RangeWithStep) {
  // ASL: JSONATA-02 (conformance: TestArrayJSONata_test_array_range_*)
  EXPECT_EQ(Eval("$range(0, 10, 3)"), Json::parse("[0,3,6,9]"));
  EXPECT_EQ(Eval("$range(1, 9, 9)"), 1);
  EXPECT_EQ(Eval("$range(5, 1, -2)"), Json::parse("[5,3,1]"));
}

TEST(JsonataTest, HashComputesHexDigests) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("$hash('abc', 'MD5')"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Eval("$hash('abc', 'SHA-1')"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Eval("$hash('abc', 'SHA-256')"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Eval("$length($hash('abc', 'SHA-384'))"), 96);
  EXPECT_EQ(Eval("$length($hash('abc', 'SHA-512'))"), 128);
}

TEST(JsonataTest, RandomAndUuidComeFromTheSeededRng) {
  // ASL: JSONATA-02
  sim::Rng rng1(7);
  sim::Rng rng2(7);
  Bindings b1;
  b1.rng = &rng1;
  Bindings b2;
  b2.rng = &rng2;
  const Json u1 = Eval("$uuid()", Json(), b1);
  const Json u2 = Eval("$uuid()", Json(), b2);
  EXPECT_EQ(u1, u2);
  EXPECT_THAT(u1.get<std::string>(),
              MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  const Json r = Eval("$random()", Json(), b1);
  EXPECT_GE(r.get<double>(), 0.0);
  EXPECT_LT(r.get<double>(), 1.0);
  EXPECT_EQ(Eval("$random(42)"), Eval("$random(42)"));
  EXPECT_NE(Eval("$random(42)"), Eval("$random(43)"));
}

TEST(JsonataTest, ParseReadsJsonText) {
  // ASL: JSONATA-02 (conformance: TestJsonManipulationJSONata_test_parse_*)
  EXPECT_EQ(Eval("$parse('-0')"), 0);
  EXPECT_EQ(Eval("$parse('1.1')"), 1.1);
  EXPECT_EQ(Eval("$parse('true')"), true);
  EXPECT_EQ(Eval("$parse('\"HelloWorld\"')"), "HelloWorld");
  EXPECT_EQ(Eval("$parse('[1, 2, \"HelloWorld\"]')"), Json::parse(R"([1,2,"HelloWorld"])"));
}

TEST(JsonataTest, TransformOperatorCopiesAndModifies) {
  // ASL: JSONATA-02
  EXPECT_EQ(Eval("($ ~> |Account.Order.Product|{'Total': Price * Quantity}, ['Price', 'Quantity']|)"
                 ".Account.Order[0].Product[0]"),
            Json::parse(R"({"Name":"Bowler Hat","Total":68.9})"));
  EXPECT_EQ(Eval("($ ~> |Phone[type='office']|{'type': 'work'}|).Phone.type"),
            Json::parse(R"(["home","work","work","mobile"])"));
  EXPECT_EQ(Eval("($ ~> |Address|{}, 'City'|).Address"),
            Json::parse(R"({"Postcode":"SO21 2JN","Street":"Hursley Park"})"));
  EXPECT_EQ(Eval("Address.City"), "Winchester");  // the input is unchanged
  EXPECT_THAT(Failure("$ ~> |Address|'x'|"),
              HasSubstr("T2011: The insert/update clause of the transform expression must evaluate "
                        "to an object"));
}

// ------------------------------------------------------------------ parsing

TEST(JsonataTest, SyntaxErrorsCarryCodes) {
  // ASL: JSONATA-02
  EXPECT_EQ(ParseError("(1 + 2"), "S0203: Expected \")\" before end of expression");
  EXPECT_EQ(ParseError("[1, 2)"), "S0202: Expected \"]\", got \")\"");
  EXPECT_EQ(ParseError("'abc"), "S0101: String literal must be terminated by a matching quote");
  EXPECT_EQ(ParseError("1 +"), "S0207: Unexpected end of expression");
  EXPECT_EQ(ParseError("a.1"),
            "S0213: The literal value 1 cannot be used as a step within a path expression");
  EXPECT_EQ(ParseError("1 2"), "S0201: Syntax error: 2");
  EXPECT_EQ(ParseError("Phone[0..1]"), "S0202: Expected \"]\", got \"..\"");
  EXPECT_EQ(ParseError("2^3"), "S0202: Expected \"(\", got 3");
  EXPECT_EQ(ParseError("function($x, y){1}"),
            "S0208: Parameter 2 of function definition must be a variable name (start with $)");
}

// -------------------------------------------------- Step Functions bindings

TEST(JsonataTest, StatesVariableReadsTheBindings) {
  // ASL: JSONATA-04
  const Json input = Json::parse(R"({"a": {"b": [1, 2]}, "n": 3})");
  const Json context = Json::parse(R"({"State": {"Name": "S"}})");
  const Json result = Json::parse(R"({"r": true})");
  Bindings b;
  b.input = &input;
  b.context = &context;
  b.result = &result;
  EXPECT_EQ(Eval("$states.input.a.b[1]", Json(), b), 2);
  EXPECT_EQ(Eval("$states.input.n * 2", Json(), b), 6);
  EXPECT_EQ(Eval("$states.context.State.Name", Json(), b), "S");
  EXPECT_EQ(Eval("$states.result.r", Json(), b), true);
  EXPECT_EQ(Eval("$states.input", Json(), b), input);
  EXPECT_EQ(Eval("$keys($states)", Json(), b), Json::parse(R"(["context","input","result"])"));
}

using MapVariables = jsonpath::ObjectVariables;

TEST(JsonataTest, WorkflowVariablesAreVisible) {
  // ASL: VAR-03, JSONATA-02 (conformance: states_variables, assign)
  const MapVariables vars(Json::parse(R"({"var_constant_1": 10, "theAnswer": 42})"));
  const Json input = Json::parse(R"({"input_values": [1, 2, 3]})");
  Bindings b;
  b.input = &input;
  b.variables = &vars;
  EXPECT_EQ(Eval("$sum($states.input.input_values) + $var_constant_1", Json(), b), 16);
  EXPECT_EQ(Eval("$theAnswer", Json(), b), 42);
}

TEST(JsonataTest, WorkflowVariablesShadowBuiltins) {
  // ASL: VAR-03
  const MapVariables vars(Json::parse(R"({"count": 7})"));
  Bindings b;
  b.variables = &vars;
  EXPECT_EQ(Eval("$count", Json(), b), 7);
  EXPECT_EQ(Eval("$sum([1, $count])", Json(), b), 8);
}

TEST(JsonataTest, StatesInputArraysCanBeIndexedAndFiltered) {
  // ASL: JSONATA-04
  const Json input =
      Json::parse(R"([{"id": 1, "ok": true}, {"id": 2, "ok": false}, {"id": 3, "ok": true}])");
  Bindings b;
  b.input = &input;
  EXPECT_EQ(Eval("$states.input[0].id", Json(), b), 1);
  EXPECT_EQ(Eval("$states.input[-1].id", Json(), b), 3);
  EXPECT_EQ(Eval("$states.input[ok].id", Json(), b), Json::parse("[1,3]"));
  EXPECT_EQ(Eval("$states.input[id = 2][]", Json(), b), Json::parse(R"([{"id":2,"ok":false}])"));
  EXPECT_EQ(Eval("$states.input.id", Json(), b), Json::parse("[1,2,3]"));
  EXPECT_EQ(Eval("$count($states.input)", Json(), b), 3);
  EXPECT_TRUE(Expression::Parse("$states.input.nothing").Evaluate(b).value().is_undefined());
}

TEST(JsonataTest, UsesImplicitInputDetectsTopLevelContext) {
  // ASL: JSONATA-03
  EXPECT_TRUE(Expression::Parse("$").UsesImplicitInput());
  EXPECT_TRUE(Expression::Parse("foo").UsesImplicitInput());
  EXPECT_TRUE(Expression::Parse("foo.bar").UsesImplicitInput());
  EXPECT_TRUE(Expression::Parse("$$").UsesImplicitInput());
  EXPECT_TRUE(Expression::Parse("$states.input[$$ = 1]").UsesImplicitInput());
  EXPECT_TRUE(Expression::Parse("$string(foo)").UsesImplicitInput());
  EXPECT_FALSE(Expression::Parse("$states.input.foo").UsesImplicitInput());
  EXPECT_FALSE(Expression::Parse("$states.input.items[$.price > 3]").UsesImplicitInput());
  EXPECT_FALSE(Expression::Parse("$map($states.input, function($v){ $.x })").UsesImplicitInput());
  EXPECT_FALSE(Expression::Parse("$x.y.z").UsesImplicitInput());
  EXPECT_FALSE(Expression::Parse("{'foo': 'bar'}").UsesImplicitInput());
  EXPECT_FALSE(Expression::Parse("$states.input{key: value}").UsesImplicitInput());
}

}  // namespace
}  // namespace stepsim::jsonata
