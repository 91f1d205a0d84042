/* net/netfilter/netfilter.h - hook points on the IPv4 paths and a small rule table.
 *
 * The IP layer passes every packet through nf_hook() at four points:
 *   receive:  ip_rcv -> PRE_ROUTING -> (is it ours?) -> reassembly -> LOCAL_IN -> protocol
 *   send:     ip_local_out -> LOCAL_OUT -> dst_output -> ip_output -> POST_ROUTING -> ...
 * (FORWARD exists in the numbering only: this host does not forward.) At every hook the
 * packet's data starts at a complete, validated IPv4 header.
 *
 * Rules are checked in the order they were added, for their hook only; the first rule
 * that matches decides (ACCEPT or DROP) and counts the packet and its bytes. A packet no
 * rule matches is accepted. Port matches apply to UDP and TCP only and never match a
 * non-first fragment (it carries no ports), as in iptables.
 *
 * Command line: nf=RULE[;RULE...] with
 *   RULE    = HOOK:PROTO[:MATCH...]:VERDICT
 *   HOOK    = PRE_ROUTING | LOCAL_IN | LOCAL_OUT | POST_ROUTING
 *             (also PREROUTING, INPUT, OUTPUT, POSTROUTING; any case)
 *   PROTO   = any | icmp | udp | tcp | a protocol number 0-255
 *   MATCH   = src=A.B.C.D[/N] | dst=A.B.C.D[/N] | sport=P[-Q] | dport=P[-Q]
 *   VERDICT = ACCEPT | DROP
 * e.g. nf=LOCAL_OUT:udp:dport=9:DROP;PRE_ROUTING:icmp:src=198.18.0.0/24:DROP
 * A list with any bad rule is refused as a whole (reported on the console). */
#ifndef WP_NETFILTER_H
#define WP_NETFILTER_H

#include "kernel/compiler.h"
#include "net/core/skbuff.h"

struct net_device;
struct sock;

enum nf_inet_hooks {
    NF_INET_PRE_ROUTING,
    NF_INET_LOCAL_IN,
    NF_INET_FORWARD,
    NF_INET_LOCAL_OUT,
    NF_INET_POST_ROUTING,
    NF_INET_NUMHOOKS
};

#define NF_DROP   0
#define NF_ACCEPT 1

/* Run the hook: when the packet is accepted, return okfn(sk, skb); when a rule drops
 * it, free skb and return -EPERM. */
int nf_hook(unsigned int hook, struct sock *sk, struct sk_buff *skb, struct net_device *in,
            struct net_device *out, int (*okfn)(struct sock *, struct sk_buff *));
/* The verdict alone (the packet is not consumed): NF_ACCEPT or NF_DROP. */
int nf_hook_verdict(unsigned int hook, struct sk_buff *skb);

struct nf_rule {
    uint8_t hook;
    uint8_t proto;                       /* 0 = any */
    uint8_t verdict;                     /* NF_ACCEPT / NF_DROP */
    bool match_sport, match_dport;
    uint32_t src, src_mask, dst, dst_mask;   /* network order; mask 0 = any */
    uint16_t sport_lo, sport_hi, dport_lo, dport_hi;   /* host order, inclusive */
    uint64_t packets, bytes;             /* matched */
};

#define NF_MAX_RULES 32

/* Parse one rule (len bytes of text, no ';'). 0 or -EINVAL. */
int nf_rule_parse(const char *s, size_t len, struct nf_rule *r);
/* Parse a ';'-separated list and append every rule; all or nothing. Returns the number
 * added, -EINVAL (bad text; *bad_index = the rule at fault, 0-based) or -ENOSPC. */
int nf_rules_add_list(const char *spec, int *bad_index);
int nf_rule_append(const struct nf_rule *r);     /* 0 or -ENOSPC / -EINVAL */
int nf_rule_delete(int index);                   /* 0 or -ENOENT */
void nf_rules_flush(void);
int nf_rule_count(void);
/* The i-th rule with its counters (NULL past the end). */
const struct nf_rule *nf_rule_get(int i);
/* Write a rule in the command-line syntax; returns buf. */
char *nf_rule_format(const struct nf_rule *r, char *buf, size_t len);
const char *nf_hook_name(unsigned int hook);

struct nf_hook_stats { uint64_t packets, accepted, dropped; };
void nf_get_hook_stats(unsigned int hook, struct nf_hook_stats *s);
/* The rule table with counters, for the shell. */
void nf_dump(void);

#endif
