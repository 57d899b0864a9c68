/* dlc_parallel_for: every index of [0, n) covered exactly once, with
   non-empty in-range chunks, for many n (0, 1, n < threads, large, near
   INT64_MAX) and thread counts; more than one thread really works on a
   loop; nested loops and a NULL ctx run serially; and a model that splits
   its rows across the pool through its arena. */
#include "rt_test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

/* ---- Coverage ---------------------------------------------------------- */

#define MAX_RANGES 200000
#define MAX_COUNTED 100000

typedef struct {
  int64_t n;
  atomic_int bad_chunk;     /* a chunk that was empty or out of range */
  atomic_long num_ranges;
  int64_t begin[MAX_RANGES];
  int64_t end[MAX_RANGES];
  atomic_int counts[MAX_COUNTED];
} coverage;

static coverage cov;

static void cover_body(void *data, int64_t begin, int64_t end) {
  coverage *c = (coverage *)data;
  long slot;
  int64_t i;
  if (begin < 0 || end > c->n || begin >= end) {
    atomic_store(&c->bad_chunk, 1);
    return;
  }
  slot = atomic_fetch_add(&c->num_ranges, 1);
  if (slot < MAX_RANGES) {
    c->begin[slot] = begin;
    c->end[slot] = end;
  }
  if (c->n <= MAX_COUNTED)
    for (i = begin; i < end; ++i)
      atomic_fetch_add(&c->counts[i], 1);
}

static int cmp_begin(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* Runs the loop and checks the recorded chunks partition [0, n). */
static int check_coverage(void *ctx, int64_t n) {
  long k, r;
  int64_t i, *pairs;
  int ok = 1;
  cov.n = n;
  atomic_store(&cov.bad_chunk, 0);
  atomic_store(&cov.num_ranges, 0);
  if (n > 0 && n <= MAX_COUNTED)
    for (i = 0; i < n; ++i)
      atomic_store(&cov.counts[i], 0);
  dlc_parallel_for(ctx, n, cover_body, &cov);
  k = atomic_load(&cov.num_ranges);
  if (atomic_load(&cov.bad_chunk) || k > MAX_RANGES)
    return 0;
  if (n <= 0)
    return k == 0;
  if (n <= MAX_COUNTED)
    for (i = 0; i < n; ++i)
      if (atomic_load(&cov.counts[i]) != 1)
        ok = 0;
  pairs = (int64_t *)malloc(sizeof(int64_t) * 2 * (size_t)(k ? k : 1));
  if (!pairs)
    return 0;
  for (r = 0; r < k; ++r) {
    pairs[2 * r] = cov.begin[r];
    pairs[2 * r + 1] = cov.end[r];
  }
  qsort(pairs, (size_t)k, 2 * sizeof(int64_t), cmp_begin);
  if (pairs[0] != 0 || pairs[2 * (k - 1) + 1] != n)
    ok = 0;
  for (r = 1; r < k; ++r)
    if (pairs[2 * r] != pairs[2 * (r - 1) + 1])
      ok = 0;
  free(pairs);
  return ok;
}

static int test_mode = 0; /* 0: the model; 1: coverage; 2: spread */
static int entry_ok = 1;
static int32_t entry_threads = 1;

/* ---- Real parallelism, nesting ----------------------------------------- */

typedef struct {
  void *ctx;
  pthread_mutex_t mu;
  pthread_t seen[64];
  int num_seen;
  atomic_int nested_bad;
  atomic_int nested_calls;
  atomic_int gave_up;
} spread;

static int num_seen(spread *s) {
  int n;
  pthread_mutex_lock(&s->mu);
  n = s->num_seen;
  pthread_mutex_unlock(&s->mu);
  return n;
}

static void nested_body(void *data, int64_t begin, int64_t end) {
  spread *s = (spread *)data;
  atomic_fetch_add(&s->nested_calls, 1);
  if (begin != 0 || end != 10)
    atomic_store(&s->nested_bad, 1);
}

static void spread_body(void *data, int64_t begin, int64_t end) {
  spread *s = (spread *)data;
  pthread_t self = pthread_self();
  int i, known = 0, waited = 0;
  (void)begin, (void)end;
  pthread_mutex_lock(&s->mu);
  for (i = 0; i < s->num_seen; ++i)
    if (pthread_equal(s->seen[i], self))
      known = 1;
  if (!known && s->num_seen < 64)
    s->seen[s->num_seen++] = self;
  pthread_mutex_unlock(&s->mu);
  /* A nested loop runs serially, in one call, on this thread. */
  dlc_parallel_for(s->ctx, 10, nested_body, s);
  /* Hold this chunk until a second thread shows up (at most 5 s, once),
     so a pool that never hands work to its workers fails. */
  while (entry_threads > 1 && num_seen(s) < 2 && !atomic_load(&s->gave_up)) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
    if (++waited == 5000)
      atomic_store(&s->gave_up, 1);
  }
}

