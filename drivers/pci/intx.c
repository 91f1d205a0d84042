/* drivers/pci/intx.c - which IOAPIC input (GSI) a device's INTx pin ends on. Pure, so
 * hosted tests cover it.
 *
 * The proper answer comes from the ACPI _PRT in the DSDT, which needs an AML interpreter
 * this kernel does not have. Instead it relies on what the platform we boot on (QEMU q35,
 * ICH9, SeaBIOS) does:
 *
 *  - ICH9 drives every PIRQ A..H onto IOAPIC inputs 16..23 (APIC mode, one input per PIRQ),
 *    and in addition onto the ISA IRQ its PIRQx_ROUT register names, which on QEMU reaches
 *    both the 8259 and IOAPIC inputs 0..15 (ICH9 datasheet sec. 5.8, 13.1.x PIRQ_ROUT).
 *  - SeaBIOS programs PIRQx_ROUT with ISA IRQs (10 and 11) and writes the same number
 *    into each function's Interrupt Line register (PCI Local Bus 3.0 sec. 6.2.4).
 *
 * So the line register names an IOAPIC input that really carries the device's INTx on
 * this platform, and it is preferred whenever it holds a usable number (anything a
 * 24-input IOAPIC has, other than 0 = timer and 2 = cascade). Lines 16..23 are what
 * firmware that writes APIC-mode routing leaves. Only when the line is unusable (0 or
 * 0xff: firmware did not set it) is the QEMU q35 default wiring computed instead:
 *    slots 0..24:  INT(A+n) of slot s -> PIRQ[E + (s + n) % 4]   (QEMU ich9_cc_init)
 *    slots 25..31: INT(A+n)           -> PIRQ[A + n]               (DxxIR reset value 0x3210)
 *    slot 30 (the DMI-to-PCI bridge): INT(A+n) -> PIRQ[E + n]
 *    PIRQ[A + k] -> GSI 16 + k
 * These inputs are level-triggered, active low (PCI Local Bus 3.0 sec. 2.2.6). */
#include "drivers/pci/pci.h"

#define IOAPIC_PINS 24
#define ICH9_PIRQ_GSI_BASE 16
#define ICH9_FIRST_CHIPSET_SLOT 25
#define ICH9_DMI_BRIDGE_SLOT 30

uint8_t pci_swizzle_pin(uint8_t pin, uint8_t slot)
{
    if (pin < 1 || pin > 4)
        return 0;
    /* PCI-to-PCI Bridge Architecture 1.2, table 9-1: the device number rotates the pin. */
    return (uint8_t)(((pin - 1) + slot) % 4 + 1);
}

unsigned pci_intx_gsi(uint8_t line, uint8_t root_slot, uint8_t root_pin)
{
    if (root_pin < 1 || root_pin > 4)
        return PCI_GSI_NONE;             /* no INTx pin */
    if (line != 0 && line != 2 && line < IOAPIC_PINS)
        return line;
    unsigned pirq;
    if (root_slot == ICH9_DMI_BRIDGE_SLOT)
        pirq = root_pin - 1u + 4;
    else if (root_slot >= ICH9_FIRST_CHIPSET_SLOT)
        pirq = root_pin - 1u;
    else
        pirq = (root_slot + root_pin - 1u) % 4 + 4;
    return ICH9_PIRQ_GSI_BASE + pirq;
}
