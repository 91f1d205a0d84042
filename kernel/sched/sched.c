/* STUB: replaced by the scheduler work. */
#include "kernel/sched.h"
#include "kernel/arch/x86.h"
void sched_init(void) {}
struct task *task_create(const char *name, int (*fn)(void *), void *arg) { return 0; }
void cpu_idle(void) { for (;;) safe_halt(); }
void wake_up(struct wait_queue_head *wq) {}
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *e) {}
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *e) {}
bool schedule_timeout_ns(uint64_t t) { return true; }
