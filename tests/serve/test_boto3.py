"""`stepsim serve` driven by boto3 (and by plain HTTP where no SDK would send
such a request): callbacks, timers on the time scale, StopExecution, Express
sync executions, activities, tags, every AWS error, coverage on signals,
concurrency and hostile requests."""

import concurrent.futures
import json
import os
import signal
import socket
import sys
import time
import unittest
from urllib.parse import urlsplit

import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_util import (ORDER_DEFINITION, ORDER_MOCKS, ROLE, Server, read,  # noqa: E402
                        temp_path, wait_for)

CALLBACK = json.dumps({
    "StartAt": "AskApproval",
    "States": {
        "AskApproval": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "https://sqs.example/q",
                           "MessageBody": {"token.$": "$$.Task.Token", "order.$": "$.orderId"}},
            "HeartbeatSeconds": 600,
            "TimeoutSeconds": 3600,
            "End": True,
        }
    },
})

ACTIVITY = {
    "StartAt": "Work",
    "States": {"Work": {"Type": "Task", "Resource": None, "TimeoutSeconds": 3600, "End": True}},
}

EXPRESS = json.dumps({
    "StartAt": "Double",
    "States": {"Double": {"Type": "Pass", "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"},
                          "End": True}},
})


def error_code(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError("no error")


class Boto3Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--mock-config", ORDER_MOCKS).start()
        cls.sfn = cls.server.boto3()
        cls.order = cls.sfn.create_state_machine(
            name="order-processing", definition=read(ORDER_DEFINITION),
            roleArn=ROLE)["stateMachineArn"]
        cls.callback = cls.sfn.create_state_machine(
            name="callback", definition=CALLBACK, roleArn=ROLE)["stateMachineArn"]

    @classmethod
    def tearDownClass(cls):
        code, err = cls.server.stop()
        assert code == 0, err

    def history(self, arn):
        return self.sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]

    def held_token(self, arn):
        def scheduled():
            for e in self.history(arn):
                if e["type"] == "TaskScheduled":
                    return json.loads(e["taskScheduledEventDetails"]["parameters"])
            return None
        return wait_for(scheduled)["MessageBody"]["token"]

    def wait_done(self, arn):
        return wait_for(lambda: (lambda d: d if d["status"] != "RUNNING" else None)(
            self.sfn.describe_execution(executionArn=arn)))

    # ---- callbacks ----

    def test_callback_holds_until_send_task_success(self):
        arn = self.sfn.start_execution(stateMachineArn=self.callback, name="approve",
                                       input='{"orderId": "o-7"}')["executionArn"]
        token = self.held_token(arn)
        self.assertEqual(self.sfn.describe_execution(executionArn=arn)["status"], "RUNNING")
        self.sfn.send_task_heartbeat(taskToken=token)
        self.sfn.send_task_success(taskToken=token, output='{"approved": true}')
        done = self.wait_done(arn)
        self.assertEqual(done["status"], "SUCCEEDED")
        self.assertEqual(json.loads(done["output"]), {"approved": True})
        types = [e["type"] for e in self.history(arn)]
        self.assertEqual(types, ["ExecutionStarted", "TaskStateEntered", "TaskScheduled",
                                 "TaskStarted", "TaskSubmitted", "TaskSucceeded",
                                 "TaskStateExited", "ExecutionSucceeded"])
        # ASL: TASK-06 a second answer for the same token is refused.
        self.assertEqual(error_code(self.sfn.send_task_success, taskToken=token, output="{}"),
                         "TaskTimedOut")

    def test_callback_failed_by_send_task_failure(self):
        arn = self.sfn.start_execution(stateMachineArn=self.callback, name="reject",
                                       input='{"orderId": "o-8"}')["executionArn"]
        token = self.held_token(arn)
        self.sfn.send_task_failure(taskToken=token, error="Approval.Rejected", cause="too big")
        done = self.wait_done(arn)
        self.assertEqual(done["status"], "FAILED")
        self.assertEqual(done["error"], "Approval.Rejected")
        self.assertEqual(done["cause"], "too big")

    def test_stop_execution_aborts_a_held_execution(self):
        arn = self.sfn.start_execution(stateMachineArn=self.callback, name="stopped",
                                       input='{"orderId": "o-9"}')["executionArn"]
        token = self.held_token(arn)
        self.sfn.stop_execution(executionArn=arn, error="Operator.Stop", cause="not needed")
        done = self.sfn.describe_execution(executionArn=arn)
        self.assertEqual(done["status"], "ABORTED")
        last = self.history(arn)[-1]
        self.assertEqual(last["type"], "ExecutionAborted")
        self.assertEqual(last["executionAbortedEventDetails"],
                         {"error": "Operator.Stop", "cause": "not needed"})
        self.assertEqual(error_code(self.sfn.send_task_success, taskToken=token, output="{}"),
                         "TaskTimedOut")
        listed = self.sfn.list_executions(stateMachineArn=self.callback,
                                          statusFilter="ABORTED")["executions"]
        self.assertIn(arn, [e["executionArn"] for e in listed])

    def test_a_task_without_mock_or_test_case_fails_with_a_clear_cause(self):
        arn = self.sfn.start_execution(stateMachineArn=self.order, name="unmocked")["executionArn"]
        done = self.sfn.describe_execution(executionArn=arn)
        self.assertEqual(done["status"], "FAILED")
        self.assertEqual(done["error"], "States.Runtime")
        self.assertIn("No outcome configured for Task state 'CheckInventory'", done["cause"])

    # ---- Express, activities, tags, machine lifecycle ----

    def test_start_sync_execution_of_an_express_machine(self):
        arn = self.sfn.create_state_machine(name="express", definition=EXPRESS, roleArn=ROLE,
                                            type="EXPRESS")["stateMachineArn"]
        result = self.sfn.start_sync_execution(stateMachineArn=arn, input='{"n": 21}')
        self.assertEqual(result["status"], "SUCCEEDED")
        self.assertEqual(json.loads(result["output"]), {"twice": 42})
        self.assertEqual(error_code(self.sfn.start_sync_execution, stateMachineArn=self.order,
                                    input="{}"), "StateMachineTypeNotSupported")

    def test_activity_task_handed_to_a_worker(self):
        activity = self.sfn.create_activity(name="pack")["activityArn"]
        definition = dict(ACTIVITY)
        definition["States"] = {"Work": dict(ACTIVITY["States"]["Work"], Resource=activity)}
        machine = self.sfn.create_state_machine(name="packing", definition=json.dumps(definition),
                                                roleArn=ROLE)["stateMachineArn"]
        arn = self.sfn.start_execution(stateMachineArn=machine, input='{"box": 3}')["executionArn"]
        task = self.sfn.get_activity_task(activityArn=activity, workerName="w1")
        self.assertEqual(json.loads(task["input"]), {"box": 3})
        self.sfn.send_task_success(taskToken=task["taskToken"], output='{"packed": 3}')
        self.assertEqual(self.wait_done(arn)["status"], "SUCCEEDED")
        self.assertEqual(self.sfn.describe_activity(activityArn=activity)["name"], "pack")

    def test_tags_round_trip(self):
        self.sfn.tag_resource(resourceArn=self.order, tags=[{"key": "team", "value": "orders"},
                                                            {"key": "env", "value": "test"}])
        self.sfn.untag_resource(resourceArn=self.order, tagKeys=["env"])
        self.assertEqual(self.sfn.list_tags_for_resource(resourceArn=self.order)["tags"],
                         [{"key": "team", "value": "orders"}])

    def test_update_describe_and_delete(self):
        arn = self.sfn.create_state_machine(name="lifecycle", definition=EXPRESS,
                                            roleArn=ROLE)["stateMachineArn"]
        execution = self.sfn.start_execution(stateMachineArn=arn, input='{"n": 1}')["executionArn"]
        changed = EXPRESS.replace("Double", "Twice")
        self.sfn.update_state_machine(stateMachineArn=arn, definition=changed)
        self.assertEqual(self.sfn.describe_state_machine(stateMachineArn=arn)["definition"],
                         changed)
        # The execution keeps the definition it ran.
        self.assertEqual(self.sfn.describe_state_machine_for_execution(
            executionArn=execution)["definition"], EXPRESS)
        self.sfn.delete_state_machine(stateMachineArn=arn)
        self.assertEqual(error_code(self.sfn.describe_state_machine, stateMachineArn=arn),
                         "StateMachineDoesNotExist")

    # ---- errors ----

    def test_every_error_is_aws_shaped(self):
        sfn = self.sfn
        missing = "arn:aws:states:us-east-1:123456789012:stateMachine:missing"
        self.assertEqual(error_code(sfn.describe_state_machine, stateMachineArn=missing),
                         "StateMachineDoesNotExist")
        self.assertEqual(error_code(sfn.describe_execution, executionArn=missing.replace(
            "stateMachine", "execution") + ":x"), "ExecutionDoesNotExist")
        sfn.start_execution(stateMachineArn=self.order + "#HappyPath", name="twice")
        self.assertEqual(error_code(sfn.start_execution, stateMachineArn=self.order + "#HappyPath",
                                    name="twice"), "ExecutionAlreadyExists")
        self.assertEqual(error_code(sfn.create_state_machine, name="bad", roleArn=ROLE,
                                    definition='{"StartAt": "X", "States": {}}'),
                         "InvalidDefinition")
        self.assertEqual(error_code(sfn.create_state_machine, name="order-processing",
                                    roleArn=ROLE, definition=EXPRESS),
                         "StateMachineAlreadyExists")
        self.assertEqual(error_code(sfn.create_state_machine, name="white space", roleArn=ROLE,
                                    definition=EXPRESS), "InvalidName")
        self.assertEqual(error_code(sfn.describe_state_machine, stateMachineArn="not-an-arn"),
                         "InvalidArn")
        self.assertEqual(error_code(sfn.start_execution, stateMachineArn=self.order,
                                    input="{not json"), "InvalidExecutionInput")
        self.assertEqual(error_code(sfn.start_execution, stateMachineArn=self.order,
                                    input="[" * 100000 + "]" * 100000), "InvalidExecutionInput")
        self.assertEqual(error_code(sfn.send_task_success, taskToken="x" * 2000, output="{}"),
                         "InvalidToken")
        self.assertEqual(error_code(sfn.send_task_success, taskToken="0123abcd", output="{}"),
                         "TaskDoesNotExist")
        self.assertEqual(error_code(sfn.update_state_machine, stateMachineArn=self.order),
                         "MissingRequiredParameter")
        self.assertEqual(error_code(sfn.start_execution,
                                    stateMachineArn=self.order + "#NoSuchCase"),
                         "ValidationException")
        self.assertEqual(error_code(sfn.describe_activity, activityArn=missing.replace(
            "stateMachine", "activity")), "ActivityDoesNotExist")
        status, body = self.server.call("ListStateMachines", maxResults=5000)
        self.assertEqual((status, body["__type"]), (400, "ValidationException"))
        status, body = self.server.call("StartExecution", input="{}")
        self.assertEqual((status, body["__type"]), (400, "ValidationException"))
        status, body = self.server.call("GetExecutionHistory", executionArn=missing, nextToken="?")
        self.assertEqual(status, 400)

    def test_invalid_definition_carries_the_diagnostics(self):
        status, body = self.server.call(
            "CreateStateMachine", name="broken", roleArn=ROLE,
            definition='{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}')
        self.assertEqual((status, body["__type"]), (400, "InvalidDefinition"))
        self.assertIn("MISSING_TRANSITION_TARGET", body["message"])
        self.assertIn("/States/A/Next", body["message"])

    def test_validate_state_machine_definition(self):
        status, body = self.server.call(
            "ValidateStateMachineDefinition",
            definition='{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}')
        self.assertEqual(status, 200)
        self.assertEqual(body["result"], "FAIL")
        self.assertIn({"severity": "ERROR", "code": "MISSING_TRANSITION_TARGET",
                       "location": "/States/A/Next",
                       "message": 'no state named "Nowhere"'}, body["diagnostics"])
        status, body = self.server.call("ValidateStateMachineDefinition", definition=EXPRESS)
        self.assertEqual((status, body["result"], body["diagnostics"]), (200, "OK", []))

    # ---- hostile requests ----

    def test_hostile_requests_get_aws_errors_and_the_server_keeps_serving(self):
        self.assertEqual(self.server.post("{nope", "AWSStepFunctions.ListStateMachines"),
                         (400, {"__type": "SerializationException",
                                "message": "the request body is not valid JSON"}))
        status, body = self.server.post("{}", "AWSStepFunctions.Explode")
        self.assertEqual((status, body["__type"]), (400, "UnknownOperationException"))
        status, body = self.server.post("{}", None)
        self.assertEqual((status, body["__type"]), (400, "UnknownOperationException"))
        self.assertIn("X-Amz-Target", body["message"])
        status, body = self.server.post(b"{" + b" " * (10 * 1024 * 1024) + b"}",
                                        "AWSStepFunctions.ListStateMachines")
        self.assertEqual((status, body["__type"]), (413, "RequestEntityTooLargeException"))
        # A client that hangs up halfway through its body.
        url = urlsplit(self.server.endpoint)
        for _ in range(20):
            with socket.create_connection((url.hostname, url.port)) as s:
                s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSStepFunctions."
                          b"ListStateMachines\r\nContent-Length: 100000\r\n\r\n{\"max")
        self.assertTrue(self.server.alive())
        self.assertIn("stateMachines", self.sfn.list_state_machines())

    def test_a_thousand_concurrent_executions_keep_their_own_histories(self):
        def start(i):
            case = "PaymentRetriedThenSucceeds" if i % 2 else "HappyPath"
            return case, self.server.call("StartExecution",
                                          stateMachineArn=self.order + "#" + case,
                                          name="many-%d" % i)[1]["executionArn"]
        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            started = list(pool.map(start, range(1000)))

        def shape(arn):
            events = self.server.call("GetExecutionHistory", executionArn=arn,
                                      maxResults=1000)[1]["events"]
            t0 = events[0]["timestamp"]
            for e in events:
                e["timestamp"] = round(e["timestamp"] - t0, 3)
            return events
        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            shapes = list(pool.map(lambda s: (s[0], shape(s[1])), started))
        by_case = {}
        for case, events in shapes:
            by_case.setdefault(case, events)
            self.assertEqual(events, by_case[case])
        self.assertEqual(by_case["PaymentRetriedThenSucceeds"][-1]["type"], "ExecutionSucceeded")

    def test_a_thousand_held_executions_answered_at_once(self):
        def start(i):
            return self.server.call("StartExecution", stateMachineArn=self.callback,
                                    name="held-%d" % i, input='{"orderId": "o-%d"}' % i)[1]
        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            arns = [r["executionArn"] for r in pool.map(start, range(1000))]
        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            tokens = list(pool.map(self.held_token, arns))
        self.assertEqual(len(set(tokens)), 1000)

        def answer(i):
            return self.server.call("SendTaskSuccess", taskToken=tokens[i],
                                    output='{"i": %d}' % i)[0]
        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            self.assertEqual(set(pool.map(answer, range(1000))), {200})
        for i in (0, 499, 999):
            done = self.wait_done(arns[i])
            self.assertEqual(json.loads(done["output"]), {"i": i})


