"""Runs a test program against a fresh `stepsim serve`, as a CI job runs a
Step Functions Local suite against the JAR or Docker image:

    run_with_server.py STEPSIM [serve options...] -- COMMAND...

The endpoint is handed to COMMAND in SFN_ENDPOINT (the only coupling)."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve_util  # noqa: E402


def main():
    args = sys.argv[1:]
    split = args.index("--")
    os.environ["STEPSIM_CLI"] = args[0]
    serve_args, command = args[1:split], args[split + 1:]
    server = serve_util.Server(*serve_args).start()
    env = dict(os.environ)
    env.update(serve_util.CLIENT_ENV)
    env["SFN_ENDPOINT"] = server.endpoint
    try:
        code = subprocess.run(command, env=env, timeout=600).returncode
    finally:
        exit_code, err = server.stop()
    if exit_code != 0:
        print("stepsim serve exited %d: %s" % (exit_code, err), file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
