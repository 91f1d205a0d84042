/* kernel/reboot.c - power off and restart with notifiers first (see reboot.h). */
#include "kernel/reboot.h"
#include "kernel/acpi.h"
#include "kernel/errno.h"

static void (*notifiers[REBOOT_MAX_NOTIFIERS])(bool power_off);
static unsigned nnotifiers;

int register_reboot_notifier(void (*fn)(bool power_off))
{
    if (nnotifiers == REBOOT_MAX_NOTIFIERS)
        return -ENOSPC;
    notifiers[nnotifiers++] = fn;
    return 0;
}

static void notify(bool power_off)
{
    for (unsigned i = 0; i < nnotifiers; i++)
        notifiers[i](power_off);
}

void kernel_power_off(void)
{
    notify(true);
    acpi_poweroff();
}

void kernel_restart(void)
{
    notify(false);
    acpi_reboot();
}
