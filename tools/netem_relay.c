/* tools/netem_relay.c - an impaired link between QEMU and a tap, for hosts whose kernel
 * has no tc netem. QEMU's NIC is attached with `-netdev dgram` over unix datagram
 * sockets (one datagram = one Ethernet frame; tools/qemu.sh NET=relay); the relay
 * forwards every frame between that socket and a tap device, and on the way drops,
 * reorders, duplicates and corrupts frames at the given rates, independently per
 * direction, with a pseudo-random sequence fixed by the seed: the same seed and the same
 * frames give the same decisions.
 *
 *   netem_relay --tap NAME --sock PATH --peer PATH [--seed N] [--loss PCT]
 *               [--reorder PCT] [--dup PCT] [--corrupt PCT] [--dir both|in|out]
 *
 *   --sock      the relay's own unix datagram socket (QEMU's remote.path)
 *   --peer      QEMU's socket (QEMU's local.path), where frames for the guest go
 *   --dir       which directions are impaired: "in" = towards the guest, "out" = from it
 *   rates are percentages, e.g. --loss 3 --reorder 5 --dup 1 --corrupt 0.1
 *
 * Reordering holds a frame back until the next frame of the same direction has gone
 * (it swaps the two), or at most 20 ms when none follows. Corruption flips one bit past
 * the Ethernet header, so the frame still reaches its station and the IP/TCP/UDP
 * checksum must catch it. At exit (SIGINT, SIGTERM) and on SIGUSR1 it prints, per
 * direction, what it did:
 *   relay: to_guest in=N out=N bytes=N dropped=N reordered=N duplicated=N corrupted=N errors=N
 * The counts are exact: in + duplicated - dropped = out + held (held is 0 at exit, as the
 * held frame is flushed). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX 65536
#define ETH_HLEN 14
#define HOLD_MS 20

struct dir {
    const char *name;
    uint64_t rng;
    uint32_t loss, reorder, dup, corrupt;   /* parts per million */
    uint64_t in, out, bytes, dropped, reordered, duplicated, corrupted, errors;
    uint8_t held[FRAME_MAX];
    size_t held_len;
    uint64_t held_since_ms;
};

static struct dir to_guest = { .name = "to_guest" }, from_guest = { .name = "from_guest" };
static int tap_fd = -1, sock_fd = -1;
static struct sockaddr_un peer;
static volatile sig_atomic_t want_stats, want_exit;

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* splitmix64: a seeded, platform-independent sequence */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static bool chance(struct dir *d, uint32_t ppm)
{
    /* always drawn, so that one rate being zero does not shift the others' sequence */
    return next(&d->rng) % 1000000 < ppm;
}

/* Towards QEMU: a unix datagram socket's queue is short (net.unix.max_dgram_qlen), and
 * a full one is back-pressure, not loss: wait for room (connected, so that poll
 * reports it), for at most SEND_WAIT_MS per frame; a peer that is not there yet or gone
 * costs an error count. */
#define SEND_WAIT_MS 200
static bool peer_connected;

static ssize_t send_to_qemu(const uint8_t *f, size_t len)
{
    if (!peer_connected)
        peer_connected = connect(sock_fd, (struct sockaddr *)&peer, sizeof(peer)) == 0;
    if (!peer_connected)
        return -1;
    for (int tries = 0; tries < 2; tries++) {
        ssize_t r = send(sock_fd, f, len, 0);
        if (r >= 0 || errno != EAGAIN)
            return r;
        struct pollfd p = { .fd = sock_fd, .events = POLLOUT };
        poll(&p, 1, SEND_WAIT_MS);
    }
    return -1;
}

static void emit(struct dir *d, const uint8_t *f, size_t len)
{
    ssize_t r;
    if (d == &to_guest) {
        r = send_to_qemu(f, len);
        if (r < 0 && errno != EAGAIN)
            peer_connected = false;     /* QEMU restarted or gone: reconnect next time */
    } else {
        r = write(tap_fd, f, len);
    }
    if (r == (ssize_t)len)
        d->out++;
    else
        d->errors++;
}

static void flush_held(struct dir *d)
{
    if (d->held_len) {
        emit(d, d->held, d->held_len);
        d->held_len = 0;
    }
}

static void forward(struct dir *d, uint8_t *f, size_t len)
{
    d->in++;
    d->bytes += len;
    bool drop = chance(d, d->loss);
    bool corrupt = chance(d, d->corrupt);
    bool dup = chance(d, d->dup);
    bool reorder = chance(d, d->reorder);
    uint64_t pos = next(&d->rng);
    if (drop) {
        d->dropped++;
        return;
    }
    if (corrupt && len > ETH_HLEN) {
        size_t off = ETH_HLEN + (size_t)(pos % (len - ETH_HLEN));
        f[off] ^= (uint8_t)(1u << ((pos >> 32) & 7));
        d->corrupted++;
    }
    if (reorder && !d->held_len) {
        /* hold this one; the next frame overtakes it */
        memcpy(d->held, f, len);
        d->held_len = len;
        d->held_since_ms = now_ms();
        d->reordered++;
        if (dup) {
            d->duplicated++;
            emit(d, f, len);       /* the copy goes now, the original later */
        }
        return;
    }
    emit(d, f, len);
    if (dup) {
        d->duplicated++;
        emit(d, f, len);
    }
    flush_held(d);
}

