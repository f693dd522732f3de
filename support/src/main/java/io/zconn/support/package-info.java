/**
 * The rules the resource adapter and the OSGi bundle share, so that both behave the same:
 * {@link io.zconn.support.OptionParser} (configuration text to typed socket options),
 * {@link io.zconn.support.Lists} (comma-separated configuration lists),
 * {@link io.zconn.support.Envelope} (request envelopes of REP, ROUTER and DEALER deliveries) and
 * {@link io.zconn.support.ReplyPolicy} (what a requester gets when the listener failed).
 * Internal to zconn: the bundle embeds this package privately and never exports it.
 */
package io.zconn.support;
