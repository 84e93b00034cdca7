"""The order workflow's tests, written as the Step Functions Local examples
write them (create the machine, start one execution per MockConfigFile test
case with `<stateMachineArn>#<TestCase>`, poll DescribeExecution, assert on
GetExecutionHistory). Nothing here knows about stepsim: it talks to the
endpoint in SFN_ENDPOINT (default http://localhost:8083), started with the
order workflow's MockConfigFile, exactly as it would talk to Step Functions
Local. run_with_server.py starts `stepsim serve` for it under ctest.
"""

import json
import os
import time
import unittest
import uuid

import boto3

SFN_ENDPOINT = os.environ.get("SFN_ENDPOINT", "http://localhost:8083")
HERE = os.path.dirname(os.path.abspath(__file__))
DEFINITION = os.environ.get(
    "ORDER_DEFINITION",
    os.path.join(HERE, "..", "..", "fixtures", "order-processing", "definition.asl.json"))
ORDER_INPUT = os.path.join(os.path.dirname(DEFINITION), "input.json")
STATE_MACHINE_NAME = "order-processing"  # its name in the MockConfigFile


class OrderProcessingMockedTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = boto3.client(
            "stepfunctions", endpoint_url=SFN_ENDPOINT, region_name="us-east-1",
            aws_access_key_id="dummy", aws_secret_access_key="dummy")
        with open(DEFINITION, encoding="utf-8") as f:
            definition = f.read()
        with open(ORDER_INPUT, encoding="utf-8") as f:
            cls.order = f.read()
        response = cls.client.create_state_machine(
            name=STATE_MACHINE_NAME, definition=definition,
            roleArn="arn:aws:iam::123456789012:role/DummyRole")
        cls.state_machine_arn = response["stateMachineArn"]

    def execute(self, test_case):
        response = self.client.start_execution(
            stateMachineArn=self.state_machine_arn + "#" + test_case,
            name=test_case + "-" + uuid.uuid4().hex[:8], input=self.order)
        arn = response["executionArn"]
        for _ in range(600):
            description = self.client.describe_execution(executionArn=arn)
            if description["status"] != "RUNNING":
                break
            time.sleep(0.1)
        events = []
        kwargs = {"executionArn": arn}
        while True:
            page = self.client.get_execution_history(**kwargs)
            events.extend(page["events"])
            if "nextToken" not in page:
                break
            kwargs["nextToken"] = page["nextToken"]
        return description, events

    @staticmethod
    def of_type(events, event_type):
        return [e for e in events if e["type"] == event_type]

    @staticmethod
    def entered(events):
        return [e["stateEnteredEventDetails"]["name"] for e in events
                if e["type"].endswith("StateEntered")]

    def test_happy_path(self):
        description, events = self.execute("HappyPath")
        self.assertEqual(description["status"], "SUCCEEDED")
        self.assertEqual(self.entered(events),
                         ["CheckInventory", "IsInventoryAvailable", "ProcessPayment",
                          "CreateShippingLabel"])
        output = json.loads(description["output"])
        self.assertEqual(output["trackingNumber"], "1Z999AA10123456784")
        last = events[-1]
        self.assertEqual(last["type"], "ExecutionSucceeded")

    def test_payment_retried_then_succeeds(self):
        description, events = self.execute("PaymentRetriedThenSucceeds")
        self.assertEqual(description["status"], "SUCCEEDED")
        failures = self.of_type(events, "LambdaFunctionFailed")
        self.assertEqual(len(failures), 2)
        self.assertEqual(failures[0]["lambdaFunctionFailedEventDetails"]["error"],
                         "PaymentGatewayTimeout")
        scheduled = [e for e in self.of_type(events, "LambdaFunctionScheduled")
                     if "process-payment" in e["lambdaFunctionScheduledEventDetails"]["resource"]]
        self.assertEqual(len(scheduled), 3)
        # The retrier's backoff (3 s, then 4.5 s) on the history's clock.
        gaps = [(scheduled[i + 1]["timestamp"] - scheduled[i]["timestamp"]).total_seconds()
                for i in range(2)]
        self.assertEqual(gaps, [3.0, 4.5])

    def test_payment_retries_exhausted(self):
        description, events = self.execute("PaymentRetriesExhausted")
        self.assertEqual(description["status"], "FAILED")
        self.assertEqual(description["error"], "PaymentGatewayTimeout")
        self.assertEqual(len(self.of_type(events, "LambdaFunctionFailed")), 3)
        self.assertEqual(events[-1]["type"], "ExecutionFailed")

    def test_payment_declined(self):
        description, events = self.execute("PaymentDeclined")
        self.assertEqual(description["status"], "FAILED")
        self.assertEqual(description["error"], "PaymentDeclined")
        self.assertIn("insufficient funds", description["cause"])
        self.assertNotIn("CreateShippingLabel", self.entered(events))

    def test_inventory_unavailable(self):
        description, events = self.execute("InventoryUnavailable")
        self.assertEqual(description["status"], "FAILED")
        self.assertEqual(self.entered(events)[-1], "InventoryUnavailableState")
        self.assertEqual(events[-1]["executionFailedEventDetails"]["cause"],
                         "Inventory not available for the requested items.")

    def test_inventory_check_error_notifies_user(self):
        description, events = self.execute("InventoryCheckError")
        self.assertEqual(description["status"], "SUCCEEDED")
        self.assertEqual(self.entered(events),
                         ["CheckInventory", "InventoryErrorState", "NotifyUserOfFailure"])
        self.assertEqual(json.loads(description["output"]), {"notified": True, "channel": "email"})

    def test_notification_fails(self):
        description, _ = self.execute("NotificationFails")
        self.assertEqual(description["status"], "FAILED")
        self.assertEqual(description["error"], "NotificationFailed")

    def test_shipping_fails(self):
        description, events = self.execute("ShippingFails")
        self.assertEqual(description["status"], "FAILED")
        self.assertEqual(description["error"], "ShippingLabelError")
        self.assertEqual(len(self.of_type(events, "LambdaFunctionSucceeded")), 2)

    def test_missing_inventory_status_fails_the_choice(self):
        description, events = self.execute("MissingInventoryStatus")
        self.assertEqual(description["status"], "FAILED")
        # A Choice rule's Variable that selects nothing is a runtime error.
        self.assertEqual(description["error"], "States.Runtime")
        self.assertEqual(self.entered(events)[-1], "IsInventoryAvailable")


if __name__ == "__main__":
    unittest.main()
