/* netinet/tcp.h - TCP socket options (level IPPROTO_TCP), Linux's values: the kernel's
 * own definitions (net/uapi/tcp.h). */
#ifndef WP_APP_NETINET_TCP_H
#define WP_APP_NETINET_TCP_H
#include "net/uapi/tcp.h"
#endif
