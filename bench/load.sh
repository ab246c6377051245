#!/usr/bin/env bash
# Load test of real servers on 127.0.0.1: the basic example's routes
# unprotected, with ginpaseto (with and without the verified-token cache)
# and with gin-jwt, one after the other in one run, each under the same
# bounded load. Prints req/s and p99 latency as ratios to the unprotected
# server, and stops by itself.
#
#   ./load.sh                       10 s per server, 16 connections
#   DURATION=30s CONNS=32 ROUNDS=3 ./load.sh
set -euo pipefail
cd "$(dirname "$0")"
exec go run ./cmd/load -d "${DURATION:-10s}" -w "${WARMUP:-2s}" -c "${CONNS:-16}" -rounds "${ROUNDS:-1}"
