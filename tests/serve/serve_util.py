"""Starts `stepsim serve` for the tests and gives them clients pointed at it.

The tests drive the server with the clients users have: the AWS CLI, boto3 and
plain HTTP (for what no SDK sends: malformed bodies, missing headers).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "fixtures")
ORDER_DEFINITION = os.path.join(FIXTURES, "order-processing", "definition.asl.json")
ORDER_MOCKS = os.path.join(FIXTURES, "order-processing", "mocks.json")
ROLE = "arn:aws:iam::123456789012:role/DummyRole"

# Credentials and region the clients need; never sent anywhere but loopback.
CLIENT_ENV = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_PAGER": "",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def stepsim_binary():
    binary = os.environ.get("STEPSIM_CLI")
    if not binary:
        sys.exit("STEPSIM_CLI must name the stepsim binary")
    return binary


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class Server:
    """One `stepsim serve --port 0` process; use as a context manager."""

    def __init__(self, *args, env=None):
        self.args = list(args)
        self.env = env
        self.process = None
        self.endpoint = None

    def start(self):
        env = dict(os.environ)
        env.pop("SFN_MOCK_CONFIG", None)
        env.update(self.env or {})
        self.process = subprocess.Popen(
            [stepsim_binary(), "serve", "--port", "0", *self.args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.process.stdout.readline().strip()
        if not line.startswith("listening on http://"):
            self.process.kill()
            raise RuntimeError("stepsim serve did not start: %r %s" %
                               (line, self.process.stderr.read()))
        self.endpoint = line[len("listening on "):]
        return self

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Sends `sig` and returns the exit code and stderr."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            _, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        return self.process.returncode, err

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.stop()

    def alive(self):
        return self.process.poll() is None

    # ---- clients ----

    def boto3(self):
        import boto3
        from botocore.config import Config
        for key, value in CLIENT_ENV.items():
            os.environ.setdefault(key, value)
        # inject_host_prefix: StartSyncExecution goes to "sync-<host>"
        # otherwise, which a loopback address cannot have.
        return boto3.client(
            "stepfunctions", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id="test", aws_secret_access_key="test",
            config=Config(inject_host_prefix=False, retries={"max_attempts": 0}))

    def aws(self, *args, check=True):
        """Runs `aws stepfunctions ARGS --endpoint-url ...`; the parsed JSON
        output (None when empty) or, with check=False, (code, stdout, stderr)."""
        env = dict(os.environ)
        env.update(CLIENT_ENV)
        result = subprocess.run(
            ["aws", "stepfunctions", *args, "--endpoint-url", self.endpoint, "--output", "json"],
            capture_output=True, text=True, env=env, timeout=120)
        if not check:
            return result.returncode, result.stdout, result.stderr
        if result.returncode != 0:
            raise AssertionError("aws %s failed (%d): %s" % (" ".join(args), result.returncode,
                                                            result.stderr))
        return json.loads(result.stdout) if result.stdout.strip() else None

    def post(self, body, target=None, headers=None):
        """A raw AWS JSON 1.0 request: (status, parsed body)."""
        data = body if isinstance(body, bytes) else body.encode()
        request = urllib.request.Request(self.endpoint + "/", data=data, method="POST")
        request.add_header("Content-Type", "application/x-amz-json-1.0")
        if target is not None:
            request.add_header("X-Amz-Target", target)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def call(self, operation, **request):
        return self.post(json.dumps(request), "AWSStepFunctions." + operation)


def wait_for(predicate, timeout=30, interval=0.02):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met within %ss" % timeout)


def temp_path(name):
    return os.path.join(tempfile.mkdtemp(prefix="stepsim-serve-"), name)