class TimeScaleTest(unittest.TestCase):
    def test_heartbeat_timeout_on_the_time_scale(self):
        with Server("--time-scale", "0.001") as server:
            sfn = server.boto3()
            definition = json.loads(CALLBACK)
            definition["States"]["AskApproval"]["HeartbeatSeconds"] = 20
            machine = sfn.create_state_machine(name="lapse", definition=json.dumps(definition),
                                               roleArn=ROLE)["stateMachineArn"]
            arn = sfn.start_execution(stateMachineArn=machine, input='{"orderId": "o"}')[
                "executionArn"]
            done = wait_for(lambda: (lambda d: d if d["status"] != "RUNNING" else None)(
                sfn.describe_execution(executionArn=arn)))
            self.assertEqual(done["status"], "FAILED")
            self.assertEqual(done["error"], "States.Timeout")
            events = sfn.get_execution_history(executionArn=arn)["events"]
            scheduled = next(e for e in events if e["type"] == "TaskScheduled")
            timed_out = next(e for e in events if e["type"] == "TaskTimedOut")
            # ASL: TASK-04 the lapse 20 virtual seconds after the task started
            self.assertEqual((timed_out["timestamp"] - scheduled["timestamp"]).total_seconds(), 20)

    def test_heartbeats_keep_a_task_alive(self):
        with Server("--time-scale", "0.01") as server:
            sfn = server.boto3()
            definition = json.loads(CALLBACK)
            definition["States"]["AskApproval"]["HeartbeatSeconds"] = 300  # 3 s real
            machine = sfn.create_state_machine(name="beats", definition=json.dumps(definition),
                                               roleArn=ROLE)["stateMachineArn"]
            arn = sfn.start_execution(stateMachineArn=machine, input='{"orderId": "o"}')[
                "executionArn"]

            def token():
                for e in sfn.get_execution_history(executionArn=arn)["events"]:
                    if e["type"] == "TaskScheduled":
                        return json.loads(e["taskScheduledEventDetails"]["parameters"])
                return None
            task_token = wait_for(token)["MessageBody"]["token"]
            started = time.time()
            while time.time() - started < 4:  # longer than one heartbeat window
                sfn.send_task_heartbeat(taskToken=task_token)
                time.sleep(0.2)
            sfn.send_task_success(taskToken=task_token, output='"done"')
            done = wait_for(lambda: (lambda d: d if d["status"] != "RUNNING" else None)(
                sfn.describe_execution(executionArn=arn)))
            self.assertEqual(done["status"], "SUCCEEDED")
            self.assertEqual(done["output"], '"done"')