static void print_dir(const struct dir *d)
{
    fprintf(stderr, "relay: %s in=%llu out=%llu bytes=%llu dropped=%llu reordered=%llu"
            " duplicated=%llu corrupted=%llu errors=%llu held=%zu\n", d->name,
            (unsigned long long)d->in, (unsigned long long)d->out,
            (unsigned long long)d->bytes, (unsigned long long)d->dropped,
            (unsigned long long)d->reordered, (unsigned long long)d->duplicated,
            (unsigned long long)d->corrupted, (unsigned long long)d->errors,
            d->held_len ? (size_t)1 : (size_t)0);
}

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
        want_stats = 1;
    else
        want_exit = 1;
}

static uint32_t ppm(const char *s)
{
    double v = strtod(s, NULL);
    if (v < 0 || v > 100) {
        fprintf(stderr, "netem_relay: rate %s is not a percentage\n", s);
        exit(2);
    }
    return (uint32_t)(v * 10000 + 0.5);
}

static int open_tap(const char *name)
{
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
    if (fd < 0)
        return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    const char *tap = NULL, *sock = NULL, *peer_path = NULL, *dir = "both";
    uint64_t seed = 1;
    uint32_t loss = 0, reorder = 0, dup = 0, corrupt = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--tap")) tap = v;
        else if (!strcmp(k, "--sock")) sock = v;
        else if (!strcmp(k, "--peer")) peer_path = v;
        else if (!strcmp(k, "--seed")) seed = strtoull(v, NULL, 0);
        else if (!strcmp(k, "--loss")) loss = ppm(v);
        else if (!strcmp(k, "--reorder")) reorder = ppm(v);
        else if (!strcmp(k, "--dup")) dup = ppm(v);
        else if (!strcmp(k, "--corrupt")) corrupt = ppm(v);
        else if (!strcmp(k, "--dir")) dir = v;
        else {
            fprintf(stderr, "netem_relay: unknown option %s\n", k);
            return 2;
        }
    }
    if (!tap || !sock || !peer_path || (argc % 2) != 1 ||
        (strcmp(dir, "both") && strcmp(dir, "in") && strcmp(dir, "out"))) {
        fprintf(stderr, "usage: netem_relay --tap NAME --sock PATH --peer PATH [--seed N]"
                        " [--loss PCT] [--reorder PCT] [--dup PCT] [--corrupt PCT]"
                        " [--dir both|in|out]\n");
        return 2;
    }
    struct dir *ds[2] = { &to_guest, &from_guest };
    for (int i = 0; i < 2; i++) {
        bool on = !strcmp(dir, "both") || (i == 0 ? !strcmp(dir, "in") : !strcmp(dir, "out"));
        ds[i]->rng = seed * 2 + (uint64_t)i;     /* one sequence per direction */
        if (on) {
            ds[i]->loss = loss;
            ds[i]->reorder = reorder;
            ds[i]->dup = dup;
            ds[i]->corrupt = corrupt;
        }
    }

    tap_fd = open_tap(tap);
    if (tap_fd < 0) {
        fprintf(stderr, "netem_relay: cannot attach to tap %s: %s\n", tap, strerror(errno));
        return 1;
    }
    sock_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_un me = { .sun_family = AF_UNIX };
    snprintf(me.sun_path, sizeof(me.sun_path), "%s", sock);
    peer.sun_family = AF_UNIX;
    snprintf(peer.sun_path, sizeof(peer.sun_path), "%s", peer_path);
    unlink(sock);
    if (sock_fd < 0 || bind(sock_fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
        fprintf(stderr, "netem_relay: cannot bind %s: %s\n", sock, strerror(errno));
        return 1;
    }
    int big = 4 << 20;
    setsockopt(sock_fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    setsockopt(sock_fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));

    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    fprintf(stderr, "relay: tap %s <-> %s, seed %llu, loss %u reorder %u dup %u corrupt %u ppm,"
            " direction %s\n", tap, peer_path, (unsigned long long)seed, loss, reorder, dup,
            corrupt, dir);

    static uint8_t frame[FRAME_MAX];
    while (!want_exit) {
        if (want_stats) {
            want_stats = 0;
            print_dir(&to_guest);
            print_dir(&from_guest);
        }
        struct pollfd p[2] = { { .fd = sock_fd, .events = POLLIN }, { .fd = tap_fd, .events = POLLIN } };
        int timeout = (to_guest.held_len || from_guest.held_len) ? HOLD_MS : 1000;
        int n = poll(p, 2, timeout);
        if (n < 0 && errno != EINTR) {
            perror("netem_relay: poll");
            break;
        }
        /* a held frame that nothing overtook goes out late rather than never */
        uint64_t t = now_ms();
        for (int i = 0; i < 2; i++)
            if (ds[i]->held_len && t - ds[i]->held_since_ms >= HOLD_MS)
                flush_held(ds[i]);
        if (n <= 0)
            continue;
        /* a bounded batch per side, so neither direction starves the other */
        for (int k = 0; k < 64 && (p[0].revents & POLLIN); k++) {
            ssize_t r = recv(sock_fd, frame, sizeof(frame), 0);
            if (r <= 0)
                break;
            forward(&from_guest, frame, (size_t)r);
        }
        for (int k = 0; k < 64 && (p[1].revents & POLLIN); k++) {
            ssize_t r = read(tap_fd, frame, sizeof(frame));
            if (r <= 0)
                break;
            forward(&to_guest, frame, (size_t)r);
        }
    }
    flush_held(&to_guest);
    flush_held(&from_guest);
    print_dir(&to_guest);
    print_dir(&from_guest);
    unlink(sock);
    return 0;
}
