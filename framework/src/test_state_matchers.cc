#include <stepsim/test/test_state_matchers.h>

#include <ostream>
#include <string>
#include <utility>

namespace stepsim::test {
namespace {

using Json = nlohmann::json;
using Response = sim::TestStateResponse;

void Explain(const Response& r, testing::MatchResultListener* listener) {
  *listener << "which has status " << sim::ToString(r.status);
  if (r.error) *listener << " (error " << *r.error << ": " << r.cause.value_or("") << ")";
  if (r.next_state) *listener << " and next state \"" << *r.next_state << "\"";
}

class StatusIs final : public testing::MatcherInterface<const Response&> {
 public:
  explicit StatusIs(sim::TestStatus status) : status_(status) {}
  bool MatchAndExplain(const Response& r, testing::MatchResultListener* listener) const override {
    Explain(r, listener);
    return r.status == status_;
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "has status " << sim::ToString(status_);
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "does not have status " << sim::ToString(status_);
  }

 private:
  sim::TestStatus status_;
};

class NextStateIs final : public testing::MatcherInterface<const Response&> {
 public:
  explicit NextStateIs(std::string state) : state_(std::move(state)) {}
  bool MatchAndExplain(const Response& r, testing::MatchResultListener* listener) const override {
    if (!r.next_state) {
      *listener << "which has no next state (status " << sim::ToString(r.status) << ")";
      return false;
    }
    *listener << "which has next state \"" << *r.next_state << "\"";
    return *r.next_state == state_;
  }
  void DescribeTo(std::ostream* os) const override { *os << "has next state \"" << state_ << "\""; }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "does not have next state \"" << state_ << "\"";
  }

 private:
  std::string state_;
};

class OutputIs final : public testing::MatcherInterface<const Response&> {
 public:
  explicit OutputIs(testing::Matcher<const Json&> output) : output_(std::move(output)) {}
  bool MatchAndExplain(const Response& r, testing::MatchResultListener* listener) const override {
    if (!r.output) {
      *listener << "which has no output (status " << sim::ToString(r.status) << ")";
      return false;
    }
    *listener << "which has output " << r.output->dump();
    return output_.Matches(*r.output);
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "has an output that ";
    output_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "does not have an output that ";
    output_.DescribeTo(os);
  }

 private:
  testing::Matcher<const Json&> output_;
};

class InspectionFieldIs final : public testing::MatcherInterface<const Response&> {
 public:
  InspectionFieldIs(std::string field, testing::Matcher<const Json&> value)
      : field_(std::move(field)), value_(std::move(value)) {}
  bool MatchAndExplain(const Response& r, testing::MatchResultListener* listener) const override {
    if (!r.inspection_data) {
      *listener << "which has no inspection data (the request's level was INFO)";
      return false;
    }
    // The wire form, decoded: data members are JSON text there.
    Json wire = Json(r)["inspectionData"];
    if (!wire.contains(field_)) {
      *listener << "which has no inspection field \"" << field_ << "\"";
      return false;
    }
    Json value = wire.at(field_);
    if (value.is_string() && field_ != "errorDetails") {
      Json decoded = Json::parse(value.get<std::string>(), nullptr, false);
      if (!decoded.is_discarded()) value = std::move(decoded);
    }
    *listener << "which has " << field_ << " " << value.dump();
    return value_.Matches(value);
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "has inspection field " << field_ << " that ";
    value_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "does not have inspection field " << field_ << " that ";
    value_.DescribeTo(os);
  }

 private:
  std::string field_;
  testing::Matcher<const Json&> value_;
};

}  // namespace

testing::Matcher<const Response&> HasTestStatus(sim::TestStatus status) {
  return testing::MakeMatcher(new StatusIs(status));
}

testing::Matcher<const Response&> HasNextState(const std::string& state) {
  return testing::MakeMatcher(new NextStateIs(state));
}

testing::Matcher<const Response&> HasTestOutput(const testing::Matcher<const Json&>& output) {
  return testing::MakeMatcher(new OutputIs(output));
}

testing::Matcher<const Response&> HasInspectionField(const std::string& field,
                                                     const testing::Matcher<const Json&>& value) {
  return testing::MakeMatcher(new InspectionFieldIs(field, value));
}

}  // namespace stepsim::test
