/**
 * Test support for the Grafana side of the repository: Grafana's query interpolation, reading the
 * dashboards, provisioning files and docker-compose.yml, and the checks that run them.
 */
package io.teleflux.grafana;
