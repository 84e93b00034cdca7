#!/usr/bin/env bash
# Installs the Debian 12 packages stepsim needs. Idempotent, and silent when
# everything is already there.
set -euo pipefail

packages=(
  build-essential cmake git python3
  nlohmann-json3-dev libboost-dev libboost-graph-dev libssl-dev
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  lcov graphviz chromium libxml2-utils
  libyaml-cpp-dev libpcre2-dev libcpp-httplib-dev pkg-config
  clang clang-format clang-tidy
  awscli python3-boto3 python3-botocore
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "stepsim setup: installing ${missing[*]}" >&2
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
