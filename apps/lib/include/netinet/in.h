/* netinet/in.h - IPv4 addresses and ports (network byte order in the structures). */
#ifndef WP_APP_NETINET_IN_H
#define WP_APP_NETINET_IN_H
#include <stdint.h>
#include <sys/socket.h>

/* in_addr, sockaddr_in, IPPROTO_*, IP_* come with sys/socket.h (net/uapi/socket.h) */
#define INADDR_ANY       ((in_addr_t)0x00000000)
#define INADDR_BROADCAST ((in_addr_t)0xffffffff)
#define INADDR_NONE      ((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK  ((in_addr_t)0x7f000001)
#define INET_ADDRSTRLEN 16


static inline uint16_t htons(uint16_t x) { return __builtin_bswap16(x); }
static inline uint16_t ntohs(uint16_t x) { return __builtin_bswap16(x); }
static inline uint32_t htonl(uint32_t x) { return __builtin_bswap32(x); }
static inline uint32_t ntohl(uint32_t x) { return __builtin_bswap32(x); }
#endif
