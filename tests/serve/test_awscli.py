"""`stepsim serve` driven by the AWS CLI, as Makefiles calling
`aws stepfunctions --endpoint-url http://localhost:8083 ...` drive Step
Functions Local."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_util import ORDER_DEFINITION, ORDER_MOCKS, ROLE, Server, read  # noqa: E402


class AwsCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--mock-config", ORDER_MOCKS).start()
        cls.machine = cls.server.aws(
            "create-state-machine", "--name", "order-processing",
            "--definition", read(ORDER_DEFINITION), "--role-arn", ROLE)["stateMachineArn"]

    @classmethod
    def tearDownClass(cls):
        code, err = cls.server.stop()
        assert code == 0, err

    def test_create_start_describe_history_with_a_test_case(self):
        self.assertEqual(self.machine,
                         "arn:aws:states:us-east-1:123456789012:stateMachine:order-processing")
        started = self.server.aws("start-execution", "--state-machine-arn",
                                  self.machine + "#PaymentRetriedThenSucceeds",
                                  "--name", "cli-retried", "--input", '{"orderId": "o-1"}')
        arn = started["executionArn"]
        self.assertEqual(arn, "arn:aws:states:us-east-1:123456789012:execution:"
                              "order-processing:cli-retried")
        described = self.server.aws("describe-execution", "--execution-arn", arn)
        self.assertEqual(described["status"], "SUCCEEDED")
        self.assertEqual(described["stateMachineArn"], self.machine)
        self.assertEqual(json.loads(described["input"]), {"orderId": "o-1"})
        self.assertEqual(json.loads(described["output"])["carrier"], "UPS")
        history = self.server.aws("get-execution-history", "--execution-arn", arn)["events"]
        self.assertEqual(history[0]["type"], "ExecutionStarted")
        self.assertEqual(history[-1]["type"], "ExecutionSucceeded")
        self.assertEqual([e["id"] for e in history], list(range(1, len(history) + 1)))
        failed = [e for e in history if e["type"] == "LambdaFunctionFailed"]
        self.assertEqual(len(failed), 2)

    def test_history_pages_and_reverse_order(self):
        arn = self.server.aws("start-execution", "--state-machine-arn",
                              self.machine + "#HappyPath", "--name", "cli-pages")["executionArn"]
        whole = self.server.aws("get-execution-history", "--execution-arn", arn)["events"]
        # --page-size makes the CLI follow nextToken page by page.
        paged = self.server.aws("get-execution-history", "--execution-arn", arn,
                                "--page-size", "3")["events"]
        self.assertEqual(paged, whole)
        first = self.server.aws("get-execution-history", "--execution-arn", arn,
                                "--max-items", "4")
        self.assertEqual(first["events"], whole[:4])
        self.assertIn("NextToken", first)
        rest = self.server.aws("get-execution-history", "--execution-arn", arn,
                               "--starting-token", first["NextToken"])
        self.assertEqual(first["events"] + rest["events"], whole)
        backwards = self.server.aws("get-execution-history", "--execution-arn", arn,
                                    "--reverse-order")["events"]
        self.assertEqual(backwards, list(reversed(whole)))
        without_data = self.server.aws("get-execution-history", "--execution-arn", arn,
                                       "--no-include-execution-data")["events"]
        self.assertNotIn("input", without_data[0]["executionStartedEventDetails"])

    def test_list_executions_and_state_machines(self):
        for name in ("cli-list-1", "cli-list-2"):
            self.server.aws("start-execution", "--state-machine-arn",
                            self.machine + "#PaymentDeclined", "--name", name)
        listed = self.server.aws("list-executions", "--state-machine-arn", self.machine,
                                 "--status-filter", "FAILED")["executions"]
        names = [e["name"] for e in listed]
        self.assertLess(names.index("cli-list-2"), names.index("cli-list-1"))  # newest first
        machines = self.server.aws("list-state-machines")["stateMachines"]
        self.assertIn("order-processing", [m["name"] for m in machines])

    def test_errors_are_aws_errors(self):
        code, _, err = self.server.aws(
            "describe-execution", "--execution-arn",
            "arn:aws:states:us-east-1:123456789012:execution:order-processing:nope", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("ExecutionDoesNotExist", err)
        code, _, err = self.server.aws(
            "start-execution", "--state-machine-arn",
            "arn:aws:states:us-east-1:123456789012:stateMachine:missing", check=False)
        self.assertIn("StateMachineDoesNotExist", err)
        code, _, err = self.server.aws(
            "create-state-machine", "--name", "broken", "--role-arn", ROLE, "--definition",
            '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}', check=False)
        self.assertIn("InvalidDefinition", err)
        self.assertIn("MISSING_TRANSITION_TARGET", err)
        self.assertIn("/States/A/Next", err)


if __name__ == "__main__":
    unittest.main()
