/* unistd.h - descriptors, process and sleep calls. */
#ifndef WP_APP_UNISTD_H
#define WP_APP_UNISTD_H
#include <sys/types.h>
#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2
ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
int close(int fd);
pid_t getpid(void);
unsigned sleep(unsigned seconds);
int usleep(unsigned long usec);
__attribute__((noreturn)) void _exit(int code);
long syscall(long n, ...);
#endif
