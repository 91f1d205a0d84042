/* net/ipv4/af_inet.h - the AF_INET socket family (station 3): which struct proto and
 * which proto_ops serve each (type, protocol), and the inet_* operations TCP reuses. */
#ifndef WP_AF_INET_H
#define WP_AF_INET_H

#include "net/socket.h"
#include "net/core/sock.h"

/* One (type, protocol) served by a protocol: UDP registers SOCK_DGRAM/IPPROTO_UDP with
 * inet_dgram_ops, TCP SOCK_STREAM/IPPROTO_TCP with inet_stream_ops. socket() with
 * protocol 0 takes the type's first entry. */
struct inet_protosw {
    int type;
    int protocol;
    struct proto *prot;
    const struct proto_ops *ops;
};
#define INET_MAX_PROTOSW 8
/* Add an entry, or fill the slot a placeholder (prot NULL) keeps for it. 0 or -errno. */
int inet_register_protosw(const struct inet_protosw *p);

extern const struct proto_ops inet_dgram_ops;
extern const struct proto_ops inet_stream_ops;

int inet_create(struct socket *sock, int protocol);
int inet_release(struct socket *sock);
int inet_bind(struct socket *sock, const struct sockaddr_in *addr);
int inet_dgram_connect(struct socket *sock, const struct sockaddr_in *addr, int flags);
int inet_getname(struct socket *sock, struct sockaddr_in *addr, int peer);
int inet_shutdown(struct socket *sock, int how);
long inet_sendmsg(struct socket *sock, struct kmsg *m, size_t len);
long inet_recvmsg(struct socket *sock, struct kmsg *m, size_t len, int flags);
int inet_setsockopt(struct socket *sock, int level, int name, const void *val, socklen_t len);
int inet_getsockopt(struct socket *sock, int level, int name, void *val, socklen_t *len);
unsigned inet_dgram_poll(struct socket *sock);
/* Register AF_INET and the protocols present (subsys initcall; tests call it). */
int inet_init(void);
/* Pick an ephemeral port for an unbound sock. 0 or -EAGAIN. */
int inet_autobind(struct sock *sk);

/* IPPROTO_IP options (Linux values) handled here for every protocol. */
#define IP_TOS 1
#define IP_TTL 2
#define IP_MTU_DISCOVER 10
#define IP_PMTUDISC_DONT 0
#define IP_PMTUDISC_WANT 1
#define IP_PMTUDISC_DO 2

#define INADDR_ANY       0x00000000u
#define INADDR_BROADCAST 0xffffffffu

#endif
