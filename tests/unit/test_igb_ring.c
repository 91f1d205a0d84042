// SOURCES: drivers/net/igb/igb_desc.c drivers/net/igb/igb_mac.c
/* Hosted tests for igb ring arithmetic (index wraparound, free-descriptor accounting,
 * stop/wake thresholds, ring sizes), a producer/consumer simulation of a TX ring driven
 * only by those helpers, and the per-MAC table (IVAR layouts, ID coverage). */
#include "tests/unit/unit.h"
#include "drivers/net/igb/igb_desc.h"
#include "drivers/net/igb/igb_mac.h"
#include "net/core/skbuff.h"

TEST(next_index_wraps)
{
    CHECK_EQ(igb_ring_next(0, 256), 1);
    CHECK_EQ(igb_ring_next(254, 256), 255);
    CHECK_EQ(igb_ring_next(255, 256), 0);
    CHECK_EQ(igb_ring_add(250, 10, 256), 4);
    CHECK_EQ(igb_ring_add(0, 256, 256), 0);
}

TEST(unused_and_used_counts)
{
    /* empty ring: one slot always stays free */
    CHECK_EQ(igb_desc_unused(0, 0, 256), 255);
    CHECK_EQ(igb_desc_used(0, 0, 256), 0);
    CHECK_EQ(igb_desc_unused(17, 17, 256), 255);
    /* producer ahead of consumer */
    CHECK_EQ(igb_desc_unused(10, 0, 256), 245);
    CHECK_EQ(igb_desc_used(10, 0, 256), 10);
    /* producer wrapped, consumer not yet */
    CHECK_EQ(igb_desc_unused(5, 250, 256), 244);
    CHECK_EQ(igb_desc_used(5, 250, 256), 11);
    /* full: producer right behind consumer */
    CHECK_EQ(igb_desc_unused(249, 250, 256), 0);
    CHECK_EQ(igb_desc_used(249, 250, 256), 255);
    CHECK_EQ(igb_desc_unused(255, 0, 256), 0);
    for (unsigned ntu = 0; ntu < 64; ntu++)
        for (unsigned ntc = 0; ntc < 64; ntc++)
            CHECK_EQ(igb_desc_unused(ntu, ntc, 64) + igb_desc_used(ntu, ntc, 64), 63);
}

TEST(rx_tail_is_the_slot_before_next_to_clean)
{
    CHECK_EQ(igb_rx_tail(0, 256), 255);        /* right after setup: RDT = N - 1 */
    CHECK_EQ(igb_rx_tail(1, 256), 0);
    CHECK_EQ(igb_rx_tail(255, 256), 254);
}

TEST(stop_and_wake_thresholds)
{
    CHECK_EQ(IGB_MAX_SKB_FRAGS, MAX_SKB_FRAGS);
    CHECK_EQ(IGB_DESC_NEEDED, MAX_SKB_FRAGS + 4);
    CHECK_EQ(IGB_TX_WAKE_THRESHOLD, 2 * IGB_DESC_NEEDED);
    CHECK(igb_tx_should_stop(IGB_DESC_NEEDED - 1, IGB_DESC_NEEDED));
    CHECK(!igb_tx_should_stop(IGB_DESC_NEEDED, IGB_DESC_NEEDED));
    CHECK(!igb_tx_should_wake(IGB_TX_WAKE_THRESHOLD - 1));
    CHECK(igb_tx_should_wake(IGB_TX_WAKE_THRESHOLD));
    /* hysteresis: a queue stopped at the threshold is not woken by one freed slot */
    CHECK(!igb_tx_should_wake(IGB_DESC_NEEDED));
}

TEST(descriptors_per_buffer)
{
    CHECK_EQ(igb_txd_use_count(1), 1);
    CHECK_EQ(igb_txd_use_count(IGB_MAX_DATA_PER_TXD), 1);
    CHECK_EQ(igb_txd_use_count(IGB_MAX_DATA_PER_TXD + 1), 2);
    CHECK_EQ(igb_txd_use_count(65536), 2);
}

TEST(ring_sizes)
{
    CHECK_EQ(igb_ring_size(0), 64);
    CHECK_EQ(igb_ring_size(80), 80);
    CHECK_EQ(igb_ring_size(81), 88);
    CHECK_EQ(igb_ring_size(256), 256);
    CHECK_EQ(igb_ring_size(100000), 4096);
    CHECK_EQ(igb_ring_size(4095), 4096);
    for (uint64_t n = 0; n < 5000; n += 7)
        CHECK_EQ(igb_ring_size(n) * 16 % 128, 0);             /* RDLEN/TDLEN multiple of 128 */
}

/* A TX ring driven the way igb_tx.c drives it: check room before mapping (+3: context and
 * the gap), stop after mapping below DESC_NEEDED, complete from the consumer side, wake at
 * 2 * DESC_NEEDED. Checks that the producer never overwrites an unfinished slot, that every
 * packet completes once and that the free count returns to count - 1. */
