/* net/netfilter/core.c - nf_hook(): match the packet against the hook's rules, count,
 * and either continue (okfn) or drop. Rules come from the command line (nf=) at boot. */
#include "net/netfilter/netfilter.h"
#include "net/netfilter/nf_internal.h"
#include "net/ipv4/ip_hdr.h"
#include "kernel/arch/x86.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "net/core/trace_stations.h"

CMDLINE_KEY(nf, "nf", "packet filter rules HOOK:PROTO[:MATCH...]:ACCEPT|DROP;... (see net/netfilter/netfilter.h)");

static struct nf_hook_stats hook_stats[NF_INET_NUMHOOKS];

/* What the rules look at, read once per packet. */
struct nf_pkt {
    uint32_t saddr, daddr;
    uint8_t proto;
    bool has_ports;
    uint16_t sport, dport;      /* host order */
};

static bool nf_pkt_read(const struct sk_buff *skb, struct nf_pkt *p)
{
    /* the IP layer guarantees a validated header at data; stay defensive anyway */
    if (skb_headlen(skb) < IPV4_MIN_HLEN)
        return false;
    const uint8_t *h = skb->data;
    unsigned hlen = (unsigned)(h[0] & 0xf) * 4;
    if (hlen < IPV4_MIN_HLEN || hlen > skb_headlen(skb))
        return false;
    memcpy(&p->saddr, h + 12, 4);
    memcpy(&p->daddr, h + 16, 4);
    p->proto = h[9];
    uint16_t fo = (uint16_t)(h[6] << 8 | h[7]);
    p->has_ports = (p->proto == 6 || p->proto == 17) && (fo & IP_OFFSET) == 0 &&
                   skb_headlen(skb) >= hlen + 4;
    if (p->has_ports) {
        p->sport = (uint16_t)(h[hlen] << 8 | h[hlen + 1]);
        p->dport = (uint16_t)(h[hlen + 2] << 8 | h[hlen + 3]);
    }
    return true;
}

static bool rule_matches(const struct nf_rule *r, const struct nf_pkt *p)
{
    if (r->proto && r->proto != p->proto)
        return false;
    if ((p->saddr & r->src_mask) != r->src || (p->daddr & r->dst_mask) != r->dst)
        return false;
    if (r->match_sport || r->match_dport) {
        if (!p->has_ports)
            return false;
        if (r->match_sport && (p->sport < r->sport_lo || p->sport > r->sport_hi))
            return false;
        if (r->match_dport && (p->dport < r->dport_lo || p->dport > r->dport_hi))
            return false;
    }
    return true;
}

int nf_hook_verdict(unsigned int hook, struct sk_buff *skb)
{
    if (hook >= NF_INET_NUMHOOKS)
        return NF_ACCEPT;
    unsigned long f = local_irq_save();
    hook_stats[hook].packets++;
    int verdict = NF_ACCEPT;
    struct nf_pkt p;
    if (nf_hook_nrules[hook] && nf_pkt_read(skb, &p)) {
        for (int i = 0; i < nf_nrules; i++) {
            struct nf_rule *r = &nf_rules[i];
            if (r->hook != hook || !rule_matches(r, &p))
                continue;
            r->packets++;
            r->bytes += skb->len;
            verdict = r->verdict;
            break;
        }
    }
    if (verdict == NF_ACCEPT)
        hook_stats[hook].accepted++;
    else
        hook_stats[hook].dropped++;
    local_irq_restore(f);
    return verdict;
}

int nf_hook(unsigned int hook, struct sock *sk, struct sk_buff *skb, struct net_device *in,
            struct net_device *out, int (*okfn)(struct sock *, struct sk_buff *))
{
    trace_skb(TS_NF_HOOK, skb, hook);
    (void)in;
    (void)out;
    if (hook < NF_INET_NUMHOOKS && !nf_hook_nrules[hook]) {
        /* no rule at this hook (the usual case): counted and accepted, nothing read */
        unsigned long f = local_irq_save();
        hook_stats[hook].packets++;
        hook_stats[hook].accepted++;
        local_irq_restore(f);
        return okfn(sk, skb);
    }
    if (nf_hook_verdict(hook, skb) == NF_DROP) {
        kfree_skb(skb);
        return -EPERM;
    }
    return okfn(sk, skb);
}

void nf_get_hook_stats(unsigned int hook, struct nf_hook_stats *s)
{
    unsigned long f = local_irq_save();
    *s = hook < NF_INET_NUMHOOKS ? hook_stats[hook] : (struct nf_hook_stats){ 0 };
    local_irq_restore(f);
}

static int nf_init(void)
{
    const char *spec = cmdline_get("nf");
    if (!spec)
        return 0;
    int bad;
    int n = nf_rules_add_list(spec, &bad);
    if (n < 0)
        pr_err("nf: rule %d of nf=%s is %s; no rule installed\n", bad + 1, spec,
               n == -ENOSPC ? "one too many" : "not HOOK:PROTO[:MATCH...]:ACCEPT|DROP");
    else
        pr_info("nf: %d rule%s from the command line\n", n, n == 1 ? "" : "s");
    return 0;
}
/* before the interfaces come up and traffic flows */
subsys_initcall(nf_init);
