/* apps/lib/common/svc.h - what the TCP services share: the clock, non-blocking sockets,
 * the listening socket (with the one-line exit when the kernel has no TCP), and the poll
 * loop of the small stream services (tcp_echo, discard, chargen). Portable C: builds with
 * apps/lib for wirepath and with the host's libc for Linux. */
#ifndef WP_APP_SVC_H
#define WP_APP_SVC_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

int64_t svc_now_us(void);                /* CLOCK_MONOTONIC in microseconds */
static inline int64_t svc_now_ms(void) { return svc_now_us() / 1000; }
int svc_nonblock(int fd);                /* O_NONBLOCK on; 0 or -1 */

/* A TCP socket listening on INADDR_ANY:port, non-blocking, SO_REUSEADDR. On failure it
 * prints one line "NAME: ..." and returns -1; when the kernel has no TCP (socket() gives
 * EPROTONOSUPPORT) the line is "NAME: no TCP in this kernel (...)", which tests look for. */
int svc_listen_tcp(const char *name, int port, int backlog);

/* A UDP socket bound to INADDR_ANY:port, SO_REUSEADDR, SO_RCVBUF asked for rcvbuf bytes;
 * blocking. The fd, or -1 with errno set (nothing printed). */
int svc_bind_udp(int port, int rcvbuf);

/* Write as much of buf as the socket takes now, without SIGPIPE: bytes written, 0 if it
 * would block, -1 on a real error (errno set). */
long svc_send(int fd, const void *buf, size_t n);

/* The stream services: one poll loop, up to SVC_MAX_CLIENTS clients, each with a bounded
 * SVC_BUF-byte buffer. */
#define SVC_MAX_CLIENTS 32
#define SVC_BUF 8192

enum svc_kind {
    SVC_ECHO,      /* RFC 862: bytes come back; read only while the buffer has room */
    SVC_DISCARD,   /* RFC 863: bytes are read and dropped */
    SVC_CHARGEN,   /* RFC 864: the 72-column rotating pattern, until the client goes */
};

struct svc_config {
    const char *name;
    enum svc_kind kind;
    int port;
    int idle_s;         /* close a client silent this long (nothing read or written) */
    long max_clients;   /* exit after serving this many clients (tests); < 0 = forever */
};

/* Runs until max_clients have come and gone; returns the exit status for main. */
int svc_run_stream(const struct svc_config *cfg);

/* The whole main of a stream service: "NAME [port [clients [idle_s]]]", port default_port
 * by default, every client served (clients < 0), idle_s 300. A bad port prints
 * "NAME: bad port '...'" and returns 2; otherwise svc_run_stream's status. */
int svc_stream_main(const char *name, enum svc_kind kind, int default_port,
                    int argc, char **argv);

/* RFC 864's pattern: line `line` (0..94) of 72 printable characters plus CR LF, written
 * to dst[0..74). */
#define CHARGEN_LINE 74
void chargen_line(unsigned line, char *dst);

#endif