/* ---- The test model: Y[r] = 2 * sum(X[r, :]) staged in the arena ------- */

enum { ROWS = 64, COLS = 33 };
static const int64_t rows_shape[] = {ROWS, COLS};
static const int64_t sums_shape[] = {ROWS};
static const dlc_tensor_info rows_in[] = {{"X", DLC_FLOAT32, 2, rows_shape}};
static const dlc_tensor_info rows_out[] = {{"Y", DLC_FLOAT32, 1, sums_shape}};

typedef struct {
  const float *x;
  float *scratch;
  float *y;
} rows_args;

static void double_rows(void *data, int64_t begin, int64_t end) {
  rows_args *a = (rows_args *)data;
  int64_t r, c;
  for (r = begin; r < end; ++r)
    for (c = 0; c < COLS; ++c)
      a->scratch[r * COLS + c] = 2.0f * a->x[r * COLS + c];
}

static void sum_rows(void *data, int64_t begin, int64_t end) {
  rows_args *a = (rows_args *)data;
  int64_t r, c;
  for (r = begin; r < end; ++r) {
    float s = 0.0f;
    for (c = 0; c < COLS; ++c)
      s += a->scratch[r * COLS + c];
    a->y[r] = s;
  }
}


static int32_t rows_entry(void *const *buffers, void *arena,
                          const void *weights, void *ctx) {
  rows_args a;
  (void)weights;
  if (test_mode == 1) {
    static const int64_t ns[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17,
                                 31, 32, 33, 63, 64, 65, 100, 127, 1000,
                                 4099, 65536, 99991};
    static const int64_t huge[] = {(int64_t)1 << 40, ((int64_t)1 << 40) + 3,
                                   INT64_MAX - 1, INT64_MAX};
    size_t i;
    for (i = 0; i < sizeof ns / sizeof ns[0]; ++i)
      if (!check_coverage(ctx, ns[i])) {
        printf("FAILED coverage n=%lld threads=%d\n", (long long)ns[i],
               (int)entry_threads);
        entry_ok = 0;
      }
    for (i = 0; i < sizeof huge / sizeof huge[0]; ++i)
      if (!check_coverage(ctx, huge[i])) {
        printf("FAILED coverage n=%lld threads=%d\n", (long long)huge[i],
               (int)entry_threads);
        entry_ok = 0;
      }
    if (!check_coverage(ctx, -5)) {
      printf("FAILED coverage n=-5\n");
      entry_ok = 0;
    }
    return 0;
  }
  if (test_mode == 2) {
    spread s;
    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    pthread_mutex_init(&s.mu, NULL);
    dlc_parallel_for(ctx, 4 * entry_threads, spread_body, &s);
    if (atomic_load(&s.nested_bad) || atomic_load(&s.nested_calls) < 1) {
      printf("FAILED nested loops threads=%d\n", (int)entry_threads);
      entry_ok = 0;
    }
    if (entry_threads > 1 && s.num_seen < 2) {
      printf("FAILED only one thread ran a loop on %d threads\n",
             (int)entry_threads);
      entry_ok = 0;
    }
    pthread_mutex_destroy(&s.mu);
    return 0;
  }
  a.x = (const float *)buffers[0];
  a.y = (float *)buffers[1];
  a.scratch = (float *)arena;
  if (!arena || (uintptr_t)arena % 64)
    return 5;
  dlc_parallel_for(ctx, ROWS, double_rows, &a);
  dlc_parallel_for(ctx, ROWS, sum_rows, &a);
  return 0;
}

