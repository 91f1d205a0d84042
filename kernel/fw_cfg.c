/* kernel/fw_cfg.c - extra command-line words from QEMU's fw_cfg device.
 *
 * The ISO's GRUB menu passes a fixed command line; QEMU users (and the test runner) add
 * words with  -fw_cfg name=opt/wirepath/cmdline,string="test=all ..."  so one ISO serves
 * every run. On real hardware the fw_cfg ports do not answer and nothing is added. */
#include "kernel/fw_cfg.h"
#include "kernel/lib/unaligned.h"
#include "kernel/arch/x86.h"
#include "kernel/lib/string.h"

#define FW_CFG_PORT_SEL  0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR  0x0019

static void fw_cfg_read(void *buf, size_t n)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++)
        p[i] = inb(FW_CFG_PORT_DATA);
}


int fw_cfg_read_file(const char *name, char *out, size_t max)
{
    char sig[4];
    outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
    fw_cfg_read(sig, 4);
    if (memcmp(sig, "QEMU", 4) != 0)
        return -1;
    uint8_t cnt[4];
    outw(FW_CFG_PORT_SEL, FW_CFG_FILE_DIR);
    fw_cfg_read(cnt, 4);
    uint32_t n = get_unaligned_be32(cnt);
    for (uint32_t i = 0; i < n && i < 1024; i++) {
        uint8_t ent[64];   /* size BE32, select BE16, reserved, name[56] */
        fw_cfg_read(ent, sizeof(ent));
        ent[63] = 0;
        if (strcmp((const char *)ent + 8, name) != 0)
            continue;
        uint32_t size = get_unaligned_be32(ent);
        uint16_t sel = (uint16_t)(ent[4] << 8 | ent[5]);
        size_t take = size < max - 1 ? size : max - 1;
        outw(FW_CFG_PORT_SEL, sel);
        fw_cfg_read(out, take);
        out[take] = '\0';
        return (int)take;
    }
    return -1;
}
