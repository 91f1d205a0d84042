/* STUB: replaced by the interrupts work. */
#include "kernel/acpi.h"
struct acpi_info acpi;
int acpi_init(void) { return -1; }
