/* net/netfilter/nf_internal.h - the rule table shared by nf_rules.c and core.c. */
#ifndef WP_NF_INTERNAL_H
#define WP_NF_INTERNAL_H
#include "net/netfilter/netfilter.h"
extern struct nf_rule nf_rules[NF_MAX_RULES];
extern int nf_nrules;
extern int nf_hook_nrules[NF_INET_NUMHOOKS];   /* rules per hook: 0 = skip matching */
#endif
