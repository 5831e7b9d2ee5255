/* Counts a process's heap allocations for scripts/bench/bncnn_bench.py --count-allocations (issue 21): calls and bytes
 * requested through malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign, whatever allocator serves
 * them (glibc's, or jemalloc/tcmalloc preloaded after this library). The two counters live in a file the driver
 * names in ALLOC_COUNTER_FILE (16 bytes: calls, then bytes, as little-endian uint64), shared with mmap, so the driver
 * reads them at every epoch line without stopping the process. Counting is the same for this tool and for PyTorch.
 *
 * Build: gcc -O2 -shared -fPIC -o alloc_counter.so alloc_counter.c -ldl
 * Use:   ALLOC_COUNTER_FILE=/tmp/x.cnt LD_PRELOAD=./alloc_counter.so <command>   (the file: 16 zero bytes)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static uint64_t *counters; /* [0] calls, [1] bytes */
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static int resolving;

/* dlsym may call calloc before the real one is known: serve that from a small static arena, never freed. */
static char bootstrap[4096];
static size_t bootstrap_used;

static void resolve(void)
{
    if (real_malloc || resolving)
        return;
    resolving = 1;
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = dlsym(RTLD_NEXT, "memalign");
    const char *path = getenv("ALLOC_COUNTER_FILE");
    if (path) {
        int fd = open(path, O_RDWR);
        if (fd >= 0) {
            void *p = mmap(NULL, 16, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            close(fd);
            if (p != MAP_FAILED)
                counters = p;
        }
    }
    resolving = 0;
}

static void count(size_t bytes)
{
    if (counters) {
        __atomic_fetch_add(&counters[0], 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&counters[1], bytes, __ATOMIC_RELAXED);
    }
}

void *malloc(size_t n)
{
    resolve();
    count(n);
    return real_malloc(n);
}

void *calloc(size_t k, size_t n)
{
    if (!real_calloc) {
        size_t total = (k * n + 15) & ~(size_t)15;
        if (resolving && bootstrap_used + total <= sizeof bootstrap) {
            void *p = bootstrap + bootstrap_used;
            bootstrap_used += total;
            return p; /* static storage is zeroed */
        }
        resolve();
    }
    count(k * n);
    return real_calloc(k, n);
}

void free(void *p)
{
    static void (*real_free)(void *);
    if ((char *)p >= bootstrap && (char *)p < bootstrap + sizeof bootstrap)
        return;
    if (!real_free)
        real_free = dlsym(RTLD_NEXT, "free");
    real_free(p);
}

void *realloc(void *p, size_t n)
{
    resolve();
    count(n);
    return real_realloc(p, n);
}

int posix_memalign(void **p, size_t alignment, size_t n)
{
    resolve();
    count(n);
    return real_posix_memalign(p, alignment, n);
}

void *aligned_alloc(size_t alignment, size_t n)
{
    resolve();
    count(n);
    return real_aligned_alloc(alignment, n);
}

void *memalign(size_t alignment, size_t n)
{
    resolve();
    count(n);
    return real_memalign(alignment, n);
}