class CoverageAndDialectTest(unittest.TestCase):
    def test_coverage_written_on_sigusr1_and_at_shutdown(self):
        coverage = temp_path("serve.coverage.json")
        server = Server("--coverage-out", coverage,
                        env={"SFN_MOCK_CONFIG": ORDER_MOCKS}).start()
        try:
            sfn = server.boto3()
            machine = sfn.create_state_machine(name="order-processing",
                                               definition=read(ORDER_DEFINITION),
                                               roleArn=ROLE)["stateMachineArn"]
            sfn.start_execution(stateMachineArn=machine + "#HappyPath")
            server.process.send_signal(signal.SIGUSR1)
            first = json.loads(wait_for(lambda: os.path.exists(coverage) and read(coverage)))
            self.assertEqual(first["definitions"][0]["tests"], ["HappyPath"])
            sfn.start_execution(stateMachineArn=machine + "#PaymentDeclined", name="declined")
        finally:
            code, err = server.stop()
        self.assertEqual(code, 0, err)
        final = json.loads(read(coverage))
        self.assertEqual(final["definitions"][0]["tests"], ["HappyPath", "PaymentDeclined"])
        self.assertEqual(final["definitions"][0]["executions"], 2)

    def test_sfn_local_history_dialect(self):
        mocks = temp_path("MockConfigFile.json")
        with open(mocks, "w", encoding="utf-8") as f:
            json.dump({"StateMachines": {"sdk": {"TestCases": {"Ok": {"Put": "PutOk"}}}},
                       "MockedResponses": {"PutOk": {
                           "0": {"Throw": {"Error": "DynamoDB.InternalServerError",
                                           "Cause": "try again"}},
                           "1": {"Return": {}}}}}, f)
        definition = json.dumps({"StartAt": "Put", "States": {"Put": {
            "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:putItem",
            "Parameters": {"TableName": "t", "Item": {}},
            "Retry": [{"ErrorEquals": ["States.ALL"]}], "End": True}}})
        seen = {}
        for dialect in ("aws", "sfn-local"):
            with Server("--mock-config", mocks, "--history-dialect", dialect) as server:
                sfn = server.boto3()
                machine = sfn.create_state_machine(name="sdk", definition=definition,
                                                   roleArn=ROLE)["stateMachineArn"]
                arn = sfn.start_execution(stateMachineArn=machine + "#Ok")["executionArn"]
                events = sfn.get_execution_history(executionArn=arn)["events"]
                details = next(e for e in events if e["type"] == "TaskSucceeded")[
                    "taskSucceededEventDetails"]
                failed = next(e for e in events if e["type"] == "TaskFailed")[
                    "taskFailedEventDetails"]
                seen[dialect] = (details["resourceType"], details["resource"], sorted(failed))
        self.assertEqual(seen["aws"], ("aws-sdk:dynamodb", "putItem",
                                       ["cause", "error", "resource", "resourceType"]))
        # As AWS's Step Functions Local samples show (app-local-testing-mock-config).
        self.assertEqual(seen["sfn-local"], ("aws-sdk", "dynamodb:putItem", ["cause", "error"]))


if __name__ == "__main__":
    unittest.main()
