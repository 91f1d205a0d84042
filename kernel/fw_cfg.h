/* kernel/fw_cfg.h - read a named file from QEMU's fw_cfg (absent on real hardware). */
#ifndef WP_FW_CFG_H
#define WP_FW_CFG_H
#include "kernel/compiler.h"
/* Copy the file into out (NUL-terminated); returns its length or -1 when absent. */
int fw_cfg_read_file(const char *name, char *out, size_t max);
#endif
