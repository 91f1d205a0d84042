# wirepath - build, run and test.
#   make          build/kernel.elf and build/wirepath.iso (no test code in it)
#   make KTEST=1  build/test-image/kernel.elf and build/wirepath-ktest.iso: the same sources
#                 with the in-kernel tests (*_ktest.c, kernel/ktest.c) linked in
#   make run      boot the ISO in QEMU (igb NIC, serial console on this terminal);
#                 make run KTEST=1 CMDLINE=test=all boots the test image
#   make test     every test tier; ends with "N passed, N failed, N skipped"
#   make fuzz     the fuzz targets for longer (FUZZ_SECONDS each, default 300)
#   make debug    QEMU halted with a gdb stub
#   make bench    wirepath beside a Linux guest on the same QEMU + igb + tap (README)
#   make bench-hosted  instructions per datagram / round trip under callgrind
#   make clean
# Variables: ACCEL=tcg|kvm MEM=256M CMDLINE="key=value ..." PCAP=file NET=user|tap
#            FIRMWARE=bios|uefi (SeaBIOS or OVMF; the same ISO boots under both)

CC      := gcc
LD      := ld
BUILD   := build
KTEST   ?= 0
KTEST_ISO := $(BUILD)/wirepath-ktest.iso
ifeq ($(KTEST),1)
OBJDIR  := $(BUILD)/test-image/obj
ISODIR  := $(BUILD)/test-image/iso
ISO     := $(KTEST_ISO)
KERNEL  := $(BUILD)/test-image/kernel.elf
else
OBJDIR  := $(BUILD)/obj
ISODIR  := $(BUILD)/iso
ISO     := $(BUILD)/wirepath.iso
KERNEL  := $(BUILD)/kernel.elf
endif

ACCEL   ?= tcg
MEM     ?= 256M
NET     ?= user
CMDLINE ?=
PCAP    ?=
FIRMWARE ?= bios
export ACCEL MEM NET CMDLINE PCAP FIRMWARE

KERNEL_DIRS := boot kernel drivers net
SRCS_C := $(shell find $(KERNEL_DIRS) -name '*.c' 2>/dev/null | sort)
SRCS_S := $(shell find $(KERNEL_DIRS) -name '*.S' 2>/dev/null | sort)
# The in-kernel tests and their runner go only into the test image (KTEST=1).
KTEST_SRCS := $(filter %_ktest.c,$(SRCS_C)) kernel/ktest.c
ifneq ($(KTEST),1)
SRCS_C := $(filter-out $(KTEST_SRCS),$(SRCS_C))
endif
OBJS   := $(patsubst %.c,$(OBJDIR)/%.o,$(SRCS_C)) $(patsubst %.S,$(OBJDIR)/%.o,$(SRCS_S))

# Apps (docs/apps.md): ring-3 programs, each a static ELF linked at 0x400000 against
# apps/lib, embedded in the kernel image by $(APPS_BLOB); also built for Linux with the
# host's libc (build/apps/linux/) to show the sources are plain POSIX.
APPS      := udp_echo syscall_test udp_blast tcp_xfer tcp_echo discard chargen iperf3d httpd
APP_CFLAGS := -std=c11 -D__wirepath__ -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
              -mgeneral-regs-only -O2 -g -Wall -Wextra -Werror -nostdinc \
              -isystem $(shell $(CC) -print-file-name=include) -Iapps/lib/include -Iapps/lib/common -iquote . -MMD -MP
