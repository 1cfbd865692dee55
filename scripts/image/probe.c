/* A probe for scripts/test-image: run as the container's process (bind-mounted read-only into the pullkeeper
 * image, which has no shell), under the same user, capabilities, seccomp profile and mounts, it reports what that
 * process can do. Built with `gcc -static`, so it needs nothing from the image.
 *
 * Lines it prints (one fact each; the test reads them):
 *   id uid=U gid=G groups=G1,G2
 *   status CapEff=... CapPrm=... CapBnd=... NoNewPrivs=N Seccomp=N
 *   writable-dir PATH        a new file could be created in PATH (it was removed again)
 *   writable-file PATH       an existing regular file opened for writing (nothing was written)
 *   walked dirs=N files=N    how much of the file system it tried (everything but /proc and /sys)
 *   syscall NAME errno=NAME  what a syscall the profile or the missing capabilities should refuse answered
 *                            ("ok" if it succeeded)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

static long dirs, files;

static const char *errname(int e) {
    switch (e) {
    case 0: return "ok";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EROFS: return "EROFS";
    case ENOSYS: return "ENOSYS";
    case EINVAL: return "EINVAL";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    default: return "other";
    }
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)ftw;
    if (strcmp(path, "/proc") == 0 || strcmp(path, "/sys") == 0) return FTW_SKIP_SUBTREE;
    if (type == FTW_D) {
        dirs++;
        char name[4096];
        snprintf(name, sizeof name, "%s%sprobe-%d", path, strcmp(path, "/") == 0 ? "" : "/", (int)getpid());
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd >= 0) {
            close(fd);
            unlink(name);
            printf("writable-dir %s\n", path);
        }
    } else if (type == FTW_F && S_ISREG(st->st_mode)) {
        files++;
        int fd = open(path, O_WRONLY | O_NONBLOCK);
        if (fd >= 0) {
            close(fd);
            printf("writable-file %s\n", path);
        }
    }
    return FTW_CONTINUE;
}

static void status_line(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256], out[512] = "status";
    if (!f) { printf("status unreadable errno=%s\n", errname(errno)); return; }
    while (fgets(line, sizeof line, f)) {
        const char *keys[] = {"CapEff:", "CapPrm:", "CapBnd:", "NoNewPrivs:", "Seccomp:"};
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
            if (strncmp(line, keys[i], strlen(keys[i])) == 0) {
                char *value = line + strlen(keys[i]);
                while (*value == ' ' || *value == '\t') value++;
                value[strcspn(value, "\n")] = 0;
                char part[128];
                snprintf(part, sizeof part, " %.*s=%s", (int)(strlen(keys[i]) - 1), keys[i], value);
                strncat(out, part, sizeof out - strlen(out) - 1);
            }
        }
    }
    fclose(f);
    printf("%s\n", out);
}

static void report(const char *name, long result) {
    printf("syscall %s errno=%s\n", name, result < 0 ? errname(errno) : "ok");
}

int main(void) {
    gid_t groups[64];
    int count = getgroups(64, groups);
    printf("id uid=%d gid=%d groups=", (int)getuid(), (int)getgid());
    for (int i = 0; i < count; i++) printf("%s%d", i ? "," : "", (int)groups[i]);
    printf("\n");
    status_line();

    nftw("/", visit, 64, FTW_PHYS | FTW_ACTIONRETVAL);
    printf("walked dirs=%ld files=%ld\n", dirs, files);

    errno = 0; report("mount", mount("tmpfs", "/tmp", "tmpfs", 0, NULL));
    errno = 0; report("unshare-user", unshare(CLONE_NEWUSER));
    errno = 0; report("clone3", syscall(SYS_clone3, NULL, 0));
    errno = 0; report("keyctl", syscall(SYS_keyctl, 0, 0, 0, 0, 0));
    errno = 0; report("ptrace", syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0));
    errno = 0; report("chroot", chroot("/"));
    errno = 0; report("setuid-0", setuid(0));
    errno = 0; report("socket-vsock", socket(AF_VSOCK, SOCK_STREAM, 0));
    errno = 0; report("socket-inet", socket(AF_INET, SOCK_STREAM, 0));
    errno = 0; report("personality-query", personality(0xffffffff));
    fflush(stdout);
    return 0;
}
