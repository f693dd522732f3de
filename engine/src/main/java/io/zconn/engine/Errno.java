package io.zconn.engine;

/**
 * The libzmq error names that zconn reports, so that code ported from libzmq (or reading its docs)
 * recognises the condition. Carried by {@link ZmqException#errno()}.
 */
public enum Errno {
    /** The operation would block (non-blocking call) or its timeout expired. */
    EAGAIN,
    /** The operation is not valid in the socket's current state (e.g. REQ sending twice). */
    EFSM,
    /** The message cannot be routed (ROUTER_MANDATORY with an unknown routing id). */
    EHOSTUNREACH,
    /** The context or socket was closed. */
    ETERM,
    /** The requested address is already in use. */
    EADDRINUSE,
    /** The requested address is not local, or the interface does not exist. */
    EADDRNOTAVAIL,
    /** The transport protocol is not supported. */
    EPROTONOSUPPORT,
    /** An argument (endpoint, option value...) is invalid. */
    EINVAL,
    /** The operation is not supported by this socket type. */
    ENOTSUP,
    /** The message is larger than allowed. */
    EMSGSIZE,
    /** The endpoint was not bound or connected. */
    ENOENT,
    /** The connection was refused. */
    ECONNREFUSED,
    /** A protocol error: the peer broke ZMTP. */
    EPROTO,
    /** No specific libzmq error applies. */
    EOTHER,
    /** No space left on the device (or a disk quota reached), e.g. writing a SWAP file. */
    ENOSPC,
    /** Permission denied, e.g. pgm:// (raw IP sockets) without root or CAP_NET_RAW. */
    EACCES
}
