/*
 * Shared helpers for the zconn perf comparison tools (libzmq side).
 * Written for zconn; only libzmq's public zmq.h API is used.
 *
 * Environment:
 *   ZPERF_HWM          SNDHWM/RCVHWM for every socket (default 1000, libzmq's own default,
 *                      which is what libzmq's perf tools run with since they set none)
 *   ZPERF_RCVTIMEO_MS  receive timeout in ms (default -1 = wait forever); when it expires the
 *                      tool reports how many messages it got and exits with status 2
 *   ZPERF_SETTLE_MS    how long a tcp/ipc sender (remote_thr, local_lat) waits after its last send
 *                      before closing (default 500). libzmq 4.3 can lose the tail of a stream when
 *                      the sending process closes at once (seen over ipc: a few hundred to
 *                      thousands of messages of 100000); libzmq's own local_lat sleeps 1 s for the
 *                      same reason. Not part of any timed section.
 *   ZPERF_MECHANISM    null (default) or curve: the binding side (PULL, REP) is a CURVE server and
 *                      the connecting side (PUSH, REQ) its client, with fixed test keys (the same in
 *                      the Java tools), no ZAP handler
 *   ZPERF_WARMUP       messages (thr) or round trips (lat) exchanged before the measured ones and
 *                      not timed (default 0, as libzmq's tools). Both sides must be given the same
 *                      value: the sender sends warm-up + count messages.
 */
#ifndef ZPERF_UTIL_H
#define ZPERF_UTIL_H

#include <zmq.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline double zperf_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static inline void zperf_fail(const char *what)
{
    fprintf(stderr, "error in %s: %s\n", what, zmq_strerror(zmq_errno()));
    exit(1);
}

static inline long zperf_arg(const char *text, const char *what, long min)
{
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < min) {
        fprintf(stderr, "invalid %s '%s'\n", what, text);
        exit(1);
    }
    return v;
}

static inline int zperf_env_int(const char *name, int def)
{
    const char *v = getenv(name);
    return (v && *v) ? atoi(v) : def;
}

static inline void zperf_setopt(void *s, int opt, int value, const char *name)
{
    if (zmq_setsockopt(s, opt, &value, sizeof value) != 0) {
        zperf_fail(name);
    }
}

/* Lets the last messages leave before the socket closes (see ZPERF_SETTLE_MS above). */
static inline void zperf_settle(void)
{
    int ms = zperf_env_int("ZPERF_SETTLE_MS", 500);
    if (ms > 0) {
        usleep((useconds_t) ms * 1000);
    }
}

/* Untimed messages or round trips before the measured ones (see ZPERF_WARMUP above). */
static inline long zperf_warmup(void)
{
    return zperf_env_int("ZPERF_WARMUP", 0);
}

/* Options every socket of these tools gets. */
/* Fixed CURVE test keys (Z85), made once with zmq_curve_keypair; the same in Tools.java. */
#define ZPERF_SERVER_PUBLIC ")fTtfOF29A5zB?0z+z9By$l/<yZxGM5zB@]A&<}a"
#define ZPERF_SERVER_SECRET "nD?x3KS5gSP5?EmKzW:{5tQlKIWkkf(qKCe->xo9"
#define ZPERF_CLIENT_PUBLIC ".<Tre?/pH+kE8ki}9g:Y)/^pHe&.xwK{o7+D<^J5"
#define ZPERF_CLIENT_SECRET "CGkwB6oBVn8zH)?A1U[QPw9q$UIYZc4kV4%=7Nhd"

static inline void zperf_key(void *s, int opt, const char *z85, const char *name)
{
    if (zmq_setsockopt(s, opt, z85, 40) != 0) {
        zperf_fail(name);
    }
}