# The string routines, the printf formatter and the errno values are the kernel's own
# (kernel/lib/string.c, kernel/lib/vsprintf.c, kernel/errno.h): one copy, built a second
# time for ring 3; the ABI (syscall numbers, poll, iovec, fcntl) is kernel/uapi/.
# apps/lib/common: portable pieces (JSON, the services' loop) built into both flavours.
APP_COMMON := $(wildcard apps/lib/common/*.c)
APP_LIB_OBJS := $(patsubst %.c,$(BUILD)/apps/obj/%.o,$(wildcard apps/lib/*.c) $(APP_COMMON)) \
                $(patsubst %.S,$(BUILD)/apps/obj/%.o,$(wildcard apps/lib/*.S)) \
                $(BUILD)/apps/obj/kernel/lib/string.o $(BUILD)/apps/obj/kernel/lib/vsprintf.o
APP_ELFS  := $(APPS:%=$(BUILD)/apps/%.elf)
APPS_LINUX := $(APPS:%=$(BUILD)/apps/linux/%)
APPS_BLOB := $(BUILD)/apps/apps_blob.o
OBJS      += $(APPS_BLOB)

CFLAGS := -std=c11 -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
          -mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-sse -mno-mmx \
          -fno-omit-frame-pointer -fno-strict-aliasing -fno-common \
          -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -I. -MMD -MP
ASFLAGS := -I. -MMD -MP
ifeq ($(KTEST),1)
CFLAGS  += -DCONFIG_KTEST
endif
# The 32-bit boot stub (code, GDT and stack in one low section) is legitimately RWX;
# the kernel proper is mapped W^X by kernel/mm/paging.c.
LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T linker.ld

.PHONY: all ktest-iso apps apps-linux host-tools run debug test unit fuzz ktest e2e bench bench-hosted clean deps-build deps-run deps-test

all: $(ISO) apps-linux host-tools

# The test image, from a second build of the same sources (make test, ktest, e2e and
# bench build it; the tests that run in-kernel cases boot it, everything else boots the
# ISO users get).
ktest-iso: $(APPS_BLOB)
	@$(MAKE) --no-print-directory KTEST=1 $(KTEST_ISO)

# Host-side test tools (tools/*.c), built for this machine.
HOST_TOOLS := $(BUILD)/tools/netem_relay
host-tools: $(HOST_TOOLS)
$(BUILD)/tools/%: tools/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -o $@ $<

apps: $(APP_ELFS)
apps-linux: $(APPS_LINUX)

$(BUILD)/apps/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(APP_CFLAGS) -c $< -o $@

$(BUILD)/apps/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(APP_CFLAGS) -c $< -o $@

define APP_RULES
$(BUILD)/apps/$(1).elf: $$(patsubst %.c,$(BUILD)/apps/obj/%.o,$$(wildcard apps/$(1)/*.c)) $(APP_LIB_OBJS) apps/lib/app.ld
	$(LD) -nostdlib -static -z max-page-size=0x1000 -z noexecstack -T apps/lib/app.ld -o $$@ \
	    $$(filter %.o,$$^)
$(BUILD)/apps/linux/$(1): $$(wildcard apps/$(1)/*.c apps/$(1)/*.h) $(APP_COMMON) $(wildcard apps/lib/common/*.h)
	@mkdir -p $$(dir $$@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iapps/lib/common -iquote . -o $$@ $$(filter %.c,$$^)
endef
$(foreach a,$(APPS),$(eval $(call APP_RULES,$(a))))

# One .incbin per app plus a table {name, start, end} (kernel/user/apps.c reads it).
$(BUILD)/apps/apps_blob.S: Makefile
	@mkdir -p $(dir $@)
	@{ echo '/* generated by the Makefile: the apps built into the kernel image */'; \
	  for a in $(APPS); do \
	    printf '    .section .rodata.apps, "a"\n    .p2align 12\napp_%s_start:\n    .incbin "%s"\napp_%s_end:\n' \
	      $$a $(BUILD)/apps/$$a.elf $$a; \
	    printf '    .section .rodata\napp_%s_name:\n    .asciz "%s"\n' $$a $$a; \
	  done; \
	  printf '    .section .rodata\n    .p2align 3\n    .globl app_images\napp_images:\n'; \
	  for a in $(APPS); do printf '    .quad app_%s_name, app_%s_start, app_%s_end\n' $$a $$a $$a; done; \
	  printf '    .globl app_images_count\napp_images_count:\n    .quad %d\n' $(words $(APPS)); \
	  printf '    .section .note.GNU-stack, "", @progbits\n'; } > $@

$(APPS_BLOB): $(BUILD)/apps/apps_blob.S $(APP_ELFS)
	$(CC) $(ASFLAGS) -c $< -o $@

deps-build:
	@tools/deps.sh build
deps-run:
	@tools/deps.sh run
deps-test:
	@tools/deps.sh test

$(OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(OBJDIR)/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -c $< -o $@

$(KERNEL): $(OBJS) linker.ld
	$(LD) $(LDFLAGS) -o $@ $(OBJS)

$(ISO): $(KERNEL) boot/grub.cfg
	@tools/deps.sh build
	@mkdir -p $(ISODIR)/boot/grub
	@# GRUB reads the whole file, and loads every section for the ELF-sections tag: the
	@# image boots without its debug info (half the file). gdb uses $(KERNEL) itself.
	objcopy --strip-debug $(KERNEL) $(ISODIR)/boot/kernel.elf
	cp boot/grub.cfg $(ISODIR)/boot/grub/grub.cfg
	@# One hybrid image: GRUB for BIOS (El Torito + MBR) and for UEFI (an EFI system
	@# partition image), so the ISO boots either way, also written raw to a USB stick.
	@for p in i386-pc x86_64-efi; do [ -d /usr/lib/grub/$$p ] || \
	    { echo "no GRUB $$p modules: run tools/deps.sh build"; exit 1; }; done
	grub-mkrescue -o $@ $(ISODIR) 2>$(ISODIR).grub-mkrescue.log || \
	    { cat $(ISODIR).grub-mkrescue.log; exit 1; }

# With a graphical session (and QEMU's GTK display installed) the screen console shows in
# a window too; the serial console stays on this terminal.
run: deps-run
	@$(MAKE) --no-print-directory all
	@if [ -z "$${DISPLAY_OPTS:-}" ] && [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ] && \
	    qemu-system-x86_64 -display help 2>/dev/null | grep -qx gtk; then \
	    export DISPLAY_OPTS=gtk; fi; ISO=$(ISO) tools/qemu.sh

debug: deps-run
	@$(MAKE) --no-print-directory all
	@echo "QEMU is halted with a gdb stub on :1234. In another terminal:"
	@echo "  gdb $(KERNEL) -ex 'target remote :1234' -ex 'break kmain' -ex continue"
	ISO=$(ISO) tools/qemu.sh -s -S

test: deps-test
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory ktest-iso
	@tests/run_all.sh

unit:
	@tests/unit/run.sh

fuzz:
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-300} tests/fuzz/run.sh

ktest: all ktest-iso
	@tests/kernel/run.sh

e2e: all ktest-iso
	@tests/e2e/run.sh

bench: deps-test
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory ktest-iso
	@tools/bench.sh

bench-hosted: deps-test
	@tools/bench-hosted.sh

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d)
-include $(shell find $(BUILD)/apps/obj -name '*.d' 2>/dev/null)
