// SOURCES: net/netfilter/core.c net/netfilter/nf_rules.c net/ipv4/ip_hdr.c net/core/checksum.c net/core/skbuff.c kernel/cmdline.c kernel/lib/string.c kernel/lib/vsprintf.c kernel/printk.c tests/unit/fake_console.c tests/unit/fake_mm.c net/ipv4/udp_hdr.c tests/unit/fake_clock.c
/* tests/unit/test_netfilter.c - the rule syntax (good and bad rules, lists all or
 * nothing, format round trip), matching by protocol, prefix and port range at each hook,
 * first match wins, fragments never match port rules, per-rule and per-hook counters,
 * and nf_hook consuming dropped packets without leaks. */
#include "tests/unit/unit.h"
#include "tests/unit/fake_mm.h"
#include "net/netfilter/netfilter.h"
#include "net/ipv4/ip_hdr.h"
#include "net/ipv4/udp_hdr.h"
#include "kernel/errno.h"

void panic(const char *fmt, ...) { (void)fmt; abort(); }

static uint32_t A(const char *s) { uint32_t a; in_aton(s, &a); return a; }

static struct nf_rule parse(const char *s, int *rc)
{
    struct nf_rule r;
    *rc = nf_rule_parse(s, strlen(s), &r);
    return r;
}

TEST(parse_good_rules)
{
    int rc;
    struct nf_rule r = parse("LOCAL_OUT:udp:dport=9:DROP", &rc);
    CHECK_EQ(rc, 0);
    CHECK_EQ(r.hook, NF_INET_LOCAL_OUT);
    CHECK_EQ(r.proto, 17);
    CHECK(r.match_dport && !r.match_sport);
    CHECK(r.dport_lo == 9 && r.dport_hi == 9);
    CHECK_EQ(r.verdict, NF_DROP);
    r = parse("pre_routing:icmp:src=198.18.0.77/24:dst=10.0.2.15:accept", &rc);
    CHECK_EQ(rc, 0);
    CHECK_EQ(r.hook, NF_INET_PRE_ROUTING);
    CHECK_EQ(r.proto, 1);
    CHECK_EQ(r.src, A("198.18.0.0"));          /* masked */
    CHECK_EQ(r.src_mask, A("255.255.255.0"));
    CHECK_EQ(r.dst_mask, 0xffffffffu);
    CHECK_EQ(r.verdict, NF_ACCEPT);
    r = parse("INPUT:tcp:sport=1000-2000:dport=0-65535:DROP", &rc);
    CHECK_EQ(rc, 0);
    CHECK(r.hook == NF_INET_LOCAL_IN && r.sport_lo == 1000 && r.sport_hi == 2000);
    r = parse("POSTROUTING:47:DROP", &rc);
    CHECK(rc == 0 && r.proto == 47 && r.hook == NF_INET_POST_ROUTING);
    r = parse("OUTPUT:any:dst=0.0.0.0/0:ACCEPT", &rc);
    CHECK(rc == 0 && r.proto == 0 && r.dst_mask == 0);
}

TEST(parse_bad_rules)
{
    const char *bad[] = {
        "", "LOCAL_OUT", "LOCAL_OUT:udp", "LOCAL_OUT:udp:REJECT", "FORWARD:udp:DROP",
        "NOWHERE:udp:DROP", "LOCAL_OUT:sctpx:DROP", "LOCAL_OUT:256:DROP",
        "LOCAL_OUT:udp:dport=:DROP", "LOCAL_OUT:udp:dport=65536:DROP",
        "LOCAL_OUT:udp:dport=20-10:DROP", "LOCAL_OUT:udp:dport=1-2-3:DROP",
        "LOCAL_OUT:icmp:dport=9:DROP",          /* ports without a port protocol */
        "LOCAL_OUT:any:sport=9:DROP", "LOCAL_OUT:udp:src=1.2.3.4/33:DROP",
        "LOCAL_OUT:udp:src=1.2.3:DROP", "LOCAL_OUT:udp:src=1.2.3.4/:DROP",
        "LOCAL_OUT:udp:src=1.2.3.4x:DROP", "LOCAL_OUT:udp:srcx=1.2.3.4:DROP",
        "LOCAL_OUT:udp:dport9:DROP", "LOCAL_OUT:udp:dport=9::DROP", ":udp:DROP",
        "LOCAL_OUT:udp:dport=9:DROP:", "LOCAL_OUT:udp:a=1:b=2:c=3:d=4:e=5:f=6:g=7:h=8:i=9:DROP",
        "LOCAL_OUT:udp:dport=000009:DROP",
    };
    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        int rc;
        parse(bad[i], &rc);
        if (rc != -EINVAL)
            fprintf(stderr, "  accepted \"%s\"\n", bad[i]), unit_failed_checks++;
    }
}

