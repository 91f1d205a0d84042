/* netinet/tcp.h - TCP socket options (level IPPROTO_TCP), Linux's values. */
#ifndef WP_APP_NETINET_TCP_H
#define WP_APP_NETINET_TCP_H
#define TCP_NODELAY    1
#define TCP_MAXSEG     2
#define TCP_CORK       3
#define TCP_KEEPIDLE   4
#define TCP_KEEPINTVL  5
#define TCP_KEEPCNT    6
#define TCP_INFO       11
#define TCP_QUICKACK   12
#define TCP_CONGESTION 13
#endif
