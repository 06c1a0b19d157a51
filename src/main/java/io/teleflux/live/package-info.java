/**
 * The live view: {@code GET /live}, a page that shows interface rates as the rate stage computes
 * them, before they reach InfluxDB. {@link io.teleflux.live.LiveTap} sits between the rate stage
 * and the writer and keeps the latest values and a short history per series; browsers subscribe
 * over server-sent events ({@code /live/events}). Data only flows out: nothing a page sends
 * reaches the pipeline.
 */
package io.teleflux.live;
