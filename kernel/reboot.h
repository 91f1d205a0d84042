/* kernel/reboot.h - powering off and restarting the machine. Subsystems that must say
 * goodbye first (a DHCP client releasing its lease, RFC 2131 4.4.6) register a notifier;
 * kernel_power_off and kernel_restart run every notifier, in registration order, in the
 * calling task (notifiers may send packets and sleep briefly), then ask ACPI. */
#ifndef WP_REBOOT_H
#define WP_REBOOT_H

#include "kernel/compiler.h"

#define REBOOT_MAX_NOTIFIERS 8

/* fn(power_off): true before a power-off, false before a restart. 0 or -ENOSPC. */
int register_reboot_notifier(void (*fn)(bool power_off));
/* Return only when the machine did not go off / reset. */
void kernel_power_off(void);
void kernel_restart(void);

#endif
