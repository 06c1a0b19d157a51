/**
 * gNMI dial-in ({@code teleflux.gnmi}): the collector is the gRPC client. For each configured
 * target it asks {@code Capabilities}, then holds one {@code Subscribe} STREAM open (SAMPLE for
 * counters, ON_CHANGE for state leaves), and turns every notification into points of the data
 * model: OpenConfig interfaces into {@code interface}, CPU and memory into {@code device}, every
 * other path into a generic {@code gnmi_*} measurement. A lost stream is redialled with backoff.
 *
 * <p>Each target has its own virtual thread and its own channel: a slow, silent or refusing
 * target never delays another. Messages are read one at a time (gRPC flow control): when the
 * pipeline blocks, the collector stops reading and the target's HTTP/2 window fills.
 */
package io.teleflux.gnmi;
