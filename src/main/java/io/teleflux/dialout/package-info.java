/**
 * The gRPC dial-out listener: devices are the gRPC clients and stream to us. Routes each full
 * method name to a vendor protocol, and decodes on a bounded worker pool with gRPC flow control
 * so that a burst slows the streams down instead of being dropped or blocking the event loop.
 */
package io.teleflux.dialout;
