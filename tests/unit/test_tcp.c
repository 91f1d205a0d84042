// SOURCES: net/ipv4/tcp.c net/ipv4/tcp_output.c net/ipv4/tcp_input.c net/ipv4/tcp_ipv4.c net/ipv4/tcp_minisocks.c net/ipv4/tcp_timer.c net/ipv4/tcp_cong.c net/ipv4/tcp_cubic.c net/ipv4/syncookies.c net/ipv4/tcp_hdr.c net/ipv4/inet_connection_sock.c net/core/secure_seq.c net/core/stream.c net/socket.c net/sockopt.c net/ipv4/af_inet.c kernel/file.c kernel/console_file.c kernel/sys_basic.c kernel/poll.c net/ipv4/ip_fragment.c net/ipv4/ip_output.c net/ipv4/ip_input.c net/ipv4/icmp.c net/ipv4/udp.c net/ipv4/route.c net/ipv4/devinet.c net/ipv4/ip_hdr.c net/ipv4/icmp_hdr.c net/ipv4/udp_hdr.c net/netfilter/core.c net/netfilter/nf_rules.c net/core/checksum.c net/core/skbuff.c net/core/sock.c net/core/datagram.c net/kmsg.c kernel/uaccess.c kernel/user/uvm.c kernel/time/timer.c kernel/cmdline.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c tests/unit/fake_kernel.c kernel/sched/wait.c tests/unit/fake_softirq.c tests/unit/fake_netdev.c tests/unit/fake_ipstack.c tests/unit/tcp_script.c net/core/dev_registry.c tests/unit/fake_clock.c tests/unit/stub_stats.c
/* tests/unit/test_tcp.c - TCP against a scripted peer: one test per script in
 * tests/unit/tcp/ (the language is described in tests/unit/tcp/README). */
#include "tests/unit/unit.h"
#include "tests/unit/tcp_script.h"

#include "kernel/errno.h"
#include <stdbool.h>

void panic(const char *fmt, ...) { (void)fmt; abort(); }
/* the socket layer links the file layer, which reaches the console and processes */
void process_exit(int code) { (void)code; abort(); }

#define SCRIPT(name) TEST(name) { tcp_script_run("tests/unit/tcp/" #name ".tcp"); }

SCRIPT(active_open)
SCRIPT(bad_checksum)
SCRIPT(close_unread)
SCRIPT(cork_more)
SCRIPT(delayed_ack)
SCRIPT(etimedout)
SCRIPT(fast_retransmit_sack)
SCRIPT(fin_after_acked_data)
SCRIPT(half_close)
SCRIPT(linear_partial_ack)
SCRIPT(linear_window_split)
SCRIPT(linger_zero)
SCRIPT(nagle_delack)
SCRIPT(newreno_partial)
SCRIPT(nodelay)
SCRIPT(ooo_reassembly)
SCRIPT(passive_open)
SCRIPT(paws)
SCRIPT(refused)
SCRIPT(reorder_full_undo)
SCRIPT(rst_in_window)
SCRIPT(rto_backoff)
SCRIPT(rto_real_loss_no_undo)
SCRIPT(sack_three_holes)
SCRIPT(sack_two_holes)
SCRIPT(simultaneous_close)
SCRIPT(simultaneous_open)
SCRIPT(spurious_rto_dsack)
SCRIPT(spurious_rto_eifel)
SCRIPT(stretch_ack)
SCRIPT(syn_in_established)
SCRIPT(syn_retries)
SCRIPT(syncookies)
SCRIPT(timewait_reuse)
SCRIPT(tso)
SCRIPT(tso_retransmit)
SCRIPT(wscale_window)
SCRIPT(zero_window)
