/*
 * Helpers of the scale tools (scale_*.c; the Java twins are in itests/perf-java, ScaleTools.java,
 * which describes the protocol). Written for zconn; only libzmq's public zmq.h API is used.
 *
 * Environment, besides perf_util.h's:
 *   ZPERF_SETUP_TIMEOUT_MS  bounds connecting (default 120000)
 */
#ifndef ZPERF_SCALE_UTIL_H
#define ZPERF_SCALE_UTIL_H

#include "perf_util.h"

#define ZPERF_TICK 'T'
#define ZPERF_DATA 'D'
#define ZPERF_END 'E'

static inline long zperf_setup_timeout_ms(void)
{
    return zperf_env_int("ZPERF_SETUP_TIMEOUT_MS", 120000);
}

/* A context that may hold that many sockets (libzmq's default is 1023). */
static inline void *zperf_ctx(int sockets)
{
    void *ctx = zmq_ctx_new();
    if (!ctx) {
        zperf_fail("zmq_ctx_new");
    }
    if (zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, sockets + 64) != 0) {
        zperf_fail("zmq_ctx_set(ZMQ_MAX_SOCKETS)");
    }
    return ctx;
}

static inline void *zperf_socket(void *ctx, int type)
{
    void *s = zmq_socket(ctx, type);
    if (!s) {
        zperf_fail("zmq_socket");
    }
    int hwm = zperf_env_int("ZPERF_HWM", 1000);
    zperf_setopt(s, ZMQ_SNDHWM, hwm, "zmq_setsockopt(ZMQ_SNDHWM)");
    zperf_setopt(s, ZMQ_RCVHWM, hwm, "zmq_setsockopt(ZMQ_RCVHWM)");
    return s;
}

/* Sends a fresh message of that size whose first byte is tag. */
static inline void zperf_send_tagged(void *s, int tag, size_t size)
{
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, size) != 0) {
        zperf_fail("zmq_msg_init_size");
    }
    memset(zmq_msg_data(&msg), 0, size);
    if (size > 0) {
        ((unsigned char *) zmq_msg_data(&msg))[0] = (unsigned char) tag;
    }
    if (zmq_msg_send(&msg, s, 0) < 0) {
        zperf_fail("zmq_msg_send");
    }
}

/* One message if ready: its size and first byte (-1 when empty), or -1 when none is ready. */
static inline int zperf_try_recv(void *s, zmq_msg_t *msg, int *tag)
{
    if (zmq_msg_recv(msg, s, ZMQ_DONTWAIT) < 0) {
        if (zmq_errno() == EAGAIN) {
            return -1;
        }
        zperf_fail("zmq_msg_recv");
    }
    size_t n = zmq_msg_size(msg);
    *tag = n == 0 ? -1 : ((unsigned char *) zmq_msg_data(msg))[0];
    return (int) n;
}

static inline void zperf_check_size(size_t got, size_t size)
{
    if (got != size) {
        fprintf(stderr, "message of incorrect size received (%zu bytes, expected %zu)\n", got, size);
        exit(3);
    }
}

static inline double zperf_elapsed_ms(double start_us)
{
    return (zperf_now_us() - start_us) / 1000;
}

/* VmRSS of this process in bytes, -1 if unknown. */
static inline long zperf_rss_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) {
        return -1;
    }
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

static inline void zperf_report_rss(long rss)
{
    printf("rss: %.1f [MB]\n", (double) rss / 1e6);
    fflush(stdout);
}

static inline long zperf_rate(long n, double elapsed_us)
{
    if (elapsed_us < 1) {
        elapsed_us = 1;
    }
    return (long) ((double) n / elapsed_us * 1e6);
}

#endif
