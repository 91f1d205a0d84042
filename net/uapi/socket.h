/* net/uapi/socket.h - the socket ABI shared by the kernel (net/socket.h) and the apps'
 * POSIX headers (apps/lib/include/sys/socket.h, netinet/in.h):
 * Linux's constants and x86_64 structure layouts, written once. Only compiler headers
 * and kernel/uapi/ may be included here, so both sides can use it. */
#ifndef WP_UAPI_SOCKET_H
#define WP_UAPI_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/uapi/uio.h"     /* struct iovec (struct msghdr holds them) */

typedef unsigned int socklen_t;
typedef unsigned short sa_family_t;
typedef uint16_t in_port_t;
typedef uint32_t in_addr_t;

struct sockaddr { sa_family_t sa_family; char sa_data[14]; };
struct sockaddr_storage { sa_family_t ss_family; char __ss_pad[118]; unsigned long __ss_align; };
struct in_addr { in_addr_t s_addr; };            /* network order */
struct sockaddr_in {
    sa_family_t sin_family;
    in_port_t sin_port;                          /* network order */
    struct in_addr sin_addr;
    unsigned char sin_zero[8];
};
struct msghdr {
    void *msg_name;
    socklen_t msg_namelen;
    struct iovec *msg_iov;
    size_t msg_iovlen;
    void *msg_control;
    size_t msg_controllen;
    int msg_flags;
};

#define AF_UNSPEC 0
#define AF_UNIX   1
#define AF_INET   2
#define AF_INET6  10
#define PF_UNSPEC AF_UNSPEC
#define PF_INET   AF_INET
#define PF_INET6  AF_INET6

#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_NONBLOCK  04000
#define SOCK_CLOEXEC   02000000

#define IPPROTO_IP   0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17

#define MSG_OOB       0x1
#define MSG_PEEK      0x2
#define MSG_DONTROUTE 0x4
#define MSG_TRUNC     0x20
#define MSG_DONTWAIT  0x40
#define MSG_WAITALL   0x100
#define MSG_NOSIGNAL  0x4000
#define MSG_MORE      0x8000

#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2

#define SOL_SOCKET   1
#define SO_REUSEADDR 2
#define SO_TYPE      3
#define SO_ERROR     4
#define SO_BROADCAST 6
#define SO_SNDBUF    7
#define SO_RCVBUF    8
#define SO_KEEPALIVE 9
#define SO_PRIORITY  12
#define SO_LINGER    13
#define SO_RCVTIMEO  20
#define SO_SNDTIMEO  21
#define SO_PROTOCOL  38
#define SO_DOMAIN    39
#define SOMAXCONN    4096

#define IP_TOS          1
/* IP_TOS bits (RFC 1349) and the priorities they map to (sk_priority, skb->priority) */
#define IPTOS_TOS_MASK     0x1e
#define IPTOS_LOWDELAY     0x10
#define IPTOS_THROUGHPUT   0x08
#define IPTOS_RELIABILITY  0x04
#define IPTOS_MINCOST      0x02
#define TC_PRIO_BESTEFFORT       0
#define TC_PRIO_FILLER           1
#define TC_PRIO_BULK             2
#define TC_PRIO_INTERACTIVE_BULK 4
#define TC_PRIO_INTERACTIVE      6
#define TC_PRIO_CONTROL          7
#define TC_PRIO_MAX              15
#define IP_TTL          2
#define IP_MTU_DISCOVER 10


#endif