static const dlc_model_info rows_info = {
    DLC_ABI_VERSION, DLC_DEVICE_CPU, "rows", 1, 1, rows_in, rows_out,
    sizeof(float) * ROWS * COLS, 0, NULL, rows_entry, NULL, 0, NULL, 0, NULL};

/* ---- Driver ------------------------------------------------------------ */

static void serial_body(void *data, int64_t begin, int64_t end) {
  int64_t *calls = (int64_t *)data;
  calls[0] += 1;
  calls[1] = begin;
  calls[2] = end;
}

int main(void) {
  static const int threads[] = {1, 2, 3, 4, 7, 8, 16, 64};
  static float x[ROWS * COLS], y[ROWS];
  size_t t;
  int i, j;
  int64_t calls[3] = {0, -1, -1};

  /* NULL ctx: one serial call; nothing for n <= 0. */
  dlc_parallel_for(NULL, 1000, serial_body, calls);
  CHECK(calls[0] == 1 && calls[1] == 0 && calls[2] == 1000);
  dlc_parallel_for(NULL, 0, serial_body, calls);
  dlc_parallel_for(NULL, -3, serial_body, calls);
  CHECK(calls[0] == 1);
  CHECK(check_coverage(NULL, 0) && check_coverage(NULL, 1) &&
        check_coverage(NULL, 77) && check_coverage(NULL, INT64_MAX));

  for (i = 0; i < ROWS * COLS; ++i)
    x[i] = (float)(i % 17) - 8.0f;

  for (t = 0; t < sizeof threads / sizeof threads[0]; ++t) {
    char spec[32];
    dlc_device *dev = NULL;
    dlc_model *m = NULL;
    dlc_tensor in = {DLC_FLOAT32, 2, rows_shape, NULL, sizeof x};
    dlc_tensor out = {DLC_FLOAT32, 1, sums_shape, NULL, sizeof y};
    in.data = x;
    out.data = y;
    snprintf(spec, sizeof spec, "cpu:%d", threads[t]);
    EXPECT_OK(dlc_device_create(spec, &dev));
    CHECK(dlc_device_threads(dev) == threads[t]);
    entry_threads = threads[t];
    EXPECT_OK(dlc_model_create(&rows_info, dev, NULL, &m));
    if (!m)
      return rt_finish();

    test_mode = 1;
    EXPECT_OK(dlc_model_run(m, &in, 1, &out, 1));
    test_mode = 2;
    EXPECT_OK(dlc_model_run(m, &in, 1, &out, 1));
    test_mode = 0;
    for (j = 0; j < 20; ++j) {
      memset(y, 0, sizeof y);
      CHECK(dlc_model_run(m, &in, 1, &out, 1) == DLC_OK);
      for (i = 0; i < ROWS; ++i) {
        float want = 0.0f;
        int c;
        for (c = 0; c < COLS; ++c)
          want += 2.0f * x[i * COLS + c];
        if (y[i] != want) {
          printf("FAILED rows: y[%d] = %g, expected %g (threads %d)\n", i,
                 y[i], want, threads[t]);
          ++rt_failures;
          break;
        }
      }
    }
    dlc_model_destroy(m);
    dlc_device_destroy(dev);
  }
  CHECK(entry_ok);
  // CHECK-NOT: FAILED
  // CHECK: ALL PASSED
  return rt_finish();
}
