/* drivers/pci/stats.c - the PCI layer's counters of malformed input (see struct pci_stats).
 * A file of its own so that hosted tests of the pure parts link it too. */
#include "drivers/pci/pci.h"

struct pci_stats pci_stats;
