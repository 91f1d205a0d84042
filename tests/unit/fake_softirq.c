/* tests/unit/fake_softirq.c - see fake_softirq.h. */
#include "tests/unit/fake_softirq.h"

uint32_t fake_softirq_pending;
uint64_t fake_softirq_raises[NR_SOFTIRQS];
int fake_bh_depth;
static softirq_action_t actions[NR_SOFTIRQS];
static uint64_t counts[NR_SOFTIRQS];
static bool active;

void open_softirq(enum softirq_nr nr, softirq_action_t fn) { if ((unsigned)nr < NR_SOFTIRQS) actions[nr] = fn; }
softirq_action_t softirq_get_action(enum softirq_nr nr) { return (unsigned)nr < NR_SOFTIRQS ? actions[nr] : NULL; }
void raise_softirq_irqoff(enum softirq_nr nr)
{
    if ((unsigned)nr >= NR_SOFTIRQS)
        return;
    fake_softirq_pending |= 1u << nr;
    fake_softirq_raises[nr]++;
}
void raise_softirq(enum softirq_nr nr) { raise_softirq_irqoff(nr); }
bool softirq_pending(void) { return fake_softirq_pending != 0; }
bool in_softirq(void) { return active; }
void local_bh_disable(void) { fake_bh_depth++; }
void local_bh_enable(void) { fake_bh_depth--; }
bool softirq_bh_disabled(void) { return fake_bh_depth != 0; }
uint64_t softirq_count(enum softirq_nr nr) { return (unsigned)nr < NR_SOFTIRQS ? counts[nr] : 0; }
const char *softirq_name(enum softirq_nr nr) { (void)nr; return "?"; }
void do_softirq(void) {}

bool fake_softirq_run_one(enum softirq_nr nr)
{
    if (!(fake_softirq_pending & (1u << nr)))
        return false;
    fake_softirq_pending &= ~(1u << nr);
    counts[nr]++;
    active = true;
    if (actions[nr])
        actions[nr]();
    active = false;
    return true;
}

int fake_softirq_run(int max_passes)
{
    int runs = 0;
    while (fake_softirq_pending && max_passes-- > 0)
        for (unsigned nr = 0; nr < NR_SOFTIRQS; nr++)
            if (fake_softirq_run_one((enum softirq_nr)nr))
                runs++;
    return runs;
}

void fake_softirq_reset(void)
{
    fake_softirq_pending = 0;
    for (unsigned i = 0; i < NR_SOFTIRQS; i++)
        fake_softirq_raises[i] = 0;
}
