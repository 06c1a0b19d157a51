#!/usr/bin/env bash
# Runs once, on InfluxDB's first boot (the official image runs /docker-entrypoint-initdb.d/*.sh after
# `influx setup`, with the influx CLI already logged in and DOCKER_INFLUXDB_INIT_BUCKET_ID exported).
#
# Maps the InfluxQL database "<bucket>" with retention policy "autogen" to the bucket, so that
# Grafana's InfluxQL queries (database = the bucket name) find the data. InfluxDB 2.x would also
# answer through a "virtual" mapping of the same name, but an explicit one is visible in
# `influx v1 dbrp list` and survives renaming the bucket. No --default: the influx CLI (2.7.5, and
# 2.8.0 in influxdb:2.9.1) accepts the flag but does not send it; the server makes the first mapping
# of a database its default anyway. On an existing volume, run the same command by hand (see
# docs/deployment.md, "The DBRP mapping").
set -euo pipefail

influx v1 dbrp create \
  --org "${DOCKER_INFLUXDB_INIT_ORG}" \
  --bucket-id "${DOCKER_INFLUXDB_INIT_BUCKET_ID}" \
  --db "${DOCKER_INFLUXDB_INIT_BUCKET}" \
  --rp autogen

echo "teleflux: InfluxQL database '${DOCKER_INFLUXDB_INIT_BUCKET}' (rp autogen) mapped to bucket ${DOCKER_INFLUXDB_INIT_BUCKET_ID}"
