#include "sim/program.h"

#include <stepsim/sim/mock_config.h>

#include <string_view>
#include <utility>

#include "sim/data_flow.h"

namespace stepsim::sim::internal {
namespace {

using asl::Scope;
using asl::State;
using asl::StateType;

bool ContainsContextRef(const nlohmann::ordered_json& v) {
  switch (v.type()) {
    case nlohmann::ordered_json::value_t::object:
      for (const auto& [k, x] : v.items()) {
        if (ContainsContextRef(x)) return true;
      }
      return false;
    case nlohmann::ordered_json::value_t::array:
      for (const auto& x : v) {
        if (ContainsContextRef(x)) return true;
      }
      return false;
    case nlohmann::ordered_json::value_t::string:
      return v.get_ref<const std::string&>().find("$$") != std::string::npos;
    default:
      return false;
  }
}

void SetEventTypes(StateType type, StateInfo* info) {
  switch (type) {
    case StateType::kTask:
      info->entered = EventType::kTaskStateEntered;
      info->exited = EventType::kTaskStateExited;
      break;
    case StateType::kPass:
      info->entered = EventType::kPassStateEntered;
      info->exited = EventType::kPassStateExited;
      break;
    case StateType::kChoice:
      info->entered = EventType::kChoiceStateEntered;
      info->exited = EventType::kChoiceStateExited;
      break;
    case StateType::kWait:
      info->entered = EventType::kWaitStateEntered;
      info->exited = EventType::kWaitStateExited;
      break;
    case StateType::kSucceed:
      info->entered = EventType::kSucceedStateEntered;
      info->exited = EventType::kSucceedStateExited;
      break;
    case StateType::kFail:
      info->entered = EventType::kFailStateEntered;
      info->exited = EventType::kFailStateEntered;
      break;
    case StateType::kParallel:
      info->entered = EventType::kParallelStateEntered;
      info->exited = EventType::kParallelStateExited;
      break;
    case StateType::kMap:
      info->entered = EventType::kMapStateEntered;
      info->exited = EventType::kMapStateExited;
      break;
  }
}

/// The Task's resource as its history events show it (HIST-05):
/// `arn:aws:states:::lambda:invoke.waitForTaskToken` is resource type
/// "lambda" and resource "invoke.waitForTaskToken".
void ClassifyResource(const std::string& r, StateInfo* info) {
  static constexpr std::string_view kStates = "arn:aws:states:::";
  if (r.rfind(kStates, 0) == 0) {
    std::string rest = r.substr(kStates.size());
    std::string suffix;
    for (std::string_view sfx : {".waitForTaskToken", ".sync"}) {
      const auto p = rest.find(sfx);
      if (p != std::string::npos) {
        suffix = rest.substr(p);
        rest = rest.substr(0, p);
        if (sfx == ".sync")
          info->sync = true;
        else
          info->wait_for_token = true;
        break;
      }
    }
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos) {
      info->resource_type = rest;
      info->resource = rest + suffix;
    } else {
      info->resource_type = rest.substr(0, colon);
      info->resource = rest.substr(colon + 1) + suffix;
    }
  } else if (r.find(":function:") != std::string::npos && r.rfind("arn:", 0) == 0) {
    info->kind = ResourceKind::kLambdaArn;
    info->resource = r;
  } else if (IsActivityResource(r)) {
    info->kind = ResourceKind::kActivity;
    info->resource = r;
  } else {
    info->resource_type = "unknown";
    info->resource = r;
  }
}

StateInfo Describe(const asl::Definition& definition, const State& s) {
  StateInfo info;
  SetEventTypes(s.type, &info);
  if (s.type == StateType::kTask) ClassifyResource(s.resource, &info);
  if (s.query_language == asl::QueryLanguage::kJsonata) {
    info.jsonata = CompileJsonataState(s);
    info.flow = &JsonataDataFlow();
  } else {
    info.flow = &JsonPathDataFlow();
    if (s.type == StateType::kPass && s.result) {
      info.pass_result = std::make_shared<const Json>(*s.result);
    }
    info.pass_through = s.type == StateType::kPass && s.input_path.absent() && !s.parameters &&
                        !info.pass_result && s.result_path.absent() && s.output_path.absent() &&
                        !s.assign;
  }
  try {
    const auto& node =
        definition.document().at(nlohmann::ordered_json::json_pointer(s.source.pointer));
    info.uses_context = ContainsContextRef(node);
  } catch (const std::exception&) {
    info.uses_context = true;
  }
  return info;
}

void Add(Program& program, const Scope& scope) {
  auto& infos = program.scopes[&scope];
  infos.reserve(scope.states.size());
  for (const State& s : scope.states) {
    infos.push_back(Describe(*program.definition, s));
    for (const auto& b : s.branches) Add(program, *b);
    if (s.item_processor) Add(program, *s.item_processor);
  }
}

}  // namespace

std::shared_ptr<const Program> Program::Compile(std::shared_ptr<const asl::Definition> definition) {
  auto program = std::make_shared<Program>();
  program->definition = std::move(definition);
  Add(*program, program->definition->root());
  return program;
}

}  // namespace stepsim::sim::internal