/* ZPERF_MECHANISM=curve: PULL and REP are CURVE servers, PUSH and REQ clients. */
static inline void zperf_security(void *s)
{
    const char *m = getenv("ZPERF_MECHANISM");
    if (!m || !*m || strcmp(m, "null") == 0) {
        return;
    }
    if (strcmp(m, "curve") != 0) {
        fprintf(stderr, "unknown ZPERF_MECHANISM '%s' (null or curve)\n", m);
        exit(1);
    }
    int type = 0;
    size_t len = sizeof type;
    if (zmq_getsockopt(s, ZMQ_TYPE, &type, &len) != 0) {
        zperf_fail("zmq_getsockopt(ZMQ_TYPE)");
    }
    if (type == ZMQ_PULL || type == ZMQ_REP) {
        zperf_setopt(s, ZMQ_CURVE_SERVER, 1, "zmq_setsockopt(ZMQ_CURVE_SERVER)");
        zperf_key(s, ZMQ_CURVE_SECRETKEY, ZPERF_SERVER_SECRET, "zmq_setsockopt(ZMQ_CURVE_SECRETKEY)");
    } else {
        zperf_key(s, ZMQ_CURVE_SERVERKEY, ZPERF_SERVER_PUBLIC, "zmq_setsockopt(ZMQ_CURVE_SERVERKEY)");
        zperf_key(s, ZMQ_CURVE_PUBLICKEY, ZPERF_CLIENT_PUBLIC, "zmq_setsockopt(ZMQ_CURVE_PUBLICKEY)");
        zperf_key(s, ZMQ_CURVE_SECRETKEY, ZPERF_CLIENT_SECRET, "zmq_setsockopt(ZMQ_CURVE_SECRETKEY)");
    }
}

static inline void zperf_options(void *s)
{
    zperf_security(s);
    int hwm = zperf_env_int("ZPERF_HWM", 1000);
    zperf_setopt(s, ZMQ_SNDHWM, hwm, "zmq_setsockopt(ZMQ_SNDHWM)");
    zperf_setopt(s, ZMQ_RCVHWM, hwm, "zmq_setsockopt(ZMQ_RCVHWM)");
    zperf_setopt(s, ZMQ_RCVTIMEO, zperf_env_int("ZPERF_RCVTIMEO_MS", -1), "zmq_setsockopt(ZMQ_RCVTIMEO)");
}

/*
 * Receives one message into msg and checks its size. On a timeout, reports how many of the
 * expected messages arrived (done of total) and exits 2; on a wrong size exits 3.
 */
static inline void zperf_recv(void *s, zmq_msg_t *msg, size_t size, long done, long total)
{
    if (zmq_msg_recv(msg, s, 0) < 0) {
        if (zmq_errno() == EAGAIN) {
            fprintf(stderr, "error: received %ld of %ld messages (none for %d ms)\n", done, total,
                    zperf_env_int("ZPERF_RCVTIMEO_MS", -1));
            exit(2);
        }
        zperf_fail("zmq_msg_recv");
    }
    if (zmq_msg_size(msg) != size) {
        fprintf(stderr, "message of incorrect size received (%zu bytes, expected %zu)\n",
                zmq_msg_size(msg), size);
        exit(3);
    }
}

/* n round trips of msg: send it, receive the echo into it (the REQ side of the latency tools). */
static inline void zperf_round_trips(void *s, zmq_msg_t *msg, size_t size, long n)
{
    for (long i = 0; i < n; i++) {
        if (zmq_msg_send(msg, s, 0) < 0) {
            zperf_fail("zmq_msg_send");
        }
        zperf_recv(s, msg, size, i, n);
    }
}

/* Sends a fresh message of the given size (a new buffer each time, as an application would). */
static inline void zperf_send_new(void *s, size_t size)
{
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, size) != 0) {
        zperf_fail("zmq_msg_init_size");
    }
    memset(zmq_msg_data(&msg), 'z', size);
    if (zmq_msg_send(&msg, s, 0) < 0) {
        zperf_fail("zmq_msg_send");
    }
}

/* Prints the throughput figures in the same fields and units as libzmq's local_thr. */
static inline void zperf_report_thr(size_t size, long count, double elapsed_us)
{
    if (elapsed_us < 1) {
        elapsed_us = 1;
    }
    unsigned long throughput = (unsigned long) ((double) count / elapsed_us * 1e6);
    double megabits = (double) throughput * (double) size * 8 / 1e6;
    printf("message size: %d [B]\n", (int) size);
    printf("message count: %ld\n", count);
    printf("mean throughput: %lu [msg/s]\n", throughput);
    printf("mean throughput: %.3f [Mb/s]\n", megabits);
    fflush(stdout);
}

/* Prints the latency figures as libzmq's remote_lat does: one-way latency = round trip / 2. */
static inline void zperf_report_lat(size_t size, long roundtrips, double elapsed_us)
{
    printf("message size: %d [B]\n", (int) size);
    printf("roundtrip count: %ld\n", roundtrips);
    printf("average latency: %.3f [us]\n", elapsed_us / ((double) roundtrips * 2));
    fflush(stdout);
}

#endif