TEST(list_all_or_nothing_and_format)
{
    nf_rules_flush();
    int bad;
    CHECK_EQ(nf_rules_add_list("LOCAL_OUT:udp:dport=9:DROP;PRE_ROUTING:icmp:src=1.2.3.0/24:DROP;", &bad), 2);
    CHECK_EQ(nf_rule_count(), 2);
    CHECK_EQ(nf_rules_add_list("LOCAL_IN:udp:DROP;LOCAL_IN:bogus:DROP", &bad), -EINVAL);
    CHECK_EQ(bad, 1);
    CHECK_EQ(nf_rule_count(), 2);               /* nothing of the bad list added */
    char buf[128];
    CHECK_STR(nf_rule_format(nf_rule_get(0), buf, sizeof(buf)), "LOCAL_OUT:udp:dport=9:DROP");
    CHECK_STR(nf_rule_format(nf_rule_get(1), buf, sizeof(buf)), "PRE_ROUTING:icmp:src=1.2.3.0/24:DROP");
    struct nf_rule r;
    const char *t = "LOCAL_IN:tcp:src=10.0.0.0/8:dst=10.0.2.15/32:sport=1-1023:dport=80:ACCEPT";
    CHECK_EQ(nf_rule_parse(t, strlen(t), &r), 0);
    CHECK_STR(nf_rule_format(&r, buf, sizeof(buf)), t);
    CHECK(nf_rule_get(2) == NULL);
    CHECK_EQ(nf_rule_delete(0), 0);
    CHECK_EQ(nf_rule_delete(5), -ENOENT);
    CHECK_EQ(nf_rule_count(), 1);
    /* capacity */
    nf_rules_flush();
    char big[NF_MAX_RULES * 24 + 32] = "";
    for (int i = 0; i <= NF_MAX_RULES; i++)
        strcat(big, "LOCAL_IN:udp:DROP;");
    CHECK_EQ(nf_rules_add_list(big, &bad), -ENOSPC);
    CHECK_EQ(nf_rule_count(), 0);
    r.hook = NF_INET_FORWARD;
    CHECK_EQ(nf_rule_append(&r), -EINVAL);
    nf_rules_flush();
}

/* An skb holding an IPv4/UDP (or other protocol) packet, data at the IP header. */
static struct sk_buff *pkt(const char *s, const char *d, uint8_t proto, uint16_t sport,
                           uint16_t dport, uint16_t frag)
{
    struct sk_buff *skb = alloc_skb(256);
    skb_reserve(skb, 64);
    uint8_t *p = skb_put(skb, 20 + 8 + 4);
    struct ipv4_repr ip = { .saddr = A(s), .daddr = A(d), .protocol = proto, .ttl = 64,
                            .payload_len = 12, .frag_off = frag, .mf = frag != 0 };
    ipv4_hdr_emit(&ip, p, 20);
    struct udp_repr u = { .sport = sport, .dport = dport, .payload = p + 28, .payload_len = 4 };
    udp_hdr_emit(&u, p + 20, 12, ip.saddr, ip.daddr, true);
    return skb;
}

static int okfn_calls;
static int okfn(struct sock *sk, struct sk_buff *skb) { okfn_calls++; consume_skb(skb); return 7; }

