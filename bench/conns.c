/*
 * conns.c - memory per idle connection: open N connections to a server on
 * loopback, make sure each one was accepted (PING -> +PONG), and read the
 * server's RSS at every step.
 *
 * Connections come from source addresses 127.0.0.2 .. 127.0.0.(1+nsrc)
 * (bound before connect with IP_BIND_ADDRESS_NO_PORT), so that many more
 * connections than one address's ephemeral ports can be opened; the server
 * must accept non-127.0.0.1 peers (redis: --protected-mode no is not needed,
 * 127.0.0.0/8 is loopback, but it does no harm).
 *
 * Usage: conns -p PORT -P SERVER_PID [-h 127.0.0.1] [-s NSRC] [-w SETTLE_MS]
 *              [-H HOLD_S] STEP...
 * Prints one line per step, starting with 0 connections:
 *   conns <tab> rss_kb
 * Exits non-zero if any connection fails or gets a reply other than +PONG.
 * Build: cc -O2 -o bench/conns bench/conns.c (bench/conns.sh does it).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define BATCH 256

static const char *host = "127.0.0.1";
static int port, nsrc = 8;
static long server_pid;

static long rss_kb(long pid) {
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%ld/status", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long kb = -1;
    while (fgets(line, sizeof(line), f))
        if (!strncmp(line, "VmRSS:", 6)) kb = atol(line + 6);
    fclose(f);
    return kb;
}

/* One blocking connection from source 127.0.0.(2 + i % nsrc); -1 on error. */
static int open_one(long i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    struct sockaddr_in src = {.sin_family = AF_INET};
    src.sin_addr.s_addr = htonl(0x7f000002u + (uint32_t)(i % nsrc));
    if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0) {
        perror("bind");
        close(fd);
        return -1;
    }
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, host, &dst.sin_addr);
    if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) != 0) {
        perror("connect");
        close(fd);
        return -1;
    }
    return fd;
}

/* PING every connection in fds[0..n) and check each +PONG. */
static int ping_all(const int *fds, int n) {
    static const char ping[] = "*1\r\n$4\r\nPING\r\n";
    for (int i = 0; i < n; i++)
        if (write(fds[i], ping, sizeof(ping) - 1) != (ssize_t)sizeof(ping) - 1) {
            perror("write");
            return -1;
        }
    for (int i = 0; i < n; i++) {
        char r[256];
        size_t got = 0;
        while (got < 7) {
            ssize_t k = read(fds[i], r + got, sizeof(r) - 1 - got);
            if (k <= 0) {
                fprintf(stderr, "conns: connection %d: %s\n", i, k ? strerror(errno) : "closed");
                return -1;
            }
            got += (size_t)k;
            if (r[0] == '-') break;
        }
        r[got] = '\0';
        if (strcmp(r, "+PONG\r\n") != 0) {
            fprintf(stderr, "conns: unexpected reply: %.200s\n", r);
            return -1;
        }
    }
    return 0;
}

static void settle(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv) {
    int opt, settle_ms = 2000, hold_s = 0;
    while ((opt = getopt(argc, argv, "h:p:P:s:w:H:")) != -1) {
        switch (opt) {
        case 'h': host = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'P': server_pid = atol(optarg); break;
        case 's': nsrc = atoi(optarg); break;
        case 'w': settle_ms = atoi(optarg); break;
        case 'H': hold_s = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: conns -p PORT -P PID [-h HOST] [-s NSRC] [-w SETTLE_MS] [-H HOLD_S] STEP...\n");
            return 2;
        }
    }
    if (!port || !server_pid || optind >= argc || nsrc < 1 || nsrc > 250) {
        fprintf(stderr, "usage: conns -p PORT -P PID [-h HOST] [-s NSRC] [-w SETTLE_MS] [-H HOLD_S] STEP...\n");
        return 2;
    }
    long max = 0;
    for (int i = optind; i < argc; i++)
        if (atol(argv[i]) > max) max = atol(argv[i]);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < (rlim_t)max + 16) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur < (rlim_t)max + 16) {
            fprintf(stderr, "conns: open-file limit %llu is too low for %ld connections\n",
                    (unsigned long long)rl.rlim_cur, max);
            return 1;
        }
    }
    int *fds = calloc((size_t)max, sizeof(int));
    if (!fds) return 1;
    long open = 0;
    settle(settle_ms);
    printf("0\t%ld\n", rss_kb(server_pid));
    fflush(stdout);
    for (int a = optind; a < argc; a++) {
        long step = atol(argv[a]);
        while (open < step) {
            int n = 0;
            while (n < BATCH && open + n < step) {
                int fd = open_one(open + n);
                if (fd < 0) return 1;
                fds[open + n] = fd;
                n++;
            }
            if (ping_all(fds + open, n) != 0) return 1;
            open += n;
        }
        settle(settle_ms);
        long kb = rss_kb(server_pid);
        if (kb < 0) {
            fprintf(stderr, "conns: server pid %ld is gone\n", server_pid);
            return 1;
        }
        printf("%ld\t%ld\n", open, kb);
        fflush(stdout);
    }
    if (hold_s) settle(hold_s * 1000);
    for (long i = 0; i < open; i++) close(fds[i]);
    free(fds);
    return 0;
}
