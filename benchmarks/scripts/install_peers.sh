#!/usr/bin/env bash
# Installs every reference tool the benchmark scripts compare ratiofit against, from Debian's
# packages (needs root): numpy (likelihood_bench.sh), numpy + scipy + iminuit
# (minimiser_vs_iminuit.sh), R + rstan (nuts_vs_stan.sh), and torch + onnx for the PyTorch fixture
# (ratio-models/src/test/resources/torch-fixture/make_fixture.py). Then checks each one.
# Usage: benchmarks/scripts/install_peers.sh
set -euo pipefail
source "$(dirname "$0")/peers.sh"
peers=(numpy scipy iminuit torch onnx Rscript R:rstan)
pkgs=()
for p in "${peers[@]}"; do pkgs+=("$(peer_package "$p")"); done
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y "${pkgs[@]}"
RATIOFIT_INSTALL_PEERS= require_peers "${peers[@]}"
echo "reference tools installed: ${peers[*]}"
