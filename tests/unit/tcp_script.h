/* tests/unit/tcp_script.h - run one TCP script (tests/unit/tcp/README) against the
 * hosted stack; failures are reported as unit check failures. 0 when it passed. */
#ifndef WP_TCP_SCRIPT_H
#define WP_TCP_SCRIPT_H
int tcp_script_run(const char *path);
#endif