TEST(tx_ring_simulation_wraps_and_accounts)
{
    enum { N = 64, PKTS = 5000 };
    int owner[N];               /* packet occupying each slot, -1 = free */
    int eop_of_first[N];
    for (int i = 0; i < N; i++) owner[i] = eop_of_first[i] = -1;
    unsigned ntu = 0, ntc = 0, hw_head = 0;
    bool stopped = false;
    unsigned sent = 0, completed = 0, busy = 0, stops = 0, wakes = 0, wraps = 0;
    unsigned seed = 12345;
    while (completed < PKTS) {
        seed = seed * 1103515245u + 12345u;
        bool produce = sent < PKTS && (seed >> 16) % 3 != 0;
        if (produce && !stopped) {
            unsigned frags = (seed >> 8) % (IGB_MAX_SKB_FRAGS + 1);
            bool ctx = (seed >> 4) & 1;
            unsigned count = 1 + frags + ctx;
            if (igb_tx_should_stop(igb_desc_unused(ntu, ntc, N), count + 2)) {
                stopped = true; busy++; stops++;
            } else {
                unsigned first = ntu;
                for (unsigned k = 0; k < count; k++) {
                    CHECK_EQ(owner[ntu], -1);
                    owner[ntu] = (int)sent;
                    unsigned nx = igb_ring_next(ntu, N);
                    if (nx < ntu) wraps++;
                    if (k + 1 == count) eop_of_first[first] = (int)ntu;
                    ntu = nx;
                }
                sent++;
                if (igb_tx_should_stop(igb_desc_unused(ntu, ntc, N), IGB_DESC_NEEDED)) {
                    stopped = true; stops++;
                }
            }
        } else {
            /* hardware: finish a few of the descriptors it owns (head..tail) */
            unsigned hw_pending = (ntu + N - hw_head) % N;
            if (hw_pending)
                hw_head = igb_ring_add(hw_head, 1 + (seed >> 20) % hw_pending, N);
            /* cleaner: whole packets whose EOP the hardware has passed */
            while (ntc != ntu) {
                unsigned eop = (unsigned)eop_of_first[ntc];
                unsigned done = (hw_head + N - ntc) % N;
                unsigned span = (eop + N - ntc) % N + 1;
                if (span > done)
                    break;
                int pkt = owner[ntc];
                for (unsigned i = ntc;; i = igb_ring_next(i, N)) {
                    CHECK_EQ(owner[i], pkt);
                    owner[i] = -1;
                    if (i == eop)
                        break;
                }
                eop_of_first[ntc] = -1;
                ntc = igb_ring_next(eop, N);
                completed++;
            }
            if (stopped && igb_tx_should_wake(igb_desc_unused(ntu, ntc, N))) {
                stopped = false;
                wakes++;
            }
        }
    }
    CHECK_EQ(completed, PKTS);
    CHECK_EQ(igb_desc_unused(ntu, ntc, N), N - 1);
    CHECK(wraps > 10);
    CHECK(stops > 0);
    CHECK(stops >= wakes);
    CHECK(busy <= stops);
    for (int i = 0; i < N; i++) CHECK_EQ(owner[i], -1);
}

TEST(mac_table_queue_and_vector_counts)
{
    const struct igb_mac_info *m = igb_mac_info(igb_mac_82576);
    CHECK_STR(m->name, "82576");
    CHECK_EQ(m->max_queues, 16);
    CHECK_EQ(m->max_msix, 25);
    CHECK_EQ(m->ivar, IGB_IVAR_COLUMN);
    CHECK_EQ(m->reset, IGB_RESET_CTRL_RST);
    CHECK(m->ivar_in_legacy);
    CHECK(m->verified_in_qemu);
    CHECK_EQ(igb_mac_info(igb_mac_i210)->max_queues, 4);
    CHECK_EQ(igb_mac_info(igb_mac_i210)->max_msix, 5);
    CHECK_EQ(igb_mac_info(igb_mac_i211)->max_queues, 2);
    CHECK_EQ(igb_mac_info(igb_mac_i211)->nvm, IGB_NVM_INVM);
    CHECK_EQ(igb_mac_info(igb_mac_82575)->ivar, IGB_IVAR_MSIXBM);
    CHECK(igb_mac_info(igb_mac_82575)->ivar_slot == NULL);
    CHECK(!igb_mac_info(igb_mac_82575)->has_gpie);
    CHECK_EQ(igb_mac_info(igb_mac_82575)->reta_shift, 6);
    CHECK(igb_mac_info(IGB_NUM_MAC_TYPES) == NULL);
    for (int t = 0; t < IGB_NUM_MAC_TYPES; t++) {
        m = igb_mac_info((enum igb_mac_type)t);
        CHECK_EQ(m->type, t);
        CHECK(m->max_msix >= 5);
        CHECK(m->queue_eims && m->other_eims && m->eitr_value);
        CHECK(m->verified_in_qemu == (t == igb_mac_82576));
        CHECK((m->ivar == IGB_IVAR_MSIXBM) == (m->ivar_slot == NULL));
        CHECK(m->reset == (t >= igb_mac_82580 ? IGB_RESET_DEV_RST : IGB_RESET_CTRL_RST));
    }
}