TEST(matching_counters_first_match)
{
    long live0 = fake_mm_live;
    nf_rules_flush();
    int bad;
    CHECK_EQ(nf_rules_add_list(
        "LOCAL_OUT:udp:dport=9:DROP;"
        "LOCAL_OUT:udp:dst=10.0.2.0/24:dport=1-100:ACCEPT;"
        "LOCAL_OUT:udp:dport=50:DROP;"             /* shadowed by the previous rule */
        "LOCAL_OUT:any:dst=10.9.0.0/16:DROP;"
        "PRE_ROUTING:udp:src=198.18.0.1:sport=5000-5010:DROP", &bad), 5);
    struct nf_hook_stats s0, s1;
    nf_get_hook_stats(NF_INET_LOCAL_OUT, &s0);

    struct { const char *s, *d; uint8_t proto; uint16_t sp, dp; unsigned hook; int verdict; int rule; } c[] = {
        { "10.0.2.15", "10.0.2.2", 17, 40000, 9, NF_INET_LOCAL_OUT, NF_DROP, 0 },
        { "10.0.2.15", "10.0.2.2", 17, 40000, 50, NF_INET_LOCAL_OUT, NF_ACCEPT, 1 },
        { "10.0.2.15", "10.0.3.2", 17, 40000, 50, NF_INET_LOCAL_OUT, NF_DROP, 2 },
        { "10.0.2.15", "10.0.2.2", 17, 40000, 10, NF_INET_LOCAL_OUT, NF_ACCEPT, 1 },
        { "10.0.2.15", "10.9.1.1", 1, 0, 0, NF_INET_LOCAL_OUT, NF_DROP, 3 },
        { "10.0.2.15", "10.8.1.1", 1, 0, 0, NF_INET_LOCAL_OUT, NF_ACCEPT, -1 },
        { "10.0.2.15", "10.0.2.2", 17, 40000, 9, NF_INET_POST_ROUTING, NF_ACCEPT, -1 },
        { "198.18.0.1", "10.0.2.15", 17, 5005, 7, NF_INET_PRE_ROUTING, NF_DROP, 4 },
        { "198.18.0.1", "10.0.2.15", 17, 5011, 7, NF_INET_PRE_ROUTING, NF_ACCEPT, -1 },
        { "198.18.0.2", "10.0.2.15", 17, 5005, 7, NF_INET_PRE_ROUTING, NF_ACCEPT, -1 },
        { "198.18.0.1", "10.0.2.15", 6, 5005, 7, NF_INET_PRE_ROUTING, NF_ACCEPT, -1 },
    };
    uint64_t before[5];
    for (int i = 0; i < 5; i++)
        before[i] = nf_rule_get(i)->packets;
    int expect_hits[5] = { 0 };
    for (unsigned i = 0; i < ARRAY_SIZE(c); i++) {
        struct sk_buff *skb = pkt(c[i].s, c[i].d, c[i].proto, c[i].sp, c[i].dp, 0);
        int v = nf_hook_verdict(c[i].hook, skb);
        if (v != c[i].verdict)
            fprintf(stderr, "  case %u: verdict %d\n", i, v), unit_failed_checks++;
        if (c[i].rule >= 0)
            expect_hits[c[i].rule]++;
        kfree_skb(skb);
    }
    for (int i = 0; i < 5; i++)
        CHECK_EQ(nf_rule_get(i)->packets - before[i], expect_hits[i]);
    CHECK_EQ(nf_rule_get(0)->bytes, 32);
    nf_get_hook_stats(NF_INET_LOCAL_OUT, &s1);
    CHECK_EQ(s1.packets - s0.packets, 6);
    CHECK_EQ(s1.dropped - s0.dropped, 3);
    CHECK_EQ(s1.accepted - s0.accepted, 3);

    /* a non-first fragment has no ports: port rules skip it, address rules still apply */
    struct sk_buff *f = pkt("10.0.2.15", "10.0.2.2", 17, 40000, 9, 1480);
    CHECK_EQ(nf_hook_verdict(NF_INET_LOCAL_OUT, f), NF_ACCEPT);
    kfree_skb(f);
    f = pkt("10.0.2.15", "10.9.0.1", 17, 40000, 9, 1480);
    CHECK_EQ(nf_hook_verdict(NF_INET_LOCAL_OUT, f), NF_DROP);
    kfree_skb(f);

    /* nf_hook: accepted packets reach okfn, dropped ones are freed here */
    okfn_calls = 0;
    CHECK_EQ(nf_hook(NF_INET_LOCAL_OUT, NULL, pkt("10.0.2.15", "10.0.2.2", 17, 1, 10, 0), NULL, NULL, okfn), 7);
    CHECK_EQ(nf_hook(NF_INET_LOCAL_OUT, NULL, pkt("10.0.2.15", "10.0.2.2", 17, 1, 9, 0), NULL, NULL, okfn), -EPERM);
    CHECK_EQ(okfn_calls, 1);
    /* a truncated header at the hook is accepted as is (the IP layer validates) */
    struct sk_buff *t = alloc_skb(64);
    skb_put(t, 10);
    memset(t->data, 0x45, 10);
    CHECK_EQ(nf_hook_verdict(NF_INET_LOCAL_OUT, t), NF_ACCEPT);
    kfree_skb(t);
    nf_rules_flush();
    skb_head_cache_drain();
    CHECK_EQ(fake_mm_live, live0);
}
