# wirepath - build, run and test.
#   make          build/kernel.elf and build/wirepath.iso
#   make run      boot the ISO in QEMU (igb NIC, serial console on this terminal)
#   make test     every test tier; ends with "N passed, N failed"
#   make fuzz     the fuzz targets for longer (FUZZ_SECONDS each, default 300)
#   make debug    QEMU halted with a gdb stub
#   make clean
# Variables: ACCEL=tcg|kvm MEM=256M CMDLINE="key=value ..." PCAP=file NET=user|tap

CC      := gcc
LD      := ld
BUILD   := build
ISO     := $(BUILD)/wirepath.iso
KERNEL  := $(BUILD)/kernel.elf

ACCEL   ?= tcg
MEM     ?= 256M
NET     ?= user
CMDLINE ?=
PCAP    ?=
export ACCEL MEM NET CMDLINE PCAP

KERNEL_DIRS := boot kernel drivers net
SRCS_C := $(shell find $(KERNEL_DIRS) -name '*.c' 2>/dev/null | sort)
SRCS_S := $(shell find $(KERNEL_DIRS) -name '*.S' 2>/dev/null | sort)
OBJS   := $(patsubst %.c,$(BUILD)/obj/%.o,$(SRCS_C)) $(patsubst %.S,$(BUILD)/obj/%.o,$(SRCS_S))

CFLAGS := -std=c11 -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
          -mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-sse -mno-mmx \
          -fno-omit-frame-pointer -fno-strict-aliasing -fno-common \
          -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -I. -MMD -MP
ASFLAGS := -I. -MMD -MP
# The 32-bit boot stub (code, GDT and stack in one low section) is legitimately RWX;
# the kernel proper is mapped W^X by kernel/mm/paging.c.
LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T linker.ld

.PHONY: all run debug test unit fuzz ktest e2e bench clean deps-build deps-run deps-test

all: $(ISO)

deps-build:
	@tools/deps.sh build
deps-run:
	@tools/deps.sh run
deps-test:
	@tools/deps.sh test

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -c $< -o $@

$(KERNEL): $(OBJS) linker.ld
	$(LD) $(LDFLAGS) -o $@ $(OBJS)

$(ISO): $(KERNEL) boot/grub.cfg
	@tools/deps.sh build
	@mkdir -p $(BUILD)/iso/boot/grub
	cp $(KERNEL) $(BUILD)/iso/boot/kernel.elf
	cp boot/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/iso 2>$(BUILD)/grub-mkrescue.log || \
	    { cat $(BUILD)/grub-mkrescue.log; exit 1; }

run: deps-run
	@$(MAKE) --no-print-directory all
	tools/qemu.sh

debug: deps-run
	@$(MAKE) --no-print-directory all
	@echo "QEMU is halted with a gdb stub on :1234. In another terminal:"
	@echo "  gdb $(KERNEL) -ex 'target remote :1234' -ex 'break kmain' -ex continue"
	tools/qemu.sh -s -S

test: deps-test
	@$(MAKE) --no-print-directory all
	@tests/run_all.sh

unit:
	@tests/unit/run.sh

fuzz:
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-300} tests/fuzz/run.sh

ktest: all
	@tests/kernel/run.sh

e2e: all
	@tests/e2e/run.sh

bench: deps-test
	@$(MAKE) --no-print-directory all
	@tools/bench.sh

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d)