TEST(ivar_layouts)
{
    unsigned reg, shift;
    const struct igb_mac_info *m = igb_mac_info(igb_mac_82576);
    m->ivar_slot(0, false, &reg, &shift); CHECK_EQ(reg, 0); CHECK_EQ(shift, 0);
    m->ivar_slot(0, true, &reg, &shift);  CHECK_EQ(reg, 0); CHECK_EQ(shift, 8);
    m->ivar_slot(3, true, &reg, &shift);  CHECK_EQ(reg, 3); CHECK_EQ(shift, 8);
    m->ivar_slot(9, false, &reg, &shift); CHECK_EQ(reg, 1); CHECK_EQ(shift, 16);
    m->ivar_slot(9, true, &reg, &shift);  CHECK_EQ(reg, 1); CHECK_EQ(shift, 24);
    m = igb_mac_info(igb_mac_i210);
    m->ivar_slot(0, false, &reg, &shift); CHECK_EQ(reg, 0); CHECK_EQ(shift, 0);
    m->ivar_slot(1, false, &reg, &shift); CHECK_EQ(reg, 0); CHECK_EQ(shift, 16);
    m->ivar_slot(1, true, &reg, &shift);  CHECK_EQ(reg, 0); CHECK_EQ(shift, 24);
    m->ivar_slot(3, true, &reg, &shift);  CHECK_EQ(reg, 1); CHECK_EQ(shift, 24);
    /* EIMS bits: vector numbers, except 82575's cause bitmap */
    CHECK_EQ(igb_mac_info(igb_mac_82576)->queue_eims(2, 1), 1u << 2);
    CHECK_EQ(igb_mac_info(igb_mac_82576)->other_eims(0), 1u);
    CHECK_EQ(igb_mac_info(igb_mac_82575)->queue_eims(2, 1), (1u << 1) | (1u << 9));
    CHECK_EQ(igb_mac_info(igb_mac_82575)->other_eims(0), 1u << 31);
    CHECK_EQ(igb_mac_info(igb_mac_82576)->eitr_value(200), 200u | (1u << 31));
    CHECK_EQ(igb_mac_info(igb_mac_82575)->eitr_value(200), 200u | (200u << 16));
}

TEST(device_id_table_covers_the_family)
{
    enum igb_nvm_kind nvm;
    CHECK(igb_mac_for_device(0x10C9, &nvm) == igb_mac_info(igb_mac_82576));
    CHECK_EQ(nvm, IGB_NVM_EEPROM);
    CHECK(igb_mac_for_device(0x10A7, NULL) == igb_mac_info(igb_mac_82575));
    CHECK(igb_mac_for_device(0x0440, NULL) == igb_mac_info(igb_mac_82580));
    CHECK(igb_mac_for_device(0x1521, NULL) == igb_mac_info(igb_mac_i350));
    CHECK(igb_mac_for_device(0x1F45, NULL) == igb_mac_info(igb_mac_i354));
    CHECK(igb_mac_for_device(0x1533, &nvm) == igb_mac_info(igb_mac_i210));
    CHECK_EQ(nvm, IGB_NVM_FLASH);
    CHECK(igb_mac_for_device(0x157B, &nvm) == igb_mac_info(igb_mac_i210));
    CHECK_EQ(nvm, IGB_NVM_INVM);
    CHECK(igb_mac_for_device(0x1539, &nvm) == igb_mac_info(igb_mac_i211));
    CHECK_EQ(nvm, IGB_NVM_INVM);
    CHECK(igb_mac_for_device(0x10CA, NULL) == NULL);          /* 82576 VF */
    CHECK(igb_mac_for_device(0x100E, NULL) == NULL);          /* e1000 */
    /* every entry Intel, known type, no duplicates, terminated */
    CHECK_EQ(igb_pci_tbl_len, 35);
    CHECK_EQ(igb_pci_tbl[igb_pci_tbl_len].vendor, 0);
    int per_type[IGB_NUM_MAC_TYPES] = { 0 };
    for (size_t i = 0; i < igb_pci_tbl_len; i++) {
        CHECK_EQ(igb_pci_tbl[i].vendor, 0x8086);
        CHECK((igb_pci_tbl[i].driver_data & 0xff) < IGB_NUM_MAC_TYPES);
        per_type[igb_pci_tbl[i].driver_data & 0xff]++;
        for (size_t j = i + 1; j < igb_pci_tbl_len; j++)
            CHECK(igb_pci_tbl[i].device != igb_pci_tbl[j].device);
    }
    CHECK_EQ(per_type[igb_mac_82575], 3);
    CHECK_EQ(per_type[igb_mac_82576], 8);
    CHECK_EQ(per_type[igb_mac_82580], 10);
    CHECK_EQ(per_type[igb_mac_i350], 4);
    CHECK_EQ(per_type[igb_mac_i354], 3);
    CHECK_EQ(per_type[igb_mac_i210], 6);
    CHECK_EQ(per_type[igb_mac_i211], 1);
}
