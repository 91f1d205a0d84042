/* kernel/arch/pic.c - the legacy 8259A pair. The IOAPIC delivers every device interrupt,
 * but the 8259s still power up pointing at vectors 8..15, which collide with CPU
 * exceptions; remap them to 32..47 (where a stray spurious IRQ7/15 is harmless and
 * counted) and mask every line. Intel 8259A datasheet, "Initialization Command Words". */
#include "kernel/arch/apic.h"
#include "kernel/arch/x86.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

#define ICW1_INIT 0x10      /* start initialization */
#define ICW1_ICW4 0x01      /* ICW4 follows */
#define ICW4_8086 0x01      /* 8086/88 mode */

void pic_disable(void)
{
    outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4);  io_wait();
    outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4);  io_wait();
    outb(PIC1_DATA, 32);                    io_wait();   /* ICW2: vector base */
    outb(PIC2_DATA, 40);                    io_wait();
    outb(PIC1_DATA, 1u << 2);               io_wait();   /* ICW3: slave on IR2 */
    outb(PIC2_DATA, 2);                     io_wait();   /* ICW3: slave id 2 */
    outb(PIC1_DATA, ICW4_8086);             io_wait();
    outb(PIC2_DATA, ICW4_8086);             io_wait();
    outb(PIC1_DATA, 0xff);                               /* OCW1: mask all */
    outb(PIC2_DATA, 0xff);
}
